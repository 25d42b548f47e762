from __future__ import annotations

from django.urls import path

from programmes.views import enrolments, gatherings, notifications, programmes

urlpatterns = [
    # Programmes
    path("programmes/", programmes.programme_list, name="programme_list"),
    path("programmes/new/", programmes.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", programmes.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", programmes.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/overview/", programmes.programme_overview, name="programme_overview"),
    path(
        "programmes/<int:pk>/export.xlsx",
        programmes.programme_export,
        {"fmt": "xlsx"},
        name="programme_export_xlsx",
    ),
    path(
        "programmes/<int:pk>/export/<slug:sheet>.csv",
        programmes.programme_export,
        {"fmt": "csv"},
        name="programme_export_csv",
    ),
    path("programmes/calendar/<uuid:token>.ics", programmes.calendar_feed, name="calendar_feed"),
    path(
        "networks/calendar/<uuid:token>.ics",
        programmes.network_calendar_feed,
        name="network_calendar_feed",
    ),
    path("programmes/<int:pk>/networks/", programmes.networks, name="networks"),
    path("programmes/<int:pk>/apply/", programmes.programme_apply, name="programme_apply"),
    path("programmes/<int:pk>/enrol/", programmes.programme_enrol, name="programme_enrol"),
    # A unit in a programme
    path("enrolments/<int:pk>/", enrolments.enrolment_detail, name="enrolment_detail"),
    path("enrolments/<int:pk>/decide/", enrolments.enrolment_decide, name="enrolment_decide"),
    path("enrolments/<int:pk>/network/", programmes.enrolment_network, name="enrolment_network"),
    path("enrolments/<int:pk>/team/", enrolments.team_add, name="team_add"),
    path(
        "enrolments/<int:pk>/team/<int:member_pk>/remove/",
        enrolments.team_remove,
        name="team_remove",
    ),
    path(
        "enrolments/<int:pk>/status-reports/",
        enrolments.status_report_create,
        name="status_report_create",
    ),
    path(
        "enrolments/<int:pk>/assignments/<int:assignment_pk>/",
        enrolments.submission_edit,
        name="submission_edit",
    ),
    path("submissions/<int:pk>/", enrolments.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/file/", enrolments.submission_file, name="submission_file"),
    path("bring-home/<int:pk>/", enrolments.bring_home_edit, name="bring_home_edit"),
    path("bring-home/<int:pk>/confirm/", enrolments.bring_home_confirm, name="bring_home_confirm"),
    # Gatherings
    path(
        "programmes/<int:pk>/gatherings/new/", gatherings.gathering_create, name="gathering_create"
    ),
    path("gatherings/<int:pk>/", gatherings.gathering_detail, name="gathering_detail"),
    path("gatherings/<int:pk>/edit/", gatherings.gathering_edit, name="gathering_edit"),
    path("gatherings/<int:pk>/agenda/", gatherings.agenda_add, name="agenda_add"),
    path("gatherings/<int:pk>/status-round/", gatherings.status_round_add, name="status_round_add"),
    path("agenda/<int:pk>/delete/", gatherings.agenda_delete, name="agenda_delete"),
    path("gatherings/<int:pk>/materials/", gatherings.material_add, name="material_add"),
    path("materials/<int:pk>/", gatherings.material_download, name="material_download"),
    path("materials/<int:pk>/delete/", gatherings.material_delete, name="material_delete"),
    path(
        "gatherings/<int:pk>/calendar.ics", gatherings.gathering_calendar, name="gathering_calendar"
    ),
    path("gatherings/<int:pk>/invite/", gatherings.gathering_invite, name="gathering_invite"),
    path("gatherings/<int:pk>/attendance/", gatherings.attendance, name="attendance"),
    path("gatherings/<int:pk>/bring-home/", gatherings.bring_home_create, name="bring_home_create"),
    # Work between gatherings
    path(
        "programmes/<int:pk>/assignments/new/",
        gatherings.assignment_create,
        name="assignment_create",
    ),
    path("assignments/<int:pk>/", gatherings.assignment_detail, name="assignment_detail"),
    # Notifications and reminders
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/read/", notifications.notification_read_all, name="notification_read_all"),
    path(
        "notifications/settings/", notifications.notification_settings, name="notification_settings"
    ),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path(
        "notifications/<int:pk>/retry/", notifications.notification_retry, name="notification_retry"
    ),
    path("municipalities/<int:pk>/reminders/", notifications.reminder_rules, name="reminder_rules"),
    path(
        "municipalities/<int:pk>/quiet-periods/",
        notifications.quiet_period_add,
        name="quiet_period_add",
    ),
    path(
        "quiet-periods/<int:pk>/delete/",
        notifications.quiet_period_delete,
        name="quiet_period_delete",
    ),
]
