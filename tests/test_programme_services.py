"""The network programmes' logic outside the views: who may do what (programmes/permissions),
enrolment decisions, the gatherings' status round, attendance and "bring it home" tasks,
feedback on work between gatherings, the calendar, the coordinator's overview with its
bottleneck rules, and the Excel/CSV exports.

The programme is owned by world.unit's municipality ("Elvedal kommune") with world.hr as its
coordinator. world.other_unit is in another municipality, whose HR is world.outsider_hr.
Dates are set relative to ``timezone.localdate()`` / ``timezone.now()``."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from learning import phases
from learning.models import Cycle, Membership, PhasePlan, User, Visit, VisitFeedback
from programmes import exports, overview, services
from programmes.models import (
    AgendaItem,
    Assignment,
    Attendance,
    BringHomeTask,
    Enrolment,
    Gathering,
    Network,
    Programme,
    StatusReport,
    Submission,
    TeamMember,
)
from programmes.permissions import (
    COORDINATOR,
    DECIDER,
    PARTICIPANT,
    TEAM,
    authorize_enrolment,
    authorize_programme,
    can_see_gathering,
    enrolment_roles,
    programme_access,
)
from tests.factories import MembershipFactory, UnitFactory, UserFactory

E = Enrolment.Status
R = TeamMember.Role
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


# Helpers


def fresh(user: User) -> User:
    """The same person without the access caches of an earlier check."""
    return User.objects.get(pk=user.pk)


def make_programme(world, *, status=Programme.Status.RUNNING, **fields) -> Programme:
    today = timezone.localdate()
    programme = Programme.objects.create(
        municipality=world.unit.municipality,
        title=fields.pop("title", "Nettverk for bedre legemiddelhåndtering"),
        purpose="Lære av hverandre",
        commissioned_by="Kommunalsjef helse og omsorg",
        starts_on=today - 60 * DAY,
        ends_on=today + 300 * DAY,
        status=status,
        **fields,
    )
    programme.coordinators.add(world.hr)
    return programme


def led_unit(municipality, name: str, *, last_login=None):
    """A unit in ``municipality`` with a leader of its own."""
    unit = UnitFactory(municipality=municipality, name=name)
    leader = MembershipFactory(unit=unit, role=Membership.Role.LEADER).user
    if last_login:
        User.objects.filter(pk=leader.pk).update(last_login=last_login)
    return unit, leader


def add_enrolment(
    programme, unit, *, status=E.ADMITTED, network=None, owner=None, cycle=False
) -> Enrolment:
    """An enrolment created directly; with ``cycle`` a cycle in phase 1 owned by ``owner``."""
    linked = None
    if cycle:
        linked = phases.start_cycle(
            unit=unit,
            owner=owner,
            title="Løp",
            start_date=timezone.localdate() - 10 * DAY,
            actor=owner,
        )
    return Enrolment.objects.create(
        programme=programme,
        unit=unit,
        status=status,
        network=network,
        cycle=linked,
        goals="Mål",
        anchoring="Forankring",
    )


def add_gathering(programme, *, starts_at=None, network=None, **fields) -> Gathering:
    starts_at = starts_at or timezone.now() + 10 * DAY
    return Gathering.objects.create(
        programme=programme,
        network=network,
        kind=fields.pop("kind", Gathering.Kind.NETWORK),
        title=fields.pop("title", "Samling"),
        starts_at=starts_at,
        ends_at=starts_at + 6 * HOUR,
        place=fields.pop("place", "Rådhuset, møterom 1"),
        **fields,
    )


def new_application() -> Enrolment:
    return Enrolment(goals="Bedre rutiner", anchoring="Personalmøter hver uke")


def build(programme) -> overview.Overview:
    return overview.build(programme, Q())


@pytest.fixture
def programme(world) -> Programme:
    return make_programme(world)


# 1. Permissions


class TestOtherMunicipality:
    def test_non_participating_hr_gets_404(self, world, programme):
        with pytest.raises(Http404):
            authorize_programme(world.outsider_hr, "programme.view", programme)
        assert programme_access(world.outsider_hr, programme).roles == frozenset()

    def test_participating_hr_follows_only_its_own_units(self, world, programme):
        programme.municipalities.add(world.other_unit.municipality)
        own = add_enrolment(programme, world.unit)
        theirs = add_enrolment(programme, world.other_unit, status=E.APPLIED)
        hr = fresh(world.outsider_hr)

        authorize_programme(hr, "programme.view", programme)
        authorize_programme(hr, "programme.follow", programme)
        with pytest.raises(PermissionDenied):
            authorize_programme(hr, "programme.manage", programme)

        pa = programme_access(hr, programme)
        visible = set(Enrolment.objects.filter(pa.enrolment_filter(), programme=programme))
        assert visible == {theirs}
        with pytest.raises(Http404):
            authorize_enrolment(hr, "enrolment.view", own)

    def test_hr_decides_only_on_own_municipalitys_units(self, world, programme):
        programme.municipalities.add(world.other_unit.municipality)
        own = add_enrolment(programme, world.unit, status=E.APPLIED)
        theirs = add_enrolment(programme, world.other_unit, status=E.APPLIED)
        outsider_hr, hr = fresh(world.outsider_hr), fresh(world.hr)

        assert DECIDER in authorize_enrolment(outsider_hr, "enrolment.decide", theirs)
        with pytest.raises(Http404):
            authorize_enrolment(outsider_hr, "enrolment.decide", own)
        assert DECIDER in authorize_enrolment(hr, "enrolment.decide", own)
        # The coordinator does not even see another municipality's pending application ...
        with pytest.raises(Http404):
            authorize_enrolment(hr, "enrolment.decide", theirs)

        # ... and sees, but may not decide on, it once that municipality's HR admitted it.
        theirs.status = E.ADMITTED
        theirs.save()
        assert COORDINATOR in authorize_enrolment(hr, "enrolment.view", theirs)
        assert DECIDER not in enrolment_roles(hr, theirs)
        with pytest.raises(PermissionDenied):
            authorize_enrolment(hr, "enrolment.decide", theirs)

    def test_coordinator_lists_admitted_units_of_others_but_not_their_applications(
        self, world, programme
    ):
        municipality = world.other_unit.municipality
        programme.municipalities.add(municipality)
        own_applied = add_enrolment(programme, world.unit, status=E.APPLIED)
        admitted = add_enrolment(programme, world.other_unit)
        pending_unit, _leader = led_unit(municipality, "Nabo søker")
        pending = add_enrolment(programme, pending_unit, status=E.APPLIED)

        pa = programme_access(world.hr, programme)
        visible = set(Enrolment.objects.filter(pa.enrolment_filter(), programme=programme))

        assert visible == {own_applied, admitted}
        assert pending not in visible
        assert pa.sees_whole_programme()


class TestRoles:
    def test_senior_leader_follows_but_does_not_manage(self, world, programme):
        enrolment = add_enrolment(programme, world.unit)
        authorize_programme(world.senior, "programme.follow", programme)
        with pytest.raises(PermissionDenied):
            authorize_programme(world.senior, "programme.manage", programme)
        authorize_enrolment(world.senior, "enrolment.view", enrolment)
        with pytest.raises(PermissionDenied):
            authorize_enrolment(world.senior, "enrolment.decide", enrolment)

    def test_unit_leader_sees_a_programme_only_while_open(self, world):
        planned = make_programme(world, status=Programme.Status.PLANNING)
        with pytest.raises(Http404):
            authorize_programme(world.sibling_leader, "programme.view", planned)

        planned.status = Programme.Status.OPEN
        planned.save()
        leader = fresh(world.sibling_leader)
        authorize_programme(leader, "programme.view", planned)
        authorize_programme(leader, "programme.apply", planned)
        with pytest.raises(PermissionDenied):
            authorize_programme(leader, "programme.manage", planned)

    def test_unit_leader_with_an_enrolment_still_sees_a_running_programme(self, world, programme):
        with pytest.raises(Http404):
            authorize_programme(world.sibling_leader, "programme.view", programme)
        add_enrolment(programme, world.sibling, status=E.APPLIED)
        authorize_programme(fresh(world.sibling_leader), "programme.view", programme)

    def test_leader_of_a_non_participating_municipality_cannot_apply(self, world):
        open_programme = make_programme(world, status=Programme.Status.OPEN)
        with pytest.raises(Http404):
            authorize_programme(world.outsider_leader, "programme.apply", open_programme)

    def test_staff_of_an_admitted_unit_views_but_does_not_contribute(self, world, programme):
        enrolment = add_enrolment(programme, world.unit)
        authorize_programme(world.staff, "programme.view", programme)
        assert PARTICIPANT in programme_access(world.staff, programme).roles
        authorize_enrolment(world.staff, "enrolment.view", enrolment)
        with pytest.raises(PermissionDenied):
            authorize_enrolment(world.staff, "enrolment.contribute", enrolment)
        with pytest.raises(PermissionDenied):
            authorize_programme(world.staff, "programme.follow", programme)

    def test_team_member_from_outside_the_unit_contributes(self, world, programme):
        enrolment = add_enrolment(programme, world.unit)
        outsider = UserFactory(municipality=world.unit.municipality, full_name="Rita Ressurs")
        with pytest.raises(Http404):
            authorize_enrolment(outsider, "enrolment.view", enrolment)

        TeamMember.objects.create(enrolment=enrolment, user=outsider, role=R.RESOURCE)
        outsider = fresh(outsider)
        roles = authorize_enrolment(outsider, "enrolment.contribute", enrolment)
        assert roles == frozenset({TEAM})
        authorize_programme(outsider, "programme.view", programme)
        with pytest.raises(PermissionDenied):
            authorize_enrolment(outsider, "enrolment.manage", enrolment)

    def test_unit_leader_manages_its_enrolment(self, world, programme):
        enrolment = add_enrolment(programme, world.unit)
        authorize_enrolment(world.leader, "enrolment.manage", enrolment)
        with pytest.raises(PermissionDenied):
            authorize_enrolment(world.leader, "enrolment.feedback", enrolment)
        authorize_enrolment(world.hr, "enrolment.feedback", enrolment)

    def test_no_role_gets_404_everywhere(self, world, programme):
        enrolment = add_enrolment(programme, world.unit)
        programme.status = Programme.Status.OPEN
        programme.save()
        for action in ("programme.view", "programme.follow", "programme.apply"):
            with pytest.raises(Http404):
                authorize_programme(world.no_role, action, programme)
        for action in ("enrolment.view", "enrolment.contribute", "enrolment.decide"):
            with pytest.raises(Http404):
                authorize_enrolment(world.no_role, action, enrolment)

    def test_inactive_coordinator_has_no_standing(self, world, programme):
        User.objects.filter(pk=world.hr.pk).update(is_active=False)
        with pytest.raises(Http404):
            authorize_programme(fresh(world.hr), "programme.view", programme)

    def test_superuser_may_do_everything(self, world, programme):
        enrolment = add_enrolment(programme, world.other_unit, status=E.APPLIED)
        authorize_programme(world.superuser, "programme.manage", programme)
        assert {COORDINATOR, DECIDER} <= authorize_enrolment(
            world.superuser, "enrolment.decide", enrolment
        )


class TestGatheringVisibility:
    def test_network_gatherings_are_for_their_network(self, world, programme):
        network_a = Network.objects.create(programme=programme, name="A")
        network_b = Network.objects.create(programme=programme, name="B")
        add_enrolment(programme, world.unit, network=network_a)
        for_a = add_gathering(programme, network=network_a)
        for_b = add_gathering(programme, network=network_b)
        whole = add_gathering(programme)

        participant = programme_access(world.staff, programme)
        assert participant.network_ids == frozenset({network_a.pk})
        assert can_see_gathering(participant, for_a)
        assert not can_see_gathering(participant, for_b)
        assert can_see_gathering(participant, whole)

        coordinator = programme_access(world.hr, programme)
        assert can_see_gathering(coordinator, for_b)
        senior = programme_access(world.senior, programme)
        assert can_see_gathering(senior, for_b)


# 2. Enrolment and decisions


class TestEnrol:
    def test_applying_leader_joins_the_team_and_first_time_is_set(self, world, programme):
        enrolment = services.enrol(
            programme=programme, unit=world.unit, actor=world.leader, enrolment=new_application()
        )
        enrolment.refresh_from_db()
        assert enrolment.status == E.APPLIED
        assert enrolment.applied_by == world.leader
        assert enrolment.first_time is True
        assert [(m.user, m.role) for m in enrolment.team.all()] == [(world.leader, R.LEADER)]

    def test_hr_enrolling_a_unit_is_not_in_its_team(self, world, programme):
        enrolment = services.enrol(
            programme=programme, unit=world.unit, actor=world.hr, enrolment=new_application()
        )
        assert not enrolment.team.exists()

    def test_unit_with_an_earlier_cycle_is_not_first_time(self, world, programme):
        phases.start_cycle(
            unit=world.unit,
            owner=world.leader,
            title="Tidligere løp",
            start_date=timezone.localdate(),
            actor=world.leader,
        )
        enrolment = services.enrol(
            programme=programme, unit=world.unit, actor=world.leader, enrolment=new_application()
        )
        assert enrolment.first_time is False

    def test_a_unit_enrols_only_once(self, world, programme):
        services.enrol(
            programme=programme, unit=world.unit, actor=world.leader, enrolment=new_application()
        )
        with pytest.raises(ValidationError):
            services.enrol(
                programme=programme, unit=world.unit, actor=world.hr, enrolment=new_application()
            )
        assert programme.enrolments.count() == 1


class TestDecide:
    def test_admitting_starts_a_cycle_owned_by_the_teams_leader(self, world, programme):
        enrolment = add_enrolment(programme, world.unit, status=E.APPLIED)
        TeamMember.objects.create(enrolment=enrolment, user=world.enterprise_leader, role=R.LEADER)
        decided = services.decide(enrolment=enrolment, actor=world.hr, status=E.ADMITTED)

        decided.refresh_from_db()
        cycle = decided.cycle
        assert decided.status == E.ADMITTED
        assert decided.decided_by == world.hr
        assert decided.decided_at is not None
        assert cycle.unit == world.unit
        assert cycle.owner == world.enterprise_leader
        assert cycle.current_phase == 1
        assert cycle.status == Cycle.Status.ACTIVE
        assert cycle.title == programme.title
        assert cycle.phase_plans.count() == 7

    def test_without_a_team_leader_the_units_leader_owns_the_cycle(self, world, programme):
        enrolment = add_enrolment(programme, world.unit, status=E.APPLIED)
        inactive = UserFactory(is_active=False)
        TeamMember.objects.create(enrolment=enrolment, user=inactive, role=R.LEADER)
        decided = services.decide(enrolment=enrolment, actor=world.hr, status=E.ADMITTED)
        assert decided.cycle.owner == world.leader

    def test_admitting_links_an_existing_cycle(self, world, programme):
        cycle = phases.start_cycle(
            unit=world.unit,
            owner=world.leader,
            title="Eget løp",
            start_date=timezone.localdate(),
            actor=world.leader,
        )
        enrolment = add_enrolment(programme, world.unit, status=E.APPLIED)
        services.decide(enrolment=enrolment, actor=world.hr, status=E.ADMITTED, cycle=cycle)
        enrolment.refresh_from_db()
        assert enrolment.cycle == cycle
        assert Cycle.objects.filter(unit=world.unit).count() == 1

    def test_another_units_cycle_cannot_be_linked(self, world, programme):
        cycle = phases.start_cycle(
            unit=world.sibling,
            owner=world.sibling_leader,
            title="Naboens løp",
            start_date=timezone.localdate(),
            actor=world.sibling_leader,
        )
        enrolment = add_enrolment(programme, world.unit, status=E.APPLIED)
        with pytest.raises(ValidationError):
            services.decide(enrolment=enrolment, actor=world.hr, status=E.ADMITTED, cycle=cycle)
        enrolment.refresh_from_db()
        assert enrolment.status == E.APPLIED
        assert enrolment.cycle is None

    def test_a_cycle_in_another_programme_cannot_be_linked(self, world, programme):
        other = make_programme(world, title="Et annet program")
        held = add_enrolment(other, world.unit, owner=world.leader, cycle=True)
        enrolment = add_enrolment(programme, world.unit, status=E.APPLIED)
        with pytest.raises(ValidationError):
            services.decide(
                enrolment=enrolment, actor=world.hr, status=E.ADMITTED, cycle=held.cycle
            )
        enrolment.refresh_from_db()
        assert enrolment.cycle is None

    @pytest.mark.parametrize("status", [E.DECLINED, E.WAITLISTED])
    def test_decline_and_waitlist_need_a_reason(self, world, programme, status):
        enrolment = add_enrolment(programme, world.unit, status=E.APPLIED)
        with pytest.raises(ValidationError):
            services.decide(enrolment=enrolment, actor=world.hr, status=status, reason="  ")
        decided = services.decide(
            enrolment=enrolment, actor=world.hr, status=status, reason="  Fullt denne gangen "
        )
        assert decided.status == status
        assert decided.decision_reason == "Fullt denne gangen"
        assert decided.cycle is None

    def test_unknown_decision_is_refused(self, world, programme):
        enrolment = add_enrolment(programme, world.unit, status=E.APPLIED)
        with pytest.raises(ValidationError):
            services.decide(enrolment=enrolment, actor=world.hr, status=E.WITHDRAWN, reason="x")

    def test_a_unit_without_a_leader_cannot_be_admitted(self, world, programme):
        leaderless = UnitFactory(municipality=world.unit.municipality, name="Uten leder")
        enrolment = add_enrolment(programme, leaderless, status=E.APPLIED)
        with pytest.raises(ValidationError):
            services.decide(enrolment=enrolment, actor=world.hr, status=E.ADMITTED)
        assert not Cycle.objects.filter(unit=leaderless).exists()
        enrolment.refresh_from_db()
        assert enrolment.status == E.APPLIED


class TestTeamAndCycles:
    def test_team_warnings(self, world, programme):
        enrolment = add_enrolment(programme, world.unit)
        assert len(services.team_warnings([])) == 2
        leader = TeamMember.objects.create(enrolment=enrolment, user=world.leader, role=R.LEADER)
        only_leader = services.team_warnings([leader])
        assert len(only_leader) == 1
        assert only_leader != services.team_warnings(
            [TeamMember(enrolment=enrolment, user=world.union_rep, role=R.UNION_REP)]
        )
        rep = TeamMember.objects.create(enrolment=enrolment, user=world.union_rep, role=R.UNION_REP)
        assert services.team_warnings([leader, rep]) == []

    def test_linkable_cycles(self, world, programme):
        def cycle(title, status=Cycle.Status.ACTIVE, unit=None, owner=None):
            made = phases.start_cycle(
                unit=unit or world.unit,
                owner=owner or world.leader,
                title=title,
                start_date=timezone.localdate(),
                actor=world.leader,
            )
            Cycle.objects.filter(pk=made.pk).update(status=status)
            return made

        active = cycle("Aktivt")
        paused = cycle("Pause", Cycle.Status.PAUSED)
        cycle("Fullført", Cycle.Status.COMPLETED)
        cycle("Avsluttet", Cycle.Status.ENDED)
        cycle("Naboens", unit=world.sibling, owner=world.sibling_leader)
        linked = cycle("I et annet program")
        other = make_programme(world, title="Annet program")
        holder = add_enrolment(other, world.unit)
        holder.cycle = linked
        holder.save()

        enrolment = add_enrolment(programme, world.unit, status=E.APPLIED)
        assert set(services.linkable_cycles(enrolment)) == {active, paused}


# 3. Gatherings: status round, attendance, bring it home, feedback


@pytest.fixture
def networked(world, programme):
    """Network A: world.unit and world.sibling; network B: other_unit; and one applicant."""
    programme.municipalities.add(world.other_unit.municipality)
    network_a = Network.objects.create(programme=programme, name="A")
    network_b = Network.objects.create(programme=programme, name="B")
    unit = add_enrolment(programme, world.unit, network=network_a)
    sibling = add_enrolment(programme, world.sibling, network=network_a)
    other = add_enrolment(programme, world.other_unit, network=network_b)
    applicant_unit, _leader = led_unit(world.unit.municipality, "Søker")
    applicant = add_enrolment(programme, applicant_unit, status=E.APPLIED)
    return {
        "a": network_a,
        "b": network_b,
        "unit": unit,
        "sibling": sibling,
        "other": other,
        "applicant": applicant,
    }


class TestStatusRound:
    def test_one_slot_per_invited_unit_one_after_the_other(self, programme, networked):
        gathering = add_gathering(programme)
        assert services.add_status_round(gathering, datetime.time(9, 0), 15) == 3

        slots = list(gathering.agenda.order_by("starts_at"))
        assert [slot.starts_at for slot in slots] == [
            datetime.time(9, 0),
            datetime.time(9, 15),
            datetime.time(9, 30),
        ]
        assert {slot.enrolment for slot in slots} == {
            networked["unit"],
            networked["sibling"],
            networked["other"],
        }
        assert all(slot.kind == AgendaItem.Kind.STATUS_ROUND for slot in slots)
        assert all(slot.minutes == 15 for slot in slots)
        assert all(slot.responsible == slot.enrolment.unit.name for slot in slots)
        assert all(slot.enrolment.unit.name in slot.title for slot in slots)
        assert slots[-1].ends_at == datetime.time(9, 45)

    def test_network_gathering_invites_only_its_network(self, programme, networked):
        gathering = add_gathering(programme, network=networked["a"])
        assert services.add_status_round(gathering, datetime.time(13, 0), 20) == 2
        assert set(AgendaItem.objects.values_list("enrolment", flat=True)) == {
            networked["unit"].pk,
            networked["sibling"].pk,
        }
        assert sorted(AgendaItem.objects.values_list("starts_at", flat=True)) == [
            datetime.time(13, 0),
            datetime.time(13, 20),
        ]


class TestAttendance:
    def test_register_replaces_the_rows(self, world, programme, networked):
        gathering = add_gathering(programme, starts_at=timezone.now() - DAY)
        unit, sibling = networked["unit"], networked["sibling"]
        services.register_attendance(
            gathering,
            present={(unit.pk, world.leader.pk, R.LEADER), (unit.pk, world.staff.pk, R.RESOURCE)},
            actor=world.hr,
        )
        assert Attendance.objects.filter(gathering=gathering).count() == 2

        services.register_attendance(
            gathering,
            present={(sibling.pk, world.sibling_leader.pk, R.LEADER)},
            actor=world.hr,
        )
        rows = list(
            Attendance.objects.filter(gathering=gathering).values_list(
                "enrolment", "user", "role", "registered_by"
            )
        )
        assert rows == [(sibling.pk, world.sibling_leader.pk, R.LEADER, world.hr.pk)]

    @pytest.mark.parametrize("who", ["other", "applicant"])
    def test_register_refuses_units_not_invited(self, world, programme, networked, who):
        gathering = add_gathering(programme, network=networked["a"])
        unit = networked["unit"]
        services.register_attendance(
            gathering, present={(unit.pk, world.leader.pk, R.LEADER)}, actor=world.hr
        )
        with pytest.raises(ValidationError):
            services.register_attendance(
                gathering,
                present={(networked[who].pk, world.outsider_leader.pk, R.LEADER)},
                actor=world.hr,
            )
        assert list(
            Attendance.objects.filter(gathering=gathering).values_list("enrolment", "user")
        ) == [(unit.pk, world.leader.pk)]

    def test_a_person_in_two_team_roles_is_registered_once(self, world, programme, networked):
        gathering = add_gathering(programme, starts_at=timezone.now() - DAY)
        unit = networked["unit"]
        TeamMember.objects.create(enrolment=unit, user=world.leader, role=R.LEADER)
        TeamMember.objects.create(enrolment=unit, user=world.leader, role=R.HR_CONTACT)
        services.register_attendance(
            gathering,
            present={
                (unit.pk, world.leader.pk, R.LEADER),
                (unit.pk, world.leader.pk, R.HR_CONTACT),
            },
            actor=world.hr,
        )
        rows = list(Attendance.objects.filter(gathering=gathering).values_list("user", "role"))
        assert rows == [(world.leader.pk, R.LEADER)]

    def test_expected_attendees_marks_teams_without_their_leader(self, world, programme, networked):
        gathering = add_gathering(programme, network=networked["a"])
        unit, sibling = networked["unit"], networked["sibling"]
        TeamMember.objects.create(enrolment=unit, user=world.leader, role=R.LEADER)
        services.register_attendance(
            gathering, present={(unit.pk, world.staff.pk, R.RESOURCE)}, actor=world.hr
        )
        attendees = {e.pk: e for e in services.expected_attendees(gathering)}

        assert set(attendees) == {unit.pk, sibling.pk}
        assert attendees[unit.pk].came is True
        assert attendees[unit.pk].came_without_leader is True
        assert attendees[unit.pk].present == {world.staff.pk: R.RESOURCE}
        assert [m.user for m in attendees[unit.pk].team_list] == [world.leader]
        assert attendees[sibling.pk].came is False
        assert attendees[sibling.pk].came_without_leader is False

        services.register_attendance(
            gathering,
            present={(unit.pk, world.staff.pk, R.RESOURCE), (unit.pk, world.leader.pk, R.LEADER)},
            actor=world.hr,
        )
        attendees = {e.pk: e for e in services.expected_attendees(gathering)}
        assert attendees[unit.pk].came_without_leader is False


class TestBringHome:
    def test_one_task_per_invited_unit_due_two_weeks_after(self, world, programme, networked):
        starts_at = timezone.make_aware(datetime.datetime(2031, 3, 10, 9, 0))
        gathering = add_gathering(programme, starts_at=starts_at)
        assert services.create_bring_home_tasks(gathering, what="Del i personalmøtet") == 3

        tasks = {task.enrolment_id: task for task in gathering.bring_home_tasks.all()}
        assert set(tasks) == {networked[k].pk for k in ("unit", "sibling", "other")}
        assert {task.due_date for task in tasks.values()} == {datetime.date(2031, 3, 24)}
        assert tasks[networked["unit"].pk].responsible == world.leader
        assert tasks[networked["other"].pk].responsible == world.outsider_leader

        assert services.create_bring_home_tasks(gathering, what="Igjen") == 0
        assert BringHomeTask.objects.count() == 3

    def test_new_units_get_a_task_later_with_the_given_date(self, world, programme, networked):
        gathering = add_gathering(programme, network=networked["a"])
        services.create_bring_home_tasks(gathering, what="Del")
        newcomer_unit, _leader = led_unit(world.unit.municipality, "Nykommer")
        newcomer = add_enrolment(programme, newcomer_unit, network=networked["a"])
        due = datetime.date(2031, 1, 1)

        assert services.create_bring_home_tasks(gathering, what="Del", due_date=due) == 1
        assert BringHomeTask.objects.get(enrolment=newcomer).due_date == due

    def test_confirm(self, world, programme, networked):
        gathering = add_gathering(programme, starts_at=timezone.now() - 30 * DAY)
        services.create_bring_home_tasks(gathering, what="Del")
        task = BringHomeTask.objects.get(enrolment=networked["unit"])
        assert task.is_overdue

        services.confirm_bring_home(task, actor=world.leader, note="  Delt på fagmøtet ")
        task.refresh_from_db()
        assert task.confirmed_at is not None
        assert task.confirmed_by == world.leader
        assert task.confirmation_note == "Delt på fagmøtet"
        assert not task.is_overdue


class TestSubmissionFeedback:
    @pytest.fixture
    def submission(self, world, programme, networked):
        assignment = Assignment.objects.create(
            programme=programme,
            title="Kartlegging",
            instructions="Kartlegg dagens praksis",
            due_date=timezone.localdate() + 7 * DAY,
        )
        return Submission.objects.create(
            assignment=assignment,
            enrolment=networked["unit"],
            text="Vårt svar",
            submitted_by=world.leader,
        )

    def test_empty_feedback_is_refused(self, world, submission):
        with pytest.raises(ValidationError):
            services.give_feedback(submission, text="   ", actor=world.hr)
        submission.refresh_from_db()
        assert submission.feedback == ""
        assert submission.seen_at is None

    def test_feedback_marks_the_submission_seen(self, world, submission):
        services.give_feedback(submission, text=" Godt jobbet ", actor=world.hr)
        submission.refresh_from_db()
        assert submission.feedback == "Godt jobbet"
        assert submission.feedback_by == world.hr
        assert submission.seen_at == submission.feedback_at
        assert submission.state == Submission.State.COMMENTED

    def test_feedback_keeps_an_earlier_seen_time(self, world, submission):
        services.mark_seen(submission)
        seen = Submission.objects.get(pk=submission.pk).seen_at
        services.give_feedback(submission, text="Fint", actor=world.hr)
        submission.refresh_from_db()
        assert submission.seen_at == seen
        assert submission.feedback_at > seen

    def test_mark_seen_once(self, submission):
        services.mark_seen(submission)
        submission.refresh_from_db()
        first = submission.seen_at
        assert first is not None
        assert submission.state == Submission.State.SEEN
        services.mark_seen(submission)
        submission.refresh_from_db()
        assert submission.seen_at == first


# 4. Calendar


def parse_events(content: bytes) -> list:
    return list(Calendar.from_ical(content).walk("VEVENT"))


class TestCalendar:
    def test_one_event_per_gathering(self, programme):
        starts_at = timezone.make_aware(datetime.datetime(2031, 5, 6, 9, 30))
        gathering = add_gathering(
            programme,
            starts_at=starts_at,
            title="Oppstart",
            place="Kulturhuset",
            video_link="https://video.example.no/rom",
            description="Ta med teamet",
        )
        content = services.calendar([gathering], name="Mitt program")

        calendar = Calendar.from_ical(content)
        assert str(calendar["X-WR-CALNAME"]) == "Mitt program"
        [event] = parse_events(content)
        assert str(event["UID"]) == f"{gathering.uid}@kollegalaering"
        assert event.decoded("DTSTART") == starts_at
        assert event.decoded("DTEND") == starts_at + 6 * HOUR
        assert "Oppstart" in str(event["SUMMARY"])
        assert programme.title in str(event["SUMMARY"])
        assert "Kulturhuset" in str(event["LOCATION"])
        assert "https://video.example.no/rom" in str(event["LOCATION"])
        assert "Ta med teamet" in str(event["DESCRIPTION"])
        assert str(event["URL"]).endswith(reverse("gathering_detail", args=[gathering.pk]))

    def test_feed_needs_no_login(self, client, programme):
        first = add_gathering(programme, title="Første")
        second = add_gathering(programme, title="Andre", starts_at=timezone.now() + 40 * DAY)
        add_gathering(make_programme_like(programme), title="Et annet programs samling")

        response = client.get(reverse("calendar_feed", args=[programme.calendar_token]))

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        uids = {str(event["UID"]) for event in parse_events(response.content)}
        assert uids == {f"{first.uid}@kollegalaering", f"{second.uid}@kollegalaering"}

    def test_unknown_feed_token_is_404(self, client, programme):
        add_gathering(programme)
        response = client.get(
            reverse("calendar_feed", args=["00000000-0000-4000-8000-000000000000"])
        )
        assert response.status_code == 404

    def test_gathering_ics_for_the_coordinator(self, client, world, programme):
        gathering = add_gathering(programme, title="Fagdag")
        client.force_login(world.hr)
        response = client.get(reverse("gathering_calendar", args=[gathering.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        [event] = parse_events(response.content)
        assert str(event["UID"]) == f"{gathering.uid}@kollegalaering"

        client.force_login(world.no_role)
        assert client.get(reverse("gathering_calendar", args=[gathering.pk])).status_code == 404


def make_programme_like(programme: Programme) -> Programme:
    other = Programme.objects.create(
        municipality=programme.municipality,
        title="Et annet program",
        purpose="Annet",
        commissioned_by="Rådmann",
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
    )
    return other


# 5. Overview


@pytest.fixture
def admitted(world, programme):
    """world.unit admitted with a cycle in phase 1 owned by world.leader."""
    return add_enrolment(programme, world.unit, owner=world.leader, cycle=True)


def set_phase_due(enrolment: Enrolment, due: datetime.date) -> None:
    PhasePlan.objects.filter(cycle=enrolment.cycle, phase=enrolment.cycle.current_phase).update(
        due_date=due
    )


class TestStuck:
    def test_yesterday_is_stuck_by_one_day(self, programme, admitted):
        set_phase_due(admitted, timezone.localdate() - DAY)
        stuck = build(programme).stuck
        assert stuck == [admitted]
        assert stuck[0].days_overdue == 1

    def test_due_today_is_not_stuck(self, programme, admitted):
        set_phase_due(admitted, timezone.localdate())
        assert build(programme).stuck == []

    def test_the_current_phase_counts(self, programme, admitted):
        set_phase_due(admitted, timezone.localdate() - 5 * DAY)
        Cycle.objects.filter(pk=admitted.cycle_id).update(current_phase=2)
        PhasePlan.objects.filter(cycle=admitted.cycle, phase=2).update(
            due_date=timezone.localdate() + DAY
        )
        assert build(programme).stuck == []

    def test_paused_cycle_is_not_stuck(self, programme, admitted):
        set_phase_due(admitted, timezone.localdate() - 3 * DAY)
        Cycle.objects.filter(pk=admitted.cycle_id).update(status=Cycle.Status.PAUSED)
        assert build(programme).stuck == []


class TestVisitsWithoutFeedback:
    def visit(self, world, enrolment, *, days_ago: int, **fields) -> Visit:
        starts_at = timezone.now() - days_ago * DAY
        return Visit.objects.create(
            cycle=enrolment.cycle,
            host_unit=world.sibling,
            starts_at=starts_at,
            ends_at=starts_at + 2 * HOUR,
            purpose="Se på legemiddelrutinene",
            status=fields.pop("status", Visit.Status.CONFIRMED),
            **fields,
        )

    def test_eight_days_without_feedback_is_listed(self, world, programme, admitted):
        late = self.visit(world, admitted, days_ago=8)
        self.visit(world, admitted, days_ago=6)
        self.visit(world, admitted, days_ago=9, status=Visit.Status.CANCELLED)
        assert build(programme).visits_without_feedback == [late]

    def test_sent_feedback_clears_it_a_draft_does_not(self, world, programme, admitted):
        sent = self.visit(world, admitted, days_ago=10)
        draft = self.visit(world, admitted, days_ago=9)
        VisitFeedback.objects.create(
            visit=sent, works="Gode rutiner", learned="Mye", sent_at=timezone.now()
        )
        VisitFeedback.objects.create(visit=draft, works="Gode rutiner", learned="Mye")
        assert build(programme).visits_without_feedback == [draft]

    def test_visits_of_cycles_outside_the_programme_are_not_listed(self, world, programme):
        cycle = phases.start_cycle(
            unit=world.unit,
            owner=world.leader,
            title="Utenfor",
            start_date=timezone.localdate(),
            actor=world.leader,
        )
        starts_at = timezone.now() - 20 * DAY
        Visit.objects.create(
            cycle=cycle,
            host_external="Nabokommunen",
            starts_at=starts_at,
            ends_at=starts_at + HOUR,
            purpose="Se",
            status=Visit.Status.CONFIRMED,
        )
        assert build(programme).visits_without_feedback == []


class TestMissingReports:
    def test_due_yesterday_without_a_report_is_listed(self, world, programme, admitted):
        gathering = add_gathering(programme, status_reports_due=timezone.localdate() - DAY)
        assert build(programme).missing_reports == [(admitted, gathering)]

        StatusReport.objects.create(
            enrolment=admitted, gathering=gathering, what_we_did="Mye", where_we_are="Fase 1"
        )
        assert build(programme).missing_reports == []

    def test_a_report_for_another_gathering_does_not_count(self, world, programme, admitted):
        gathering = add_gathering(programme, status_reports_due=timezone.localdate() - DAY)
        earlier = add_gathering(programme, starts_at=timezone.now() - 30 * DAY)
        StatusReport.objects.create(
            enrolment=admitted, gathering=earlier, what_we_did="Mye", where_we_are="Fase 1"
        )
        assert build(programme).missing_reports == [(admitted, gathering)]

    def test_due_today_is_not_listed(self, world, programme, admitted):
        add_gathering(programme, status_reports_due=timezone.localdate())
        assert build(programme).missing_reports == []

    def test_only_the_gatherings_network_is_asked(self, world, programme, admitted):
        network = Network.objects.create(programme=programme, name="Annet nettverk")
        add_gathering(programme, network=network, status_reports_due=timezone.localdate() - 2 * DAY)
        assert build(programme).missing_reports == []


class TestWithoutLeader:
    def test_only_the_latest_held_gathering_counts(self, world, programme):
        now = timezone.now()
        came_without, leader_a = led_unit(world.unit.municipality, "A kom uten leder")
        absent, leader_b = led_unit(world.unit.municipality, "B fraværende")
        with_leader, leader_c = led_unit(world.unit.municipality, "C med leder")
        a = add_enrolment(programme, came_without)
        b = add_enrolment(programme, absent)
        c = add_enrolment(programme, with_leader)
        earlier = add_gathering(programme, starts_at=now - 20 * DAY)
        latest = add_gathering(programme, starts_at=now - 2 * DAY)
        add_gathering(programme, starts_at=now + 5 * DAY)  # not held yet: nobody came

        services.register_attendance(
            earlier,
            present={(a.pk, leader_a.pk, R.LEADER), (b.pk, leader_b.pk, R.LEADER)},
            actor=world.hr,
        )
        services.register_attendance(
            latest,
            present={(a.pk, world.staff.pk, R.RESOURCE), (c.pk, leader_c.pk, R.LEADER)},
            actor=world.hr,
        )

        without = build(programme).without_leader
        assert without == [(a, latest, True), (b, latest, False)]

    def test_the_last_gathering_of_the_units_own_network(self, world, programme):
        network_a = Network.objects.create(programme=programme, name="A")
        network_b = Network.objects.create(programme=programme, name="B")
        enrolment = add_enrolment(programme, world.unit, network=network_a)
        own = add_gathering(programme, network=network_a, starts_at=timezone.now() - 5 * DAY)
        add_gathering(programme, network=network_b, starts_at=timezone.now() - DAY)
        services.register_attendance(
            own, present={(enrolment.pk, world.leader.pk, R.LEADER)}, actor=world.hr
        )
        assert build(programme).without_leader == []

    def test_no_held_gathering_no_warning(self, world, programme, admitted):
        add_gathering(programme, starts_at=timezone.now() + DAY)
        assert build(programme).without_leader == []


class TestInactiveLeaders:
    @pytest.mark.parametrize(("days", "listed"), [(31, True), (29, False)])
    def test_last_login_boundary(self, world, programme, admitted, days, listed):
        User.objects.filter(pk=world.leader.pk).update(last_login=timezone.now() - days * DAY)
        assert (build(programme).inactive_leaders == [admitted]) is listed

    def test_never_logged_in_is_inactive(self, world, programme, admitted):
        assert build(programme).inactive_leaders == [admitted]

    def test_an_active_team_leader_counts(self, world, programme, admitted):
        User.objects.filter(pk=world.enterprise_leader.pk).update(last_login=timezone.now() - DAY)
        assert build(programme).inactive_leaders == [admitted]  # leads above, not in the team
        TeamMember.objects.create(enrolment=admitted, user=world.enterprise_leader, role=R.LEADER)
        assert build(programme).inactive_leaders == []


class TestFigures:
    def test_phase_counts_sum_to_the_admitted_units(self, world, programme, admitted):
        municipality = world.unit.municipality
        in_two_unit, leader_two = led_unit(municipality, "Fase to")
        in_two = add_enrolment(programme, in_two_unit, owner=leader_two, cycle=True)
        Cycle.objects.filter(pk=in_two.cycle_id).update(current_phase=2)
        done_unit, leader_done = led_unit(municipality, "Ferdig")
        done = add_enrolment(programme, done_unit, owner=leader_done, cycle=True)
        Cycle.objects.filter(pk=done.cycle_id).update(status=Cycle.Status.COMPLETED)
        no_cycle_unit, _leader = led_unit(municipality, "Uten løp")
        add_enrolment(programme, no_cycle_unit)
        applicant_unit, leader_applicant = led_unit(municipality, "Søker")
        add_enrolment(programme, applicant_unit, status=E.APPLIED, owner=leader_applicant)

        counts = build(programme).phase_counts
        values = [value for _label, value in counts]
        assert sum(values) == 4
        assert values[:7] == [1, 1, 0, 0, 0, 0, 0]
        assert values[7:] == [1, 1]  # finished, no cycle yet

    def test_no_cycle_row_only_when_needed(self, programme, admitted):
        counts = build(programme).phase_counts
        assert len(counts) == 8
        assert sum(value for _label, value in counts) == 1

    def test_attendance_per_held_gathering(self, world, programme, networked):
        network_a = networked["a"]
        unit, sibling = networked["unit"], networked["sibling"]
        whole = add_gathering(programme, starts_at=timezone.now() - 10 * DAY)
        for_a = add_gathering(programme, network=network_a, starts_at=timezone.now() - 3 * DAY)
        add_gathering(programme, starts_at=timezone.now() + 3 * DAY)
        services.register_attendance(
            whole,
            present={
                (unit.pk, world.leader.pk, R.LEADER),
                (unit.pk, world.staff.pk, R.RESOURCE),
                (networked["other"].pk, world.outsider_leader.pk, R.LEADER),
            },
            actor=world.hr,
        )
        services.register_attendance(
            for_a, present={(sibling.pk, world.staff.pk, R.RESOURCE)}, actor=world.hr
        )

        rows = {row["gathering"].pk: row for row in build(programme).attendance}
        assert set(rows) == {whole.pk, for_a.pk}
        assert {k: rows[whole.pk][k] for k in ("invited", "present", "with_leader", "people")} == {
            "invited": 3,
            "present": 2,
            "with_leader": 2,
            "people": 3,
        }
        assert {k: rows[for_a.pk][k] for k in ("invited", "present", "with_leader", "people")} == {
            "invited": 2,
            "present": 1,
            "with_leader": 0,
            "people": 1,
        }

    def test_assignment_counts(self, world, programme, networked):
        today = timezone.localdate()
        unit, sibling = networked["unit"], networked["sibling"]
        past = Assignment.objects.create(
            programme=programme, title="Forrige", instructions="Gjør", due_date=today - 2 * DAY
        )
        future = Assignment.objects.create(
            programme=programme,
            network=networked["a"],
            title="Neste",
            instructions="Gjør",
            due_date=today + 5 * DAY,
        )
        due_today = Assignment.objects.create(
            programme=programme, title="I dag", instructions="Gjør", due_date=today
        )
        Submission.objects.create(
            assignment=past,
            enrolment=unit,
            text="I tide",
            submitted_at=timezone.now() - 3 * DAY,
            feedback="Bra",
        )
        Submission.objects.create(
            assignment=past, enrolment=sibling, text="For sent", submitted_at=timezone.now()
        )
        Submission.objects.create(
            assignment=future, enrolment=unit, text="Tidlig", submitted_at=timezone.now()
        )

        rows = {row["assignment"].pk: row for row in build(programme).assignments}
        keys = ("expected", "submitted", "on_time", "commented", "overdue")
        assert {k: rows[past.pk][k] for k in keys} == {
            "expected": 3,
            "submitted": 2,
            "on_time": 1,
            "commented": 1,
            "overdue": 1,
        }
        assert {k: rows[future.pk][k] for k in keys} == {
            "expected": 2,
            "submitted": 1,
            "on_time": 1,
            "commented": 0,
            "overdue": 0,
        }
        assert (rows[due_today.pk]["expected"], rows[due_today.pk]["overdue"]) == (3, 0)

    def test_scope_limits_the_units(self, world, programme, networked):
        scope = programme_access(world.outsider_hr, programme).enrolment_filter()
        result = overview.build(programme, scope)
        assert result.enrolments == [networked["other"]]

    def test_phase_chart_is_svg_without_script(self, programme, admitted):
        chart = build(programme).phase_chart
        assert chart.lstrip().startswith("<svg")
        assert "</svg>" in chart
        assert "<script" not in chart
        assert 'aria-hidden="true"' in chart

    def test_bottleneck_count(self, programme, admitted):
        set_phase_due(admitted, timezone.localdate() - DAY)
        result = build(programme)
        assert result.bottleneck_count == len(result.stuck) + len(result.inactive_leaders) == 2


# 6. Exports


@pytest.fixture
def exportable(world, programme, networked):
    """Teams, attendance and a unit whose name looks like a formula."""
    unit, sibling = networked["unit"], networked["sibling"]
    formula_unit, formula_leader = led_unit(world.unit.municipality, "=SUM(1+1)")
    formula = add_enrolment(programme, formula_unit, network=networked["b"])
    TeamMember.objects.create(enrolment=unit, user=world.leader, role=R.LEADER)
    TeamMember.objects.create(enrolment=unit, user=world.union_rep, role=R.UNION_REP)
    TeamMember.objects.create(enrolment=sibling, user=world.sibling_leader, role=R.LEADER)
    TeamMember.objects.create(
        enrolment=networked["other"], user=world.outsider_leader, role=R.LEADER
    )
    TeamMember.objects.create(enrolment=formula, user=formula_leader, role=R.LEADER)
    TeamMember.objects.create(enrolment=networked["applicant"], user=world.staff, role=R.RESOURCE)
    gathering = add_gathering(programme, starts_at=timezone.now() - DAY, title="Oppstart")
    services.register_attendance(
        gathering,
        present={
            (unit.pk, world.leader.pk, R.LEADER),
            (sibling.pk, world.sibling_leader.pk, R.LEADER),
            (formula.pk, formula_leader.pk, R.LEADER),
        },
        actor=world.hr,
    )
    return build(programme)


class TestExports:
    def test_workbook_sheets_and_rows(self, programme, exportable):
        with translation.override("en"):
            response = exports.xlsx_response(programme, exportable)
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert ".xlsx" in response["Content-Disposition"]
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == ["Participants", "Attendance", "Status"]

        participants = list(workbook["Participants"].values)
        assert participants[0][:4] == ("Unit", "Municipality", "Network", "Person")
        assert len(participants) - 1 == 5  # one per team member of the four admitted units
        assert ("Avdeling 2", "Elvedal kommune", "A", "Tor Tillitsvalgt") in {
            row[:4] for row in participants
        }
        assert "Stine Ansatt" not in {row[3] for row in participants}  # the applicant's team

        attendance = list(workbook["Attendance"].values)
        assert attendance[0][:3] == ("Gathering", "Date", "Unit")
        assert len(attendance) - 1 == 3
        assert {row[0] for row in attendance[1:]} == {"Oppstart"}
        people = {(row[2], row[3]) for row in attendance[1:]}
        assert {("Avdeling 2", "Lars Avdelingsleder"), ("Avdeling 1", "Sverre Naboleder")} < people

        status = list(workbook["Status"].values)
        assert len(status) - 1 == 4
        assert {row[0] for row in status[1:]} >= {"Avdeling 2", "Avdeling 1"}

    def test_formula_like_names_are_text(self, programme, exportable):
        with translation.override("en"):
            response = exports.xlsx_response(programme, exportable)
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        for sheet in workbook:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
        names = [cell.value for cell in workbook["Status"]["A"][1:]]
        # Kept exactly as the unit is named, stored as text.
        assert "=SUM(1+1)" in names

    def test_participants_csv(self, programme, exportable):
        with translation.override("en"):
            response = exports.csv_response(programme, exportable, "participants")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].endswith('-participants.csv"')
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
        assert rows[0] == ["Unit", "Municipality", "Network", "Person", "Email", "Role"]
        assert len(rows) - 1 == 5
        assert all(len(row) == 6 for row in rows)
        assert ";" in text.splitlines()[0]
        [formula_row] = [row for row in rows if "SUM(1+1)" in row[0]]
        assert not formula_row[0].startswith("=")

    def test_unit_without_a_team_has_one_empty_row(self, world, programme, admitted):
        with translation.override("en"):
            response = exports.csv_response(programme, build(programme), "participants")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:]), delimiter=";"))
        assert rows[1:] == [["Avdeling 2", "Elvedal kommune", "", "", "", ""]]

    def test_status_csv_shows_days_past_the_target(self, world, programme, admitted):
        set_phase_due(admitted, timezone.localdate() - 3 * DAY)
        with translation.override("en"):
            response = exports.csv_response(programme, build(programme), "status")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:]), delimiter=";"))
        assert len(rows) == 2
        assert rows[1][0] == "Avdeling 2"
        assert rows[1][3].startswith("1. ")
        assert rows[1][4] == str(timezone.localdate() - 3 * DAY)
        assert rows[1][5] == "3"
        assert rows[1][6] == "No"


class TestNextGatherings:
    """The leader's start page lists the coming gatherings the unit is invited to."""

    def test_whole_programme_and_own_network_only(self, world, client):
        programme = make_programme(world)
        north = Network.objects.create(programme=programme, name="Nord")
        south = Network.objects.create(programme=programme, name="Sør")
        add_enrolment(programme, world.unit, network=north)
        everyone = add_gathering(programme, title="Fagdag for alle")
        ours = add_gathering(programme, network=north, title="Nord samles")
        add_gathering(programme, network=south, title="Sør samles")
        add_gathering(programme, starts_at=timezone.now() - 10 * DAY, title="Holdt samling")
        assert set(services.next_gatherings([world.unit.pk])) == {everyone, ours}

        client.force_login(world.leader)
        page = client.get(reverse("home")).content.decode()
        assert "Nord samles" in page and "Fagdag for alle" in page
        assert "Sør samles" not in page and "Holdt samling" not in page

    def test_not_for_units_only_applying(self, world):
        programme = make_programme(world)
        add_enrolment(programme, world.unit, status=E.APPLIED)
        add_gathering(programme)
        assert list(services.next_gatherings([world.unit.pk])) == []


class TestInvitations:
    def test_each_team_member_gets_the_invitation_with_a_calendar_file(
        self, world, client, mailoutbox, django_capture_on_commit_callbacks
    ):
        programme = make_programme(world)
        enrolment = add_enrolment(programme, world.unit)
        TeamMember.objects.create(enrolment=enrolment, user=world.leader, role=R.LEADER)
        TeamMember.objects.create(enrolment=enrolment, user=world.union_rep, role=R.UNION_REP)
        TeamMember.objects.create(enrolment=enrolment, user=world.leader, role=R.RESOURCE)
        world.union_rep.language = "en"
        world.union_rep.save()
        gathering = add_gathering(programme, title="Nettverkssamling 1")
        client.force_login(world.hr)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("gathering_invite", args=[gathering.pk]))
        assert response.status_code == 302
        assert sorted(m.to[0] for m in mailoutbox) == sorted(
            [world.leader.email, world.union_rep.email]
        )
        english = next(m for m in mailoutbox if m.to == [world.union_rep.email])
        assert english.subject == "Invitation: Nettverkssamling 1"
        [(name, content, mimetype)] = english.attachments
        assert name == "invitation.ics" and mimetype.startswith("text/calendar")
        [event] = Calendar.from_ical(content).walk("VEVENT")
        assert str(event["UID"]).startswith(str(gathering.uid))
        gathering.refresh_from_db()
        assert gathering.invitations_sent_at is not None

    def test_only_the_coordinator_sends_invitations(self, world, client):
        programme = make_programme(world)
        add_enrolment(programme, world.unit)
        gathering = add_gathering(programme)
        client.force_login(world.leader)
        assert client.post(reverse("gathering_invite", args=[gathering.pk])).status_code == 403
