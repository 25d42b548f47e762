"""The visit workflow between an observing unit and its host, and the visit's calendar file.

requested ──host accepts──────────────▶ confirmed ──(the visit starts)──▶ held
    │  └──host proposes another time──▶ host_proposed ──observers accept──▶ confirmed
    └──host declines──▶ declined         (the observing side may cancel until it is held)

Feedback can be sent only once the visit has been held; the host acknowledges it.
Each change tells the other side through the outbox (programmes/outbox.py): in the app,
and by email in the recipient's language.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from learning.models import Membership, Visit, VisitFeedback

if TYPE_CHECKING:
    from learning.models import Cycle, Practice, Unit, User

S = Visit.Status


def _host_people(visit: Visit) -> list[User]:
    """Who answers for the host: the contact person, or else the host unit's leaders."""
    if visit.host_contact_id:
        return [visit.host_contact]
    if visit.host_unit_id is None:
        return []
    return [
        m.user
        for m in Membership.objects.filter(
            unit=visit.host_unit, role=Membership.Role.LEADER, user__is_active=True
        ).select_related("user")
    ]


def _notify(people, event: str, visit: Visit) -> None:
    """Tell each person about the change, through the outbox (learning/email/<event>.txt)."""
    from programmes import outbox
    from programmes.models import Kind

    outbox.notify(
        people,
        Kind.VISIT_UPDATE,
        object_id=visit.pk,
        occasion=f"{event}-{visit.sequence}",
        params={
            "event": event,
            "unit": visit.cycle.unit.name,
            "host": visit.host_name,
            "date": visit.visit_date.isoformat(),
        },
        url=reverse("visit_detail", args=[visit.pk]),
    )


def _locked(visit: Visit) -> Visit:
    return (
        Visit.objects.select_for_update(of=("self",))
        .select_related("cycle__unit", "host_unit", "host_contact", "requested_by")
        .get(pk=visit.pk)
    )


@transaction.atomic
def request_visit(
    *,
    cycle: Cycle,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    observers,
    purpose: str,
    actor: User,
    host_unit: Unit | None = None,
    host_external: str = "",
    practice: Practice | None = None,
) -> Visit:
    """Ask the host for a visit. A visit to an external host is arranged outside the app,
    so it is recorded as confirmed straight away."""
    if host_unit is not None and host_unit.pk == cycle.unit_id:
        raise ValidationError(_("A unit cannot visit itself. Choose another host."))
    contact = practice.contact if practice is not None and practice.contact_id else None
    visit = Visit(
        cycle=cycle,
        host_unit=host_unit,
        host_external="" if host_unit else host_external.strip(),
        practice=practice,
        host_contact=contact,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        requested_by=actor,
        status=S.REQUESTED if host_unit else S.CONFIRMED,
    )
    visit.full_clean()
    visit.save()
    visit.observers.set(observers)
    if host_unit is not None:
        _notify(_host_people(visit), "visit_requested", visit)
    return visit


@transaction.atomic
def accept(visit: Visit, *, actor: User, message: str = "") -> Visit:
    visit = _locked(visit)
    if visit.status != S.REQUESTED:
        raise ValidationError(_("Only a request waiting for an answer can be accepted."))
    visit.status = S.CONFIRMED
    visit.host_message = message.strip()
    return _answered(visit, actor, "visit_confirmed")


@transaction.atomic
def decline(visit: Visit, *, actor: User, reason: str) -> Visit:
    visit = _locked(visit)
    if visit.status != S.REQUESTED:
        raise ValidationError(_("Only a request waiting for an answer can be declined."))
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the unit why, so it can look elsewhere.")})
    visit.status = S.DECLINED
    visit.decline_reason = reason.strip()
    return _answered(visit, actor, "visit_declined")


@transaction.atomic
def propose_time(
    visit: Visit,
    *,
    actor: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    message: str = "",
) -> Visit:
    """The host suggests another time; the observing unit accepts it or cancels."""
    visit = _locked(visit)
    if visit.status != S.REQUESTED:
        raise ValidationError(_("Only a request waiting for an answer can get a new time."))
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The visit must end after it starts.")})
    visit.status = S.HOST_PROPOSED
    visit.starts_at, visit.ends_at = starts_at, ends_at
    visit.host_message = message.strip()
    visit.sequence += 1
    return _answered(visit, actor, "visit_new_time")


def _answered(visit: Visit, actor: User, template: str) -> Visit:
    visit.responded_by = actor
    visit.responded_at = timezone.now()
    visit.save()
    _notify([visit.requested_by], template, visit)
    return visit


@transaction.atomic
def accept_proposed_time(visit: Visit, *, actor: User) -> Visit:
    visit = _locked(visit)
    if visit.status != S.HOST_PROPOSED:
        raise ValidationError(_("The host has not proposed another time."))
    visit.status = S.CONFIRMED
    visit.save(update_fields=["status"])
    _notify(_host_people(visit), "visit_confirmed_by_observers", visit)
    return visit


@transaction.atomic
def cancel(visit: Visit, *, actor: User) -> Visit:
    visit = _locked(visit)
    if visit.status in (S.DECLINED, S.CANCELLED) or visit.is_held:
        raise ValidationError(_("This visit can no longer be cancelled."))
    visit.status = S.CANCELLED
    visit.sequence += 1
    visit.save(update_fields=["status", "sequence"])
    if visit.host_unit_id:
        _notify(_host_people(visit), "visit_cancelled", visit)
    return visit


@transaction.atomic
def send_feedback(feedback: VisitFeedback, *, actor: User) -> VisitFeedback:
    """Send saved feedback to the host. Only after the visit has been held, and only once."""
    visit = _locked(feedback.visit)
    if not visit.is_held:
        raise ValidationError(_("Feedback can be sent once the visit has taken place."))
    feedback = VisitFeedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.sent_at:
        raise ValidationError(_("The feedback is already sent."))
    feedback.sent_at = timezone.now()
    feedback.save(update_fields=["sent_at"])
    _notify(_host_people(visit), "feedback_sent", visit)
    return feedback


@transaction.atomic
def acknowledge_feedback(feedback: VisitFeedback, *, actor: User, reply: str = "") -> None:
    feedback = VisitFeedback.objects.select_for_update().select_related("visit").get(pk=feedback.pk)
    if not feedback.sent_at:
        raise ValidationError(_("The feedback has not been sent yet."))
    if feedback.acknowledged_at:
        raise ValidationError(_("The feedback is already acknowledged."))
    feedback.acknowledged_by = actor
    feedback.acknowledged_at = timezone.now()
    feedback.host_reply = reply.strip()
    feedback.save(update_fields=["acknowledged_by", "acknowledged_at", "host_reply"])
    _notify([feedback.written_by], "feedback_acknowledged", feedback.visit)


def calendar_file(visit: Visit, learning_points) -> bytes:
    """An iCalendar (.ics) invitation for a confirmed visit, in the active language."""
    cycle = visit.cycle
    lines = [visit.purpose]
    if cycle.focus_question:
        lines += ["", _("Focus question:"), cycle.focus_question]
    if learning_points:
        lines += ["", _("Learning points:")] + [f"- {point.title}" for point in learning_points]
    event = Event()
    event.add("uid", f"{visit.uid}@kollegalaering")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", visit.starts_at)
    event.add("dtend", visit.ends_at)
    event.add("sequence", visit.sequence)
    event.add(
        "summary",
        _("Observation visit: %(observer)s visits %(host)s")
        % {"observer": cycle.unit.name, "host": visit.host_name},
    )
    event.add("location", visit.host_name)
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if visit.status == S.CANCELLED else "CONFIRMED")
    calendar = Calendar()
    calendar.add("prodid", "-//Kollegalæring//Visits//NO")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical()
