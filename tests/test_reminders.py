"""Reminders (issue 7): the rules in ``programmes/reminders.py`` and the outbox machinery in
``programmes/outbox.py``.

1. Each rule's timing at its boundaries, the grace period, paused and completed cycles, and
   a municipality's own settings.
2. Idempotency: the sweep writes each reminder once.
3. Preferences: off, immediately, daily and weekly digests, and changing one's mind.
4. Quiet periods.
5. Withdrawal of reminders whose matter was dealt with before they went.
6. Claims: two workers never take the same row; a dead worker's rows are sent later, once;
   a run with a limit, and people who left.
7. SMTP errors: retries with backoff, permanent failures, and the rows that still go.
8. An unreachable broker: the web keeps working and the outbox sends later.
9. The emails: language, text and HTML parts, and links.

Time is fixed with time-machine at noon, Oslo time, unless a test says otherwise. Most
tests count from ``D``, a Tuesday in March 2026.
"""

from __future__ import annotations

import datetime
import itertools
import logging
import smtplib
import time
from contextlib import contextmanager
from typing import ClassVar
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends import locmem
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from learning import phases
from learning import visits as workflow
from learning.models import (
    Cycle,
    Idea,
    Membership,
    PhasePlan,
    Reflection,
    SharingSession,
    Task,
    User,
    Visit,
    VisitFeedback,
    VisitReflection,
)
from programmes import outbox, reminders
from programmes.models import (
    Assignment,
    BringHomeTask,
    Delivery,
    Enrolment,
    Gathering,
    Kind,
    Network,
    Notification,
    NotificationPreference,
    Programme,
    QuietPeriod,
    ReminderSetting,
    Submission,
    TeamMember,
)
from programmes.reminders import RULES
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)
D = datetime.date(2026, 3, 10)  # a Tuesday
S = Notification.Status
OCCASIONS = itertools.count(1)


# Helpers: time ------------------------------------------------------------------------


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """``hour``:``minute`` on ``day``, Oslo time."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=OSLO)


@contextmanager
def travel(moment: datetime.date | datetime.datetime, hour: int = 12):
    """Stand still at ``moment`` (a datetime, or ``hour`` o'clock on a date)."""
    if not isinstance(moment, datetime.datetime):
        moment = at(moment, hour)
    with time_machine.travel(moment, tick=False):
        yield


def sweep(day: datetime.date, hour: int = 12) -> int:
    with travel(day, hour):
        return reminders.sweep()


def written(day: datetime.date, kind: str, hour: int = 12) -> set[tuple[int, int]]:
    """Sweep on ``day``: the (recipient, object) pairs of ``kind`` that sweep wrote."""
    before = list(Notification.objects.values_list("pk", flat=True))
    sweep(day, hour)
    new = Notification.objects.filter(kind=kind).exclude(pk__in=before)
    return set(new.values_list("recipient_id", "object_id"))


def to(obj, *people: User) -> set[tuple[int, int]]:
    """The (recipient, object) pairs for ``people`` about ``obj``."""
    return {(person.pk, obj.pk) for person in people}


def occasions(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("occasion", flat=True))


def send_due(moment: datetime.datetime) -> int:
    with travel(moment):
        return outbox.send_due(moment)


def sent_to() -> list[str]:
    return [message.to[0] for message in mail.outbox]


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# Helpers: things that reminders are about ---------------------------------------------


def make_cycle(unit, owner, *, status=Cycle.Status.ACTIVE, phase=1, title="Ro ved måltidet"):
    return Cycle.objects.create(
        unit=unit,
        owner=owner,
        title=title,
        start_date=D - 60 * DAY,
        status=status,
        current_phase=phase,
    )


def make_plan(cycle, *, phase=1, due=D, responsible=None) -> PhasePlan:
    return PhasePlan.objects.create(cycle=cycle, phase=phase, due_date=due, responsible=responsible)


def make_task(cycle, *, due=D, responsible=None, phase=1, status=Task.Status.NOT_STARTED) -> Task:
    return Task.objects.create(
        cycle=cycle,
        phase=phase,
        description="Introduser metoden på personalmøtet",
        responsible=responsible,
        due_date=due,
        status=status,
    )


def make_idea(cycle, *, on=D, hour=12, response="") -> Idea:
    with travel(on, hour):
        return Idea.objects.create(
            cycle=cycle, author=cycle.owner, text="Rolig start på dagen", response=response
        )


def make_visit(
    cycle,
    host,
    *,
    held_on=D,
    requested_on=None,
    status=Visit.Status.CONFIRMED,
    observers=(),
    contact=None,
) -> Visit:
    """A visit from 09:00 to 14:00 on ``held_on``, requested on ``requested_on``."""
    with travel(requested_on or held_on - 14 * DAY):
        visit = Visit.objects.create(
            cycle=cycle,
            host_unit=host,
            host_contact=contact,
            starts_at=at(held_on, 9),
            ends_at=at(held_on, 14),
            purpose="Se hvordan de skaper ro ved måltidet",
            status=status,
            requested_by=cycle.owner,
        )
    visit.observers.set(observers)
    return visit


def make_programme(world, *, coordinators=()) -> Programme:
    programme = Programme.objects.create(
        municipality=world.unit.municipality,
        title="Nettverk for gode måltider",
        purpose="Lære av hverandre",
        commissioned_by="Kommunalsjef helse og omsorg",
        starts_on=D - 90 * DAY,
        ends_on=D + 200 * DAY,
        status=Programme.Status.RUNNING,
    )
    programme.coordinators.set(coordinators)
    return programme


def enrol(programme, unit, *, cycle=None, team=(), status=Enrolment.Status.ADMITTED, network=None):
    enrolment = Enrolment.objects.create(
        programme=programme,
        unit=unit,
        cycle=cycle,
        status=status,
        network=network,
        goals="Bedre måltider",
        anchoring="Personalmøter",
    )
    for person in team:
        TeamMember.objects.create(enrolment=enrolment, user=person, role=TeamMember.Role.RESOURCE)
    return enrolment


def make_gathering(programme, on, *, network=None, title="Nettverkssamling 2") -> Gathering:
    return Gathering.objects.create(
        programme=programme,
        network=network,
        kind=Gathering.Kind.NETWORK,
        title=title,
        starts_at=at(on, 9),
        ends_at=at(on, 15),
        place="Rådhuset",
    )


def make_assignment(programme, due, *, title="Les kapittel 3", gathering=None) -> Assignment:
    return Assignment.objects.create(
        programme=programme, gathering=gathering, title=title, instructions="Les", due_date=due
    )


def leader_of(unit) -> User:
    return MembershipFactory(unit=unit, role=Membership.Role.LEADER).user


def prefer(person: User, kind: str, delivery: str) -> None:
    NotificationPreference.objects.create(user=person, kind=kind, delivery=delivery)


def queued(person: User, *, delivery=Delivery.IMMEDIATELY, when=None) -> Notification:
    """A "phase started" notification waiting in the outbox (nothing withdraws that kind)."""
    return Notification.objects.create(
        recipient=person,
        kind=Kind.PHASE_STARTED,
        object_id=1,
        occasion=f"event-{next(OCCASIONS)}",
        params={"cycle": "Ro ved måltidet", "phase": 2},
        url=reverse("phase_detail", args=[1, 2]),
        delivery=delivery,
        send_after=when or at(D),
    )


@pytest.fixture
def cycle(world) -> Cycle:
    """world.leader's active cycle in world.unit, in phase 1."""
    return make_cycle(world.unit, world.leader)


# 1. The rules' timing -----------------------------------------------------------------


class TestRegistry:
    def test_every_kind_has_a_rule_and_every_timed_rule_a_finder(self):
        assert set(RULES) == set(Kind.values)
        events = {Kind.PHASE_STARTED, Kind.VISIT_UPDATE}
        assert {kind for kind, rule in RULES.items() if rule.find is None} == events

    def test_urgent_kinds(self):
        urgent = {kind for kind, rule in RULES.items() if rule.urgent}
        assert urgent == {Kind.VISIT_UPDATE, Kind.VISIT_UNANSWERED, Kind.GATHERING_SOON}

    @pytest.mark.parametrize(
        "value, days", [("7", (7,)), ("7, 1", (1, 7)), (" 1,7,7 ", (1, 7)), ("0", (0,))]
    )
    def test_parse_days(self, value, days):
        assert reminders.parse_days(value) == days

    @pytest.mark.parametrize("value", ["", "sju", "7;1", "-1", "366", "1.5"])
    def test_parse_days_refuses_anything_else(self, value):
        with pytest.raises(ValidationError):
            reminders.parse_days(value)


class TestPhasesAndTasks:
    def test_phase_due_seven_days_before_not_eight(self, world, cycle):
        plan = make_plan(cycle, due=D, responsible=world.staff)
        make_plan(cycle, phase=2, due=D, responsible=world.supporter)  # not the current phase

        assert written(D - 8 * DAY, Kind.PHASE_DUE) == set()
        assert written(D - 7 * DAY, Kind.PHASE_DUE) == to(plan, world.leader, world.staff)
        assert written(D - 1 * DAY, Kind.PHASE_DUE) == set()
        assert written(D, Kind.PHASE_DUE) == set()
        assert occasions(Kind.PHASE_DUE) == {f"{D}-7"}

    def test_phase_overdue_from_the_day_after(self, world, cycle):
        plan = make_plan(cycle, due=D, responsible=world.staff)

        assert written(D, Kind.PHASE_OVERDUE) == set()
        assert written(D + DAY, Kind.PHASE_OVERDUE) == to(plan, world.leader, world.staff)
        assert written(D + 5 * DAY, Kind.PHASE_OVERDUE) == set()
        assert occasions(Kind.PHASE_OVERDUE) == {f"{D}+1"}

    @pytest.mark.parametrize("late, found", [(8, True), (9, False)])
    def test_a_missed_reminder_is_found_for_seven_days_after_its_day(self, cycle, late, found):
        """The grace period: overdue from day 1, still worth sending up to day 1 + 7."""
        plan = make_plan(cycle, due=D)
        expected = {(cycle.owner_id, plan.pk)} if found else set()
        assert written(D + late * DAY, Kind.PHASE_OVERDUE) == expected

    def test_task_due_three_days_before_and_overdue_the_day_after(self, world, cycle):
        task = make_task(cycle, due=D, responsible=world.staff)

        assert written(D - 4 * DAY, Kind.TASK_DUE) == set()
        assert written(D - 3 * DAY, Kind.TASK_DUE) == to(task, world.staff)
        assert written(D, Kind.TASK_OVERDUE) == set()
        assert written(D + DAY, Kind.TASK_OVERDUE) == to(task, world.staff)

    def test_tasks_without_a_responsible_go_to_the_owner_done_and_later_ones_to_no_one(
        self, world, cycle
    ):
        nobodys = make_task(cycle, due=D)
        make_task(cycle, due=D, responsible=world.staff, status=Task.Status.DONE)
        make_task(cycle, due=D, responsible=world.staff, phase=2)  # a later phase

        assert written(D - 3 * DAY, Kind.TASK_DUE) == to(nobodys, world.leader)


class TestIdeas:
    def test_idea_unanswered_at_fourteen_days_not_thirteen(self, world, cycle):
        idea = make_idea(cycle, on=D)
        make_idea(cycle, on=D, response=Idea.Response.VALUED)

        assert written(D + 13 * DAY, Kind.IDEA_UNANSWERED) == set()
        assert written(D + 14 * DAY, Kind.IDEA_UNANSWERED) == to(idea, world.leader)

    def test_an_idea_raised_after_midnight_counts_from_the_local_date(self, world, cycle):
        """00:30 in Oslo is still the day before in UTC."""
        idea = make_idea(cycle, on=D, hour=0)
        Idea.objects.filter(pk=idea.pk).update(created_at=at(D, 0, 30))

        assert written(D + 13 * DAY, Kind.IDEA_UNANSWERED) == set()
        assert written(D + 14 * DAY, Kind.IDEA_UNANSWERED) == to(idea, world.leader)
        assert occasions(Kind.IDEA_UNANSWERED) == {f"{D}+14"}


class TestVisits:
    def test_unanswered_at_five_days_not_four_to_the_host_units_leaders(self, world, cycle):
        visit = make_visit(
            cycle,
            world.sibling,
            held_on=D + 30 * DAY,
            requested_on=D,
            status=Visit.Status.REQUESTED,
        )
        make_visit(cycle, world.sibling, held_on=D + 31 * DAY, requested_on=D)  # accepted

        assert written(D + 4 * DAY, Kind.VISIT_UNANSWERED) == set()
        assert written(D + 5 * DAY, Kind.VISIT_UNANSWERED) == to(visit, world.sibling_leader)

    def test_unanswered_goes_to_the_host_contact_instead_when_there_is_one(self, world, cycle):
        contact = MembershipFactory(unit=world.sibling).user
        visit = make_visit(
            cycle,
            world.sibling,
            held_on=D + 30 * DAY,
            requested_on=D,
            status=Visit.Status.REQUESTED,
            contact=contact,
        )
        assert written(D + 5 * DAY, Kind.VISIT_UNANSWERED) == to(visit, contact)

    def test_reflection_the_day_after_to_observers_who_have_not_written_one(self, world, cycle):
        visit = make_visit(
            cycle,
            world.sibling,
            held_on=D,
            observers=[world.staff, world.supporter, world.safety_rep],
        )
        with travel(D, 15):
            VisitReflection.objects.create(
                visit=visit, author=world.supporter, observed="Ro", take_home="Rolig start"
            )
            Reflection.objects.create(
                author=world.safety_rep, cycle=cycle, visit=visit, free_text="Mye å lære"
            )

        assert written(D, Kind.VISIT_REFLECTION, hour=20) == set()
        assert written(D + DAY, Kind.VISIT_REFLECTION, hour=7) == to(visit, world.staff)

    def test_feedback_not_sent_at_five_days(self, world, cycle):
        visit = make_visit(cycle, world.sibling, held_on=D)
        sent = make_visit(cycle, world.sibling, held_on=D)
        VisitFeedback.objects.create(
            visit=sent, works="Ro", learned="Mye", written_by=world.leader, sent_at=at(D, 16)
        )

        assert written(D + 4 * DAY, Kind.FEEDBACK_NOT_SENT) == set()
        assert written(D + 5 * DAY, Kind.FEEDBACK_NOT_SENT) == to(visit, world.leader)

    def test_sharing_not_held_at_fourteen_days(self, world, cycle):
        """A session before the visit does not count; one after it does."""
        visit = make_visit(cycle, world.sibling, held_on=D)
        SharingSession.objects.create(cycle=cycle, held_on=D - 10 * DAY)
        shared = make_cycle(world.sibling, world.sibling_leader)
        make_visit(shared, world.unit, held_on=D)
        SharingSession.objects.create(cycle=shared, held_on=D + 3 * DAY)

        assert written(D + 13 * DAY, Kind.SHARING_NOT_HELD) == set()
        assert written(D + 14 * DAY, Kind.SHARING_NOT_HELD) == to(visit, world.leader)


class TestProgrammes:
    def test_gathering_soon_at_seven_and_one_day_before_each_once(self, world, cycle):
        programme = make_programme(world)
        enrol(programme, world.unit, cycle=cycle, team=[world.staff, world.union_rep])
        enrol(
            programme, world.sibling, team=[world.sibling_leader], status=Enrolment.Status.APPLIED
        )
        others = Network.objects.create(programme=programme, name="Nettverk B")
        make_gathering(programme, D, network=others, title="Bare for nettverk B")
        gathering = make_gathering(programme, D)
        make_assignment(programme, D - 14 * DAY, title="Les kapittel 3", gathering=gathering)
        make_assignment(programme, D - 7 * DAY, title="Skriv statusrapport", gathering=gathering)
        team = to(gathering, world.leader, world.staff, world.union_rep)

        assert written(D - 8 * DAY, Kind.GATHERING_SOON) == set()
        assert written(D - 7 * DAY, Kind.GATHERING_SOON) == team
        assert written(D - 6 * DAY, Kind.GATHERING_SOON) == set()
        assert written(D - 2 * DAY, Kind.GATHERING_SOON) == set()
        assert written(D - 1 * DAY, Kind.GATHERING_SOON) == team
        assert written(D, Kind.GATHERING_SOON) == set()

        rows = Notification.objects.filter(kind=Kind.GATHERING_SOON)
        assert rows.count() == 6
        assert occasions(Kind.GATHERING_SOON) == {f"{D}-7", f"{D}-1"}
        prework = rows.first().params["prework"]
        assert "Les kapittel 3" in prework and "Skriv statusrapport" in prework

    def test_assignment_due_three_days_before_and_overdue_not_for_those_who_submitted(
        self, world, cycle
    ):
        programme = make_programme(world)
        enrol(programme, world.unit, cycle=cycle, team=[world.staff])
        done = enrol(programme, world.sibling, team=[world.sibling_leader])
        assignment = make_assignment(programme, D)
        Submission.objects.create(assignment=assignment, enrolment=done, text="Vårt svar")

        assert written(D - 4 * DAY, Kind.ASSIGNMENT_DUE) == set()
        assert written(D - 3 * DAY, Kind.ASSIGNMENT_DUE) == to(
            assignment, world.leader, world.staff
        )
        assert written(D, Kind.ASSIGNMENT_OVERDUE) == set()
        assert written(D + DAY, Kind.ASSIGNMENT_OVERDUE) == to(
            assignment, world.leader, world.staff
        )

    def test_bring_home_after_its_due_date_until_confirmed(self, world):
        programme = make_programme(world)
        gathering = make_gathering(programme, D - 14 * DAY)
        waiting = BringHomeTask.objects.create(
            gathering=gathering, enrolment=enrol(programme, world.unit), what="Del", due_date=D
        )
        BringHomeTask.objects.create(
            gathering=gathering,
            enrolment=enrol(programme, world.sibling),
            what="Del",
            due_date=D,
            confirmed_at=at(D),
        )

        assert written(D, Kind.BRING_HOME_UNCONFIRMED) == set()
        assert written(D + DAY, Kind.BRING_HOME_UNCONFIRMED) == to(waiting, world.leader)


class TestCoordinatorRules:
    def test_evaluation_due_seven_days_before_to_coordinators_or_hr(self, world, cycle):
        make_plan(cycle, phase=7, due=D)
        coordinator = UserFactory(municipality=world.unit.municipality)
        programme = make_programme(world, coordinators=[coordinator])
        enrolled = make_cycle(world.sibling, world.sibling_leader)
        enrol(programme, world.sibling, cycle=enrolled)
        make_plan(enrolled, phase=7, due=D)

        assert written(D - 8 * DAY, Kind.EVALUATION_DUE) == set()
        assert written(D - 7 * DAY, Kind.EVALUATION_DUE) == to(cycle, world.hr) | to(
            enrolled, coordinator
        )

    def test_cycle_without_owner_once_per_owner_who_left(self, world, cycle):
        assert written(D, Kind.CYCLE_WITHOUT_OWNER) == set()

        User.objects.filter(pk=world.leader.pk).update(is_active=False)
        assert written(D, Kind.CYCLE_WITHOUT_OWNER) == to(cycle, world.hr)
        assert written(D + DAY, Kind.CYCLE_WITHOUT_OWNER) == set()

        successor = leader_of(world.unit)
        Cycle.objects.filter(pk=cycle.pk).update(owner=successor)
        assert written(D + 2 * DAY, Kind.CYCLE_WITHOUT_OWNER) == set()

        Membership.objects.filter(user=successor).update(role=Membership.Role.STAFF)
        assert written(D + 3 * DAY, Kind.CYCLE_WITHOUT_OWNER) == to(cycle, world.hr)
        assert occasions(Kind.CYCLE_WITHOUT_OWNER) == {
            f"owner-{world.leader.pk}",
            f"owner-{successor.pk}",
        }

    def test_cycle_without_owner_in_a_programme_goes_to_its_coordinators(self, world, cycle):
        coordinator = UserFactory(municipality=world.unit.municipality)
        enrol(make_programme(world, coordinators=[coordinator]), world.unit, cycle=cycle)
        User.objects.filter(pk=world.leader.pk).update(is_active=False)

        assert written(D, Kind.CYCLE_WITHOUT_OWNER) == to(cycle, coordinator)


def everything_due(world, status=Cycle.Status.ACTIVE) -> Cycle:
    """A cycle with something due for most rules on ``D - 2``; its owner is not a leader."""
    owner = MembershipFactory(unit=world.unit, role=Membership.Role.STAFF).user
    cycle = make_cycle(world.unit, owner, status=status)
    make_plan(cycle, due=D)
    make_plan(cycle, phase=7, due=D)
    make_task(cycle, due=D)
    make_idea(cycle, on=D - 16 * DAY)
    make_visit(cycle, world.sibling, held_on=D - 7 * DAY, observers=[world.staff])
    return cycle


EVERYTHING = {
    Kind.PHASE_DUE,
    Kind.TASK_DUE,
    Kind.EVALUATION_DUE,
    Kind.IDEA_UNANSWERED,
    Kind.VISIT_REFLECTION,
    Kind.FEEDBACK_NOT_SENT,
    Kind.CYCLE_WITHOUT_OWNER,
}


class TestWhatCountsOut:
    @pytest.mark.parametrize(
        "status, kinds",
        [
            (Cycle.Status.ACTIVE, EVERYTHING),
            (Cycle.Status.PAUSED, set()),
            (Cycle.Status.COMPLETED, set()),
        ],
    )
    def test_paused_and_completed_cycles_get_nothing(self, world, status, kinds):
        everything_due(world, status)
        sweep(D - 2 * DAY)
        assert set(Notification.objects.values_list("kind", flat=True)) == kinds

    def test_a_municipality_that_switched_a_rule_off_gets_none_of_it(self, world, cycle):
        ReminderSetting.objects.create(
            municipality=world.unit.municipality, kind=Kind.PHASE_DUE, enabled=False
        )
        own = make_plan(cycle, due=D)
        neighbours = make_plan(make_cycle(world.other_unit, world.outsider_leader), due=D)

        assert written(D - 7 * DAY, Kind.PHASE_DUE) == to(neighbours, world.outsider_leader)
        # Its other rules still apply.
        assert written(D + DAY, Kind.PHASE_OVERDUE) == to(own, world.leader) | to(
            neighbours, world.outsider_leader
        )

    def test_switching_off_a_programme_rule_leaves_the_other_municipalitys_units(
        self, world, cycle
    ):
        programme = make_programme(world)
        enrol(programme, world.unit, cycle=cycle)
        enrol(programme, world.other_unit, team=[world.outsider_leader])
        gathering = make_gathering(programme, D)
        ReminderSetting.objects.create(
            municipality=world.other_unit.municipality, kind=Kind.GATHERING_SOON, enabled=False
        )
        assert written(D - 7 * DAY, Kind.GATHERING_SOON) == to(gathering, world.leader)

    def test_changed_days_are_respected(self, world, cycle):
        ReminderSetting.objects.create(
            municipality=world.unit.municipality, kind=Kind.PHASE_DUE, days="3, 1"
        )
        own = make_plan(cycle, due=D)
        neighbours = make_plan(make_cycle(world.other_unit, world.outsider_leader), due=D)

        assert written(D - 7 * DAY, Kind.PHASE_DUE) == to(neighbours, world.outsider_leader)
        assert written(D - 4 * DAY, Kind.PHASE_DUE) == set()
        assert written(D - 3 * DAY, Kind.PHASE_DUE) == to(own, world.leader)
        assert written(D - 2 * DAY, Kind.PHASE_DUE) == set()
        assert written(D - 1 * DAY, Kind.PHASE_DUE) == to(own, world.leader)
        assert occasions(Kind.PHASE_DUE) == {f"{D}-7", f"{D}-3", f"{D}-1"}

    def test_changed_days_after_a_date_move_the_grace_period_too(self, world, cycle):
        ReminderSetting.objects.create(
            municipality=world.unit.municipality, kind=Kind.IDEA_UNANSWERED, days="3"
        )
        idea = make_idea(cycle, on=D)
        last_chance = make_idea(cycle, on=D - 8 * DAY)  # 3 + 7 days after it on D + 2
        make_idea(cycle, on=D - 9 * DAY)  # too old by then

        assert written(D + 2 * DAY, Kind.IDEA_UNANSWERED) == to(last_chance, world.leader)
        assert written(D + 3 * DAY, Kind.IDEA_UNANSWERED) == to(idea, world.leader)


# 2. Idempotency -----------------------------------------------------------------------


def snapshot():
    return list(Notification.objects.order_by("pk").values())


def test_a_second_sweep_writes_nothing_and_changes_nothing(world):
    everything_due(world)
    assert sweep(D - 2 * DAY) == len(EVERYTHING)  # one person each
    first = snapshot()

    assert sweep(D - 2 * DAY, hour=13) == 0
    assert sweep(D - DAY) == 0  # the same occasions the next day
    assert snapshot() == first


def test_writing_the_same_reminders_twice_keeps_one_row_each(world):
    found = [(reminders.Due(world.leader.pk, 1, D, {}, "/"), "x")]
    with travel(D):
        assert outbox.write(Kind.PHASE_DUE, found) == 1
        assert outbox.write(Kind.PHASE_DUE, found) == 0
    assert Notification.objects.count() == 1


# 3. Preferences and digests -----------------------------------------------------------


class TestPreferences:
    def test_defaults(self):
        immediate = {Kind.VISIT_UPDATE, Kind.VISIT_UNANSWERED}
        for kind in Kind:
            expected = Delivery.IMMEDIATELY if kind in immediate else Delivery.DAILY
            assert RULES[kind].default_delivery == expected, kind

    def test_off_means_no_row(self, world, cycle):
        prefer(world.staff, Kind.PHASE_DUE, Delivery.OFF)
        plan = make_plan(cycle, due=D, responsible=world.staff)
        assert written(D - 7 * DAY, Kind.PHASE_DUE) == to(plan, world.leader)

    def test_immediately_is_sent_at_once(self, world, cycle):
        prefer(world.leader, Kind.PHASE_DUE, Delivery.IMMEDIATELY)
        make_plan(cycle, due=D)
        sweep(D - 7 * DAY)

        assert send_due(at(D - 7 * DAY, 12, 1)) == 1
        assert sent_to() == [world.leader.email]
        row = Notification.objects.get()
        assert (row.delivery, row.status) == (Delivery.IMMEDIATELY, S.SENT)

    def test_daily_rows_wait_until_seven_and_go_as_one_digest(self, world, cycle):
        make_plan(cycle, due=D)
        make_task(cycle, due=D - 4 * DAY)  # no one responsible: the owner
        sweep(D - 7 * DAY)
        rows = Notification.objects.filter(recipient=world.leader)
        assert {row.kind for row in rows} == {Kind.PHASE_DUE, Kind.TASK_DUE}
        assert {row.send_after for row in rows} == {at(D - 6 * DAY, 7)}

        assert send_due(at(D - 7 * DAY, 23, 59)) == 0
        assert send_due(at(D - 6 * DAY, 6, 59)) == 0
        assert send_due(at(D - 6 * DAY, 7)) == 1
        assert send_due(at(D - 6 * DAY, 8)) == 0

        [message] = mail.outbox
        assert message.to == [world.leader.email]
        with translation.override(world.leader.preferred_language):
            subject = ngettext(
                "%(count)s reminder from Kollegalæring", "%(count)s reminders from Kollegalæring", 2
            ) % {"count": 2}
            texts = [RULES[row.kind].text(row.params) for row in rows]
        assert message.subject == subject
        for row, text in zip(rows, texts, strict=True):
            assert text in message.body
            assert settings.SITE_URL + row.url in message.body
        assert set(rows.values_list("status", flat=True)) == {S.SENT}

    def test_weekly_rows_wait_until_monday_at_seven(self, world, cycle):
        prefer(world.leader, Kind.PHASE_DUE, Delivery.WEEKLY)
        make_plan(cycle, due=D)
        sweep(D - 7 * DAY)  # Tuesday
        monday = D - DAY
        assert Notification.objects.get().send_after == at(monday, 7)

        assert send_due(at(D - 6 * DAY, 7)) == 0
        assert send_due(at(monday - DAY, 12)) == 0
        assert send_due(at(monday, 7)) == 1
        assert sent_to() == [world.leader.email]

    @pytest.mark.parametrize(
        "delivery, now, expected",
        [
            (Delivery.IMMEDIATELY, at(D, 23, 30), at(D, 23, 30)),
            (Delivery.DAILY, at(D, 6, 59), at(D, 7)),
            (Delivery.DAILY, at(D, 7), at(D + DAY, 7)),
            (Delivery.DAILY, at(D, 12), at(D + DAY, 7)),
            # Across the change to summer time (29 March 2026): still 07:00 local.
            (Delivery.DAILY, at(datetime.date(2026, 3, 28), 12), at(datetime.date(2026, 3, 29), 7)),
            (Delivery.WEEKLY, at(D - DAY, 6), at(D - DAY, 7)),  # Monday before seven
            (Delivery.WEEKLY, at(D - DAY, 7, 30), at(D + 6 * DAY, 7)),
            (Delivery.WEEKLY, at(D, 12), at(D + 6 * DAY, 7)),
            (Delivery.WEEKLY, at(D + 5 * DAY, 23), at(D + 6 * DAY, 7)),  # Sunday night
        ],
    )
    def test_send_after(self, delivery, now, expected):
        assert outbox.send_after(delivery, now) == expected

    def test_a_reminder_found_at_night_waits_for_the_morning_even_when_wanted_at_once(self):
        night, morning, noon = at(D, 0, 5), at(D, 7), at(D, 12)
        assert outbox.send_after(Delivery.IMMEDIATELY, night, reminder=True) == morning
        assert outbox.send_after(Delivery.IMMEDIATELY, noon, reminder=True) == noon
        assert outbox.send_after(Delivery.IMMEDIATELY, night) == night  # news goes at once

    def test_a_changed_preference_applies_to_waiting_rows(self, world, cycle):
        make_plan(cycle, due=D, responsible=world.staff)
        sweep(D - 7 * DAY)
        with travel(D - 7 * DAY, 13):
            outbox.set_preference(world.leader, Kind.PHASE_DUE, Delivery.IMMEDIATELY)
            outbox.set_preference(world.staff, Kind.PHASE_DUE, Delivery.OFF)
        leaders = Notification.objects.get(recipient=world.leader)
        assert (leaders.delivery, leaders.send_after) == (Delivery.IMMEDIATELY, at(D - 7 * DAY, 13))
        assert Notification.objects.get(recipient=world.staff).status == S.WITHDRAWN

        assert send_due(at(D - 7 * DAY, 13)) == 1
        assert send_due(at(D - 6 * DAY, 7)) == 0
        assert sent_to() == [world.leader.email]
        assert NotificationPreference.objects.get(user=world.staff).delivery == Delivery.OFF

    def test_event_rows_get_the_default_delivery(self, world, cycle):
        with travel(D):  # the sender is not woken: on_commit callbacks do not run here
            visit = workflow.request_visit(
                cycle=cycle,
                host_unit=world.sibling,
                starts_at=at(D + 20 * DAY, 9),
                ends_at=at(D + 20 * DAY, 14),
                observers=[world.staff],
                purpose="Lære",
                actor=world.leader,
            )
        sweep(D + 5 * DAY)
        rows = Notification.objects.filter(object_id=visit.pk)
        assert set(rows.values_list("kind", "delivery")) == {
            (Kind.VISIT_UPDATE, Delivery.IMMEDIATELY),
            (Kind.VISIT_UNANSWERED, Delivery.IMMEDIATELY),
        }


# 4. Quiet periods ---------------------------------------------------------------------


def test_quiet_periods_hold_non_urgent_rows_and_let_urgent_ones_through(world, cycle):
    make_plan(cycle, due=D)  # phase_due to world.leader: daily, not urgent
    make_plan(make_cycle(world.other_unit, world.outsider_leader), due=D)  # another municipality
    make_visit(  # visit_unanswered to world.sibling_leader: immediately, urgent
        cycle,
        world.sibling,
        held_on=D + 20 * DAY,
        requested_on=D - 12 * DAY,
        status=Visit.Status.REQUESTED,
    )
    programme = make_programme(world)
    enrol(programme, world.unit, team=[world.staff])
    make_gathering(programme, D - 6 * DAY)  # gathering_soon to world.staff: daily, urgent
    QuietPeriod.objects.create(
        municipality=world.unit.municipality,
        name="Vinterferie",
        starts_on=D - 7 * DAY,
        ends_on=D - 5 * DAY,
    )
    sweep(D - 7 * DAY)

    assert send_due(at(D - 7 * DAY, 12, 1)) == 1
    assert sent_to() == [world.sibling_leader.email]
    assert send_due(at(D - 6 * DAY, 7)) == 2
    assert set(sent_to()[1:]) == {world.staff.email, world.outsider_leader.email}
    assert send_due(at(D - 5 * DAY, 7)) == 0
    held = Notification.objects.get(recipient=world.leader)
    assert held.status == S.PENDING

    assert send_due(at(D - 4 * DAY, 7)) == 1
    assert send_due(at(D - 4 * DAY, 8)) == 0
    assert sent_to()[3:] == [world.leader.email]
    assert fresh(held).status == S.SENT


# 5. Withdrawal ------------------------------------------------------------------------


def test_a_task_done_before_the_digest_goes_is_withdrawn(world, cycle):
    task = make_task(cycle, due=D - 4 * DAY, responsible=world.staff)
    sweep(D - 7 * DAY)
    row = Notification.objects.get(kind=Kind.TASK_DUE)
    Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE)

    assert send_due(at(D - 6 * DAY, 7)) == 0
    assert mail.outbox == []
    assert fresh(row).status == S.WITHDRAWN


def test_a_digest_leaves_out_what_was_dealt_with(world, cycle):
    make_plan(cycle, due=D)
    make_task(cycle, due=D - 4 * DAY)
    sweep(D - 7 * DAY)
    Task.objects.update(status=Task.Status.DONE)

    assert send_due(at(D - 6 * DAY, 7)) == 1
    phase_row = Notification.objects.get(kind=Kind.PHASE_DUE)
    with translation.override(world.leader.preferred_language):
        assert mail.outbox[0].subject == RULES[Kind.PHASE_DUE].text(phase_row.params)
    assert dict(Notification.objects.values_list("kind", "status")) == {
        Kind.PHASE_DUE: S.SENT,
        Kind.TASK_DUE: S.WITHDRAWN,
    }


def test_an_answered_visit_request_is_withdrawn(world, cycle):
    visit = make_visit(
        cycle, world.sibling, held_on=D + 20 * DAY, requested_on=D, status=Visit.Status.REQUESTED
    )
    sweep(D + 5 * DAY)
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.CONFIRMED)

    assert send_due(at(D + 5 * DAY, 12, 1)) == 0
    assert Notification.objects.get().status == S.WITHDRAWN


def test_a_gathering_reminder_still_waiting_when_the_gathering_begins_is_withdrawn(world, cycle):
    programme = make_programme(world)
    enrol(programme, world.unit, cycle=cycle, team=[world.staff])
    make_gathering(programme, D)
    prefer(world.staff, Kind.GATHERING_SOON, Delivery.WEEKLY)
    sweep(D - 7 * DAY)
    # The digest was due on Monday morning; the sender only gets to it once the gathering
    # (09:00 on D) has begun, e.g. after a Redis outage.
    send_due(at(D, 10))
    row = Notification.objects.get(recipient=world.staff)
    assert row.status == S.WITHDRAWN
    assert world.staff.email not in sent_to()


def test_an_inactive_host_contact_is_passed_over_for_the_host_units_leaders(world, cycle):
    contact = MembershipFactory(unit=world.sibling, role=Membership.Role.STAFF).user
    visit = make_visit(
        cycle,
        world.sibling,
        held_on=D + 20 * DAY,
        requested_on=D,
        status=Visit.Status.REQUESTED,
        contact=contact,
    )
    assert written(D + 5 * DAY, Kind.VISIT_UNANSWERED) == to(visit, contact)

    Notification.objects.all().delete()
    contact.is_active = False
    contact.save()
    assert written(D + 5 * DAY, Kind.VISIT_UNANSWERED) == to(visit, world.sibling_leader)


# 6. Claims ----------------------------------------------------------------------------


def test_two_claims_on_the_same_rows_the_second_gets_nothing(world):
    rows = [queued(world.leader), queued(world.staff), queued(world.hr)]
    pending = Notification.objects.filter(pk__in=[row.pk for row in rows])
    now = at(D, 12, 5)

    first = outbox.claim(pending, now)
    second = outbox.claim(pending, now)

    assert len(first) == 3
    assert second == []
    assert len({row.claim_token for row in first}) == 1
    assert set(pending.values_list("status", "attempts")) == {(S.SENDING, 1)}


def test_a_killed_workers_claim_expires_and_the_row_is_sent_once(world):
    row = queued(world.leader)
    claimed_at = at(D, 12, 5)
    assert len(outbox.claim(Notification.objects.filter(pk=row.pk), claimed_at)) == 1
    # ...and the worker dies without sending.

    assert send_due(claimed_at + (outbox.CLAIM_MINUTES - 1) * MINUTE) == 0
    assert send_due(claimed_at + outbox.CLAIM_MINUTES * MINUTE) == 0
    assert fresh(row).status == S.SENDING
    assert send_due(claimed_at + (outbox.CLAIM_MINUTES + 1) * MINUTE) == 1
    assert send_due(claimed_at + (outbox.CLAIM_MINUTES + 30) * MINUTE) == 0

    assert sent_to() == [world.leader.email]
    row = fresh(row)
    assert (row.status, row.attempts) == (S.SENT, 2)
    assert row.claim_token is None


def test_a_limited_run_sends_one_digest_per_person_up_to_the_limit(world):
    for person in (world.leader, world.staff, world.hr):
        for _ in range(3):
            queued(person, delivery=Delivery.DAILY, when=at(D, 7))

    with travel(at(D, 8)):
        assert outbox.send_due(at(D, 8), limit=2) == 2
        assert outbox.send_due(at(D, 8), limit=2) == 1
    assert sorted(sent_to()) == sorted([world.leader.email, world.staff.email, world.hr.email])
    assert set(Notification.objects.values_list("status", flat=True)) == {S.SENT}


def test_a_person_who_left_before_the_email_went_gets_none(world):
    row = queued(world.leader)
    User.objects.filter(pk=world.leader.pk).update(is_active=False)

    assert send_due(at(D, 12, 5)) == 0
    assert mail.outbox == []
    assert fresh(row).status == S.WITHDRAWN


# 7. SMTP errors -----------------------------------------------------------------------


class ScriptedSMTP(locmem.EmailBackend):
    """The locmem backend, except that a message to an address in ``failures`` raises the
    next error queued for that address instead of being sent."""

    failures: ClassVar[dict[str, list[Exception]]] = {}

    def send_messages(self, messages):
        for message in messages:
            errors = self.failures.get(message.to[0])
            if errors:
                raise errors.pop(0)
        return super().send_messages(messages)


@pytest.fixture
def smtp(settings):
    """Queue errors per address: ``smtp[address] = [error, ...]``."""
    settings.EMAIL_BACKEND = f"{__name__}.ScriptedSMTP"
    ScriptedSMTP.failures = {}
    yield ScriptedSMTP.failures
    ScriptedSMTP.failures = {}


def disconnected() -> smtplib.SMTPServerDisconnected:
    return smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_temporary_error_is_retried_later_with_backoff(world, smtp):
    row = queued(world.leader)
    smtp[world.leader.email] = [disconnected()]
    now = at(D, 12, 5)

    assert send_due(now) == 0
    row = fresh(row)
    assert (row.status, row.attempts) == (S.PENDING, 1)
    assert row.send_after == now + 2 * MINUTE
    assert "Connection unexpectedly closed" in row.last_error

    assert send_due(now + MINUTE) == 0
    assert send_due(now + 2 * MINUTE) == 1
    row = fresh(row)
    assert (row.status, row.attempts) == (S.SENT, 2)
    assert sent_to() == [world.leader.email]


def test_a_refused_address_fails_for_good_with_the_address_and_code(world, smtp):
    row = queued(world.leader)
    address = world.leader.email
    smtp[address] = [smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 No such user")})]

    assert send_due(at(D, 12, 5)) == 0
    row = fresh(row)
    assert row.status == S.FAILED
    assert address in row.last_error and "550" in row.last_error
    assert send_due(at(D + DAY)) == 0
    assert mail.outbox == []


def test_after_max_attempts_temporary_errors_fail_the_row(world, smtp):
    row = queued(world.leader)
    smtp[world.leader.email] = [disconnected() for _ in range(outbox.MAX_ATTEMPTS)]

    moment = at(D)
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        moment = max(moment, fresh(row).send_after)
        assert send_due(moment) == 0
        row = fresh(row)
        assert row.attempts == attempt
        assert row.status == (S.FAILED if attempt == outbox.MAX_ATTEMPTS else S.PENDING)
    assert send_due(moment + DAY) == 0
    assert mail.outbox == []


def test_one_failing_row_does_not_stop_the_others(world, smtp):
    refused, flaky, broken = world.leader, world.sibling_leader, world.supporter
    for person in (refused, world.staff, flaky):
        queued(person)
    for person in (broken, world.hr):
        queued(person, delivery=Delivery.DAILY, when=at(D, 7))
        queued(person, delivery=Delivery.DAILY, when=at(D, 7))
    smtp[refused.email] = [smtplib.SMTPRecipientsRefused({refused.email: (550, b"Unknown")})]
    smtp[flaky.email] = [disconnected()]
    smtp[broken.email] = [RuntimeError("Template trouble")]

    assert send_due(at(D, 12, 5)) == 2
    assert sorted(sent_to()) == sorted([world.staff.email, world.hr.email])
    status = dict(Notification.objects.values_list("recipient_id", "status").distinct())
    assert status == {
        refused.pk: S.FAILED,
        world.staff.pk: S.SENT,
        flaky.pk: S.PENDING,
        broken.pk: S.FAILED,
        world.hr.pk: S.SENT,
    }
    assert (
        "RuntimeError: Template trouble"
        in Notification.objects.filter(recipient=broken)
        .values_list("last_error", flat=True)
        .first()
    )


# 8. An unreachable broker -------------------------------------------------------------


def test_with_the_broker_down_visits_and_phases_go_on_and_are_emailed_later(
    world, cycle, broker_down, django_capture_on_commit_callbacks, caplog
):
    make_plan(cycle, phase=2, due=D + 30 * DAY, responsible=world.staff)
    caplog.set_level(logging.WARNING, logger="programmes.outbox")
    started = time.monotonic()
    with travel(D):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            visit = workflow.request_visit(
                cycle=cycle,
                host_unit=world.sibling,
                starts_at=at(D + 20 * DAY, 9),
                ends_at=at(D + 20 * DAY, 14),
                observers=[world.staff],
                purpose="Lære av måltidet",
                actor=world.leader,
            )
        with django_capture_on_commit_callbacks(execute=True) as more:
            phases.advance(cycle, actor=world.leader, reason="Vi går videre")
    elapsed = time.monotonic() - started

    assert len(callbacks) == 1 and len(more) == 1  # the sender was asked to wake, twice
    assert caplog.text.count("Could not reach the task broker") == 2
    assert elapsed < 5, f"waking the sender with the broker down took {elapsed:.1f} s"
    assert mail.outbox == []
    assert fresh(cycle).current_phase == 2
    assert set(Notification.objects.values_list("kind", "recipient_id", "status")) == {
        (Kind.VISIT_UPDATE, world.sibling_leader.pk, S.PENDING),
        (Kind.PHASE_STARTED, world.staff.pk, S.PENDING),
    }

    assert send_due(at(D, 12, 1)) == 1  # the visit request goes at once
    assert send_due(at(D + DAY, 7)) == 1  # the phase in the staff member's daily digest
    assert send_due(at(D + DAY, 8)) == 0
    assert sent_to() == [world.sibling_leader.email, world.staff.email]
    assert str(visit.pk) in mail.outbox[0].body


# 9. The emails ------------------------------------------------------------------------


def test_email_in_the_recipients_language_with_text_html_and_links(world, cycle):
    User.objects.filter(pk=world.leader.pk).update(language="nn")
    prefer(world.leader, Kind.PHASE_DUE, Delivery.IMMEDIATELY)
    make_plan(cycle, due=D)
    sweep(D - 7 * DAY)
    row = Notification.objects.get()
    assert send_due(at(D - 7 * DAY, 12, 1)) == 1

    [message] = mail.outbox
    assert message.to == [world.leader.email]
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert 'lang="nn"' in html
    with translation.override("nn"):
        assert message.subject == RULES[Kind.PHASE_DUE].text(row.params)
    action = settings.SITE_URL + row.url
    settings_url = settings.SITE_URL + reverse("notification_settings")
    for part in (message.body, html):
        assert action in part
        assert settings_url in part
    assert "<" not in message.body


def test_english_email_for_an_english_reader(world, cycle):
    User.objects.filter(pk=world.leader.pk).update(language="en")
    prefer(world.leader, Kind.PHASE_DUE, Delivery.IMMEDIATELY)
    make_plan(cycle, due=D)
    sweep(D - 7 * DAY)
    assert send_due(at(D - 7 * DAY, 12, 1)) == 1

    message = mail.outbox[0]
    assert message.subject == "Anchoring in “Ro ved måltidet” is due on 10. March 2026."
    assert 'lang="en"' in message.alternatives[0][0]


def test_a_visit_update_email_uses_the_visits_own_template(
    world, cycle, django_capture_on_commit_callbacks
):
    host = world.sibling_leader
    with travel(D), django_capture_on_commit_callbacks(execute=True):
        visit = workflow.request_visit(
            cycle=cycle,
            host_unit=world.sibling,
            starts_at=at(D + 20 * DAY, 9),
            ends_at=at(D + 20 * DAY, 14),
            observers=[world.staff],
            purpose="Lære av måltidet",
            actor=world.leader,
        )

    [message] = mail.outbox  # sent at once: tasks run eagerly in tests
    assert message.to == [host.email]
    with translation.override(host.preferred_language):
        expected = render_to_string(
            "learning/email/visit_requested.txt",
            {"visit": visit, "user": host, "site_url": settings.SITE_URL},
        )
    assert expected.strip() in message.body
    assert "Lære av måltidet" in message.body
    visit_url = settings.SITE_URL + reverse("visit_detail", args=[visit.pk])
    assert visit_url in message.body and visit_url in message.alternatives[0][0]
    assert settings.SITE_URL + reverse("notification_settings") in message.alternatives[0][0]
    assert Notification.objects.get().status == S.SENT
