"""Operations on programmes that views, commands and tasks share: enrolment decisions,
the agenda's status round, attendance, work between gatherings, and the calendar."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from learning import phases
from learning.models import Cycle, User
from learning.services import queue_after_commit
from programmes.models import (
    AgendaItem,
    Attendance,
    BringHomeTask,
    Enrolment,
    Gathering,
    Programme,
    Submission,
    TeamMember,
)

if TYPE_CHECKING:
    from learning.models import Unit

E = Enrolment.Status
BRING_HOME_DAYS = 14


# Enrolment


@transaction.atomic
def enrol(*, programme: Programme, unit: Unit, actor: User, enrolment: Enrolment) -> Enrolment:
    """Save an application (or a direct enrolment) with the applying leader in the team."""
    if programme.enrolments.filter(unit=unit).exists():
        raise ValidationError(_("%(unit)s is already enrolled in this programme.") % {"unit": unit})
    enrolment.programme = programme
    enrolment.unit = unit
    enrolment.applied_by = actor
    enrolment.first_time = not unit.cycles.exists()
    enrolment.save()
    if unit.leaders().filter(pk=actor.pk).exists():
        TeamMember.objects.create(enrolment=enrolment, user=actor, role=TeamMember.Role.LEADER)
    return enrolment


def team_warnings(team: list[TeamMember]) -> list[str]:
    """What the team lacks that the method expects: a line leader and a tillitsvalgt."""
    roles = {member.role for member in team}
    warnings = []
    if TeamMember.Role.LEADER not in roles:
        warnings.append(_("The team has no line leader. The leader anchors the work in the unit."))
    if TeamMember.Role.UNION_REP not in roles:
        warnings.append(
            _("The team has no union representative (tillitsvalgt). Involve one from the start.")
        )
    return warnings


def cycle_owner_for(enrolment: Enrolment) -> User | None:
    """The team's line leader, or else the unit's own leader."""
    member = enrolment.team.filter(role=TeamMember.Role.LEADER, user__is_active=True).first()
    if member:
        return member.user
    return enrolment.unit.leaders().first()


@transaction.atomic
def decide(
    *,
    enrolment: Enrolment,
    actor: User,
    status: str,
    reason: str = "",
    cycle: Cycle | None = None,
) -> Enrolment:
    """Admit, waitlist or decline. An admitted unit's cycle is linked to the programme:
    the chosen existing cycle, or a new one started in phase 1."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if status not in (E.ADMITTED, E.WAITLISTED, E.DECLINED):
        raise ValidationError(_("Choose admit, waiting list or decline."))
    if enrolment.status not in (E.APPLIED, E.WAITLISTED):
        raise ValidationError(_("The unit has already been decided on."))
    if status != E.ADMITTED and not reason.strip():
        raise ValidationError(_("Give the unit a reason."))
    if status == E.ADMITTED and enrolment.cycle_id is None:
        if cycle is not None:
            if not linkable_cycles(enrolment).filter(pk=cycle.pk).exists():
                raise ValidationError(
                    _("Choose one of the unit's unfinished cycles that is in no other programme.")
                )
            enrolment.cycle = cycle
        else:
            owner = cycle_owner_for(enrolment)
            if owner is None:
                raise ValidationError(
                    _("The unit has no leader who can own its cycle. Add a leader first.")
                )
            enrolment.cycle = phases.start_cycle(
                unit=enrolment.unit,
                owner=owner,
                title=enrolment.programme.title[:150],
                start_date=timezone.localdate(),
                actor=actor,
            )
    enrolment.status = status
    enrolment.decision_reason = reason.strip()
    enrolment.decided_by = actor
    enrolment.decided_at = timezone.now()
    enrolment.save()
    return enrolment


def linkable_cycles(enrolment: Enrolment):
    """The unit's unfinished cycles that no programme holds yet."""
    return Cycle.objects.filter(
        unit=enrolment.unit,
        status__in=[Cycle.Status.ACTIVE, Cycle.Status.PAUSED],
        enrolment__isnull=True,
    )


# Gatherings


@transaction.atomic
def add_status_round(gathering: Gathering, starts_at: datetime.time, minutes: int) -> int:
    """A slot per invited unit, one after the other, from ``starts_at``."""
    start = datetime.datetime.combine(datetime.date(2000, 1, 1), starts_at)
    items = []
    for enrolment in gathering.invited().select_related("unit"):
        items.append(
            AgendaItem(
                gathering=gathering,
                kind=AgendaItem.Kind.STATUS_ROUND,
                title=_("Status: %(unit)s") % {"unit": enrolment.unit.name},
                starts_at=start.time(),
                minutes=minutes,
                responsible=enrolment.unit.name,
                enrolment=enrolment,
            )
        )
        start += datetime.timedelta(minutes=minutes)
    AgendaItem.objects.bulk_create(items)
    return len(items)


def expected_attendees(gathering: Gathering) -> list[Enrolment]:
    """The invited units, each with its team (``team_list``) and who came (``present``)."""
    enrolments = list(
        gathering.invited()
        .select_related("unit", "network")
        .prefetch_related("team__user")
        .order_by("network__name", "unit__name")
    )
    present: dict[int, dict[int, str]] = {}
    for attendance in Attendance.objects.filter(gathering=gathering):
        present.setdefault(attendance.enrolment_id, {})[attendance.user_id] = attendance.role
    for enrolment in enrolments:
        enrolment.team_list = list(enrolment.team.all())
        enrolment.present = present.get(enrolment.pk, {})
        enrolment.came = bool(enrolment.present)
        enrolment.came_without_leader = enrolment.came and (
            TeamMember.Role.LEADER not in enrolment.present.values()
        )
    return enrolments


@transaction.atomic
def register_attendance(
    gathering: Gathering, *, present: set[tuple[int, int, str]], actor: User
) -> None:
    """Replace the gathering's attendance with ``present``: (enrolment, person, role).

    A person ticked in two team roles counts once, as the line leader if that was one."""
    invited = set(gathering.invited().values_list("pk", flat=True))
    if {enrolment_id for enrolment_id, _person, _role in present} - invited:
        raise ValidationError(_("Only units invited to the gathering can be registered."))
    roles: dict[tuple[int, int], str] = {}
    for enrolment_id, user_id, role in sorted(present):
        if roles.get((enrolment_id, user_id)) != TeamMember.Role.LEADER:
            roles[(enrolment_id, user_id)] = role
    Attendance.objects.filter(gathering=gathering).delete()
    Attendance.objects.bulk_create(
        Attendance(
            gathering=gathering,
            enrolment_id=enrolment_id,
            user_id=user_id,
            role=role,
            registered_by=actor,
        )
        for (enrolment_id, user_id), role in roles.items()
    )


@transaction.atomic
def create_bring_home_tasks(
    gathering: Gathering, *, what: str, due_date: datetime.date | None = None
) -> int:
    """One "bring it home" task per invited unit that has none for this gathering yet."""
    due_date = due_date or timezone.localtime(gathering.ends_at).date() + datetime.timedelta(
        days=BRING_HOME_DAYS
    )
    have = set(gathering.bring_home_tasks.values_list("enrolment_id", flat=True))
    tasks = [
        BringHomeTask(
            gathering=gathering,
            enrolment=enrolment,
            what=what,
            responsible=cycle_owner_for(enrolment),
            due_date=due_date,
        )
        for enrolment in gathering.invited().select_related("unit").exclude(pk__in=have)
    ]
    BringHomeTask.objects.bulk_create(tasks)
    return len(tasks)


def confirm_bring_home(task: BringHomeTask, *, actor: User, note: str = "") -> None:
    task.confirmed_at = timezone.now()
    task.confirmed_by = actor
    task.confirmation_note = note.strip()
    task.save(update_fields=["confirmed_at", "confirmed_by", "confirmation_note"])


def invitees(gathering: Gathering):
    """The active team members of the units invited to the gathering."""
    return User.objects.filter(
        is_active=True, programme_teams__enrolment__in=gathering.invited()
    ).distinct()


def send_invitations(gathering: Gathering) -> int:
    """Email each invited team member the gathering with a calendar invitation (.ics)."""
    from programmes.tasks import send_gathering_invitation

    people = list(invitees(gathering).values_list("pk", flat=True))
    for pk in people:
        queue_after_commit(send_gathering_invitation, pk, gathering.pk)
    Gathering.objects.filter(pk=gathering.pk).update(invitations_sent_at=timezone.now())
    return len(people)


# Work between gatherings


def mark_seen(submission: Submission) -> None:
    if submission.seen_at is None:
        submission.seen_at = timezone.now()
        submission.save(update_fields=["seen_at"])


def give_feedback(submission: Submission, *, text: str, actor: User) -> None:
    if not text.strip():
        raise ValidationError(_("Write the feedback."))
    submission.feedback = text.strip()
    submission.feedback_by = actor
    submission.feedback_at = timezone.now()
    submission.seen_at = submission.seen_at or submission.feedback_at
    submission.save(update_fields=["feedback", "feedback_by", "feedback_at", "seen_at"])


def next_gatherings(unit_ids, limit: int = 3):
    """The coming gatherings the units are invited to (whole programme or their network)."""
    mine = Enrolment.objects.filter(
        programme=OuterRef("programme"), unit_id__in=unit_ids, status=E.ADMITTED
    )
    return (
        Gathering.objects.filter(ends_at__gte=timezone.now())
        .filter(
            Q(Exists(mine), network__isnull=True) | Exists(mine.filter(network=OuterRef("network")))
        )
        .select_related("programme")
        .order_by("starts_at")[:limit]
    )


# Calendar


def _event(gathering: Gathering) -> Event:
    event = Event()
    event.add("uid", f"{gathering.uid}@kollegalaering")
    event.add("sequence", gathering.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", gathering.starts_at)
    event.add("dtend", gathering.ends_at)
    event.add("summary", f"{gathering.title} ({gathering.programme.title})")
    location = ", ".join(part for part in (gathering.place, gathering.video_link) if part)
    if location:
        event.add("location", location)
    lines = [gathering.get_kind_display()]
    if gathering.description:
        lines += ["", gathering.description]
    if gathering.video_link:
        lines += ["", _("Video link:"), gathering.video_link]
    event.add("description", "\n".join(lines))
    event.add("url", settings.SITE_URL + reverse("gathering_detail", args=[gathering.pk]))
    return event


def calendar(gatherings, *, name: str) -> bytes:
    """An iCalendar file with the gatherings as events, in the active language."""
    cal = Calendar()
    cal.add("prodid", "-//Kollegalæring//NO")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for gathering in gatherings:
        cal.add_component(_event(gathering))
    return cal.to_ical()
