"""The phase engine: what each phase needs, and every operation that moves a cycle.

A phase is complete when its work exists (``REQUIREMENTS``), never because
someone ticked it. The leader moves the cycle on when the current phase is
complete, or with a written reason when something is missing (an override);
an earlier phase can be reopened with a reason. Each of these, and every
status or owner change, is written to the cycle's timeline (``CycleEvent``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from learning.models import (
    PHASE_DESCRIPTIONS,
    Cycle,
    CycleEvent,
    Idea,
    NeedAgreement,
    Phase,
    PhasePlan,
    Task,
)

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from learning.models import Unit, User


@dataclass(frozen=True)
class Requirement:
    label: Promise
    is_met: Callable[[Cycle], bool]


# Cycles passed to these rules come from ``Cycle.objects.with_progress()``.
REQUIREMENTS: dict[int, list[Requirement]] = {
    Phase.ANCHORING: [
        Requirement(
            _("The leader's what, why and how"),
            lambda c: bool(c.what.strip() and c.why.strip() and c.how.strip()),
        ),
        Requirement(
            _("The participation decision: when, and how staff were involved"),
            lambda c: bool(c.participation_decided_on and c.participation_how.strip()),
        ),
        Requirement(
            _("At least one meeting introducing staff to the method"),
            lambda c: c.introduction_meeting_count > 0,
        ),
    ],
    Phase.NEEDS: [
        Requirement(_("A chosen learning need"), lambda c: bool(c.learning_need.strip())),
    ],
    Phase.LEARNING_POINTS: [
        Requirement(_("A focus question"), lambda c: bool(c.focus_question.strip())),
        Requirement(_("At least one learning point"), lambda c: c.learning_point_count > 0),
    ],
    Phase.BEST_PRACTICE: [
        Requirement(
            _("A chosen host that shares its practice"),
            lambda c: bool(c.host_unit_id or c.host_external.strip()),
        ),
    ],
    Phase.OBSERVATION: [
        Requirement(_("A visit that has taken place"), lambda c: c.held_visit_count > 0),
        Requirement(_("Observation notes from the visit"), lambda c: c.observation_note_count > 0),
        Requirement(_("Feedback sent to the host"), lambda c: c.sent_feedback_count > 0),
    ],
    Phase.IMPLEMENTATION: [
        Requirement(
            _("At least one sharing session in the unit"), lambda c: c.sharing_session_count > 0
        ),
        Requirement(
            _("A decision for each learning point: adopt, adjust or drop"),
            lambda c: c.learning_point_count > 0 and c.undecided_point_count == 0,
        ),
    ],
    Phase.EVALUATION: [
        Requirement(_("Answers to the evaluation questions"), lambda c: c.evaluation_answered),
        Requirement(_("A decision on how to go on"), lambda c: c.evaluation_decided),
    ],
}

# Weeks each phase runs by default, for the target dates set when a cycle starts.
DEFAULT_PHASE_WEEKS = {1: 4, 2: 3, 3: 3, 4: 3, 5: 4, 6: 6, 7: 3}

# The implementation plan every new cycle starts with; the leader edits it freely.
PLAN_TEMPLATE: dict[int, list[Promise]] = {
    Phase.ANCHORING: [
        _("Write the what, why and how, and link them to the unit's plans"),
        _("Introduce kollegalæring to all staff at a staff meeting"),
        _("Name supporters in the unit"),
        _("Involve the union and safety representatives"),
        _("Decide together with staff to take part"),
    ],
    Phase.NEEDS: [
        _("Set up a meeting place where staff raise ideas and needs"),
        _("Answer every idea that comes in"),
        _("Choose the learning need and check that staff agree"),
    ],
    Phase.LEARNING_POINTS: [
        _("Write the focus question"),
        _("Agree on learning points: what to observe, what to learn, how to train at home"),
        _("Ask everyone to set a personal learning goal"),
    ],
    Phase.BEST_PRACTICE: [
        _("Search for best practice and list candidate units"),
        _("Choose and contact the sharing unit"),
    ],
    Phase.OBSERVATION: [
        _("Agree the visit with the sharing unit"),
        _("Set aside time to reflect straight after the observation"),
        _("Give feedback to the sharing unit"),
    ],
    Phase.IMPLEMENTATION: [
        _("Hold a sharing session at home as soon as possible after the visit"),
        _("Train and reflect on the new practice"),
        _("Decide for each learning point: adopt, adjust or drop"),
    ],
    Phase.EVALUATION: [
        _("Answer the evaluation questions together"),
        _("Decide: continue in daily practice, start a new cycle, or end"),
    ],
}


@dataclass(frozen=True)
class PhaseProgress:
    phase: Phase
    plan: PhasePlan | None
    met: list[str]
    missing: list[str]
    is_current: bool
    is_past: bool
    is_overdue: bool

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def description(self) -> str:
        return PHASE_DESCRIPTIONS[self.phase]


def missing_for(cycle: Cycle, phase: int) -> list[str]:
    return [str(r.label) for r in REQUIREMENTS[phase] if not r.is_met(cycle)]


def progress(cycle: Cycle, plans: list[PhasePlan], today: datetime.date | None = None):
    """Each of the seven phases with what is done, what is missing and whether it is late.

    ``cycle`` comes from ``Cycle.objects.with_progress()``; ``plans`` are its phase plans.
    """
    today = today or timezone.localdate()
    plan_by_phase = {plan.phase: plan for plan in plans}
    running = cycle.status in (Cycle.Status.ACTIVE, Cycle.Status.PAUSED)
    result = []
    for phase in Phase:
        plan = plan_by_phase.get(phase)
        met = [str(r.label) for r in REQUIREMENTS[phase] if r.is_met(cycle)]
        is_past = phase < cycle.current_phase or cycle.status == Cycle.Status.COMPLETED
        result.append(
            PhaseProgress(
                phase=phase,
                plan=plan,
                met=met,
                missing=missing_for(cycle, phase),
                is_current=phase == cycle.current_phase and running,
                is_past=is_past,
                is_overdue=bool(
                    running and not is_past and plan and plan.due_date and plan.due_date < today
                ),
            )
        )
    return result


def default_due_dates(start_date: datetime.date) -> dict[int, datetime.date]:
    due, dates = start_date, {}
    for phase in Phase:
        due += datetime.timedelta(weeks=DEFAULT_PHASE_WEEKS[phase])
        dates[phase] = due
    return dates


@transaction.atomic
def start_cycle(*, unit: Unit, owner: User, title: str, start_date: datetime.date, actor: User):
    """Create a cycle in phase 1 with target dates and the template implementation plan.

    Task texts are written in the municipality's language form, since the
    plan belongs to the unit rather than to the person who started it.
    """
    cycle = Cycle.objects.create(unit=unit, owner=owner, title=title, start_date=start_date)
    due_dates = default_due_dates(start_date)
    PhasePlan.objects.bulk_create(
        PhasePlan(cycle=cycle, phase=phase, due_date=due_dates[phase], responsible=owner)
        for phase in Phase
    )
    tasks = []
    with translation.override(unit.municipality.language_form):
        phase_start = start_date
        for phase in Phase:
            for position, description in enumerate(PLAN_TEMPLATE[phase]):
                tasks.append(
                    Task(
                        cycle=cycle,
                        phase=phase,
                        description=str(description),
                        responsible=owner,
                        start_date=phase_start,
                        due_date=due_dates[phase],
                        position=position,
                    )
                )
            phase_start = due_dates[phase]
    Task.objects.bulk_create(tasks)
    CycleEvent.objects.create(
        cycle=cycle, kind=CycleEvent.Kind.STARTED, to_phase=Phase.ANCHORING, actor=actor
    )
    return cycle


def _locked(cycle: Cycle) -> Cycle:
    """The cycle's current row, locked until the transaction ends, with its progress counts."""
    Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
    return Cycle.objects.with_progress().get(pk=cycle.pk)


@transaction.atomic
def advance(cycle: Cycle, *, actor: User, reason: str = "") -> CycleEvent:
    """Move to the next phase (or complete the cycle after phase 7).

    With something missing the move needs a written reason and is logged as an override.
    """
    cycle = _locked(cycle)
    if cycle.status != Cycle.Status.ACTIVE:
        raise ValidationError(_("Only an active cycle can move on. Resume it first."))
    reason = reason.strip()
    missing = missing_for(cycle, cycle.current_phase)
    if missing and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "This phase is not complete yet. Finish what is missing, or write why "
                    "the unit moves on anyway."
                )
            }
        )
    from_phase = cycle.current_phase
    if from_phase == Phase.EVALUATION:
        cycle.status = Cycle.Status.COMPLETED
        to_phase = None
        kind = CycleEvent.Kind.COMPLETED
    else:
        cycle.current_phase = to_phase = from_phase + 1
        kind = CycleEvent.Kind.OVERRIDDEN if missing else CycleEvent.Kind.ADVANCED
    cycle.save(update_fields=["current_phase", "status", "updated_at"])
    event = CycleEvent.objects.create(
        cycle=cycle,
        kind=kind,
        from_phase=from_phase,
        to_phase=to_phase,
        reason=reason,
        missing="\n".join(missing),
        actor=actor,
    )
    if to_phase is not None:
        _tell_phase_started(cycle, to_phase, event, actor)
    return event


def _tell_phase_started(cycle: Cycle, phase: int, event: CycleEvent, actor: User) -> None:
    """Tell the new phase's responsible person and the owner, unless they moved it on themselves."""
    from programmes import outbox
    from programmes.models import Kind

    plan = PhasePlan.objects.filter(cycle=cycle, phase=phase).select_related("responsible").first()
    people = {cycle.owner, plan.responsible if plan else None} - {None, actor}
    outbox.notify(
        people,
        Kind.PHASE_STARTED,
        object_id=cycle.pk,
        occasion=f"event-{event.pk}",
        params={"cycle": cycle.title, "phase": phase},
        url=reverse("phase_detail", args=[cycle.pk, phase]),
    )


@transaction.atomic
def reopen(cycle: Cycle, *, phase: int, actor: User, reason: str) -> CycleEvent:
    """Go back to an earlier phase. A paused or completed cycle becomes active again."""
    cycle = _locked(cycle)
    errors = {}
    if cycle.status == Cycle.Status.ENDED:
        raise ValidationError(_("An ended cycle cannot be reopened."))
    completed = cycle.status == Cycle.Status.COMPLETED
    if phase not in range(
        Phase.ANCHORING, Phase.EVALUATION + 1 if completed else cycle.current_phase
    ):
        errors["phase"] = _("Choose a phase before the current one.")
    if not reason.strip():
        errors["reason"] = _("Write why the phase is reopened.")
    if errors:
        raise ValidationError(errors)
    from_phase = None if completed else cycle.current_phase
    cycle.current_phase = phase
    cycle.status = Cycle.Status.ACTIVE
    cycle.save(update_fields=["current_phase", "status", "updated_at"])
    return CycleEvent.objects.create(
        cycle=cycle,
        kind=CycleEvent.Kind.REOPENED,
        from_phase=from_phase,
        to_phase=phase,
        reason=reason.strip(),
        actor=actor,
    )


STATUS_CHANGES = {
    # new status: (statuses it can come from, event kind, reason required)
    Cycle.Status.PAUSED: ({Cycle.Status.ACTIVE}, CycleEvent.Kind.PAUSED, False),
    Cycle.Status.ACTIVE: ({Cycle.Status.PAUSED}, CycleEvent.Kind.RESUMED, False),
    Cycle.Status.ENDED: (
        {Cycle.Status.ACTIVE, Cycle.Status.PAUSED},
        CycleEvent.Kind.ENDED,
        True,
    ),
}


@transaction.atomic
def change_status(cycle: Cycle, *, status: str, actor: User, reason: str = "") -> CycleEvent:
    """Pause, resume or end a cycle early (completing happens by moving on from phase 7)."""
    cycle = _locked(cycle)
    if status not in STATUS_CHANGES or cycle.status not in STATUS_CHANGES[status][0]:
        raise ValidationError(_("The cycle cannot change to that status now."))
    _allowed_from, kind, needs_reason = STATUS_CHANGES[status]
    if needs_reason and not reason.strip():
        raise ValidationError({"reason": _("Write why the cycle ends early.")})
    cycle.status = status
    cycle.save(update_fields=["status", "updated_at"])
    return CycleEvent.objects.create(
        cycle=cycle,
        kind=kind,
        from_phase=cycle.current_phase,
        to_phase=cycle.current_phase,
        reason=reason.strip(),
        actor=actor,
    )


@transaction.atomic
def change_owner(cycle: Cycle, *, new_owner: User, actor: User, reason: str = "") -> CycleEvent:
    """Hand the cycle to another leader of the unit; the handover is kept in the timeline."""
    cycle = _locked(cycle)
    if not cycle.unit.leaders().filter(pk=new_owner.pk).exists():
        raise ValidationError({"owner": _("The new owner must be a leader of the unit.")})
    previous = cycle.owner
    cycle.owner = new_owner
    cycle.save(update_fields=["owner", "updated_at"])
    return CycleEvent.objects.create(
        cycle=cycle,
        kind=CycleEvent.Kind.OWNER_CHANGED,
        previous_owner=previous,
        new_owner=new_owner,
        reason=reason.strip(),
        actor=actor,
    )


@transaction.atomic
def choose_need(cycle: Cycle, *, text: str, source: str, idea: Idea | None, actor: User) -> None:
    """Set the unit's learning need. A changed need asks staff again whether they agree."""
    if idea is not None and idea.cycle_id != cycle.pk:
        raise ValueError("The idea belongs to another cycle.")
    cycle = _locked(cycle)
    changed = cycle.learning_need.strip() != text.strip()
    cycle.learning_need = text.strip()
    cycle.learning_need_source = source
    cycle.learning_need_idea = idea
    cycle.save(
        update_fields=["learning_need", "learning_need_source", "learning_need_idea", "updated_at"]
    )
    if changed:
        NeedAgreement.objects.filter(cycle=cycle).delete()
    if idea is not None and idea.response != Idea.Response.TAKEN_FORWARD:
        idea.response = Idea.Response.TAKEN_FORWARD
        idea.responded_by = actor
        idea.responded_at = timezone.now()
        idea.save(update_fields=["response", "responded_by", "responded_at"])
