"""Each daily page costs the same number of SQL queries with a small and a much larger
data set.

A small scene has one of every subject the daily pages show: the leader's cycle in phase 5
with two learning points, a held visit with one observer, note and reflection, shared
reflections, practices in the register, a programme with two enrolled units and a held
gathering, and a few notifications. ``grow()`` then adds much more of everything, around
the same subjects (more learning points, observers, notes, reflections, enrolled units,
attendance) and elsewhere (more units, people, cycles, practices, programmes, and another
municipality's data). Each page is counted before and after, and each page must also
show more of the grown data, so equal counts mean something.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learning import phases
from learning.models import (
    Cycle,
    CycleEvent,
    Idea,
    LearningPoint,
    Membership,
    Municipality,
    ObservationNote,
    Phase,
    PhasePlan,
    Practice,
    Reflection,
    Unit,
    User,
    Visit,
    VisitFeedback,
    VisitReflection,
)
from programmes import services
from programmes.models import (
    AgendaItem,
    Assignment,
    Attendance,
    BringHomeTask,
    Delivery,
    Enrolment,
    Gathering,
    Kind,
    Material,
    Network,
    Notification,
    Programme,
    StatusReport,
    Submission,
    TeamMember,
)

if TYPE_CHECKING:
    from tests.conftest import World

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
SEARCH_WORD = "måltid"
V = Reflection.Visibility
_numbers = itertools.count(1)


def today() -> datetime.date:
    return timezone.localdate()


# Builders --------------------------------------------------------------------------------


def add_people(municipality: Municipality, name: str, count: int) -> list[User]:
    """``count`` people called ``name 1``, ``name 2``, ..."""
    batch = next(_numbers)
    return User.objects.bulk_create(
        User(
            email=f"p{batch}-{n}@vekst.kommune.no",
            full_name=f"{name} {n}",
            municipality=municipality,
            password="!",
            last_login=timezone.now(),
        )
        for n in range(1, count + 1)
    )


def add_members(unit: Unit, people: list[User], role=Membership.Role.STAFF) -> None:
    Membership.objects.bulk_create(Membership(user=p, unit=unit, role=role) for p in people)


def add_units(parent: Unit, name: str, count: int) -> list[Unit]:
    """Departments under ``parent``, each with a leader, a supporter and two employees; the
    leader is ``unit.leader``."""
    units = Unit.objects.bulk_create(
        Unit(
            municipality_id=parent.municipality_id,
            parent=parent,
            level=Unit.Level.DEPARTMENT,
            name=f"{name} {n:02d}",
            unit_type=Unit.UnitType.HOME_CARE,
        )
        for n in range(1, count + 1)
    )
    people = add_people(parent.municipality, f"{name} person", 4 * count)
    roles = [Membership.Role.LEADER, Membership.Role.SUPPORTER] + [Membership.Role.STAFF] * 2
    Membership.objects.bulk_create(
        Membership(user=person, unit=units[index // 4], role=roles[index % 4])
        for index, person in enumerate(people)
    )
    for index, unit in enumerate(units):
        unit.leader = people[4 * index]
    return units


def add_cycles(units, title, *, start_date, phase=1, status=None, owner=None) -> list[Cycle]:
    """One cycle in each unit, owned by ``owner`` or else the unit's leader, with the
    phases' target dates."""
    cycles = Cycle.objects.bulk_create(
        Cycle(
            unit=unit,
            owner=owner or unit.leader,
            title=title,
            start_date=start_date,
            current_phase=phase,
            status=status or Cycle.Status.ACTIVE,
        )
        for unit in units
    )
    due = phases.default_due_dates(start_date)
    PhasePlan.objects.bulk_create(
        PhasePlan(cycle=cycle, phase=p, due_date=due[p], responsible=cycle.owner)
        for cycle in cycles
        for p in Phase
    )
    return cycles


def add_learning_points(cycle: Cycle, count: int, first: int = 1) -> list[LearningPoint]:
    return LearningPoint.objects.bulk_create(
        LearningPoint(
            cycle=cycle, title=f"Læringspunkt {n}", observe="Starten", learn="Ro", train="Øving"
        )
        for n in range(first, first + count)
    )


def add_visit(cycle: Cycle, host: Unit, *, days=0, status=Visit.Status.CONFIRMED, **fields):
    """A visit starting an hour ago, moved ``days`` days."""
    starts = timezone.now() - HOUR + days * DAY
    return Visit.objects.create(
        cycle=cycle,
        host_unit=host,
        starts_at=starts,
        ends_at=starts + 2 * HOUR,
        purpose="Se hvordan måltidet starter",
        status=status,
        requested_by=cycle.owner,
        **fields,
    )


def add_observers(visit: Visit, people: list[User]) -> None:
    Visit.observers.through.objects.bulk_create(
        Visit.observers.through(visit=visit, user=person) for person in people
    )


def add_notes(visit: Visit, authors: list[User], points: list, count: int) -> None:
    ObservationNote.objects.bulk_create(
        ObservationNote(
            visit=visit,
            author=authors[n % len(authors)],
            learning_point=points[n % len(points)],
            text=f"Notat {n}",
        )
        for n in range(count)
    )


def add_visit_reflections(visit: Visit, authors: list[User]) -> None:
    VisitReflection.objects.bulk_create(
        VisitReflection(visit=visit, author=author, observed="Ro", take_home=f"Ta med {n}")
        for n, author in enumerate(authors)
    )


def add_reflections(cycle, authors, points, count, *, visibility=V.UNIT, draft=False, **fields):
    """Reflections by ``authors`` in turn, over the phases and ``points`` (None: no point);
    every fifth shared one is pinned."""
    text = "Delt tanke" if visibility == V.UNIT and not draft else "Privat tanke"
    Reflection.objects.bulk_create(
        Reflection(
            cycle=cycle,
            author=authors[n % len(authors)],
            phase=n % 7 + 1,
            learning_point=points[n % len(points)],
            free_text=f"{text} {n}",
            search_text=f"{text} {n}",
            visibility=visibility,
            is_draft=draft,
            is_pinned=visibility == V.UNIT and not draft and n % 5 == 0,
            **fields,
        )
        for n in range(count)
    )


def add_practices(units: list[Unit], title: str, count: int, *, themes: str, contacts) -> list:
    return Practice.objects.bulk_create(
        Practice(
            unit=units[n % len(units)],
            title=f"{title} {n:02d}",
            description="Vi spiser sammen i små grupper med dempet lys.",
            themes=themes,
            contact=contacts[n % len(contacts)],
        )
        for n in range(count)
    )


def add_notifications(people: list[User], count: int) -> None:
    """``count`` notifications for each person; every third one read."""
    Notification.objects.bulk_create(
        Notification(
            recipient=person,
            kind=Kind.TASK_DUE,
            object_id=next(_numbers),
            occasion="vekst",
            params={"task": "Oppdater rutinen", "cycle": "Gode måltider", "date": "2027-03-04"},
            url="/",
            delivery=Delivery.DAILY,
            status=Notification.Status.SENT,
            send_after=timezone.now(),
            read_at=timezone.now() if n % 3 == 0 else None,
        )
        for person in people
        for n in range(count)
    )


def people_of(world: World) -> list[User]:
    return [value for value in vars(world).values() if isinstance(value, User)]


def make_programme(municipality: Municipality, coordinator: User, title: str) -> Programme:
    programme = Programme.objects.create(
        municipality=municipality,
        title=title,
        purpose="Lære av hverandre",
        commissioned_by="Kommunalsjef helse og omsorg",
        starts_on=today() - 90 * DAY,
        ends_on=today() + 300 * DAY,
        status=Programme.Status.RUNNING,
    )
    programme.municipalities.add(municipality)
    programme.coordinators.add(coordinator)
    return programme


def make_gathering(programme, title, starts_at, network=None) -> Gathering:
    return Gathering.objects.create(
        programme=programme,
        network=network,
        kind=Gathering.Kind.NETWORK,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + 3 * HOUR,
        place="Rådhuset",
    )


def admit(programme, unit, leader, *, decider, network, cycle=None) -> Enrolment:
    enrolment = services.enrol(
        programme=programme,
        unit=unit,
        actor=leader,
        enrolment=Enrolment(
            goals="Tryggere overganger",
            anchoring="Fast punkt på personalmøtet",
            commits_to_attend=True,
            commits_to_report=True,
            commits_to_share=True,
        ),
    )
    enrolment = services.decide(
        enrolment=enrolment, actor=decider, status=Enrolment.Status.ADMITTED, cycle=cycle
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(network=network)
    return enrolment


def add_enrolments(programme, units, cycles, *, network, decider) -> list[Enrolment]:
    """Admitted enrolments of ``units`` with their cycles and their leaders in the team."""
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            programme=programme,
            unit=unit,
            status=Enrolment.Status.ADMITTED,
            network=network,
            cycle=cycle,
            goals="Mål",
            anchoring="Forankring",
            commits_to_attend=True,
            commits_to_report=True,
            commits_to_share=True,
            applied_by=unit.leader,
            decided_by=decider,
            decided_at=timezone.now(),
        )
        for unit, cycle in zip(units, cycles, strict=True)
    )
    TeamMember.objects.bulk_create(
        TeamMember(enrolment=e, user=e.unit.leader, role=TeamMember.Role.LEADER) for e in enrolments
    )
    return enrolments


def add_gathering_work(gathering: Gathering, enrolments: list[Enrolment], leaders) -> None:
    """Attendance, a status-round slot and a bring-home task for each enrolled unit."""
    Attendance.objects.bulk_create(
        Attendance(
            gathering=gathering,
            enrolment=enrolment,
            user=leader,
            role=TeamMember.Role.LEADER if n % 3 else TeamMember.Role.RESOURCE,
        )
        for n, (enrolment, leader) in enumerate(zip(enrolments, leaders, strict=True))
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            gathering=gathering,
            kind=AgendaItem.Kind.STATUS_ROUND,
            title=f"Status: {enrolment.unit.name}",
            starts_at=datetime.time(10, 0),
            minutes=5,
            responsible=enrolment.unit.name,
            enrolment=enrolment,
        )
        for enrolment in enrolments
    )
    BringHomeTask.objects.bulk_create(
        BringHomeTask(
            gathering=gathering,
            enrolment=enrolment,
            what="Del på personalmøtet",
            responsible=leader,
            due_date=today() + (DAY if n % 2 else -DAY),
            confirmed_at=timezone.now() if n % 3 == 0 else None,
            confirmed_by=leader if n % 3 == 0 else None,
        )
        for n, (enrolment, leader) in enumerate(zip(enrolments, leaders, strict=True))
    )


# The small scene, and growing it ---------------------------------------------------------


@dataclass
class Scene:
    world: World
    cycle: Cycle  # world.leader's, in phase 5, with world.sibling as host
    visit: Visit  # held, with feedback sent
    programme: Programme  # coordinated by world.hr, with world.unit and world.sibling
    network: Network
    gathering: Gathering  # held, for the whole programme
    assignment: Assignment


@pytest.fixture
def scene(world) -> Scene:
    """One of every subject the daily pages show."""
    home = world.unit.municipality
    cycle = phases.start_cycle(
        unit=world.unit,
        owner=world.leader,
        title="Gode måltider",
        start_date=today() - 60 * DAY,
        actor=world.leader,
    )
    Cycle.objects.filter(pk=cycle.pk).update(
        current_phase=Phase.OBSERVATION,
        learning_need="Roligere måltider",
        focus_question="Hvordan skaper de ro rundt måltidet?",
        host_unit=world.sibling,
    )
    cycle.refresh_from_db()
    points = add_learning_points(cycle, 2)
    Idea.objects.create(cycle=cycle, author=world.staff, text="Idé 0")

    practices = add_practices(
        [world.sibling, world.unit],
        "Rolige måltider",
        2,
        themes=SEARCH_WORD,
        contacts=[world.staff],
    )
    visit = add_visit(cycle, world.sibling, days=-1, practice=practices[0])
    add_observers(visit, [world.staff])
    add_notes(visit, [world.staff], points, 1)
    add_visit_reflections(visit, [world.staff])
    VisitFeedback.objects.create(
        visit=visit,
        works="De hilser på hver beboer",
        learned="Ro smitter",
        written_by=world.leader,
        sent_at=timezone.now(),
    )
    add_reflections(cycle, [world.staff, world.supporter], points, 2, visit=visit)
    add_reflections(cycle, [world.staff], [None], 1, visibility=V.PRIVATE)

    programme = make_programme(home, world.hr, "Nettverk for gode måltider")
    network = Network.objects.create(programme=programme, name="Nettverk Nord")
    enrolments = [
        admit(programme, world.unit, world.leader, decider=world.hr, network=network, cycle=cycle),
        admit(programme, world.sibling, world.sibling_leader, decider=world.hr, network=network),
    ]
    gathering = make_gathering(programme, "Oppstart", timezone.now() - 10 * DAY)
    Attendance.objects.bulk_create(
        Attendance(gathering=gathering, enrolment=e, user=leader, role=TeamMember.Role.LEADER)
        for e, leader in zip(enrolments, [world.leader, world.sibling_leader], strict=True)
    )
    services.add_status_round(gathering, datetime.time(10, 0), 10)
    services.create_bring_home_tasks(gathering, what="Del hovedpunktene")
    Material.objects.create(gathering=gathering, title="Lysark 0", url="https://example.org/0")
    assignment = Assignment.objects.create(
        programme=programme,
        gathering=gathering,
        title="Forarbeid 0",
        instructions="Les",
        due_date=today() - 12 * DAY,
    )
    Submission.objects.create(
        assignment=assignment, enrolment=enrolments[0], text="Svar", submitted_by=world.leader
    )
    StatusReport.objects.create(
        enrolment=enrolments[0], what_we_did="Start", where_we_are="Fase 5", author=world.leader
    )
    add_notifications(people_of(world), 2)
    return Scene(world, cycle, visit, programme, network, gathering, assignment)


def grow(scene: Scene) -> None:
    """Much more of everything, around the same subjects and elsewhere."""
    world, cycle, visit = scene.world, scene.cycle, scene.visit
    home = world.unit.municipality

    # More units and people; the leader leads five more units and the staff member works in
    # five more; every unit has a running and a completed cycle.
    units = add_units(world.unit.parent, "Ekstra avdeling", 30)
    for unit in units[:5]:
        add_members(unit, [world.leader], Membership.Role.LEADER)
    for unit in units[5:10]:
        add_members(unit, [world.staff])
    running = add_cycles(units, "Trygge overganger", start_date=today() - 200 * DAY, phase=3)
    add_cycles(
        units, "Forrige syklus", start_date=today() - 900 * DAY, status=Cycle.Status.COMPLETED
    )
    older = today() - 400 * DAY
    add_cycles([world.unit] * 4, "Eldre syklus", start_date=older, phase=7, owner=world.leader)

    # The subject cycle: more learning points, colleagues, ideas and events.
    colleagues = add_people(home, "Kollega", 12)
    add_members(world.unit, colleagues)
    points = list(cycle.learning_points.all()) + add_learning_points(cycle, 8, first=3)
    Idea.objects.bulk_create(
        Idea(cycle=cycle, author=colleagues[n % 12], text=f"Idé {n}") for n in range(1, 21)
    )
    CycleEvent.objects.bulk_create(
        CycleEvent(cycle=cycle, kind=CycleEvent.Kind.ADVANCED, from_phase=n, to_phase=n + 1)
        for n in [1, 2, 3, 4] * 3
    )

    # The subject visit: more observers, notes, reflections; and more visits of the cycle.
    add_observers(visit, colleagues[:9])
    add_notes(visit, colleagues[:9], points + [None], 30)
    add_visit_reflections(visit, colleagues[:9])
    for n, status in enumerate(list(Visit.Status) * 2):
        other = add_visit(cycle, units[n], days=n - 5, status=status)
        add_observers(other, colleagues[n % 12 : n % 12 + 3])
        add_notes(other, colleagues, points, 3)

    # Reflections on the subject cycle: shared, private and drafts, by several authors.
    authors = colleagues + [world.staff, world.supporter]
    add_reflections(cycle, authors, points + [None], 30, visit=visit)
    add_reflections(cycle, authors, [None], 15, visibility=V.PRIVATE)
    add_reflections(cycle, authors, [None], 5, draft=True)
    add_reflections(running[0], [units[0].leader], [None], 5)

    # The register: many more practices that match the search, and some that do not; some
    # of them hosted visits.
    matching = add_practices(
        units + [world.unit, world.sibling],
        "Måltid nummer",
        40,
        themes=f"{SEARCH_WORD}, demens",
        contacts=colleagues,
    )
    add_practices(units, "Turgruppe", 10, themes="friluft", contacts=colleagues)
    for n, practice in enumerate(matching[:10]):
        add_visit(running[n + 10], practice.unit, days=-3, practice=practice)

    # The programme: 20 more units with their cycles, attendance, status-round slots,
    # bring-home tasks, submissions and status reports; more held gatherings with the same,
    # more material and pre-work.
    grown = units[10:30]
    leaders = [unit.leader for unit in grown]
    enrolments = add_enrolments(
        scene.programme, grown, running[10:30], network=scene.network, decider=world.hr
    )
    add_gathering_work(scene.gathering, enrolments, leaders)
    for n, days in enumerate([-40, -25, -5]):
        gathering = make_gathering(scene.programme, f"Samling {n}", timezone.now() + days * DAY)
        add_gathering_work(gathering, enrolments, leaders)
    Material.objects.bulk_create(
        Material(gathering=scene.gathering, title=f"Lysark {n}", url=f"https://example.org/{n}")
        for n in range(1, 6)
    )
    prework = Assignment.objects.bulk_create(
        Assignment(
            programme=scene.programme,
            gathering=scene.gathering,
            title=f"Forarbeid {n}",
            instructions="Les",
            due_date=today() - 12 * DAY,
        )
        for n in range(1, 4)
    )
    Submission.objects.bulk_create(
        Submission(assignment=a, enrolment=e, text="Svar", submitted_by=e.unit.leader)
        for a in [scene.assignment, *prework]
        for e in enrolments[::2]
    )
    StatusReport.objects.bulk_create(
        StatusReport(enrolment=e, what_we_did="Møte", where_we_are="Fase 3", author=e.unit.leader)
        for e in enrolments
    )

    # Notifications, read and unread, for everyone.
    add_notifications(people_of(world) + colleagues, 30)

    # Another municipality's units, cycles, reflections, practices and programme.
    outside = add_units(world.other_unit.parent, "Annen avdeling", 10)
    outside_cycles = add_cycles(outside, "Gode måltider", start_date=today() - 30 * DAY, phase=5)
    add_reflections(outside_cycles[0], [outside[0].leader], [None], 10)
    add_practices(outside, "Måltid der", 10, themes=SEARCH_WORD, contacts=[outside[0].leader])
    elsewhere = make_programme(world.other_unit.municipality, world.outsider_hr, "Annet nettverk")
    elsewhere_network = Network.objects.create(programme=elsewhere, name="Nettverk Vest")
    outside_enrolments = add_enrolments(
        elsewhere, outside, outside_cycles, network=elsewhere_network, decider=world.outsider_hr
    )
    other_gathering = make_gathering(elsewhere, "Oppstart der", timezone.now() - 3 * DAY)
    add_gathering_work(other_gathering, outside_enrolments, [unit.leader for unit in outside])


# What each page shows of the grown data ---------------------------------------------------


def text(response) -> str:
    return response.content.decode()


def dashboard_shows(response) -> dict[str, int]:
    return {
        "units": len(response.context["units"]),
        "cycles": sum(len(unit.cycle_list) for unit in response.context["units"]),
    }


def cycle_page_shows(response) -> dict[str, int]:
    return {
        **dashboard_shows(response),
        "events": len(response.context["events"]),
        "awaiting ideas": len(response.context["awaiting_ideas"]),
    }


def observer_side_shows(response) -> dict[str, int]:
    return {
        **host_side_shows(response),
        "notes": text(response).count("Notat "),
        "visit reflections": text(response).count("Ta med "),
    }


def host_side_shows(response) -> dict[str, int]:
    return {
        "observers": len(response.context["observers"]),
        "learning points": len(response.context["learning_points"]),
    }


def register_shows(response) -> dict[str, int]:
    page = response.context["page_obj"]
    return {"practices found": page.paginator.count, "rows": len(page.object_list)}


def home_shows(response) -> dict[str, int]:
    units = response.context["my_units"]
    return {
        "units": len(units),
        "leaders": sum(len(unit.leadership) for unit in units),
        "running cycles": sum(len(unit.running_cycles) for unit in units),
        "unread": int(str(response.context["unread_notifications"])),
    }


def board_shows(response) -> dict[str, int]:
    return {
        "shared": sum(len(group["reflections"]) for group in response.context["phases"]),
        "pinned": len(response.context["pinned"]),
        "on the page": text(response).count("Delt tanke"),
    }


def overview_shows(response) -> dict[str, int]:
    overview = response.context["overview"]
    return {
        "units": len(overview.enrolments),
        "gatherings": len(overview.attendance),
        "present": sum(row["present"] for row in overview.attendance),
        "submitted": sum(row["submitted"] for row in overview.assignments),
        "bottlenecks": overview.bottleneck_count,
    }


def gathering_shows(response) -> dict[str, int]:
    return {
        "agenda": len(response.context["agenda"]),
        "materials": len(response.context["materials"]),
        "pre-work": len(response.context["prework"]),
        "status slots on the page": text(response).count("Status: "),
    }


def coordinator_gathering_shows(response) -> dict[str, int]:
    return {
        **gathering_shows(response),
        "attendees": len(response.context["attendees"]),
        "bring-home tasks": len(response.context["bring_home"]),
    }


# The pages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A daily page as one person (a name in the world), and what it shows of the data."""

    page: str
    person: str
    url: Callable[[Scene], str]
    shows: Callable[[object], dict[str, int]]

    @property
    def id(self) -> str:
        return f"{self.page}-{self.person}"


def cycle_url(name):
    return lambda scene: reverse(name, args=[scene.cycle.pk])


CASES = [
    Case("cycle_dashboard", "leader", lambda s: reverse("cycle_dashboard"), cycle_page_shows),
    Case("cycle_detail", "leader", cycle_url("cycle_detail"), cycle_page_shows),
    Case(
        "visit_detail",
        "leader",
        lambda s: reverse("visit_detail", args=[s.visit.pk]),
        observer_side_shows,
    ),
    Case(
        "visit_detail",
        "sibling_leader",
        lambda s: reverse("visit_detail", args=[s.visit.pk]),
        host_side_shows,
    ),
    Case(
        "practice_search",
        "leader",
        lambda s: reverse("practice_list") + f"?q={SEARCH_WORD}",
        register_shows,
    ),
    Case("practice_list", "leader", lambda s: reverse("practice_list"), register_shows),
    Case("home", "staff", lambda s: reverse("home"), home_shows),
    Case("reflection_board", "leader", cycle_url("reflection_board"), board_shows),
    Case("reflection_board", "staff", cycle_url("reflection_board"), board_shows),
    Case(
        "programme_overview",
        "hr",
        lambda s: reverse("programme_overview", args=[s.programme.pk]),
        overview_shows,
    ),
    Case(
        "gathering_detail",
        "hr",
        lambda s: reverse("gathering_detail", args=[s.gathering.pk]),
        coordinator_gathering_shows,
    ),
    Case(
        "gathering_detail",
        "leader",
        lambda s: reverse("gathering_detail", args=[s.gathering.pk]),
        gathering_shows,
    ),
]


class QueriesGrew(AssertionError):
    """The page needed more queries for the larger data set. A known N+1 can be marked
    ``xfail(strict=True, raises=QueriesGrew)``: the check of what the page shows still fails."""


def get(client, url):
    """The response, and the SQL of the queries it took."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [query["sql"] for query in context.captured_queries]


def shape(sql: str) -> str:
    """The query with its numbers, strings and lists of values left out, so repeats of one
    query match."""
    return re.sub(r"\((?:\?, )*\?\)", "(...)", re.sub(r"'[^']*'|\b\d+\b", "?", sql))


def repeated(small: list[str], large: list[str]) -> list[str]:
    """The queries the larger data set ran more often, with how many times more."""
    before, after = Counter(map(shape, small)), Counter(map(shape, large))
    return [f"{after[sql] - before[sql]}× more: {sql}" for sql in after if after[sql] > before[sql]]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_queries_do_not_grow_with_the_data(client, scene, case):
    """The page shows more after ``grow()`` with the same number of queries; a failure
    lists the queries that ran more often."""
    client.force_login(scene.world.person(case.person))
    url = case.url(scene)
    client.get(url)  # warm up (content types, session)
    small_response, small = get(client, url)
    before = case.shows(small_response)

    grow(scene)
    large_response, large = get(client, url)
    after = case.shows(large_response)
    print(f"{case.id}: {len(small)} queries before, {len(large)} after; shows {before} -> {after}")
    not_grown = [name for name in before if after[name] <= before[name]]
    assert not not_grown, f"{case.id}: the page does not show more {not_grown}: {after}"

    if len(large) != len(small):
        details = "\n".join(repeated(small, large))
        raise QueriesGrew(
            f"{case.id}: {len(small)} queries before, {len(large)} after growing\n{details}"
        )
