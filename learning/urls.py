from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from learning.forms import (
    EmailAuthenticationForm,
    QueuedPasswordResetForm,
    UnlockingSetPasswordForm,
)
from learning.views import (
    accessibility,
    cycles,
    organisation,
    phase_work,
    plan,
    practices,
    privacy,
    reflections,
    visits,
)

urlpatterns = [
    path("", organisation.home, name="home"),
    path("units/", organisation.unit_list, name="unit_list"),
    path("units/<int:pk>/", organisation.unit_detail, name="unit_detail"),
    path("profile/", organisation.profile, name="profile"),
    # Privacy: my data, deletion requests, the audit log
    path("profile/data.json", privacy.my_data_export, name="my_data_export"),
    path("profile/delete/", privacy.deletion_request_create, name="deletion_request_create"),
    path("privacy/deletion-requests/", privacy.deletion_requests, name="deletion_requests"),
    path(
        "privacy/deletion-requests/<int:pk>/",
        privacy.deletion_request_detail,
        name="deletion_request_detail",
    ),
    path(
        "privacy/deletion-requests/<int:pk>/delete/",
        privacy.deletion_request_execute,
        name="deletion_request_execute",
    ),
    path("audit/", privacy.audit_log, name="audit_log"),
    path("language/", organisation.set_language, name="set_language"),
    path("accessibility/", accessibility.statement, name="accessibility_statement"),
    # The cycle
    path("cycles/", cycles.dashboard, name="cycle_dashboard"),
    path("units/<int:unit_pk>/cycles/new/", cycles.cycle_start, name="cycle_start"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/settings/", cycles.cycle_settings, name="cycle_settings"),
    path("cycles/<int:pk>/advance/", cycles.cycle_advance, name="cycle_advance"),
    path("cycles/<int:pk>/reopen/", cycles.cycle_reopen, name="cycle_reopen"),
    path("cycles/<int:pk>/status/", cycles.cycle_status, name="cycle_status"),
    path("cycles/<int:pk>/owner/", cycles.cycle_owner, name="cycle_owner"),
    path("cycles/<int:pk>/ideas/new/", cycles.idea_create, name="idea_create"),
    path("ideas/<int:pk>/vote/", cycles.idea_vote, name="idea_vote"),
    path("cycles/<int:pk>/agreement/", cycles.need_agreement, name="need_agreement"),
    path(
        "cycles/<int:pk>/learning-points/<int:point_pk>/goals/",
        cycles.goal_create,
        name="goal_create",
    ),
    path("cycles/<int:pk>/goals/<int:goal_pk>/delete/", cycles.goal_delete, name="goal_delete"),
    # The work of each phase
    path("cycles/<int:pk>/phases/<int:phase>/", phase_work.phase_detail, name="phase_detail"),
    path("cycles/<int:pk>/statement/", phase_work.statement, name="statement"),
    path("cycles/<int:pk>/participation/", phase_work.participation, name="participation"),
    path("cycles/<int:pk>/meetings/", phase_work.meeting_create, name="meeting_create"),
    path(
        "cycles/<int:pk>/meetings/<int:meeting_pk>/delete/",
        phase_work.meeting_delete,
        name="meeting_delete",
    ),
    path(
        "cycles/<int:pk>/representatives/",
        phase_work.representative_create,
        name="representative_create",
    ),
    path(
        "cycles/<int:pk>/representatives/<int:involvement_pk>/delete/",
        phase_work.representative_delete,
        name="representative_delete",
    ),
    path("ideas/<int:pk>/answer/", phase_work.idea_answer, name="idea_answer"),
    path("cycles/<int:pk>/need/", phase_work.need_choose, name="need_choose"),
    path("cycles/<int:pk>/focus-question/", phase_work.focus_question, name="focus_question"),
    path(
        "cycles/<int:pk>/learning-points/",
        phase_work.learning_point_create,
        name="learning_point_create",
    ),
    path(
        "cycles/<int:pk>/learning-points/<int:point_pk>/edit/",
        phase_work.learning_point_edit,
        name="learning_point_edit",
    ),
    path(
        "cycles/<int:pk>/learning-points/<int:point_pk>/delete/",
        phase_work.learning_point_delete,
        name="learning_point_delete",
    ),
    # Phase 4: best practice and the host
    path("cycles/<int:pk>/sources/", phase_work.source_create, name="source_create"),
    path(
        "cycles/<int:pk>/sources/<int:source_pk>/delete/",
        phase_work.source_delete,
        name="source_delete",
    ),
    path("cycles/<int:pk>/host/", phase_work.host_choose, name="host_choose"),
    # Phase 6: sharing and implementation at home
    path(
        "cycles/<int:pk>/sharing-sessions/",
        phase_work.sharing_session_create,
        name="sharing_session_create",
    ),
    path("cycles/<int:pk>/conclusions/", phase_work.conclusion_create, name="conclusion_create"),
    path(
        "cycles/<int:pk>/practice-log/", phase_work.practice_log_create, name="practice_log_create"
    ),
    path(
        "cycles/<int:pk>/learning-points/<int:point_pk>/decision/",
        phase_work.decision_save,
        name="decision_save",
    ),
    # Phase 5: visits, seen from both sides
    path("cycles/<int:pk>/visits/new/", visits.visit_request, name="visit_request"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/answer/", visits.visit_answer, name="visit_answer"),
    path("visits/<int:pk>/accept-time/", visits.visit_accept_time, name="visit_accept_time"),
    path("visits/<int:pk>/cancel/", visits.visit_cancel, name="visit_cancel"),
    path("visits/<int:pk>/calendar.ics", visits.visit_calendar, name="visit_calendar"),
    path("visits/<int:pk>/notes/", visits.note_create, name="note_create"),
    path("visits/<int:pk>/reflection/", visits.reflection_create, name="reflection_create"),
    path("visits/<int:pk>/feedback/", visits.feedback_save, name="feedback_save"),
    path(
        "visits/<int:pk>/feedback/acknowledge/",
        visits.feedback_acknowledge,
        name="feedback_acknowledge",
    ),
    path("units/<int:pk>/visits/", visits.host_visits, name="host_visits"),
    # Reflections
    path("reflections/", reflections.my_reflections, name="my_reflections"),
    path("reflections/export.json", reflections.my_reflections_json, name="my_reflections_json"),
    path("reflections/export.pdf", reflections.my_reflections_pdf, name="my_reflections_pdf"),
    path("cycles/<int:pk>/reflections/new/", reflections.reflection_new, name="reflection_new"),
    path(
        "cycles/<int:pk>/reflections/autosave/",
        reflections.reflection_autosave,
        name="reflection_autosave",
    ),
    path("cycles/<int:pk>/reflections/", reflections.reflection_board, name="reflection_board"),
    path("reflections/<int:pk>/edit/", reflections.reflection_edit, name="reflection_edit"),
    path(
        "reflections/<int:pk>/visibility/",
        reflections.reflection_visibility,
        name="reflection_visibility",
    ),
    path("reflections/<int:pk>/delete/", reflections.reflection_delete, name="reflection_delete"),
    path("reflections/<int:pk>/pin/", reflections.reflection_pin, name="reflection_pin"),
    # The practice register
    path("practices/", practices.practice_list, name="practice_list"),
    path("practices/<int:pk>/", practices.practice_detail, name="practice_detail"),
    path("units/<int:unit_pk>/practices/new/", practices.practice_create, name="practice_create"),
    path("practices/<int:pk>/edit/", practices.practice_edit, name="practice_edit"),
    path("practices/<int:pk>/attachments/", practices.attachment_create, name="attachment_create"),
    path("attachments/<int:pk>/", practices.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", practices.attachment_delete, name="attachment_delete"),
    # The implementation plan
    path("cycles/<int:pk>/plan/", plan.plan, name="plan"),
    path("cycles/<int:pk>/tasks/", plan.task_create, name="task_create"),
    path("tasks/<int:pk>/", plan.task_item, name="task_item"),
    path("tasks/<int:pk>/edit/", plan.task_edit, name="task_edit"),
    path("tasks/<int:pk>/status/", plan.task_status, name="task_status"),
    path("cycles/<int:pk>/obstacles/", plan.obstacle_create, name="obstacle_create"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=QueuedPasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=UnlockingSetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done")),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
