"""The phase engine: starting a cycle, what completes each phase, and every move of a cycle."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.functional import lazy
from stdnum.no import fodselsnummer

from learning import phases
from learning.models import (
    Cycle,
    CycleEvent,
    Idea,
    IntroductionMeeting,
    LearningPoint,
    Membership,
    NeedAgreement,
    Phase,
    PhasePlan,
    Task,
    User,
    validate_no_national_id,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)
DAY = datetime.timedelta(days=1)


def labels(phase: int) -> list[str]:
    """Every requirement of a phase, as ``missing_for`` spells them."""
    return [str(r.label) for r in phases.REQUIREMENTS[phase]]


def started(world, *, owner=None, actor=None, start_date=START) -> Cycle:
    return phases.start_cycle(
        unit=world.unit,
        owner=owner or world.leader,
        title="Bedre legemiddelhåndtering",
        start_date=start_date,
        actor=actor or world.leader,
    )


def loaded(cycle: Cycle) -> Cycle:
    """The cycle as the phase rules read it: fresh from the database, with its counts."""
    return Cycle.objects.with_progress().get(pk=cycle.pk)


def fresh(user: User) -> User:
    """The person without any cached roles (``has_perm`` caches them as ``_access``)."""
    return User.objects.get(pk=user.pk)


def set_state(cycle: Cycle, *, phase: int | None = None, status: str | None = None) -> None:
    fields = {}
    if phase is not None:
        fields["current_phase"] = phase
    if status is not None:
        fields["status"] = status
    Cycle.objects.filter(pk=cycle.pk).update(**fields)
    cycle.refresh_from_db()


def complete_phase_1(cycle: Cycle) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(
        what="Trygg legemiddelhåndtering",
        why="Avvik med medisiner",
        how="Fagmøter hver uke",
        participation_decided_on=START,
        participation_how="Avstemning på personalmøte",
    )
    IntroductionMeeting.objects.create(cycle=cycle, held_on=START)


def complete_phase_2(cycle: Cycle) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(learning_need="Dobbeltkontroll av medisiner")


def complete_phase_3(cycle: Cycle) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(focus_question="Hvordan gjør de dobbeltkontroll?")
    LearningPoint.objects.create(
        cycle=cycle, title="Dobbeltkontroll", observe="Rutinen", learn="Hvordan", train="Øving"
    )


def events(cycle: Cycle, kind: str | None = None):
    rows = CycleEvent.objects.filter(cycle=cycle)
    return rows.filter(kind=kind) if kind else rows


def valid_national_id() -> str:
    for individual in range(100, 500):
        base = f"010190{individual:03d}"
        first = fodselsnummer.calc_check_digit1(base)
        if len(first) != 1:
            continue
        second = fodselsnummer.calc_check_digit2(base + first)
        if len(second) != 1:
            continue
        if fodselsnummer.is_valid(base + first + second):
            return base + first + second
    raise AssertionError("no valid fødselsnummer found")


# start_cycle ---------------------------------------------------------------------------


def test_start_cycle_creates_an_active_cycle_in_phase_1(world):
    cycle = started(world, owner=world.leader, actor=world.enterprise_leader)
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert cycle.unit == world.unit
    assert cycle.owner == world.leader
    assert cycle.title == "Bedre legemiddelhåndtering"
    assert cycle.start_date == START
    assert cycle.current_phase == Phase.ANCHORING
    assert cycle.status == Cycle.Status.ACTIVE


def test_default_due_dates_add_the_phase_weeks_one_after_another():
    dates = phases.default_due_dates(START)
    assert list(dates) == list(Phase)
    assert dates[Phase.ANCHORING] == START + datetime.timedelta(weeks=4)
    assert dates[Phase.NEEDS] == START + datetime.timedelta(weeks=7)
    assert dates[Phase.EVALUATION] == START + datetime.timedelta(weeks=26)


def test_start_cycle_plans_seven_phases_with_increasing_due_dates(world):
    cycle = started(world, owner=world.leader, actor=world.enterprise_leader)
    plans = list(PhasePlan.objects.filter(cycle=cycle).order_by("phase"))
    assert [plan.phase for plan in plans] == list(Phase)
    due = [plan.due_date for plan in plans]
    assert due == [phases.default_due_dates(START)[phase] for phase in Phase]
    assert due[0] > START
    assert all(earlier < later for earlier, later in zip(due, due[1:], strict=False))
    assert {plan.responsible for plan in plans} == {world.leader}


def test_start_cycle_adds_the_template_tasks_for_every_phase(world):
    cycle = started(world, owner=world.leader, actor=world.enterprise_leader)
    tasks = list(Task.objects.filter(cycle=cycle))
    assert len(tasks) == sum(len(texts) for texts in phases.PLAN_TEMPLATE.values())
    for phase in Phase:
        in_phase = [task for task in tasks if task.phase == phase]
        assert len(in_phase) == len(phases.PLAN_TEMPLATE[phase])
        assert [task.position for task in in_phase] == list(range(len(in_phase)))
    assert {task.responsible for task in tasks} == {world.leader}
    assert {task.status for task in tasks} == {Task.Status.NOT_STARTED}


def test_start_cycle_tasks_run_within_their_phase_window(world):
    cycle = started(world)
    due = phases.default_due_dates(START)
    for task in Task.objects.filter(cycle=cycle):
        window_start = START if task.phase == Phase.ANCHORING else due[task.phase - 1]
        assert task.start_date == window_start
        assert task.due_date == due[task.phase]
        assert task.start_date < task.due_date


def test_start_cycle_logs_a_started_event_by_the_actor(world):
    cycle = started(world, owner=world.leader, actor=world.enterprise_leader)
    [event] = events(cycle)
    assert event.kind == CycleEvent.Kind.STARTED
    assert event.actor == world.enterprise_leader
    assert event.from_phase is None
    assert event.to_phase == Phase.ANCHORING


@pytest.mark.parametrize("language_form", ["nb", "nn"])
def test_task_texts_are_in_the_municipality_language_whatever_the_caller_uses(world, language_form):
    world.unit.municipality.language_form = language_form
    world.unit.municipality.save()
    with translation.override("en"):
        cycle = started(world)
        assert translation.get_language() == "en"
    with translation.override(language_form):
        expected = [str(text) for phase in Phase for text in phases.PLAN_TEMPLATE[phase]]
    stored = list(Task.objects.filter(cycle=cycle).values_list("description", flat=True))
    assert stored == expected


@pytest.mark.parametrize("language_form", ["nb", "nn"])
def test_task_texts_are_evaluated_under_the_municipality_language(
    world, monkeypatch, language_form
):
    """A lazy text that spells out the active language shows which one was used,
    even while the catalogs leave the template untranslated."""
    active_language = lazy(translation.get_language, str)
    monkeypatch.setattr(phases, "PLAN_TEMPLATE", {phase: [active_language()] for phase in Phase})
    world.unit.municipality.language_form = language_form
    world.unit.municipality.save()
    with translation.override("en"):
        cycle = started(world)
    stored = set(Task.objects.filter(cycle=cycle).values_list("description", flat=True))
    assert stored == {language_form}


# Completion rules ----------------------------------------------------------------------


def test_a_new_cycle_misses_everything_in_every_phase(world):
    cycle = loaded(started(world))
    for phase in Phase:
        assert phases.missing_for(cycle, phase) == labels(phase)


def test_phase_1_is_complete_with_what_why_how_participation_and_a_meeting(world):
    cycle = started(world)
    complete_phase_1(cycle)
    assert phases.missing_for(loaded(cycle), Phase.ANCHORING) == []


@pytest.mark.parametrize("field", ["what", "why", "how"])
@pytest.mark.parametrize("value", ["", "  \n\t "])
def test_phase_1_needs_each_of_what_why_and_how(world, field, value):
    cycle = started(world)
    complete_phase_1(cycle)
    Cycle.objects.filter(pk=cycle.pk).update(**{field: value})
    assert phases.missing_for(loaded(cycle), Phase.ANCHORING) == [labels(Phase.ANCHORING)[0]]


@pytest.mark.parametrize(
    "changes",
    [
        {"participation_decided_on": None},
        {"participation_how": ""},
        {"participation_how": "   "},
    ],
)
def test_phase_1_needs_both_the_participation_date_and_how(world, changes):
    cycle = started(world)
    complete_phase_1(cycle)
    Cycle.objects.filter(pk=cycle.pk).update(**changes)
    assert phases.missing_for(loaded(cycle), Phase.ANCHORING) == [labels(Phase.ANCHORING)[1]]


def test_phase_1_needs_an_introduction_meeting_of_its_own_cycle(world):
    cycle = started(world)
    introduction = labels(Phase.ANCHORING)[2]
    complete_phase_1(cycle)
    IntroductionMeeting.objects.filter(cycle=cycle).delete()
    other = started(world)
    IntroductionMeeting.objects.create(cycle=other, held_on=START)
    assert phases.missing_for(loaded(cycle), Phase.ANCHORING) == [introduction]
    assert introduction not in phases.missing_for(loaded(other), Phase.ANCHORING)


def test_with_progress_counts_each_kind_without_fan_out(world):
    cycle = started(world)
    for day in range(2):
        IntroductionMeeting.objects.create(cycle=cycle, held_on=START + day * DAY)
    for number in range(3):
        LearningPoint.objects.create(
            cycle=cycle, title=f"Punkt {number}", observe="o", learn="l", train="t"
        )
    Idea.objects.create(cycle=cycle, author=world.staff, text="Ubesvart")
    Idea.objects.create(
        cycle=cycle, author=world.staff, text="Besvart", response=Idea.Response.VALUED
    )
    cycle = loaded(cycle)
    assert cycle.introduction_meeting_count == 2
    assert cycle.learning_point_count == 3
    assert cycle.unanswered_idea_count == 1


@pytest.mark.parametrize("value", ["", "   "])
def test_phase_2_needs_a_learning_need(world, value):
    cycle = started(world)
    Cycle.objects.filter(pk=cycle.pk).update(learning_need=value)
    assert phases.missing_for(loaded(cycle), Phase.NEEDS) == labels(Phase.NEEDS)
    complete_phase_2(cycle)
    assert phases.missing_for(loaded(cycle), Phase.NEEDS) == []


def test_phase_3_needs_a_focus_question_and_a_learning_point(world):
    cycle = started(world)
    focus, point = labels(Phase.LEARNING_POINTS)
    Cycle.objects.filter(pk=cycle.pk).update(focus_question="  ")
    assert phases.missing_for(loaded(cycle), Phase.LEARNING_POINTS) == [focus, point]
    Cycle.objects.filter(pk=cycle.pk).update(focus_question="Hva gjør de annerledes?")
    assert phases.missing_for(loaded(cycle), Phase.LEARNING_POINTS) == [point]
    LearningPoint.objects.create(cycle=cycle, title="t", observe="o", learn="l", train="t")
    assert phases.missing_for(loaded(cycle), Phase.LEARNING_POINTS) == []


@pytest.mark.parametrize(
    "phase",
    [Phase.BEST_PRACTICE, Phase.OBSERVATION, Phase.IMPLEMENTATION, Phase.EVALUATION],
)
def test_phases_4_to_7_are_always_missing_their_work(world, phase):
    cycle = started(world)
    complete_phase_1(cycle)
    complete_phase_2(cycle)
    complete_phase_3(cycle)
    missing = phases.missing_for(loaded(cycle), phase)
    assert missing
    assert missing == labels(phase)


# progress ------------------------------------------------------------------------------


def progress_of(cycle: Cycle, today: datetime.date):
    cycle = loaded(cycle)
    return {p.phase: p for p in phases.progress(cycle, list(cycle.phase_plans.all()), today)}


def test_progress_lists_met_and_missing_requirements(world):
    cycle = started(world)
    complete_phase_1(cycle)
    IntroductionMeeting.objects.filter(cycle=cycle).delete()
    result = progress_of(cycle, START)
    assert list(result) == list(Phase)
    what_why_how, participation, introduction = labels(Phase.ANCHORING)
    assert result[Phase.ANCHORING].met == [what_why_how, participation]
    assert result[Phase.ANCHORING].missing == [introduction]
    assert not result[Phase.ANCHORING].is_complete
    complete_phase_2(cycle)
    assert progress_of(cycle, START)[Phase.NEEDS].is_complete
    assert result[Phase.ANCHORING].plan.phase == Phase.ANCHORING


def test_progress_marks_past_and_current_phases(world):
    cycle = started(world)
    set_state(cycle, phase=Phase.LEARNING_POINTS)
    result = progress_of(cycle, START)
    assert [p.phase for p in result.values() if p.is_current] == [Phase.LEARNING_POINTS]
    assert [p.phase for p in result.values() if p.is_past] == [Phase.ANCHORING, Phase.NEEDS]


def test_progress_marks_the_current_phase_overdue_after_its_due_date(world):
    cycle = started(world)
    due = phases.default_due_dates(START)[Phase.ANCHORING]
    assert not progress_of(cycle, due)[Phase.ANCHORING].is_overdue
    assert progress_of(cycle, due + DAY)[Phase.ANCHORING].is_overdue
    assert not progress_of(cycle, due + DAY)[Phase.NEEDS].is_overdue


def test_progress_marks_upcoming_phases_overdue_but_never_past_ones(world):
    cycle = started(world)
    set_state(cycle, phase=Phase.LEARNING_POINTS)
    late = phases.default_due_dates(START)[Phase.EVALUATION] + DAY
    overdue = [p.phase for p in progress_of(cycle, late).values() if p.is_overdue]
    assert overdue == [
        Phase.LEARNING_POINTS,
        Phase.BEST_PRACTICE,
        Phase.OBSERVATION,
        Phase.IMPLEMENTATION,
        Phase.EVALUATION,
    ]


def test_a_paused_cycle_still_has_a_current_and_overdue_phase(world):
    cycle = started(world)
    set_state(cycle, status=Cycle.Status.PAUSED)
    late = phases.default_due_dates(START)[Phase.ANCHORING] + DAY
    first = progress_of(cycle, late)[Phase.ANCHORING]
    assert first.is_current
    assert first.is_overdue


def test_a_completed_cycle_is_all_past_and_never_overdue(world):
    cycle = started(world)
    set_state(cycle, phase=Phase.EVALUATION, status=Cycle.Status.COMPLETED)
    late = phases.default_due_dates(START)[Phase.EVALUATION] + DAY
    result = progress_of(cycle, late).values()
    assert all(p.is_past for p in result)
    assert not any(p.is_current for p in result)
    assert not any(p.is_overdue for p in result)


def test_an_ended_cycle_has_no_current_or_overdue_phase(world):
    cycle = started(world)
    set_state(cycle, phase=Phase.NEEDS, status=Cycle.Status.ENDED)
    late = phases.default_due_dates(START)[Phase.EVALUATION] + DAY
    result = progress_of(cycle, late)
    assert not any(p.is_current for p in result.values())
    assert not any(p.is_overdue for p in result.values())
    assert [p.phase for p in result.values() if p.is_past] == [Phase.ANCHORING]


def test_a_phase_without_a_plan_or_date_is_never_overdue(world):
    cycle = started(world)
    late = phases.default_due_dates(START)[Phase.EVALUATION] + DAY
    PhasePlan.objects.filter(cycle=cycle, phase=Phase.ANCHORING).update(due_date=None)
    assert not progress_of(cycle, late)[Phase.ANCHORING].is_overdue
    without_plans = phases.progress(loaded(cycle), [], late)
    assert all(p.plan is None and not p.is_overdue for p in without_plans)


# advance -------------------------------------------------------------------------------


def test_advance_a_complete_phase(world):
    cycle = started(world)
    complete_phase_1(cycle)
    event = phases.advance(cycle, actor=world.enterprise_leader)
    cycle.refresh_from_db()
    assert cycle.current_phase == Phase.NEEDS
    assert cycle.status == Cycle.Status.ACTIVE
    assert event.pk is not None
    assert event.kind == CycleEvent.Kind.ADVANCED
    assert (event.from_phase, event.to_phase) == (Phase.ANCHORING, Phase.NEEDS)
    assert event.actor == world.enterprise_leader
    assert event.missing_items == []
    assert events(cycle, CycleEvent.Kind.ADVANCED).get() == event


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_advance_an_incomplete_phase_needs_a_reason(world, reason):
    cycle = started(world)
    with pytest.raises(ValidationError) as excinfo:
        phases.advance(cycle, actor=world.leader, reason=reason)
    assert "reason" in excinfo.value.message_dict
    cycle.refresh_from_db()
    assert cycle.current_phase == Phase.ANCHORING
    assert list(events(cycle).values_list("kind", flat=True)) == [CycleEvent.Kind.STARTED]


def test_advance_an_incomplete_phase_with_a_reason_is_an_override(world):
    cycle = started(world)
    complete_phase_1(cycle)
    IntroductionMeeting.objects.filter(cycle=cycle).delete()
    event = phases.advance(cycle, actor=world.leader, reason="  Møtet holdes neste uke  ")
    cycle.refresh_from_db()
    assert cycle.current_phase == Phase.NEEDS
    event.refresh_from_db()
    assert event.kind == CycleEvent.Kind.OVERRIDDEN
    assert (event.from_phase, event.to_phase) == (Phase.ANCHORING, Phase.NEEDS)
    assert event.reason == "Møtet holdes neste uke"
    assert event.missing_items == [labels(Phase.ANCHORING)[2]]
    assert event.actor == world.leader


def test_an_override_stores_every_missing_requirement(world):
    cycle = started(world)
    event = phases.advance(cycle, actor=world.leader, reason="Vi har hastverk")
    event.refresh_from_db()
    assert event.missing_items == labels(Phase.ANCHORING)


def test_advance_through_complete_phases_needs_no_reason_until_phase_4(world):
    cycle = started(world)
    complete_phase_1(cycle)
    complete_phase_2(cycle)
    complete_phase_3(cycle)
    kinds = [phases.advance(cycle, actor=world.leader).kind for _ in range(3)]
    assert kinds == [CycleEvent.Kind.ADVANCED] * 3
    cycle.refresh_from_db()
    assert cycle.current_phase == Phase.BEST_PRACTICE
    with pytest.raises(ValidationError):
        phases.advance(cycle, actor=world.leader)


@pytest.mark.parametrize("status", [Cycle.Status.PAUSED, Cycle.Status.ENDED])
def test_only_an_active_cycle_can_advance(world, status):
    cycle = started(world)
    complete_phase_1(cycle)
    set_state(cycle, status=status)
    with pytest.raises(ValidationError) as excinfo:
        phases.advance(cycle, actor=world.leader, reason="Likevel")
    assert "reason" not in getattr(excinfo.value, "error_dict", {})
    cycle.refresh_from_db()
    assert (cycle.current_phase, cycle.status) == (Phase.ANCHORING, status)
    assert events(cycle).count() == 1


def test_advancing_from_phase_7_completes_the_cycle(world):
    cycle = started(world)
    set_state(cycle, phase=Phase.EVALUATION)
    event = phases.advance(cycle, actor=world.leader, reason="Evalueringen ble muntlig")
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.COMPLETED
    assert cycle.current_phase == Phase.EVALUATION
    event.refresh_from_db()
    assert event.kind == CycleEvent.Kind.COMPLETED
    assert (event.from_phase, event.to_phase) == (Phase.EVALUATION, None)
    assert event.reason == "Evalueringen ble muntlig"
    assert event.missing_items == labels(Phase.EVALUATION)
    with pytest.raises(ValidationError):
        phases.advance(cycle, actor=world.leader, reason="En gang til")


def test_the_whole_way_through_is_logged_phase_by_phase(world):
    cycle = started(world)
    for _ in Phase:
        phases.advance(cycle, actor=world.leader, reason="Videre")
    moves = list(
        events(cycle)
        .exclude(kind=CycleEvent.Kind.STARTED)
        .order_by("pk")
        .values_list("kind", "from_phase", "to_phase")
    )
    assert moves == [
        *((CycleEvent.Kind.OVERRIDDEN, phase, phase + 1) for phase in range(1, 7)),
        (CycleEvent.Kind.COMPLETED, 7, None),
    ]


# reopen --------------------------------------------------------------------------------


def test_reopen_an_earlier_phase(world):
    cycle = started(world)
    set_state(cycle, phase=Phase.LEARNING_POINTS)
    event = phases.reopen(
        cycle, phase=Phase.ANCHORING, actor=world.enterprise_leader, reason="  Nye ansatte  "
    )
    cycle.refresh_from_db()
    assert cycle.current_phase == Phase.ANCHORING
    assert cycle.status == Cycle.Status.ACTIVE
    event.refresh_from_db()
    assert event.kind == CycleEvent.Kind.REOPENED
    assert (event.from_phase, event.to_phase) == (Phase.LEARNING_POINTS, Phase.ANCHORING)
    assert event.reason == "Nye ansatte"
    assert event.actor == world.enterprise_leader


@pytest.mark.parametrize("reason", ["", "  "])
def test_reopen_needs_a_reason(world, reason):
    cycle = started(world)
    set_state(cycle, phase=Phase.LEARNING_POINTS)
    with pytest.raises(ValidationError) as excinfo:
        phases.reopen(cycle, phase=Phase.ANCHORING, actor=world.leader, reason=reason)
    assert set(excinfo.value.message_dict) == {"reason"}
    cycle.refresh_from_db()
    assert cycle.current_phase == Phase.LEARNING_POINTS
    assert events(cycle).count() == 1


@pytest.mark.parametrize("phase", [0, Phase.LEARNING_POINTS, Phase.BEST_PRACTICE, 8])
def test_reopen_only_a_phase_before_the_current_one(world, phase):
    cycle = started(world)
    set_state(cycle, phase=Phase.LEARNING_POINTS)
    with pytest.raises(ValidationError) as excinfo:
        phases.reopen(cycle, phase=phase, actor=world.leader, reason="Tilbake")
    assert set(excinfo.value.message_dict) == {"phase"}
    cycle.refresh_from_db()
    assert cycle.current_phase == Phase.LEARNING_POINTS
    assert events(cycle).count() == 1


def test_reopen_reports_phase_and_reason_together(world):
    cycle = started(world)
    with pytest.raises(ValidationError) as excinfo:
        phases.reopen(cycle, phase=Phase.ANCHORING, actor=world.leader, reason="")
    assert set(excinfo.value.message_dict) == {"phase", "reason"}


@pytest.mark.parametrize("phase", [Phase.ANCHORING, Phase.EVALUATION])
def test_reopening_a_completed_cycle_makes_it_active_again(world, phase):
    cycle = started(world)
    set_state(cycle, phase=Phase.EVALUATION, status=Cycle.Status.COMPLETED)
    event = phases.reopen(cycle, phase=phase, actor=world.leader, reason="Ikke ferdig")
    cycle.refresh_from_db()
    assert (cycle.current_phase, cycle.status) == (phase, Cycle.Status.ACTIVE)
    assert event.kind == CycleEvent.Kind.REOPENED
    assert (event.from_phase, event.to_phase) == (None, phase)


def test_an_ended_cycle_cannot_be_reopened(world):
    cycle = started(world)
    set_state(cycle, phase=Phase.LEARNING_POINTS, status=Cycle.Status.ENDED)
    with pytest.raises(ValidationError):
        phases.reopen(cycle, phase=Phase.ANCHORING, actor=world.leader, reason="Likevel")
    cycle.refresh_from_db()
    assert (cycle.current_phase, cycle.status) == (Phase.LEARNING_POINTS, Cycle.Status.ENDED)
    assert events(cycle).count() == 1


# change_status -------------------------------------------------------------------------


def test_pause_and_resume(world):
    cycle = started(world)
    set_state(cycle, phase=Phase.NEEDS)
    paused = phases.change_status(
        cycle, status=Cycle.Status.PAUSED, actor=world.leader, reason=" Sommerferie "
    )
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.PAUSED
    assert paused.kind == CycleEvent.Kind.PAUSED
    assert (paused.from_phase, paused.to_phase) == (Phase.NEEDS, Phase.NEEDS)
    assert paused.reason == "Sommerferie"
    assert paused.actor == world.leader

    resumed = phases.change_status(cycle, status=Cycle.Status.ACTIVE, actor=world.supporter)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.ACTIVE
    assert cycle.current_phase == Phase.NEEDS
    assert resumed.kind == CycleEvent.Kind.RESUMED
    assert resumed.actor == world.supporter


@pytest.mark.parametrize("reason", ["", "  "])
def test_ending_early_needs_a_reason(world, reason):
    cycle = started(world)
    with pytest.raises(ValidationError) as excinfo:
        phases.change_status(cycle, status=Cycle.Status.ENDED, actor=world.leader, reason=reason)
    assert "reason" in excinfo.value.message_dict
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.ACTIVE
    assert events(cycle).count() == 1


@pytest.mark.parametrize("from_status", [Cycle.Status.ACTIVE, Cycle.Status.PAUSED])
def test_end_early_with_a_reason(world, from_status):
    cycle = started(world)
    set_state(cycle, status=from_status)
    event = phases.change_status(
        cycle, status=Cycle.Status.ENDED, actor=world.leader, reason="Enheten legges ned"
    )
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.ENDED
    assert event.kind == CycleEvent.Kind.ENDED
    assert event.reason == "Enheten legges ned"


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (Cycle.Status.ACTIVE, Cycle.Status.ACTIVE),
        (Cycle.Status.PAUSED, Cycle.Status.PAUSED),
        (Cycle.Status.COMPLETED, Cycle.Status.PAUSED),
        (Cycle.Status.COMPLETED, Cycle.Status.ACTIVE),
        (Cycle.Status.COMPLETED, Cycle.Status.ENDED),
        (Cycle.Status.ENDED, Cycle.Status.ACTIVE),
        (Cycle.Status.ENDED, Cycle.Status.PAUSED),
        (Cycle.Status.ENDED, Cycle.Status.ENDED),
        (Cycle.Status.ACTIVE, Cycle.Status.COMPLETED),
        (Cycle.Status.ACTIVE, "bogus"),
    ],
)
def test_status_changes_that_are_not_allowed(world, from_status, to_status):
    cycle = started(world)
    set_state(cycle, status=from_status)
    with pytest.raises(ValidationError):
        phases.change_status(cycle, status=to_status, actor=world.leader, reason="Fordi")
    cycle.refresh_from_db()
    assert cycle.status == from_status
    assert events(cycle).count() == 1


# change_owner --------------------------------------------------------------------------


def test_hand_the_cycle_to_another_leader_of_the_unit(world):
    cycle = started(world)
    second = MembershipFactory(
        unit=world.unit, role=Membership.Role.LEADER, user__full_name="Lise Nestleder"
    ).user
    event = phases.change_owner(
        cycle, new_owner=fresh(second), actor=world.leader, reason=" Permisjon "
    )
    cycle.refresh_from_db()
    assert cycle.owner == second
    event.refresh_from_db()
    assert event.kind == CycleEvent.Kind.OWNER_CHANGED
    assert (event.previous_owner, event.new_owner) == (world.leader, second)
    assert event.actor == world.leader
    assert event.reason == "Permisjon"


def test_a_leader_of_the_enterprise_above_can_own_the_cycle(world):
    cycle = started(world)
    phases.change_owner(cycle, new_owner=fresh(world.enterprise_leader), actor=world.leader)
    cycle.refresh_from_db()
    assert cycle.owner == world.enterprise_leader


@pytest.mark.parametrize(
    "person", ["staff", "supporter", "union_rep", "hr", "sibling_leader", "outsider_leader"]
)
def test_the_new_owner_must_be_a_leader_of_the_unit(world, person):
    cycle = started(world)
    with pytest.raises(ValidationError) as excinfo:
        phases.change_owner(cycle, new_owner=fresh(world.person(person)), actor=world.leader)
    assert "owner" in excinfo.value.message_dict
    cycle.refresh_from_db()
    assert cycle.owner == world.leader
    assert not events(cycle, CycleEvent.Kind.OWNER_CHANGED).exists()


# choose_need ---------------------------------------------------------------------------


def agree(cycle: Cycle, *people: User) -> None:
    for person in people:
        NeedAgreement.objects.create(cycle=cycle, user=person, agrees=True)


def test_choose_need_sets_text_and_source(world):
    cycle = started(world)
    phases.choose_need(
        cycle,
        text="  Bedre overlevering  ",
        source=Cycle.NeedSource.APPRAISAL,
        idea=None,
        actor=world.leader,
    )
    cycle.refresh_from_db()
    assert cycle.learning_need == "Bedre overlevering"
    assert cycle.learning_need_source == Cycle.NeedSource.APPRAISAL
    assert cycle.learning_need_idea is None


def test_a_changed_need_asks_everyone_again(world):
    cycle = started(world)
    other = started(world)
    complete_phase_2(cycle)
    agree(cycle, world.staff, world.supporter)
    agree(other, world.staff)
    phases.choose_need(
        cycle, text="Noe helt annet", source=Cycle.NeedSource.OTHER, idea=None, actor=world.leader
    )
    assert not NeedAgreement.objects.filter(cycle=cycle).exists()
    assert NeedAgreement.objects.filter(cycle=other).count() == 1


def test_saving_the_same_need_keeps_the_agreements(world):
    cycle = started(world)
    complete_phase_2(cycle)
    agree(cycle, world.staff, world.supporter)
    phases.choose_need(
        cycle,
        text="  Dobbeltkontroll av medisiner \n",
        source=Cycle.NeedSource.REFORM,
        idea=None,
        actor=world.leader,
    )
    assert NeedAgreement.objects.filter(cycle=cycle).count() == 2
    cycle.refresh_from_db()
    assert cycle.learning_need_source == Cycle.NeedSource.REFORM


def test_choosing_a_need_from_an_idea_takes_the_idea_forward(world):
    cycle = started(world)
    idea = Idea.objects.create(
        cycle=cycle, author=world.staff, text="Felles rutine for overlevering"
    )
    phases.choose_need(
        cycle,
        text=idea.text,
        source=Cycle.NeedSource.STAFF_IDEA,
        idea=idea,
        actor=world.enterprise_leader,
    )
    cycle.refresh_from_db()
    assert cycle.learning_need_idea == idea
    assert cycle.learning_need_source == Cycle.NeedSource.STAFF_IDEA
    idea.refresh_from_db()
    assert idea.response == Idea.Response.TAKEN_FORWARD
    assert idea.responded_by == world.enterprise_leader
    assert idea.responded_at is not None


def test_an_idea_already_taken_forward_keeps_its_first_answer(world):
    cycle = started(world)
    idea = Idea.objects.create(
        cycle=cycle,
        author=world.staff,
        text="Felles rutine",
        response=Idea.Response.TAKEN_FORWARD,
        responded_by=world.leader,
    )
    phases.choose_need(
        cycle, text=idea.text, source=Cycle.NeedSource.STAFF_IDEA, idea=idea, actor=world.supporter
    )
    idea.refresh_from_db()
    assert idea.responded_by == world.leader


# validate_no_national_id ---------------------------------------------------------------


def test_a_generated_national_id_is_valid():
    number = valid_national_id()
    assert len(number) == 11
    assert fodselsnummer.is_valid(number)


@pytest.mark.parametrize(
    "write",
    [
        lambda number: number,
        lambda number: f"Pasienten har fnr {number}.",
        lambda number: f"fnr:{number}",
        lambda number: f"{number}, og mer",
        lambda number: f"{number[:6]}-{number[6:]}",
    ],
    ids=["bare", "in-a-sentence", "after-a-colon", "before-a-comma", "with-a-hyphen"],
)
def test_a_national_id_is_refused(write):
    text = write(valid_national_id())
    with pytest.raises(ValidationError) as excinfo:
        validate_no_national_id(text)
    assert excinfo.value.code == "national_id"


def test_a_national_id_in_its_standard_spaced_form_is_refused():
    formatted = fodselsnummer.format(valid_national_id())
    assert " " in formatted
    with pytest.raises(ValidationError):
        validate_no_national_id(f"Beboer {formatted} falt i natt")


def test_an_invalid_eleven_digit_number_is_accepted():
    number = valid_national_id()
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not fodselsnummer.is_valid(wrong)
    validate_no_national_id(f"Saksnummer {wrong}")


@pytest.mark.parametrize(
    "text",
    ["", "Vi trenger bedre rutiner for overlevering", "Ring 98765432", "Rom 12, 3. etasje"],
)
def test_ordinary_text_is_accepted(text):
    validate_no_national_id(text)


def test_ideas_refuse_a_national_id(world):
    cycle = started(world)
    idea = Idea(cycle=cycle, author=world.staff, text=f"Gjelder {valid_national_id()}")
    with pytest.raises(ValidationError) as excinfo:
        idea.full_clean()
    assert "text" in excinfo.value.message_dict


# Task dates ----------------------------------------------------------------------------


def task(cycle: Cycle, start: datetime.date | None, due: datetime.date | None) -> Task:
    return Task(
        cycle=cycle, phase=Phase.ANCHORING, description="Oppgave", start_date=start, due_date=due
    )


def test_a_task_cannot_be_due_before_it_starts(world):
    cycle = started(world)
    with pytest.raises(ValidationError) as excinfo:
        task(cycle, START, START - DAY).clean()
    assert set(excinfo.value.message_dict) == {"due_date"}


@pytest.mark.parametrize(
    ("start", "due"), [(START, START), (START, START + DAY), (None, START), (START, None)]
)
def test_task_dates_that_are_fine(world, start, due):
    cycle = started(world)
    task(cycle, start, due).clean()
    task(cycle, start, due).save()


def test_the_database_refuses_a_task_due_before_it_starts(world):
    cycle = started(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        task(cycle, START, START - DAY).save()
    assert not Task.objects.filter(cycle=cycle, due_date__lt=START).exists()
