"""Personal data: a person's export of everything about them, their request to be deleted,
deleting (forgetting) a person, and the retention of private reflections.

Forgetting keeps the unit's shared history: shared reflections, ideas, notes, feedback and
cycles stay, and the person's name on them becomes "Former employee". What only the person
could see (private reflections and drafts, personal learning goals, notifications) is deleted.
Anonymous survey answers were never linked to the person and are not touched.
"""

from __future__ import annotations

import calendar
import datetime
from typing import TYPE_CHECKING

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from learning import audit
from learning.models import (
    AuditEvent,
    Cycle,
    CycleEvent,
    Idea,
    IdeaVote,
    IntroductionMeeting,
    Membership,
    MunicipalityRole,
    NeedAgreement,
    ObservationNote,
    PersonalGoal,
    PhasePlan,
    Practice,
    Reflection,
    SharingSession,
    Task,
    User,
    Visit,
    VisitFeedback,
    VisitReflection,
)
from learning.permissions import HR, get_access

if TYPE_CHECKING:
    from django.http import HttpRequest

# The export


def _when(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _reflections(person: User) -> list[dict]:
    reflections = Reflection.objects.filter(author=person).select_related(
        "cycle__unit", "learning_point", "visit__host_unit"
    )
    return [
        {
            "written": _when(r.created_at),
            "changed": _when(r.updated_at),
            "cycle": r.cycle.title,
            "unit": r.cycle.unit.name,
            "phase": r.phase,
            "learning_point": r.learning_point.title if r.learning_point else None,
            "visit": r.visit.host_name if r.visit else None,
            "visibility": r.get_visibility_display(),
            "draft": r.is_draft,
            "pinned": r.is_pinned,
            "answers": r.filled_answers,
            "in_my_own_words": r.free_text,
        }
        for r in reflections
    ]


def _learning(person: User) -> dict:
    cycle_of = "cycle__title"
    return {
        "cycles_owned": list(
            Cycle.objects.filter(owner=person).values("title", "unit__name", "status", "start_date")
        ),
        "cycles_supported": list(
            Cycle.objects.filter(supporters=person).values("title", "unit__name")
        ),
        "cycle_events": [
            {"cycle": e.cycle.title, "what": e.get_kind_display(), "when": _when(e.created_at)}
            for e in CycleEvent.objects.filter(actor=person).select_related("cycle")
        ],
        "phase_plans_responsible": list(
            PhasePlan.objects.filter(responsible=person).values(cycle_of, "phase", "due_date")
        ),
        "ideas": [
            {
                "cycle": idea.cycle.title,
                "text": idea.text,
                "raised": _when(idea.created_at),
                "answer": idea.get_response_display(),
                "reply": idea.reply,
            }
            for idea in Idea.objects.filter(author=person).select_related("cycle")
        ],
        "idea_votes": [
            {"cycle": vote.idea.cycle.title, "idea": vote.idea.text, "when": _when(vote.created_at)}
            for vote in IdeaVote.objects.filter(user=person).select_related("idea__cycle")
        ],
        "need_agreements": list(
            NeedAgreement.objects.filter(user=person).values(cycle_of, "agrees")
        ),
        "personal_goals": list(
            PersonalGoal.objects.filter(user=person).values(
                "text", "learning_point__title", "learning_point__cycle__title"
            )
        ),
        "introduction_meetings_attended": list(
            IntroductionMeeting.objects.filter(attendees=person).values(cycle_of, "held_on")
        ),
        "sharing_sessions_attended": list(
            SharingSession.objects.filter(attendees=person).values(cycle_of, "held_on")
        ),
        "tasks_responsible": list(
            Task.objects.filter(responsible=person).values(
                cycle_of, "description", "status", "due_date"
            )
        ),
        "practices": list(
            Practice.objects.filter(Q(contact=person) | Q(created_by=person)).values(
                "title", "unit__name"
            )
        ),
    }


def _visits(person: User) -> dict:
    def visits(**person_as) -> list[dict]:
        return [
            {"from": v.cycle.unit.name, "host": v.host_name, "starts": _when(v.starts_at)}
            for v in Visit.objects.filter(**person_as).select_related("cycle__unit", "host_unit")
        ]

    return {
        "visits_observed": visits(observers=person),
        "visits_requested": visits(requested_by=person),
        "visits_as_host_contact": visits(host_contact=person),
        "observation_notes": [
            {"visit_host": n.visit.host_name, "text": n.text, "written": _when(n.created_at)}
            for n in ObservationNote.objects.filter(author=person).select_related(
                "visit__host_unit"
            )
        ],
        "reflections_after_visits": [
            {
                "visit_host": r.visit.host_name,
                "observed": r.observed,
                "take_home": r.take_home,
                "written": _when(r.created_at),
            }
            for r in VisitReflection.objects.filter(author=person).select_related(
                "visit__host_unit"
            )
        ],
        "feedback_written": [
            {"visit_host": f.visit.host_name, "works": f.works, "learned": f.learned}
            for f in VisitFeedback.objects.filter(written_by=person).select_related(
                "visit__host_unit"
            )
        ],
    }


def _programmes(person: User) -> dict:
    from programmes.models import (
        Attendance,
        BringHomeTask,
        Notification,
        NotificationPreference,
        Programme,
        StatusReport,
        Submission,
        TeamMember,
    )
    from programmes.reminders import RULES

    return {
        "programmes_coordinated": list(
            Programme.objects.filter(coordinators=person).values_list("title", flat=True)
        ),
        "programme_teams": [
            {"programme": t.enrolment.programme.title, "role": t.get_role_display()}
            for t in TeamMember.objects.filter(user=person).select_related("enrolment__programme")
        ],
        "gatherings_attended": list(
            Attendance.objects.filter(user=person).values("gathering__title", "role")
        ),
        "submissions": list(
            Submission.objects.filter(submitted_by=person).values("assignment__title", "text")
        ),
        "status_reports": list(
            StatusReport.objects.filter(author=person).values(
                "what_we_did", "where_we_are", "what_we_need"
            )
        ),
        "bring_home_tasks": list(
            BringHomeTask.objects.filter(responsible=person).values("what", "due_date")
        ),
        "notifications": [
            {
                "text": str(RULES[n.kind].text(n.params)) if n.kind in RULES else n.kind,
                "created": _when(n.created_at),
                "status": n.get_status_display(),
                "read": _when(n.read_at),
            }
            for n in Notification.objects.filter(recipient=person)
        ],
        "notification_settings": [
            {"kind": p.get_kind_display(), "delivery": p.get_delivery_display()}
            for p in NotificationPreference.objects.filter(user=person)
        ],
    }


def _surveys(person: User) -> dict:
    """Whom a survey asked and whether they answered; answers only where the survey was
    not anonymous (anonymous answers are not linked to anyone and cannot be found)."""
    from evaluation.models import Answer, Respondent

    named = Answer.objects.filter(response__respondent__user=person).select_related(
        "question", "response__survey"
    )
    return {
        "surveys_asked": [
            {"survey": r.survey.title, "answered": r.has_answered}
            for r in Respondent.objects.filter(user=person).select_related("survey")
        ],
        "named_survey_answers": [
            {
                "survey": a.response.survey.title,
                "question": a.question.text,
                "number": a.number,
                "choices": a.choices,
                "text": a.text,
            }
            for a in named
        ],
    }


def personal_data(person: User) -> dict:
    """Everything the service holds about ``person``, for them to keep (GDPR art. 15 and 20)."""
    data = {
        "exported": _when(timezone.now()),
        "person": {
            "full_name": person.full_name,
            "email": person.email,
            "language": person.language,
            "municipality": person.municipality.name if person.municipality else None,
            "joined": _when(person.date_joined),
            "last_login": _when(person.last_login),
            "asked_for_deletion": _when(person.deletion_requested_at),
        },
        "unit_roles": [
            {"unit": m.unit.name, "role": m.get_role_display(), "since": _when(m.created_at)}
            for m in Membership.objects.filter(user=person).select_related("unit")
        ],
        "municipality_roles": [
            {"municipality": r.municipality.name, "role": r.get_role_display()}
            for r in MunicipalityRole.objects.filter(user=person).select_related("municipality")
        ],
        "reflections": _reflections(person),
        **_learning(person),
        **_visits(person),
        **_programmes(person),
        **_surveys(person),
        "my_actions_in_the_audit_log": [
            {
                "when": _when(e.created_at),
                "action": e.get_action_display(),
                "ip_address": e.ip_address,
            }
            for e in AuditEvent.objects.filter(actor=person)
        ],
    }
    return data


# Asking to be deleted


def hr_coordinators(person: User) -> list[User]:
    if not person.municipality_id:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            municipality_roles__municipality_id=person.municipality_id,
            municipality_roles__role=MunicipalityRole.Role.HR_COORDINATOR,
        ).distinct()
    )


@transaction.atomic
def request_deletion(request: HttpRequest, person: User) -> bool:
    """Note the request, log it, and email the municipality's HR coordinators.
    Returns False when the person had already asked."""
    from learning.services import send_email_to_user

    updated = User.objects.filter(pk=person.pk, deletion_requested_at__isnull=True).update(
        deletion_requested_at=timezone.now()
    )
    if not updated:
        return False
    person.refresh_from_db(fields=["deletion_requested_at"])
    audit.record(request, AuditEvent.Action.DELETION_REQUESTED, person)
    for coordinator in hr_coordinators(person):
        send_email_to_user(
            coordinator,
            subject_template="learning/email/deletion_requested_subject.txt",
            body_template="learning/email/deletion_requested.txt",
            context={"person_name": person.full_name, "path": reverse("deletion_requests")},
        )
    return True


# Forgetting a person


def may_forget(actor: User, person: User) -> bool:
    """Superusers may forget anyone but themselves; an HR coordinator, the people of their
    municipality who asked for it (never a superuser, never themselves)."""
    if actor.pk == person.pk or person.forgotten_at:
        return False
    if actor.is_superuser:
        return True
    return (
        not person.is_superuser
        and person.deletion_requested_at is not None
        and person.municipality_id in get_access(actor).municipality_ids_with(HR)
    )


def former_employee_name(person: User) -> str:
    """The words "Former employee" in the written standard of the person's municipality,
    stored as the name so every page, export and PDF shows them without knowing about
    forgetting."""
    language = person.municipality.language_form if person.municipality else settings.LANGUAGE_CODE
    with translation.override(language):
        return _("Former employee")


@transaction.atomic
def forget_person(person: User, actor: User, request: HttpRequest | None = None) -> None:
    """Delete what only the person could see and take their name off what stays."""
    from evaluation.models import Respondent, Response
    from programmes.models import Notification, NotificationPreference, Programme

    person = (
        User.objects.select_for_update(of=("self",))
        .select_related("municipality")
        .get(pk=person.pk)
    )
    if not may_forget(actor, person):
        raise PermissionDenied
    if person.forgotten_at:
        raise ValidationError(_("This person is already deleted."))

    # What only the person could see.
    Reflection.objects.filter(author=person).unshared().delete()
    PersonalGoal.objects.filter(user=person).delete()
    Notification.objects.filter(recipient=person).delete()
    NotificationPreference.objects.filter(user=person).delete()
    # Named survey answers stay in the results, no longer linked to the person.
    Response.objects.filter(respondent__user=person).update(respondent=None, submitted_at=None)
    Respondent.objects.filter(user=person).delete()

    # Roles and contact duties.
    Membership.objects.filter(user=person).delete()
    MunicipalityRole.objects.filter(user=person).delete()
    for programme in Programme.objects.filter(coordinators=person):
        programme.coordinators.remove(person)
    Practice.objects.filter(contact=person).update(contact=None)
    Visit.objects.filter(
        host_contact=person, status__in=[Visit.Status.REQUESTED, Visit.Status.HOST_PROPOSED]
    ).update(host_contact=None)
    person.groups.clear()
    person.user_permissions.clear()
    _forget_login_attempts(person.email)

    person.full_name = former_employee_name(person)
    person.email = f"former-{person.pk}@deleted.invalid"
    person.set_unusable_password()
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.language = ""
    person.last_login = None
    person.forgotten_at = timezone.now()
    person.save()
    audit.record(
        request,
        AuditEvent.Action.PERSON_DELETED,
        person,
        municipality=person.municipality_id,
        actor=actor,
    )


def _forget_login_attempts(email: str) -> None:
    """django-axes keeps failed logins under the email address; they go too."""
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=email).delete()


# Retention of private reflections


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def expired_private_reflections(today: datetime.date, months: int | None = None):
    """Private reflections and drafts of cycles that ended (completed, or ended early) more
    than ``months`` months before ``today``.

    A cycle ended when its latest "completed" or "ended early" event was written (a cycle
    reopened since then is running again and keeps its reflections); a finished cycle with
    no such event counts from its last change. Every reflection belongs to a cycle, so
    there are no reflections without one to decide about.
    """
    months = settings.PRIVATE_REFLECTION_RETENTION_MONTHS if months is None else months
    cutoff = timezone.make_aware(
        datetime.datetime.combine(months_before(today, months), datetime.time.min)
    )
    ended_at = (
        CycleEvent.objects.filter(
            cycle=OuterRef("cycle"),
            kind__in=[CycleEvent.Kind.COMPLETED, CycleEvent.Kind.ENDED],
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return (
        Reflection.objects.unshared()
        .filter(cycle__status__in=[Cycle.Status.COMPLETED, Cycle.Status.ENDED])
        .annotate(cycle_ended_at=Coalesce(Subquery(ended_at), F("cycle__updated_at")))
        .filter(cycle_ended_at__lt=cutoff)
    )


def delete_expired_private_reflections(today: datetime.date | None = None) -> int:
    """Delete the private reflections kept longer than the retention period; returns how many."""
    today = today or timezone.localdate()
    ids = list(expired_private_reflections(today).values_list("pk", flat=True))
    if not ids:
        return 0
    _total, per_model = Reflection.objects.filter(pk__in=ids).delete()
    return per_model.get(Reflection._meta.label, 0)
