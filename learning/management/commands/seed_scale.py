"""Build a large, believable municipality for benchmarks.

    python manage.py seed_scale --units 1000 --people 20000 [--seed 1] [--replace]

"Storby kommune (skala)" gets a unit tree (a handful of sectors, enterprises and
their departments), people with memberships and municipality roles, about two
cycles per unit spread over the seven phases and the four statuses, with their
phase plans, a few implementation-plan tasks and ideas; visits between units in
every state, with observers, reflections, feedback and sharing sessions; a
handful of network programmes with networks, teams, gatherings, work between
gatherings, submissions and bring-it-home tasks; and some people's notification
preferences. That is everything the reminder sweep (``programmes/reminders.py``)
reads. Dates lie around today, so the sweep always finds work: each cycle's current
phase is due within 60 days either side of today, and its other phases follow at the
default phase lengths.

Everything is inserted with ``bulk_create`` in batches, never through the
per-object services (``start_cycle``, ``decide``, the visit workflow), which
would take hours at this size. The same ``--seed`` gives the same data (apart
from generated tokens and today's date). ``--replace`` deletes the previous scale
municipality and everything in it first; without it the command refuses to run
twice. Other municipalities are never touched.

Room to grow: each area is one ``build_*`` function fed by the shared ``Scale``
state. The performance issue adds staff reflections and evaluation surveys the
same way (a ``build_reflections`` after ``build_visits``, a ``build_surveys``
after ``build_programmes``), and ``remove`` deletes them through the cycles and
people they hang on.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone, translation
from stdnum.no import orgnr

from learning.models import (
    Cycle,
    Idea,
    Membership,
    Municipality,
    MunicipalityRole,
    Phase,
    PhasePlan,
    SharingSession,
    Task,
    Unit,
    User,
    Visit,
    VisitFeedback,
    VisitReflection,
)
from learning.phases import DEFAULT_PHASE_WEEKS, PLAN_TEMPLATE
from programmes.models import (
    Assignment,
    BringHomeTask,
    Delivery,
    Enrolment,
    Gathering,
    Kind,
    Network,
    NotificationPreference,
    Programme,
    ReminderSetting,
    Submission,
    TeamMember,
)

SCALE_NAME = "Storby kommune (skala)"
EMAIL_DOMAIN = "storby.kommune.no"
BATCH_SIZE = 2000
UNITS_PER_ENTERPRISE = 8  # an enterprise and its departments
PROGRAMMES = 5

T = Unit.UnitType

# name, share of the enterprises, enterprise types
SECTORS = [
    ("Oppvekst", 0.40, [T.SCHOOL, T.KINDERGARTEN]),
    ("Helse og omsorg", 0.38, [T.NURSING_HOME, T.HOME_CARE, T.HEALTH_STATION, T.SUPPORTED_HOUSING]),
    ("Velferd", 0.08, [T.NAV, T.OTHER]),
    ("Teknisk", 0.08, [T.TECHNICAL]),
    ("Stab og støtte", 0.06, [T.STAFF_FUNCTION]),
]
ENTERPRISE_NAMES = {
    T.SCHOOL: "{place} skole",
    T.KINDERGARTEN: "{place} barnehage",
    T.NURSING_HOME: "{place} sykehjem",
    T.HOME_CARE: "Hjemmetjenesten {place}",
    T.HEALTH_STATION: "{place} helsestasjon",
    T.SUPPORTED_HOUSING: "{place} bo- og tjenestested",
    T.NAV: "NAV {place}",
    T.OTHER: "{place} aktivitetssenter",
    T.TECHNICAL: "Teknisk drift {place}",
    T.STAFF_FUNCTION: "Stab {place}",
}
DEPARTMENT_NAMES = {
    T.SCHOOL: ["1.–4. trinn", "5.–7. trinn", "8.–10. trinn", "Forsterket avdeling", "SFO"],
    T.KINDERGARTEN: ["Blåklokka", "Solsikken", "Maurtua", "Ekornet", "Revebjella", "Trollskogen"],
    T.NURSING_HOME: ["Skjermet enhet", "Korttid", "Langtid 1", "Langtid 2", "Rehabilitering"],
    T.HOME_CARE: ["Sone nord", "Sone sør", "Sone øst", "Sone vest", "Nattpatruljen"],
    T.HEALTH_STATION: ["0–5 år", "Skolehelsetjenesten", "Jordmortjenesten"],
    T.SUPPORTED_HOUSING: ["Bolig A", "Bolig B", "Bolig C", "Avlastning"],
    T.NAV: ["Mottak", "Oppfølging", "Ungdomsteam"],
    T.OTHER: ["Dagsenter", "Frivilligsentral"],
    T.TECHNICAL: ["Vei", "Vann og avløp", "Eiendom", "Renhold"],
    T.STAFF_FUNCTION: ["HR", "Økonomi", "IKT", "Dokumentsenter"],
}
PLACES = [
    "Nordby", "Sørli", "Åsen", "Bakke", "Haugen", "Lia", "Moen", "Berg", "Dal", "Eikeli",
    "Fjellheim", "Granli", "Holt", "Jordet", "Kleiva", "Lunde", "Myra", "Nes", "Rud", "Sand",
    "Tangen", "Vik", "Øvre Storby", "Nedre Storby", "Sentrum", "Solbakken", "Elvebakken",
    "Furulund", "Skogly", "Bjørkeli", "Engen", "Kirkebakken", "Havna", "Strand", "Torget",
    "Brekke", "Hovden", "Lindeberg", "Rosenhaug", "Sjøsiden", "Fagerlia", "Kvernhuset",
    "Stasjonsbyen", "Ekeberg", "Vestby", "Østby", "Lerkendal", "Risvollan", "Hallset", "Tiller",
]  # fmt: skip
FIRST_NAMES = [
    "Anne", "Kari", "Ingrid", "Marit", "Liv", "Hilde", "Silje", "Ida", "Nora", "Emma", "Sara",
    "Maja", "Ole", "Lars", "Per", "Jan", "Knut", "Bjørn", "Arne", "Tor", "Erik", "Hans", "Magnus",
    "Jonas", "Emil", "Sander", "Aisha", "Fatima", "Ali", "Mohammed", "Piotr", "Agnieszka",
    "Tomas", "Linh", "Mariam", "Astrid", "Solveig", "Sigrid", "Eirik", "Håkon", "Even", "Vilde",
    "Tuva", "Siri", "Gunnar", "Åse", "Randi", "Turid", "Kjersti", "Torunn",
]  # fmt: skip
LAST_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Dahl",
    "Jørgensen", "Halvorsen", "Henriksen", "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen",
    "Iversen", "Strand", "Solberg", "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen",
    "Bakken", "Mathisen", "Lie", "Amundsen", "Nguyen", "Rasmussen", "Lunde", "Solheim", "Berge",
    "Nygård", "Bakke", "Kowalski", "Ahmed", "Haugland", "Aasen", "Tveit", "Myhre",
]  # fmt: skip
TOPICS = [
    "Trygg legemiddelhåndtering", "Gode måltider", "Vurdering for læring", "Lek og læring ute",
    "Hverdagsrehabilitering", "Velferdsteknologi i hverdagen", "Trygg overlevering mellom vakter",
    "Samarbeid med foreldre", "Leseløft på mellomtrinnet", "Færre fall", "Samarbeid med pårørende",
    "Tverrfaglige møter som virker", "Gode digitale søknader", "Mottak av nyansatte",
    "Språkstimulering", "Klasseledelse", "Demensomsorg etter ABC", "Miljøterapi i bolig",
    "Nærvær og trivsel", "Tidlig innsats", "Smittevern i praksis", "Brukermedvirkning",
    "Vernerunder som gir læring", "Overgangen barnehage–skole", "Ernæring for eldre",
    "Mestringsorientert praksis", "Avvik som læring", "God dokumentasjon", "Korte morgenmøter",
]  # fmt: skip
IDEAS = [
    "Vi bruker mye tid på å lete etter utstyr. Kan vi lære av en enhet som har orden på det?",
    "Nye kolleger får ulik opplæring avhengig av vakt. Vi trenger en felles plan.",
    "Rapporten ved vaktskifte blir lang og uklar. Hvordan gjør andre det?",
    "Måltidene er travle. Kan vi skape mer ro rundt bordet?",
    "Foreldremøtene engasjerer få. Noen andre må ha funnet en bedre form.",
    "Vi skriver avvik, men ser sjelden hva de fører til.",
    "Mange avbrytelser under medisinutdeling. Vi vil lære av en enhet som har løst det.",
    "Vi har fått nytt fagsystem, men bruker bare en del av det.",
    "Uteområdet brukes lite om vinteren.",
    "Vi vil bli bedre til å gi hverandre tilbakemeldinger.",
]
PROGRAMME_TITLES = [
    "Kollegalæring i helse og omsorg",
    "Kollegalæring i oppvekst",
    "Leder i læring",
    "Nærvær og arbeidsmiljø",
    "Digital praksis",
]
LANGUAGES = ["", User.Language.BOKMAL, User.Language.NYNORSK, User.Language.ENGLISH]
LANGUAGE_WEIGHTS = [45, 30, 15, 10]  # empty: the municipality's language form
CYCLE_STATUS_WEIGHTS = {
    Cycle.Status.ACTIVE: 60,
    Cycle.Status.PAUSED: 10,
    Cycle.Status.COMPLETED: 20,
    Cycle.Status.ENDED: 10,
}


def day_at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A wall-clock time in the municipality's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@contextmanager
def given_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the created_at the builder sets, which auto_now_add would overwrite.

    The sweep reads when an idea was raised and when a visit was requested, so these
    must lie in the past. Every object inserted meanwhile must set its timestamps.
    """
    fields = [
        f
        for model in model_classes
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@dataclass
class WorkUnit:
    """An enterprise or department where people work, with who has which role there."""

    unit: Unit
    leaders: list[User] = field(default_factory=list)
    staff: list[User] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)

    @property
    def people(self) -> list[User]:
        return self.leaders + self.staff


@dataclass
class Scale:
    """What the builders share: the random source, today, the new rows, and the counts."""

    rng: random.Random
    units: int
    people: int
    today: datetime.date = field(default_factory=timezone.localdate)
    now: datetime.datetime = field(default_factory=timezone.now)
    municipality: Municipality | None = None
    sectors: list[Unit] = field(default_factory=list)
    hr: User | None = None
    senior: User | None = None
    sector_leaders: list[User] = field(default_factory=list)
    work_units: list[WorkUnit] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    _by_type: dict[str, list[WorkUnit]] = field(default_factory=dict)

    def insert(self, objs: Sequence[models.Model], label: str = "") -> list:
        """bulk_create in batches; on PostgreSQL and SQLite the objects get their ids back."""
        objs = list(objs)
        if objs:
            model = type(objs[0])
            model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
            with translation.override("en"):
                self.counts[label or str(model._meta.verbose_name_plural)] += len(objs)
        return objs

    def day(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def ago(self, days: float) -> datetime.datetime:
        return self.now - datetime.timedelta(days=days)

    def sample(self, items: Sequence, k: int) -> list:
        return self.rng.sample(list(items), min(k, len(items)))

    def peer(self, work: WorkUnit) -> WorkUnit:
        """Another unit of the same type to learn from (or any other, if there is none)."""
        same = [w for w in self.by_type[work.unit.unit_type] if w is not work]
        return self.rng.choice(same or [w for w in self.work_units if w is not work])

    @property
    def by_type(self) -> dict[str, list[WorkUnit]]:
        if not self._by_type:
            for work in self.work_units:
                self._by_type.setdefault(work.unit.unit_type, []).append(work)
        return self._by_type


# Organisation -------------------------------------------------------------------------


def build_municipality(scale: Scale) -> None:
    taken = set(Municipality.objects.values_list("organisation_number", flat=True))
    number = ""
    while not orgnr.is_valid(number) or number in taken:
        number = f"9{scale.rng.randrange(10**7, 10**8)}"  # one in eleven has a valid check digit
    scale.municipality = Municipality(name=SCALE_NAME, organisation_number=number)
    scale.insert([scale.municipality])
    # The HR coordinator wants phase reminders two weeks ahead as well.
    scale.insert(
        [ReminderSetting(municipality=scale.municipality, kind=Kind.PHASE_DUE, days="14, 7")]
    )


def build_units(scale: Scale) -> None:
    """Sectors, enterprises (about one in eight units) and their departments."""
    rng, municipality = scale.rng, scale.municipality
    enterprises = max(1, round(scale.units / UNITS_PER_ENTERPRISE))
    departments = scale.units - enterprises
    sector_of = rng.choices(
        range(len(SECTORS)), [share for _n, share, _t in SECTORS], k=enterprises
    )
    # Every sector gets an enterprise when there are enough of them.
    for index in range(min(len(SECTORS), enterprises)):
        sector_of[index] = index
    sectors = {
        index: Unit(municipality=municipality, level=Unit.Level.SECTOR, name=SECTORS[index][0])
        for index in sorted(set(sector_of))
    }
    scale.insert(sectors.values())

    names_used: set[tuple[int, str]] = set()
    enterprise_units = []
    for sector_index in sector_of:
        unit_type = rng.choice(SECTORS[sector_index][2])
        name = ENTERPRISE_NAMES[unit_type].format(place=rng.choice(PLACES))
        base, n = name, 1
        while (sector_index, name) in names_used:
            n += 1
            name = f"{base} {n}"
        names_used.add((sector_index, name))
        enterprise_units.append(
            Unit(
                municipality=municipality,
                level=Unit.Level.ENTERPRISE,
                parent=sectors[sector_index],
                name=name,
                unit_type=unit_type,
            )
        )
    scale.insert(enterprise_units)

    # At least one department each, the rest at random: some enterprises are large.
    per_enterprise = [1 if departments >= enterprises else 0 for _e in enterprise_units]
    for index in rng.choices(range(enterprises), k=departments - sum(per_enterprise)):
        per_enterprise[index] += 1
    department_units = []
    for enterprise, count in zip(enterprise_units, per_enterprise, strict=True):
        names = DEPARTMENT_NAMES[enterprise.unit_type]
        for index in range(count):
            name = names[index] if index < len(names) else f"Avdeling {index + 1}"
            unit_type = T.AFTER_SCHOOL if name == "SFO" else enterprise.unit_type
            department_units.append(
                Unit(
                    municipality=municipality,
                    level=Unit.Level.DEPARTMENT,
                    parent=enterprise,
                    name=name,
                    unit_type=unit_type,
                )
            )
    scale.insert(department_units)
    scale.sectors = list(sectors.values())
    scale.work_units = [WorkUnit(unit) for unit in enterprise_units + department_units]


def build_people(scale: Scale) -> None:
    """Everyone, then their memberships: leaders first, the rest spread as staff.

    About one in a hundred people has left (inactive), some of them leaders who own cycles.
    """
    rng = scale.rng
    width = max(5, len(str(scale.people)))
    people = [
        User(
            email=f"person{n:0{width}d}@{EMAIL_DOMAIN}",
            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            language=rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0],
            municipality=scale.municipality,
            is_active=rng.random() > 0.01,
            password=UNUSABLE_PASSWORD_PREFIX + f"{rng.getrandbits(160):040x}",
            date_joined=scale.ago(rng.uniform(30, 3000)),
        )
        for n in range(1, scale.people + 1)
    ]
    pool = iter(people)
    scale.hr, scale.senior = next(pool), next(pool)
    scale.hr.is_active = scale.senior.is_active = True
    scale.insert(people)
    scale.insert(
        [
            MunicipalityRole(
                user=scale.hr,
                municipality=scale.municipality,
                role=MunicipalityRole.Role.HR_COORDINATOR,
            ),
            MunicipalityRole(
                user=scale.senior,
                municipality=scale.municipality,
                role=MunicipalityRole.Role.SENIOR_LEADER,
            ),
        ]
    )

    memberships = []

    def member(user: User, unit: Unit, role: str) -> None:
        memberships.append(Membership(user=user, unit=unit, role=role))

    for sector in scale.sectors:
        leader = next(pool)
        scale.sector_leaders.append(leader)
        member(leader, sector, Membership.Role.LEADER)
    for work in scale.work_units:
        for _n in range(2 if rng.random() < 0.25 else 1):
            work.leaders.append(next(pool))
            member(work.leaders[-1], work.unit, Membership.Role.LEADER)

    rest = list(pool)
    weights = [
        (0.4 if work.unit.level == Unit.Level.ENTERPRISE else 1.0) * rng.uniform(0.5, 2.0)
        for work in scale.work_units
    ]
    for person, work in zip(rest, rng.choices(scale.work_units, weights, k=len(rest)), strict=True):
        work.staff.append(person)
        member(person, work.unit, Membership.Role.STAFF)
    by_parent: dict[int, list[WorkUnit]] = {}
    for work in scale.work_units:
        by_parent.setdefault(work.unit.parent_id, []).append(work)
    for work in scale.work_units:
        for supporter in scale.sample(work.staff, rng.choice([1, 1, 2])):
            member(supporter, work.unit, Membership.Role.SUPPORTER)
        if work.unit.level == Unit.Level.ENTERPRISE and work.staff:
            member(rng.choice(work.staff), work.unit, Membership.Role.UNION_REP)
            member(rng.choice(work.staff), work.unit, Membership.Role.SAFETY_REP)
        # A few people also work in a sibling department.
        siblings = [w for w in by_parent[work.unit.parent_id] if w is not work]
        for person in work.staff:
            if siblings and rng.random() < 0.02:
                member(person, rng.choice(siblings).unit, Membership.Role.STAFF)
    scale.insert(memberships)


# Cycles -------------------------------------------------------------------------------


def phase_due_dates(current_due: datetime.date, current: int) -> dict[int, datetime.date]:
    """Each phase's target date, with the current phase due on ``current_due``."""
    dates = {current: current_due}
    for phase in range(current + 1, 8):
        dates[phase] = dates[phase - 1] + datetime.timedelta(weeks=DEFAULT_PHASE_WEEKS[phase])
    for phase in range(current - 1, 0, -1):
        dates[phase] = dates[phase + 1] - datetime.timedelta(weeks=DEFAULT_PHASE_WEEKS[phase + 1])
    return dates


def build_cycles(scale: Scale) -> None:
    """About two cycles per unit, with their seven phase plans and a few tasks."""
    rng = scale.rng
    with translation.override(scale.municipality.language_form):
        templates = {phase: [str(text) for text in PLAN_TEMPLATE[phase]] for phase in Phase}
    leaders_by_unit = {w.unit.pk: w.leaders for w in scale.work_units}
    cycles = []
    for work in scale.work_units:
        for _n in range(rng.choice([1, 2, 2, 3])):
            status = rng.choices(list(CYCLE_STATUS_WEIGHTS), CYCLE_STATUS_WEIGHTS.values())[0]
            if status == Cycle.Status.COMPLETED:
                phase, due_in = 7, rng.randint(-60, -5)
            elif status == Cycle.Status.ENDED:
                phase, due_in = rng.randint(1, 6), rng.randint(-60, 60)
            else:
                phase, due_in = rng.randint(1, 7), rng.randint(-60, 60)
            due = phase_due_dates(scale.day(due_in), phase)
            owner = rng.choice(work.leaders)
            above = leaders_by_unit.get(work.unit.parent_id)
            if above and rng.random() < 0.02:  # handed to the enterprise leader
                owner = rng.choice(above)
            cycle = Cycle(
                unit=work.unit,
                title=rng.choice(TOPICS),
                owner=owner,
                start_date=due[1] - datetime.timedelta(weeks=DEFAULT_PHASE_WEEKS[1]),
                status=status,
                current_phase=phase,
                what="Vi vil lære av kolleger i en annen enhet." if phase > 1 else "",
                why="Det gir bedre tjenester for brukerne våre." if phase > 1 else "",
                how="Faste møter annenhver uke." if phase > 1 else "",
                learning_need=rng.choice(IDEAS) if phase > 2 else "",
                focus_question="Hva gjør de som gjør at det fungerer?" if phase > 3 else "",
                host_unit=scale.peer(work).unit if phase > 4 else None,
            )
            cycle.due = due  # for the phase plans and tasks below
            cycle.work = work
            work.cycles.append(cycle)
            cycles.append(cycle)
    scale.insert(cycles)

    plans, tasks = [], []
    for cycle in cycles:
        helpers = cycle.work.staff or cycle.work.leaders
        for phase in Phase:
            responsible = cycle.owner if rng.random() < 0.7 else rng.choice(helpers)
            plans.append(
                PhasePlan(
                    cycle=cycle, phase=phase, due_date=cycle.due[phase], responsible=responsible
                )
            )
        phases = [p for p in Phase if p <= min(cycle.current_phase + 1, 7)]
        chosen = sorted(rng.sample(phases, min(len(phases), rng.randint(2, 5))))
        for position, phase in enumerate(chosen):
            if phase < cycle.current_phase or cycle.status == Cycle.Status.COMPLETED:
                status = Task.Status.DONE if rng.random() < 0.85 else Task.Status.IN_PROGRESS
            elif phase == cycle.current_phase:
                status = rng.choice([Task.Status.NOT_STARTED, Task.Status.IN_PROGRESS])
            else:
                status = Task.Status.NOT_STARTED
            due_date = cycle.due[phase] - datetime.timedelta(days=rng.randint(0, 7))
            # Mostly the owner or a colleague; now and then nobody (the owner is reminded).
            responsible = rng.choices([None, cycle.owner, rng.choice(helpers)], [10, 45, 45])[0]
            tasks.append(
                Task(
                    cycle=cycle,
                    phase=phase,
                    description=rng.choice(templates[phase]),
                    responsible=responsible,
                    start_date=due_date - datetime.timedelta(days=rng.randint(7, 28)),
                    due_date=due_date,
                    status=status,
                    position=position,
                )
            )
    scale.insert(plans)
    scale.insert(tasks)


def build_ideas(scale: Scale) -> None:
    """Ideas in cycles past phase 1; some unanswered for weeks."""
    rng = scale.rng
    ideas = []
    for work in scale.work_units:
        for cycle in work.cycles:
            if cycle.current_phase < 2:
                continue
            for _n in range(rng.randint(0, 4)):
                raised = scale.ago(rng.uniform(0.5, 45))
                answered = rng.random() < 0.55
                ideas.append(
                    Idea(
                        cycle=cycle,
                        author=rng.choice(work.people),
                        text=rng.choice(IDEAS),
                        category=rng.choice(Idea.Category.values),
                        response=rng.choice(Idea.Response.values) if answered else "",
                        reply="Takk, vi tar den med videre." if answered else "",
                        responded_by=cycle.owner if answered else None,
                        responded_at=min(raised + datetime.timedelta(days=3), scale.now)
                        if answered
                        else None,
                        created_at=raised,
                    )
                )
    with given_timestamps(Idea):
        scale.insert(ideas)


# Visits -------------------------------------------------------------------------------

V = Visit.Status


def build_visits(scale: Scale) -> None:
    """Visits from cycles in phase 4 and later to other units, in every state.

    Held visits get observers, some reflections and feedback, and (later in the cycle)
    a sharing session at home.
    """
    rng = scale.rng
    by_unit = {work.unit.pk: work for work in scale.work_units}
    visits = []
    for work in scale.work_units:
        for cycle in work.cycles:
            if cycle.current_phase < 4 or rng.random() < 0.15:
                continue
            status, start = visit_state(scale, cycle)
            host = by_unit[cycle.host_unit_id] if cycle.host_unit_id else scale.peer(work)
            external = rng.random() < 0.05
            starts_at = day_at(start, rng.choice([9, 10, 12, 13]))
            asked_days = rng.uniform(0.5, 14) if status == V.REQUESTED else rng.uniform(10, 30)
            visit = Visit(
                cycle=cycle,
                host_unit=None if external else host.unit,
                host_external="Nabokommunen, Sentrum sykehjem" if external else "",
                host_contact=rng.choice(host.staff)
                if host.staff and not external and rng.random() < 0.4
                else None,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=rng.choice([2, 3, 6])),
                purpose=f"Se hvordan dere arbeider med {cycle.title.lower()}.",
                status=status,
                decline_reason="Vi har ikke kapasitet denne måneden."
                if status == V.DECLINED
                else "",
                requested_by=cycle.owner,
                responded_by=None if status == V.REQUESTED or external else host.leaders[0],
                responded_at=None if status == V.REQUESTED else scale.ago(asked_days - 2),
                created_at=min(scale.ago(asked_days), starts_at),
            )
            visit.work = work
            visits.append(visit)
    with given_timestamps(Visit):
        scale.insert(visits)

    observers, reflections, feedback, sessions = [], [], [], []
    Observer = Visit.observers.through
    for visit in visits:
        chosen = scale.sample(visit.work.people, rng.randint(1, 3))
        observers += [Observer(visit=visit, user=person) for person in chosen]
        if visit.status != V.CONFIRMED or visit.starts_at > scale.now:
            continue
        ended = timezone.localdate(visit.ends_at)
        for person in chosen:
            if rng.random() < 0.5:
                reflections.append(
                    VisitReflection(
                        visit=visit,
                        author=person,
                        observed="Rolige overganger og tydelige roller.",
                        take_home="Vi prøver faste roller ved måltidet.",
                        created_at=min(visit.ends_at + datetime.timedelta(hours=2), scale.now),
                    )
                )
        roll = rng.random()
        if roll < 0.8:
            sent_on = ended + datetime.timedelta(days=rng.randint(1, 10))
            sent = roll < 0.6 and sent_on <= scale.today
            feedback.append(
                VisitFeedback(
                    visit=visit,
                    works="Dere har en rolig og god struktur.",
                    learned="At små grep gir mye ro.",
                    written_by=visit.cycle.owner,
                    sent_at=day_at(sent_on, 14) if sent else None,
                    acknowledged_at=day_at(sent_on, 16) if sent and rng.random() < 0.5 else None,
                    created_at=min(visit.ends_at + datetime.timedelta(days=1), scale.now),
                )
            )
        if (visit.cycle.current_phase >= 6 and rng.random() < 0.8) or rng.random() < 0.15:
            held_on = min(ended + datetime.timedelta(days=rng.randint(2, 20)), scale.today)
            sessions.append(
                SharingSession(
                    cycle=visit.cycle,
                    held_on=held_on,
                    note="Vi delte det vi så, og ble enige om hva vi prøver ut.",
                    created_at=day_at(held_on, 15),
                )
            )
    scale.insert(observers, "visit observers")
    with given_timestamps(VisitReflection, VisitFeedback, SharingSession):
        scale.insert(reflections)
        scale.insert(feedback)
        scale.insert(sessions)


def visit_state(scale: Scale, cycle: Cycle) -> tuple[str, datetime.date]:
    """A status and a visit date fitting the cycle's phase."""
    rng = scale.rng
    if cycle.current_phase == 4:
        return rng.choice([V.REQUESTED, V.REQUESTED, V.HOST_PROPOSED]), scale.day(
            rng.randint(7, 30)
        )
    if cycle.current_phase > 5 or cycle.status == Cycle.Status.COMPLETED:
        return V.CONFIRMED, scale.day(-rng.randint(8, 60))
    status = rng.choices(
        [V.REQUESTED, V.HOST_PROPOSED, V.CONFIRMED, V.DECLINED, V.CANCELLED], [25, 10, 55, 5, 5]
    )[0]
    if status == V.CONFIRMED and rng.random() < 0.6:
        return status, scale.day(-rng.randint(1, 25))  # held recently
    return status, scale.day(rng.randint(2, 30))


# Programmes ---------------------------------------------------------------------------

E = Enrolment.Status
ENROLMENT_WEIGHTS = {E.ADMITTED: 80, E.APPLIED: 8, E.WAITLISTED: 6, E.DECLINED: 6}


def build_programmes(scale: Scale) -> None:
    """A handful of running programmes with enrolled units, networks, teams and gatherings."""
    rng = scale.rng
    count = min(PROGRAMMES, max(1, len(scale.work_units) // 10))
    per_programme = max(2, min(24, len(scale.work_units) // (2 * count)))
    programmes = [
        Programme(
            municipality=scale.municipality,
            title=f"{PROGRAMME_TITLES[n % len(PROGRAMME_TITLES)]} {scale.today.year}",
            purpose="Enhetene lærer av hverandre gjennom hospitering og refleksjon.",
            commissioned_by="Kommunedirektøren",
            themes="kollegalæring, hospitering",
            starts_on=scale.day(-120),
            ends_on=scale.day(240),
            status=Programme.Status.RUNNING,
        )
        for n in range(count)
    ]
    scale.insert(programmes)
    Coordinator = Programme.coordinators.through
    coordinators = []
    for n, programme in enumerate(programmes):
        coordinators.append(Coordinator(programme=programme, user=scale.hr))
        if scale.sector_leaders:  # and the head of a sector
            leader = scale.sector_leaders[n % len(scale.sector_leaders)]
            coordinators.append(Coordinator(programme=programme, user=leader))
    scale.insert(coordinators, "programme coordinators")
    Participant = Programme.municipalities.through
    scale.insert(
        [Participant(programme=p, municipality=scale.municipality) for p in programmes],
        "participating municipalities",
    )

    free = [w for w in scale.work_units if any(c.status == Cycle.Status.ACTIVE for c in w.cycles)]
    rng.shuffle(free)
    networks, enrolments = [], []
    for programme in programmes:
        own = [
            Network(programme=programme, name=f"Nettverk {name}")
            for name in ["Nord", "Sør", "Vest"][: rng.choice([2, 3])]
        ]
        networks += own
        for n, work in enumerate(free[:per_programme]):
            status = rng.choices(list(ENROLMENT_WEIGHTS), ENROLMENT_WEIGHTS.values())[0]
            admitted = status == E.ADMITTED
            enrolment = Enrolment(
                programme=programme,
                unit=work.unit,
                status=status,
                network=own[n % len(own)] if admitted else None,
                cycle=next(c for c in work.cycles if c.status == Cycle.Status.ACTIVE)
                if admitted
                else None,
                goals="Vi vil få mer ut av hospitering hos andre enheter.",
                anchoring="Lederen setter av tid på personalmøtene.",
                commits_to_attend=True,
                commits_to_report=True,
                commits_to_share=True,
                applied_by=work.leaders[0],
                applied_at=scale.ago(rng.uniform(120, 150)),
                decided_by=None if status == E.APPLIED else scale.hr,
                decided_at=None if status == E.APPLIED else scale.ago(rng.uniform(100, 119)),
                decision_reason="" if admitted or status == E.APPLIED else "Fullt denne gangen.",
            )
            enrolment.work = work
            enrolments.append(enrolment)
        free = free[per_programme:]
    scale.insert(networks)
    scale.insert(enrolments)

    team = []
    for enrolment in enrolments:
        work = enrolment.work
        team.append(
            TeamMember(enrolment=enrolment, user=work.leaders[0], role=TeamMember.Role.LEADER)
        )
        roles = [TeamMember.Role.RESOURCE, TeamMember.Role.RESOURCE, TeamMember.Role.UNION_REP]
        for person, role in zip(scale.sample(work.staff, rng.randint(1, 3)), roles, strict=False):
            team.append(TeamMember(enrolment=enrolment, user=person, role=role))
    scale.insert(team)
    build_gatherings(scale, programmes, networks, [e for e in enrolments if e.status == E.ADMITTED])


def build_gatherings(scale: Scale, programmes, networks, admitted) -> None:
    """Per programme: a start-up behind us, a network gathering behind and one ahead for each
    network, and a professional day in some weeks; work between them, submissions, and
    bring-it-home tasks after the gatherings that were held."""
    rng = scale.rng

    def gathering(programme, kind, title, day, network=None, reports_due=None):
        starts_at = day_at(day, 9)
        return Gathering(
            programme=programme,
            network=network,
            kind=kind,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=6),
            place="Storby rådhus, Bystyresalen",
            status_reports_due=reports_due,
        )

    gatherings, held, ahead = [], [], []
    for programme in programmes:
        startup = gathering(
            programme, Gathering.Kind.STARTUP, "Oppstartssamling", scale.day(-rng.randint(60, 90))
        )
        fagdag = gathering(
            programme, Gathering.Kind.FAGDAG, "Fagdag", scale.day(rng.randint(25, 40))
        )
        gatherings += [startup, fagdag]
        held.append(startup)
        for network in (n for n in networks if n.programme is programme):
            before = gathering(
                programme,
                Gathering.Kind.NETWORK,
                f"Nettverkssamling, {network.name}",
                scale.day(-rng.randint(14, 30)),
                network,
            )
            day = scale.day(rng.randint(1, 21))
            after = gathering(
                programme,
                Gathering.Kind.NETWORK,
                f"Nettverkssamling 2, {network.name}",
                day,
                network,
                reports_due=day - datetime.timedelta(days=3),
            )
            gatherings += [before, after]
            held.append(before)
            ahead.append(after)
    scale.insert(gatherings)

    assignments = []
    for programme in programmes:
        mine = [e for e in admitted if e.programme is programme]
        assignments.append(
            Assignment(
                programme=programme,
                title="Kartlegging av læringsbehov",
                instructions="Beskriv enhetens læringsbehov med egne ord.",
                due_date=scale.day(rng.randint(-5, 5)),
            )
        )
        if mine:
            assignments.append(
                Assignment(
                    programme=programme,
                    enrolment=rng.choice(mine),
                    title="Justert plan etter samtale med koordinator",
                    instructions="Legg ved den justerte planen.",
                    due_date=scale.day(rng.randint(-3, 3)),
                )
            )
    for upcoming in ahead:
        assignments.append(
            Assignment(
                programme=upcoming.programme,
                gathering=upcoming,
                network=upcoming.network,
                title="Forarbeid: fokusspørsmål og læringspunkter",
                instructions="Ta med fokusspørsmålet og læringspunktene til samlingen.",
                due_date=timezone.localdate(upcoming.starts_at) - datetime.timedelta(days=2),
            )
        )
    scale.insert(assignments)

    submissions = []
    for assignment in assignments:
        for enrolment in admitted:
            if not gets(assignment, enrolment) or rng.random() < 0.5:
                continue
            submitted = min(
                day_at(assignment.due_date - datetime.timedelta(days=rng.randint(0, 4)), 12),
                scale.now,
            )
            submissions.append(
                Submission(
                    assignment=assignment,
                    enrolment=enrolment,
                    text="Her er vårt svar.",
                    submitted_by=enrolment.work.leaders[0],
                    submitted_at=submitted,
                    seen_at=submitted + datetime.timedelta(days=1) if rng.random() < 0.5 else None,
                )
            )
    scale.insert(submissions)

    bring_home = []
    for past in held:
        for enrolment in admitted:
            if enrolment.programme is not past.programme or (
                past.network is not None and enrolment.network is not past.network
            ):
                continue
            due = timezone.localdate(past.starts_at) + datetime.timedelta(days=14)
            confirmed = due < scale.today and rng.random() < 0.6
            bring_home.append(
                BringHomeTask(
                    gathering=past,
                    enrolment=enrolment,
                    what="Dele det vi lærte på samlingen på neste personalmøte.",
                    responsible=rng.choice(enrolment.work.people),
                    due_date=due,
                    confirmed_at=day_at(due, 15) if confirmed else None,
                    confirmed_by=enrolment.work.leaders[0] if confirmed else None,
                )
            )
    scale.insert(bring_home)


def gets(assignment: Assignment, enrolment: Enrolment) -> bool:
    """Whether the admitted enrolment must answer the assignment (Assignment.recipients)."""
    if assignment.programme is not enrolment.programme:
        return False
    if assignment.enrolment is not None:
        return assignment.enrolment is enrolment
    return assignment.network is None or assignment.network is enrolment.network


# Preferences --------------------------------------------------------------------------


def build_preferences(scale: Scale) -> None:
    """About one in twelve people has chosen how some kinds reach them."""
    rng = scale.rng
    people = [p for w in scale.work_units for p in w.people]
    deliveries = [Delivery.IMMEDIATELY, Delivery.DAILY, Delivery.WEEKLY, Delivery.OFF]
    preferences = []
    for person in sorted({p.pk: p for p in people}.values(), key=lambda p: p.pk):
        if rng.random() < 0.08:
            preferences += [
                NotificationPreference(
                    user=person, kind=kind, delivery=rng.choices(deliveries, [30, 30, 25, 15])[0]
                )
                for kind in rng.sample(Kind.values, rng.randint(1, 3))
            ]
    scale.insert(preferences)


BUILDERS = [
    build_municipality,
    build_units,
    build_people,
    build_cycles,
    build_ideas,
    build_visits,
    build_programmes,
    build_preferences,
]


# Removing -----------------------------------------------------------------------------


def remove(municipality: Municipality) -> None:
    """Delete the scale municipality and everything in it, the protected links first."""
    units = Unit.objects.filter(municipality=municipality)
    Programme.objects.filter(municipality=municipality).delete()
    Enrolment.objects.filter(unit__in=units).delete()
    Visit.objects.filter(host_unit__in=units).delete()
    Cycle.objects.filter(unit__in=units).delete()
    User.objects.filter(municipality=municipality).delete()
    for level in (Unit.Level.DEPARTMENT, Unit.Level.ENTERPRISE, Unit.Level.SECTOR):
        units.filter(level=level).delete()
    municipality.delete()


class Command(BaseCommand):
    help = (
        f"Build “{SCALE_NAME}”, a large municipality for benchmarks (1,000 units and "
        "20,000 people by default). Use --replace to build it again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--units", type=int, default=1000, help="Enterprises and departments (default 1000)."
        )
        parser.add_argument("--people", type=int, default=20000, help="People (default 20000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help=f"Delete the previous “{SCALE_NAME}” and everything in it first.",
        )

    def handle(self, *args, units: int, people: int, seed: int, replace: bool, **options):
        if units < 2:
            raise CommandError("--units must be at least 2.")
        if people < 3 * units + 10:
            raise CommandError(
                f"{units} units need at least {3 * units + 10} people (leaders and staff)."
            )
        existing = Municipality.objects.filter(name=SCALE_NAME).first()
        if existing and not replace:
            raise CommandError(
                f"“{SCALE_NAME}” already exists. Run with --replace to delete it and build it again."
            )
        with transaction.atomic():
            if existing:
                started = time.monotonic()
                remove(existing)
                seconds = time.monotonic() - started
                self.stdout.write(f"Deleted the previous “{SCALE_NAME}” in {seconds:.1f} s.")
            started = time.monotonic()
            scale = Scale(rng=random.Random(seed), units=units, people=people)
            for build in BUILDERS:
                build(scale)
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"“{SCALE_NAME}” built in {seconds:.1f} s:"))
        for name, count in scale.counts.items():
            self.stdout.write(f"  {name:<36} {count:>8,}")
