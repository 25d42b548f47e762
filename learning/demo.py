"""Demo data: Elvedal kommune, merged from Elvedal and Sundvik, and its small neighbour Fjordnes.

Everything is looked up by a natural key before it is created, so running the
seed again changes nothing. Names come from a fixed random seed. Elvedal also
gets a register of practices its units share (``seed_practices``) and
kollegalæring cycles in different phases (``seed_cycles``), dated relative to
the day the seed runs and built through the phase engine and the visit workflow
so their timelines are real. Staff in two of the cycles have written reflections,
some private and some shared with their unit (``seed_reflections``).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.utils import timezone, translation

from learning import audit, phases, visits
from learning.models import (
    AuditEvent,
    CandidateSource,
    Conclusion,
    Cycle,
    CycleEvent,
    FormerMunicipality,
    Idea,
    IdeaVote,
    IntroductionMeeting,
    LearningPoint,
    Membership,
    Municipality,
    MunicipalityRole,
    NeedAgreement,
    ObservationNote,
    Obstacle,
    PersonalGoal,
    Phase,
    Practice,
    PracticeLogEntry,
    Reflection,
    RepresentativeInvolvement,
    SharingSession,
    Task,
    Unit,
    User,
    VisibilityChange,
    Visit,
    VisitFeedback,
    VisitReflection,
)
from learning.reflections import change_visibility, prompts_for, set_pinned

DEMO_PASSWORD = "demo"

FIRST_NAMES = [
    "Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid", "Bjørg",
    "Hilde", "Nina", "Randi", "Solveig", "Silje", "Ida", "Nora", "Emma", "Sara", "Thea", "Jan",
    "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein", "Hans", "Geir", "Tor",
    "Morten", "Terje", "Odd", "Jon", "Erik", "Anders", "Magnus", "Jonas", "Sigrid", "Ragnhild",
    "Tone", "Turid", "Grete", "Camilla", "Marius", "Henrik", "Even", "Sindre",
]  # fmt: skip
LAST_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg",
    "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen",
    "Mathisen", "Lie", "Amundsen", "Nguyen", "Rasmussen", "Ali", "Lunde", "Solheim", "Berntsen",
    "Moe", "Kowalski", "Ahmed",
]  # fmt: skip

T = Unit.UnitType
E = "Elvedal"
S = "Sundvik"

# sector -> [(enterprise, type, former municipality, [(department, type)])]
ELVEDAL_TREE = {
    "Oppvekst": [
        (
            "Elvedal skole",
            T.SCHOOL,
            E,
            [
                ("Småtrinnet", T.SCHOOL),
                ("Mellomtrinnet", T.SCHOOL),
                ("Elvedal SFO", T.AFTER_SCHOOL),
            ],
        ),
        ("Sundvik skole", T.SCHOOL, S, [("Sundvik SFO", T.AFTER_SCHOOL)]),
        ("Elvedal ungdomsskole", T.SCHOOL, E, []),
        (
            "Solstua barnehage",
            T.KINDERGARTEN,
            E,
            [("Avdeling Blåbær", T.KINDERGARTEN), ("Avdeling Tyttebær", T.KINDERGARTEN)],
        ),
        ("Sundvik barnehage", T.KINDERGARTEN, S, []),
        ("Helsestasjonen", T.HEALTH_STATION, None, []),
    ],
    "Helse og omsorg": [
        (
            "Elvedal sykehjem",
            T.NURSING_HOME,
            E,
            [
                ("Avdeling 1 – langtid", T.NURSING_HOME),
                ("Avdeling 2 – skjermet", T.NURSING_HOME),
                ("Korttidsavdelingen", T.NURSING_HOME),
            ],
        ),
        ("Sundvik omsorgssenter", T.NURSING_HOME, S, [("Avdeling Fjordgløtt", T.NURSING_HOME)]),
        (
            "Hjemmetjenesten",
            T.HOME_CARE,
            None,
            [
                ("Hjemmetjenesten nord", T.HOME_CARE),
                ("Hjemmetjenesten sør", T.HOME_CARE),
                ("Hjemmetjenesten vest", T.HOME_CARE),
            ],
        ),
        ("Bjørkheim bo- og tjenestested", T.SUPPORTED_HOUSING, S, []),
    ],
    "Stab": [
        ("HR og organisasjon", T.STAFF_FUNCTION, None, []),
        ("Økonomi", T.STAFF_FUNCTION, None, []),
    ],
}
FJORDNES_TREE = {
    "Oppvekst": [
        ("Fjordnes skule", T.SCHOOL, None, []),
        ("Fjordnes barnehage", T.KINDERGARTEN, None, []),
    ],
    "Helse og omsorg": [
        ("Fjordnes sjukeheim", T.NURSING_HOME, None, []),
        ("Fjordnes heimeteneste", T.HOME_CARE, None, []),
        ("Fjordnes bu- og tenestestad", T.SUPPORTED_HOUSING, None, []),
        ("Fjordnes helsestasjon", T.HEALTH_STATION, None, []),
        ("Fjordnes legekontor", T.OTHER, None, []),
    ],
}
# Units added to the trees after the first demo databases were seeded (for the network
# programme). Their people are generated after everyone else's, from a random generator of
# their own, so everyone generated before keeps their name and email address.
ADDED_UNITS = frozenset(
    {
        "Hjemmetjenesten vest",
        "Fjordnes heimeteneste",
        "Fjordnes bu- og tenestestad",
        "Fjordnes helsestasjon",
        "Fjordnes legekontor",
    }
)

R = Membership.Role
M = MunicipalityRole.Role


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    description: str
    unit: str | None = None
    unit_role: str | None = None
    municipality_role: str | None = None
    superuser: bool = False
    municipality: str = "Elvedal"  # or "Fjordnes": where the person works


SKJERMET = "Avdeling 2 – skjermet"
DEMO_LOGINS = [
    DemoLogin("admin@demo.kommune.no", "Ada Admin", "superuser", superuser=True),
    DemoLogin(
        "hr@demo.kommune.no", "Hanne Rød", "HR-koordinator",
        unit="HR og organisasjon", unit_role=R.STAFF, municipality_role=M.HR_COORDINATOR,
    ),
    DemoLogin(
        "leder@demo.kommune.no", "Ingrid Lie", f"avdelingsleder, {SKJERMET}, Elvedal sykehjem",
        unit=SKJERMET, unit_role=R.LEADER,
    ),
    DemoLogin(
        "ansatt@demo.kommune.no", "Ola Nordmann", f"ansatt, {SKJERMET}",
        unit=SKJERMET, unit_role=R.STAFF,
    ),
    DemoLogin(
        "vert@demo.kommune.no", "Vera Vik", "leder, Avdeling Fjordgløtt, Sundvik omsorgssenter",
        unit="Avdeling Fjordgløtt", unit_role=R.LEADER,
    ),
    DemoLogin(
        "tillitsvalgt@demo.kommune.no", "Tore Tangen", f"tillitsvalgt, {SKJERMET}",
        unit=SKJERMET, unit_role=R.UNION_REP,
    ),
    DemoLogin(
        "kommunalsjef@demo.kommune.no", "Kristin Sjøberg", "kommunalsjef (lesetilgang)",
        municipality_role=M.SENIOR_LEADER,
    ),
    DemoLogin(
        "hr.fjordnes@demo.kommune.no", "Frida Fjell", "HR-koordinator, Fjordnes kommune (nynorsk)",
        municipality_role=M.HR_COORDINATOR, municipality="Fjordnes",
    ),
]  # fmt: skip


# What HR coordinators may do in the admin site (scoped to their municipality there).
HR_ADMIN_GROUP = "HR-koordinatorer"
HR_ADMIN_PERMISSIONS = {
    "unit": ("view", "add", "change"),
    "formermunicipality": ("view", "add", "change"),
    "membership": ("view", "add", "change", "delete"),
    "user": ("view", "add", "change"),
    "municipality": ("view",),
    "municipalityrole": ("view",),
}


def hr_admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=HR_ADMIN_GROUP)
    codenames = [
        f"{action}_{model}" for model, actions in HR_ADMIN_PERMISSIONS.items() for action in actions
    ]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="learning", codename__in=codenames)
    )
    return group


@dataclass
class DemoOrganisation:
    elvedal: Municipality
    fjordnes: Municipality
    units: dict[str, Unit] = field(default_factory=dict)
    logins: dict[str, User] = field(default_factory=dict)
    practices: dict[str, Practice] = field(default_factory=dict)
    cycles: dict[str, Cycle] = field(default_factory=dict)


def _unit(municipality, parent, name, level, unit_type, former=None) -> Unit:
    unit, _ = Unit.objects.get_or_create(
        municipality=municipality,
        parent=parent,
        name=name,
        defaults={"level": level, "unit_type": unit_type, "former_municipality": former},
    )
    return unit


def _build_tree(municipality: Municipality, tree: dict, units: dict[str, Unit]) -> None:
    former = {f.name: f for f in municipality.former_municipalities.all()}
    for sector_name, enterprises in tree.items():
        sector = _unit(municipality, None, sector_name, Unit.Level.SECTOR, T.OTHER)
        for name, unit_type, former_name, departments in enterprises:
            tag = former.get(former_name)
            enterprise = _unit(municipality, sector, name, Unit.Level.ENTERPRISE, unit_type, tag)
            units[name] = enterprise
            for department_name, department_type in departments:
                units[department_name] = _unit(
                    municipality,
                    enterprise,
                    department_name,
                    Unit.Level.DEPARTMENT,
                    department_type,
                    tag,
                )


def _staffing(units: dict[str, Unit], per_unit: int) -> list[tuple[Unit, int]]:
    """How many people each unit gets: everyone works in a department or in an enterprise
    without departments; an enterprise with departments has only its leader."""
    with_departments = {u.parent_id for u in units.values() if u.level == Unit.Level.DEPARTMENT}
    return [
        (unit, 1 if unit.pk in with_departments else per_unit)
        for unit in sorted(units.values(), key=lambda u: u.name)
        if unit.level != Unit.Level.SECTOR
    ]


def _people(
    municipality: Municipality,
    staffing: list[tuple[Unit, int]],
    rng: random.Random,
    domain: str,
    password: str,
    taken: set[str],
) -> None:
    """Generated people; index 0 in a unit leads it, 1 supports, 2 is union rep. Units that a
    demo login leads get no generated leader. ``taken`` holds the email names used so far."""
    led_by_demo_login = {login.unit for login in DEMO_LOGINS if login.unit_role == R.LEADER}
    for unit, count in staffing:
        for index in range(count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            base = f"{first}.{last}".lower()
            for a, b in (("æ", "ae"), ("ø", "o"), ("å", "aa")):
                base = base.replace(a, b)
            local, n = base, 2
            while local in taken:
                local, n = f"{base}{n}", n + 1
            taken.add(local)
            user, _ = User.objects.get_or_create(
                email=f"{local}@{domain}",
                defaults={
                    "full_name": f"{first} {last}",
                    "municipality": municipality,
                    "password": password,
                },
            )
            role = R.LEADER if index == 0 else R.SUPPORTER if index == 1 else R.STAFF
            if role == R.LEADER and unit.name in led_by_demo_login:
                role = R.STAFF
            Membership.objects.get_or_create(user=user, unit=unit, role=role)
            if role != R.STAFF:
                Membership.objects.get_or_create(user=user, unit=unit, role=R.STAFF)
            if index == 2:
                Membership.objects.get_or_create(user=user, unit=unit, role=R.UNION_REP)


def seed_organisation() -> DemoOrganisation:
    """The municipalities, their units and people, the demo logins, Elvedal's cycles and the
    network programme."""
    elvedal, _ = Municipality.objects.get_or_create(
        organisation_number="921890117",
        defaults={"name": "Elvedal kommune", "language_form": "nb"},
    )
    for name in (E, S):
        FormerMunicipality.objects.get_or_create(municipality=elvedal, name=name)
    fjordnes, _ = Municipality.objects.get_or_create(
        organisation_number="921890125",
        defaults={"name": "Fjordnes kommune", "language_form": "nn"},
    )
    demo = DemoOrganisation(elvedal=elvedal, fjordnes=fjordnes)
    _build_tree(elvedal, ELVEDAL_TREE, demo.units)
    fjordnes_units: dict[str, Unit] = {}
    _build_tree(fjordnes, FJORDNES_TREE, fjordnes_units)

    unusable = make_password(None)
    staffing = [
        (elvedal, _staffing(demo.units, 10), "elvedal.kommune.no", set()),
        (fjordnes, _staffing(fjordnes_units, 6), "fjordnes.kommune.no", set()),
    ]
    rng, later = random.Random(2026), random.Random(2027)
    for added, generator in ((False, rng), (True, later)):
        for municipality, units, domain, taken in staffing:
            units = [(unit, n) for unit, n in units if (unit.name in ADDED_UNITS) == added]
            _people(municipality, units, generator, domain, unusable, taken)
    demo.units.update({f"Fjordnes: {name}": unit for name, unit in fjordnes_units.items()})

    password = make_password(DEMO_PASSWORD)
    municipalities = {"Elvedal": elvedal, "Fjordnes": fjordnes}
    for login in DEMO_LOGINS:
        home = municipalities[login.municipality]
        user, _ = User.objects.get_or_create(
            email=login.email,
            defaults={
                "full_name": login.name,
                "municipality": home,
                "password": password,
                "is_superuser": login.superuser,
                "is_staff": login.superuser or login.municipality_role == M.HR_COORDINATOR,
            },
        )
        if login.unit:
            unit = demo.units[login.unit if home == elvedal else f"Fjordnes: {login.unit}"]
            for role in {login.unit_role, R.STAFF}:
                Membership.objects.get_or_create(user=user, unit=unit, role=role)
        if login.municipality_role:
            MunicipalityRole.objects.get_or_create(
                user=user, municipality=home, role=login.municipality_role
            )
        if login.municipality_role == M.HR_COORDINATOR:
            user.groups.add(hr_admin_group())
        demo.logins[login.email] = user
    seed_practices(demo)
    seed_cycles(demo)

    from evaluation.demo import seed_evaluation  # evaluation builds on both
    from programmes.demo import seed_programmes  # programmes builds on learning
    from programmes.demo_notifications import seed_notifications

    seed_programmes(demo)
    seed_evaluation(demo)
    seed_notifications(demo)
    seed_privacy(demo)
    return demo


def seed_privacy(demo: DemoOrganisation) -> None:
    """A person in Elvedal who has asked to have their data deleted, and a few more audit
    events, so hr@ finds a waiting request under Deletion requests and a living audit log.
    Once the leaver has asked, nothing more is added."""
    from programmes.models import Programme

    leaver = _generated(demo.units[SKJERMET])[-1]
    if leaver.deletion_requested_at:
        return
    hr = demo.logins["hr@demo.kommune.no"]
    leaver.deletion_requested_at = timezone.now() - datetime.timedelta(days=2)
    leaver.save(update_fields=["deletion_requested_at"])
    Action = AuditEvent.Action
    audit.record(None, Action.DELETION_REQUESTED, leaver, demo.elvedal, actor=leaver)
    audit.record(None, Action.PERSONAL_DATA_EXPORTED, hr, demo.elvedal, actor=hr)
    programme = Programme.objects.filter(municipality=demo.elvedal).order_by("pk").first()
    if programme:
        audit.record(None, Action.EXPORT_DOWNLOADED, programme, description="xlsx", actor=hr)


# Kollegalæring cycles in Elvedal

DEMO_EMAILS = frozenset(login.email for login in DEMO_LOGINS)
MONTHS = [
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
]  # fmt: skip
C = Idea.Category
A = Idea.Response
SRC = Idea.Source


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _dated(obj, day: datetime.date, hour: int = 10, minute: int = 0):
    """Move an object's ``created_at`` (auto_now_add) to when it would have happened."""
    type(obj).objects.filter(pk=obj.pk).update(created_at=_at(day, hour, minute))
    return obj


def _weekday(day: datetime.date) -> datetime.date:
    """The nearest working day: a Saturday becomes the Friday before, a Sunday the Monday after."""
    if day.weekday() == 5:
        return day - datetime.timedelta(days=1)
    if day.weekday() == 6:
        return day + datetime.timedelta(days=1)
    return day


def _working_day_after(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _leader(unit: Unit) -> User:
    """The unit's own leader (the first, if it has several)."""
    return User.objects.filter(memberships__unit=unit, memberships__role=R.LEADER).earliest("pk")


def _three_months_before(day: datetime.date) -> str:
    """The three whole months before ``day``, as in “juni–august 2026”."""
    last = day.replace(day=1) - datetime.timedelta(days=1)
    first_year, first_month = divmod(last.year * 12 + last.month - 1 - 2, 12)
    if first_year == last.year:
        return f"{MONTHS[first_month]}–{MONTHS[last.month - 1]} {last.year}"
    return f"{MONTHS[first_month]} {first_year}–{MONTHS[last.month - 1]} {last.year}"


def _generated(unit: Unit, role: str = R.STAFF) -> list[User]:
    """Generated people holding ``role`` in ``unit``, in the order they were created."""
    return list(
        User.objects.filter(memberships__unit=unit, memberships__role=role)
        .exclude(email__in=DEMO_EMAILS)
        .order_by("pk")
    )


def _colleagues(cycle: Cycle) -> list[User]:
    """The unit's generated staff, without the cycle's owner."""
    return [person for person in _generated(cycle.unit) if person != cycle.owner]


def _anchor(cycle: Cycle, *, decided_on: datetime.date, **texts: str) -> None:
    """Phase 1 texts (what, why, how, plan_links, participation_how, group_agreement)."""
    for name, value in texts.items():
        setattr(cycle, name, value)
    cycle.participation_decided_on = decided_on
    cycle.save(update_fields=[*texts, "participation_decided_on", "updated_at"])


def _meeting(cycle: Cycle, held_on, attendees, *, other: str = "", note: str = "") -> None:
    meeting = IntroductionMeeting.objects.create(
        cycle=cycle, held_on=held_on, other_attendees=other, note=note
    )
    meeting.attendees.set(attendees)
    _dated(meeting, held_on, 15)


def _advance(cycle: Cycle, day: datetime.date, reason: str = "") -> None:
    """Move on through the phase engine, so the timeline gets a real event."""
    _dated(phases.advance(cycle, actor=cycle.owner, reason=reason), day, 14)
    cycle.refresh_from_db()


def _tasks(cycle: Cycle, phase: int, status: str, positions: tuple[int, ...] | None = None):
    tasks = Task.objects.filter(cycle=cycle, phase=phase)
    if positions is not None:
        tasks = tasks.filter(position__in=positions)
    tasks.update(status=status)


def _idea(
    cycle: Cycle,
    author: User,
    day: datetime.date,
    text: str,
    *,
    category: str,
    source: str = SRC.STAFF_IDEA,
    response: str = "",
    reply: str = "",
    answered_on: datetime.date | None = None,
    votes: list[User] | tuple[()] = (),
    deviations: tuple[str, int, str] | None = None,
) -> Idea:
    """An idea raised on ``day``; ``deviations`` is (category, count, period)."""
    idea = Idea(cycle=cycle, author=author, text=text, category=category, source=source)
    if deviations:
        idea.deviation_category, idea.deviation_count, idea.deviation_period = deviations
    if response:
        idea.response, idea.reply = response, reply
        idea.responded_by, idea.responded_at = cycle.owner, _at(answered_on, 11)
    idea.full_clean()
    idea.save()
    _dated(idea, day, 13)
    IdeaVote.objects.bulk_create(IdeaVote(idea=idea, user=voter) for voter in votes)
    IdeaVote.objects.filter(idea=idea).update(created_at=_at(day + datetime.timedelta(days=1), 12))
    return idea


def _choose_need(cycle: Cycle, idea: Idea, text: str, day: datetime.date, reply: str) -> None:
    """Choose the need through the phase engine, then answer the idea it came from."""
    phases.choose_need(cycle, text=text, source=idea.source, idea=idea, actor=cycle.owner)
    Idea.objects.filter(pk=idea.pk).update(reply=reply, responded_at=_at(day, 11))
    cycle.refresh_from_db()


def _agreements(cycle: Cycle, day: datetime.date, agree, disagree=()) -> None:
    NeedAgreement.objects.bulk_create(
        [NeedAgreement(cycle=cycle, user=person, agrees=True) for person in agree]
        + [NeedAgreement(cycle=cycle, user=person, agrees=False) for person in disagree]
    )
    NeedAgreement.objects.filter(cycle=cycle).update(created_at=_at(day, 12))


def _skjermet(cycle: Cycle, day) -> None:
    """Avdeling 2 – skjermet: phases 1 and 2 done, phase 3 well under way.

    Every idea raised in phase 2 was answered; two more came in after the need was chosen
    and are still waiting for an answer.

    ansatt@ has an answered idea but no need agreement or personal goal, so the
    demo can show both being added.
    """
    unit, leader = cycle.unit, cycle.owner
    ansatt = User.objects.get(email="ansatt@demo.kommune.no")
    union_rep = User.objects.get(email="tillitsvalgt@demo.kommune.no")
    supporter = _generated(unit, R.SUPPORTER)[0]
    staff = [person for person in _colleagues(cycle) if person != supporter]
    second_supporter, others = staff[0], staff[1:]

    # Phase 1: anchoring
    _anchor(
        cycle,
        decided_on=day(21),
        what=(
            "Vi vil lære hvordan vi skaper rolige og gode måltider i avdelingen, slik at "
            "beboerne spiser og drikker nok og trives rundt bordet."
        ),
        why=(
            "Måltidene er blant dagens viktigste stunder for beboere med demens. Uro, ventetid "
            "og mangelfull registrering gir dårligere ernæring og mer uro resten av dagen. "
            "Gode måltider gir bedre helse og livskvalitet for beboerne – og en bedre "
            "arbeidsdag for oss."
        ),
        how=(
            "Vi bruker personalmøtene annenhver uke og ti minutter på vaktskiftet. "
            "Støttespillerne holder tråden på hver vakt, og vi besøker en avdeling som har "
            "fått det til. Arbeidet skjer i arbeidstiden."
        ),
        plan_links=(
            "Virksomhetsplan for Elvedal sykehjem\n"
            "Handlingsplan for Leve hele livet – mat og måltider\n"
            "Kompetanseplan for helse og omsorg"
        ),
        participation_how=(
            "Vi drøftet kollegalæring på personalmøtet etter introduksjonen. Alle fikk si sin "
            "mening i en runde rundt bordet, og de som ikke var på jobb svarte på en kort "
            "spørreundersøkelse. Et klart flertall ønsket å være med."
        ),
        group_agreement=(
            "Vi lytter til hverandre.\n"
            "Det finnes ingen dumme spørsmål.\n"
            "Vi snakker om praksis, ikke om personer.\n"
            "Vi holder det vi lover hverandre."
        ),
    )
    cycle.supporters.set([supporter, second_supporter])
    involvement = RepresentativeInvolvement.objects.create(
        cycle=cycle,
        name=union_rep.full_name,
        role=RepresentativeInvolvement.Role.UNION_REP,
        involved_on=day(3),
        comment=(
            "Orientert før oppstart og med på introduksjonsmøtet. Ingen innvendinger, men ber "
            "om at opplæring og besøk skjer i arbeidstiden."
        ),
    )
    _dated(involvement, day(3), 12)
    obstacle = Obstacle.objects.create(
        cycle=cycle,
        occurred_on=day(10),
        description=(
            "Introduksjonsmøtet måtte utsettes en uke fordi vi hadde høyt sykefravær og ikke "
            "fikk tak i vikarer."
        ),
        action_taken=(
            "Vi flyttet møtet til uka etter og holdt et ekstra møte for kvelds- og nattevaktene, "
            "slik at alle fikk den samme introduksjonen. Vikarene fikk en skriftlig "
            "oppsummering."
        ),
        logged_by=leader,
    )
    _dated(obstacle, day(10), 15)
    _meeting(
        cycle,
        day(17),
        [leader, ansatt, union_rep, supporter, second_supporter, *others[:4]],
        other="To faste vikarer",
        note="Gjennomgang av de sju fasene og erfaringer fra en nabokommune.",
    )
    _meeting(cycle, day(24), [leader, *others[4:]], note="Ekstra møte for kvelds- og nattevaktene.")
    _tasks(cycle, Phase.ANCHORING, Task.Status.DONE)
    _advance(cycle, day(28))

    # Phase 2: ideas and needs
    _idea(
        cycle,
        ansatt,
        day(29),
        "Det blir mye uro i stua ved middag fordi vi går til og fra kjøkkenet hele tiden. "
        "Kan vi prøve at én av oss sitter ved hvert bord og spiser sammen med beboerne?",
        category=C.PRACTICE,
        response=A.TAKEN_FORWARD,
        reply=(
            "Takk, Ola! Dette tar vi med som et eget læringspunkt om måltidsvert. Vil du være "
            "med og prøve det ut først?"
        ),
        answered_on=day(35),
        votes=[supporter, others[0], others[5], others[6]],
    )
    deviations = _idea(
        cycle,
        supporter,
        day(30),
        "Avviksmeldingene viser et mønster: mat- og drikkeskjemaene blir ofte ikke fylt ut, "
        "og vekttap oppdages for sent.",
        category=C.ROUTINE,
        source=SRC.DEVIATIONS,
        deviations=("Ernæring og væske", 11, _three_months_before(cycle.start_date)),
        votes=[ansatt, second_supporter, others[1], others[5], others[7]],
    )
    _idea(
        cycle,
        others[0],
        day(32),
        "Jeg har lest om hvordan vi kan tilrettelegge måltidet for personer med demens: "
        "tallerkener med kontrastfarge, fingermat og at vi spiser sammen. Kan vi lære mer "
        "om dette?",
        category=C.RESEARCH,
        response=A.VALUED,
        reply="Godt forslag! Dette tar vi med oss når vi leter etter god praksis i fase 4.",
        answered_on=day(36),
        votes=[second_supporter, others[2]],
    )
    _idea(
        cycle,
        others[1],
        day(34),
        "Rapporten ved vaktskiftet på ettermiddagen tar for lang tid. Vi trenger en bedre "
        "rutine for muntlig rapport.",
        category=C.ROUTINE,
        response=A.PARKED,
        reply=(
            "Viktig tema, men vi tar ett løft om gangen. Vi parkerer det til neste runde og "
            "tar det opp på personalmøtet i mellomtiden."
        ),
        answered_on=day(38),
        votes=[others[3]],
    )
    _idea(
        cycle,
        others[2],
        day(50),
        "Leve hele livet-reformen løfter fram mat og måltider. Kan vi se på om vi kan ha et "
        "senere kveldsmåltid, så nattefasten blir kortere?",
        category=C.PRACTICE,
        source=SRC.REFORM,
        votes=[others[0], others[4]],
    )
    _idea(
        cycle,
        others[3],
        day(52),
        "Kan pårørende inviteres til å spise sammen med beboerne en gang i uka?",
        category=C.PRACTICE,
    )
    _choose_need(
        cycle,
        deviations,
        "Rolige og gode måltider der beboerne spiser og drikker nok, og der vi fanger opp "
        "vekttap tidlig.",
        day(45),
        reply="Dette blir avdelingens læringsbehov – takk for at du løftet det!",
    )
    _agreements(
        cycle,
        day(47),
        agree=[supporter, second_supporter, union_rep, *others[:4]],
        disagree=[others[4]],
    )
    _tasks(cycle, Phase.NEEDS, Task.Status.DONE)
    _advance(cycle, day(49))

    # Phase 3: learning points
    cycle.focus_question = (
        "Hvordan skaper andre avdelinger rolige måltider der beboere med demens spiser og "
        "drikker nok, og hvordan følger de opp det de registrerer?"
    )
    cycle.save(update_fields=["focus_question", "updated_at"])
    host = LearningPoint.objects.create(
        cycle=cycle,
        title="Måltidsvert ved hvert bord",
        observe=(
            "Hvordan personalet fordeler seg i stua, hvem som sitter ved bordene, og hvordan "
            "de hjelper uten å ta over."
        ),
        learn=(
            "Hvordan en fast måltidsvert gir ro, gode samtaler og oversikt over hvem som "
            "spiser og drikker lite."
        ),
        train=(
            "Vi prøver måltidsvert ved middagen i to uker og tar fem minutter refleksjon etter "
            "måltidet. Støttespillerne veileder på hver vakt."
        ),
    )
    _dated(host, day(51), 13)
    records = LearningPoint.objects.create(
        cycle=cycle,
        title="Registrering av mat og drikke",
        observe=(
            "Når og hvordan mat- og drikkeskjemaet fylles ut, og hvem som har ansvaret på "
            "hver vakt."
        ),
        learn=(
            "En enkel rutine der registreringen gjøres rett etter måltidet og vekttap følges "
            "opp med sykepleier og lege."
        ),
        train=(
            "Gjennomgang på personalmøtet, en sjekkliste på kjøkkenet og ukentlig kontroll av "
            "skjemaene i fire uker."
        ),
    )
    _dated(records, day(51), 13)
    for person, point, text, on in [
        (
            supporter,
            records,
            "Jeg vil bli trygg på å lære bort den nye registreringsrutinen til nye kolleger.",
            53,
        ),
        (
            second_supporter,
            host,
            "Jeg vil øve på å være måltidsvert uten å reise meg fra bordet mer enn nødvendig.",
            54,
        ),
    ]:
        goal = PersonalGoal(learning_point=point, user=person, text=text)
        goal.full_clean()
        goal.save()
        _dated(goal, day(on), 14)
    _tasks(cycle, Phase.LEARNING_POINTS, Task.Status.DONE, positions=(0, 1))
    _tasks(cycle, Phase.LEARNING_POINTS, Task.Status.IN_PROGRESS, positions=(2,))

    # Work ahead in phase 4 and 5, while still in phase 3: a host from the practice
    # register, and a visit request waiting for vert@'s answer.
    practice = _practice(cycle, MEALS_PRACTICE)
    neighbour = cycle.unit.parent.children.get(name="Avdeling 1 – langtid")
    _sources(
        cycle,
        (
            CandidateSource.Kind.COLLEAGUES,
            "Kolleger på Avdeling 1 – langtid",
            _leader(neighbour).full_name,
            "Har hørt at Fjordgløtt på Sundvik omsorgssenter har en fast måltidsvert ved hvert "
            "bord, og at det har blitt mye roligere der.",
            day(52),
        ),
        (
            CandidateSource.Kind.REGISTER,
            f"Praksisregisteret: «{practice.title}», {practice.unit.name}",
            practice.contact.full_name,
            "Passer med begge læringspunktene våre: måltidsvert og registrering av mat og "
            "drikke. De kan ta imot to besøk i måneden.",
            day(54),
        ),
    )
    _choose_host(cycle, practice)
    visit_day = _weekday(timezone.localdate() + datetime.timedelta(days=14))
    visit = visits.request_visit(
        cycle=cycle,
        host_unit=practice.unit,
        practice=practice,
        starts_at=_at(visit_day, 10),
        ends_at=_at(visit_day, 13),
        observers=[ansatt, second_supporter],
        purpose=(
            "Vi vil se hvordan dere organiserer lunsjen med en fast måltidsvert ved hvert bord, "
            "og hvordan dere registrerer mat og drikke rett etter måltidet. Etterpå vil vi "
            "gjerne snakke en halvtime med måltidsvertene."
        ),
        actor=leader,
    )
    _dated(visit, day(55), 14)
    _tasks(cycle, Phase.BEST_PRACTICE, Task.Status.DONE, positions=(0,))
    _tasks(cycle, Phase.BEST_PRACTICE, Task.Status.IN_PROGRESS, positions=(1,))


def _sources(cycle: Cycle, *sources: tuple[str, str, str, str, datetime.date]) -> None:
    """Where the unit looked for best practice: (kind, where, contact, note, day)."""
    for kind, where, contact, note, on in sources:
        source = CandidateSource.objects.create(
            cycle=cycle, kind=kind, where=where, contact=contact, note=note
        )
        _dated(source, on, 12)


def _choose_host(cycle: Cycle, practice: Practice) -> None:
    """Phase 4: the host is the unit sharing the practice (as the host form stores it)."""
    cycle.host_practice, cycle.host_unit = practice, practice.unit
    cycle.save(update_fields=["host_practice", "host_unit", "updated_at"])


def _confirmed_visit(
    cycle: Cycle,
    practice: Practice,
    *,
    requested_on: datetime.date,
    answered_on: datetime.date,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    observers: list[User],
    purpose: str,
    message: str,
) -> Visit:
    """A visit asked for by the cycle's owner and accepted by the practice's contact person,
    with the request and the answer moved back to the days they happened."""
    visit = visits.request_visit(
        cycle=cycle,
        host_unit=practice.unit,
        practice=practice,
        starts_at=starts_at,
        ends_at=ends_at,
        observers=observers,
        purpose=purpose,
        actor=cycle.owner,
    )
    visit = visits.accept(visit, actor=practice.contact, message=message)
    Visit.objects.filter(pk=visit.pk).update(
        created_at=_at(_weekday(requested_on), 9, 30),
        responded_at=_at(_weekday(answered_on), 15, 10),
    )
    visit.refresh_from_db()
    return visit


def _note(visit: Visit, author: User, point: LearningPoint | None, text: str, minutes: int):
    """An observer's note, written ``minutes`` into the visit."""
    note = ObservationNote.objects.create(
        visit=visit, learning_point=point, author=author, text=text
    )
    when = visit.starts_at + datetime.timedelta(minutes=minutes)
    ObservationNote.objects.filter(pk=note.pk).update(created_at=when)


def _reflection(visit: Visit, author: User, observed: str, take_home: str, hours: float):
    """A reflection written ``hours`` after the visit ended (within a day counts)."""
    reflection = VisitReflection.objects.create(
        visit=visit, author=author, observed=observed, take_home=take_home
    )
    when = visit.ends_at + datetime.timedelta(hours=hours)
    VisitReflection.objects.filter(pk=reflection.pk).update(created_at=when)


def _blabaer(cycle: Cycle, day) -> None:
    """Avdeling Blåbær: just started, nothing done yet."""


def _hjemmetjenesten_nord(cycle: Cycle, day) -> None:
    """Hjemmetjenesten nord: in phase 2, collecting ideas; no need chosen yet.

    Two of them went along on Hjemmetjenesten sør's morning round ten days ago, to see a
    zone with few deviations before choosing the need. No feedback has been sent, so it
    is late.
    """
    leader, staff = cycle.owner, _colleagues(cycle)
    _anchor(
        cycle,
        decided_on=day(15),
        what="Vi vil lære en tryggere og mer lik praksis for legemiddelhåndtering hos brukerne.",
        why=(
            "Feil i legemiddelhåndteringen er blant de vanligste avvikene i hjemmetjenesten og "
            "kan få alvorlige følger for brukerne. Mange nye kolleger og vikarer gjør det "
            "viktig at vi jobber likt."
        ),
        how=(
            "Vi bruker fagmøtet hver tirsdag. To støttespillere følger opp på dag- og "
            "kveldsvakt, og vi lærer av en sone som har få avvik."
        ),
        plan_links="Virksomhetsplan for hjemmetjenesten\nKompetanseplan for helse og omsorg",
        participation_how=(
            "Drøftet på fagmøtet. Alle fikk si sin mening, og vi ble enige om å delta."
        ),
    )
    cycle.supporters.set(staff[:2])
    _meeting(cycle, day(12), [leader, *staff], other="Vikar på kveldsvakt")
    _tasks(cycle, Phase.ANCHORING, Task.Status.DONE)
    _advance(cycle, day(29))

    _idea(
        cycle,
        staff[2],
        day(30),
        "Avvikene viser at medisiner i dosett blir glemt eller gitt til feil tid, særlig når "
        "det er nye vikarer på ruta.",
        category=C.ROUTINE,
        source=SRC.DEVIATIONS,
        deviations=("Legemiddelhåndtering", 14, _three_months_before(cycle.start_date)),
        response=A.VALUED,
        reply="Takk – dette er et tydelig mønster. Vi ser på det sammen på fagmøtet tirsdag.",
        answered_on=day(33),
        votes=staff[3:6],
    )
    _idea(
        cycle,
        staff[3],
        day(32),
        "Kan vi lage en felles sjekkliste for legemiddelutdeling som ligger i alle bilene?",
        category=C.ROUTINE,
        votes=[staff[2], staff[4]],
    )
    _idea(
        cycle,
        staff[4],
        day(35),
        "Vi kunne lært mer om legemiddelgjennomgang sammen med fastlegene, slik at listene "
        "våre alltid stemmer.",
        category=C.RESEARCH,
    )
    _tasks(cycle, Phase.NEEDS, Task.Status.DONE, positions=(0,))
    _tasks(cycle, Phase.NEEDS, Task.Status.IN_PROGRESS, positions=(1,))

    practice = _practice(cycle, MEDICATION_PRACTICE)
    _choose_host(cycle, practice)
    visit_day = _weekday(day(35))
    visit = _confirmed_visit(
        cycle,
        practice,
        requested_on=day(31),
        answered_on=day(32),
        starts_at=_at(visit_day, 8),
        ends_at=_at(visit_day, 11),
        observers=[staff[0], staff[2]],
        purpose=(
            "Vi vil se hvordan dere bruker medisindispensere og dobbeltkontroll, og hvordan "
            "vikarene læres opp, før vi velger læringsbehovet vårt."
        ),
        message="Velkommen! Bli med på morgenrunden – vi møtes på basen kl. 07.50.",
    )
    _note(
        visit,
        staff[2],
        None,
        "Vikaren gikk sammen med en fast kollega og brukte sjekklisten i bilen før hver "
        "bruker. Multidosene kontrolleres mot legemiddellisten fra fastlegen hver fredag, med "
        "to signaturer.",
        90,
    )
    _reflection(
        visit,
        staff[0],
        "De har få avvik fordi rutinen er lik for alle, også for vikarene, og fordi "
        "dispenseren varsler når en dose ikke blir tatt.",
        "En felles sjekkliste i alle bilene, og fast følge for nye vikarer de første rutene.",
        4,
    )


def _mellomtrinnet(cycle: Cycle, day) -> None:
    """Mellomtrinnet: in phase 6, three weeks after visiting Sundvik skole.

    It moved on to phase 4 without learning points (an override) and wrote them in phase
    4, chose Sundvik skole from the practice register, visited it, sent feedback the host
    has acknowledged, and has shared and started training at home. One learning point is
    decided; the other is not yet, so phase 6 still has something missing.
    """
    leader, staff = cycle.owner, _colleagues(cycle)
    _anchor(
        cycle,
        decided_on=day(14),
        what=(
            "Vi vil bli bedre på underveisvurdering i matematikk: tilbakemeldinger som viser "
            "eleven hva neste steg er."
        ),
        why=(
            "Elevene får mange prøver, men lite tilbakemelding de faktisk bruker. God "
            "underveisvurdering er noe av det som virker best på læringen, og elevene har rett "
            "til den."
        ),
        how=(
            "Vi bruker teamtida på onsdager, lærerne observerer hverandre i timene, og vi "
            "besøker en skole som har kommet langt."
        ),
        plan_links=(
            "Virksomhetsplan for Elvedal skole\n"
            "Kompetanseplan for oppvekst\n"
            "Udir: Vurdering for læring"
        ),
        participation_how=("Drøftet i teammøtet på trinnet. Alle lærerne sa seg enige i å delta."),
        group_agreement="Vi deler det som ikke fungerer, ikke bare det som fungerer.",
    )
    cycle.supporters.set(staff[:1])
    _meeting(cycle, day(10), [leader, *staff], note="Introduksjon på planleggingsdagen.")
    _tasks(cycle, Phase.ANCHORING, Task.Status.DONE)
    _advance(cycle, day(27))

    feedback = _idea(
        cycle,
        staff[1],
        day(29),
        "Elevene får karakterer, men lite underveisvurdering de kan bruke. Kan vi lære av "
        "noen som har fått til gode fremovermeldinger i matematikk?",
        category=C.PRACTICE,
        votes=staff[2:6],
    )
    _idea(
        cycle,
        staff[2],
        day(31),
        "Fagfornyelsen vektlegger at elevene skal være med og vurdere eget arbeid. Vi trenger "
        "en felles praksis for egenvurdering.",
        category=C.RESEARCH,
        source=SRC.REFORM,
        response=A.VALUED,
        reply="Godt poeng! Egenvurdering tar vi med i fokusspørsmålet.",
        answered_on=day(36),
        votes=[staff[1], staff[3]],
    )
    _idea(
        cycle,
        staff[3],
        day(33),
        "Fra medarbeidersamtalen: jeg ønsker mer tid til å planlegge undervisningen sammen i "
        "teamet.",
        category=C.ROUTINE,
        source=SRC.APPRAISAL,
        response=A.PARKED,
        reply="Forståelig ønske. Vi tar det med i arbeidet med ny møteplan til neste år.",
        answered_on=day(37),
    )
    _choose_need(
        cycle,
        feedback,
        "Fremovermeldinger i matematikk som elevene forstår og bruker i neste oppgave.",
        day(40),
        reply="Dette blir trinnets læringsbehov – takk!",
    )
    _agreements(cycle, day(41), agree=staff[:6])
    _tasks(cycle, Phase.NEEDS, Task.Status.DONE)
    _advance(cycle, day(48))

    cycle.focus_question = (
        "Hvordan gir lærerne fremovermeldinger og legger til rette for egenvurdering, slik at "
        "elevene bruker tilbakemeldingen i neste oppgave?"
    )
    cycle.save(update_fields=["focus_question", "updated_at"])
    _tasks(cycle, Phase.LEARNING_POINTS, Task.Status.DONE, positions=(0,))
    _advance(
        cycle,
        day(74),
        reason=(
            "Lærerne vil skrive læringspunktene sammen med skolen vi skal besøke, og vi må "
            "avtale besøket nå for å få det inn i timeplanen. Læringspunktene skrives før "
            "observasjonen."
        ),
    )

    # Phase 4: learning points written after all, and a host from the register
    feedback_point = LearningPoint.objects.create(
        cycle=cycle,
        title="Fremovermeldinger elevene bruker",
        observe=(
            "Hvordan lærerne formulerer fremovermeldingene, og hva elevene gjør med dem i "
            "starten av neste økt."
        ),
        learn=(
            "Hvordan vi skriver korte fremovermeldinger med ett konkret neste steg, og setter "
            "av tid i timen til at elevene bruker dem."
        ),
        train=(
            "Vi prøver fremovermeldinger i to matteøkter i uka i fire uker og ser på "
            "elevarbeider sammen i teamtida på onsdager."
        ),
    )
    _dated(feedback_point, day(75), 13)
    self_assessment = LearningPoint.objects.create(
        cycle=cycle,
        title="Egenvurdering med kjennetegn",
        observe=(
            "Hvordan kjennetegnene presenteres, og hvordan elevene vurderer eget arbeid "
            "underveis og ved slutten av timen."
        ),
        learn=(
            "Hvordan vi lager enkle kjennetegn sammen med elevene og lærer dem å bruke dem på "
            "egne oppgaver."
        ),
        train=(
            "Hver lærer prøver egenvurdering med kjennetegn i ett emne, og vi deler elevsvar i "
            "teamtida."
        ),
    )
    _dated(self_assessment, day(75), 13)
    practice = _practice(cycle, FEEDBACK_PRACTICE)
    _sources(
        cycle,
        (
            CandidateSource.Kind.LEADER_FORUM,
            "Rektormøtet i Oppvekst",
            "",
            "Rektor ved Sundvik skole fortalte om arbeidet deres med fremovermeldinger i "
            "matematikk.",
            day(72),
        ),
        (
            CandidateSource.Kind.REGISTER,
            f"Praksisregisteret: «{practice.title}», {practice.unit.name}",
            practice.contact.full_name,
            "Samme trinn og samme fag som oss. De kan ta imot to besøk i måneden.",
            day(75),
        ),
    )
    _choose_host(cycle, practice)
    visit_day = _weekday(day(89))
    observer, idea_author = staff[0], staff[1]
    visit = _confirmed_visit(
        cycle,
        practice,
        requested_on=day(76),
        answered_on=day(77),
        starts_at=_at(visit_day, 8, 30),
        ends_at=_at(visit_day, 11, 30),
        observers=[observer, idea_author],
        purpose=(
            "Vi vil se hvordan lærerne gir fremovermeldinger i matematikk, og hvordan elevene "
            "bruker dem og vurderer eget arbeid."
        ),
        message=(
            "Velkommen! Dere blir med i to matematikktimer på 6. trinn, og lærerne setter av "
            "en halvtime til en prat etterpå."
        ),
    )
    _tasks(cycle, Phase.BEST_PRACTICE, Task.Status.DONE)
    _advance(cycle, day(78))

    # Phase 5: the visit, notes, reflections and feedback
    for author, point, text, minutes in [
        (
            idea_author,
            feedback_point,
            "Læreren skrev én setning om hva eleven fikk til og ett spørsmål som neste steg, "
            "rett i kladdeboka. De første ti minuttene jobbet elevene med neste steg mens "
            "læreren gikk rundt.",
            25,
        ),
        (
            observer,
            feedback_point,
            "Elevene vi snakket med, visste hva neste steg var. En elev sa: «Jeg skal sjekke "
            "svaret med overslag før jeg leverer.» Lærerne bruker om lag to minutter per elev.",
            40,
        ),
        (
            observer,
            self_assessment,
            "Kjennetegn på tre nivåer sto på tavla, skrevet med elevenes egne ord. På slutten "
            "av timen markerte elevene hvor de mente de var, og skrev én setning om hvorfor.",
            95,
        ),
        (
            idea_author,
            self_assessment,
            "Egenvurderingen tok kort tid fordi den var innøvd. Læreren fortalte at det tok "
            "omtrent seks uker før elevene ble trygge på den.",
            150,
        ),
    ]:
        _note(visit, author, point, text, minutes)
    _reflection(
        visit,
        observer,
        "Fremovermeldingene var korte og konkrete, og elevene fikk tid i timen til å bruke "
        "dem. Det svarer på fokusspørsmålet vårt: tilbakemeldingen blir brukt fordi den er "
        "planlagt inn i neste økt.",
        "Sett av de første ti minuttene av matteøkta til neste steg, og skriv kortere: én ting "
        "eleven mestrer og ett neste steg.",
        2,
    )
    _reflection(
        visit,
        idea_author,
        "Egenvurderingen var en vane, ikke et ekstra opplegg. Kjennetegnene var laget sammen "
        "med elevene og skrevet med deres ord.",
        "Vi kan begynne med kjennetegn i ett emne, lage dem sammen med elevene og øve jevnlig "
        "før vi utvider.",
        3,
    )
    sharing_day = _weekday(visit_day + datetime.timedelta(days=2))
    feedback = VisitFeedback(
        visit=visit,
        works=(
            "Fremovermeldingene deres er korte, konkrete og blir brukt: elevene starter timen "
            "med neste steg og vet hva de skal jobbe med. Kjennetegnene på tavla med elevenes "
            "egne ord gjør egenvurderingen enkel og trygg."
        ),
        learned=(
            "At tilbakemeldingen må planlegges inn i neste økt for at elevene skal bruke den, "
            "og at egenvurdering må øves over tid før den sitter."
        ),
        questions=(
            "Hvordan holder dere tidsbruken nede når dere skriver fremovermeldinger til hele "
            "klassen? Hvordan følger dere opp elevene som ikke bruker meldingen?"
        ),
        suggestions="Del gjerne malen for kjennetegn i praksisregisteret – flere vil ha nytte av den.",
        show_on_practice=True,
        written_by=observer,
    )
    feedback.full_clean()
    feedback.save()
    _dated(feedback, sharing_day, 14)
    visits.send_feedback(feedback, actor=observer)
    visits.acknowledge_feedback(
        feedback,
        actor=practice.contact,
        reply=(
            "Tusen takk for fine ord og gode spørsmål! Lærerne på 6. trinn ble veldig glade. Vi "
            "legger ut malen for kjennetegn, og dere er velkomne tilbake når dere har prøvd en "
            "stund."
        ),
    )
    sent_day = _working_day_after(sharing_day)
    VisitFeedback.objects.filter(pk=feedback.pk).update(
        sent_at=_at(sent_day, 8, 15), acknowledged_at=_at(_working_day_after(sent_day), 12)
    )
    _tasks(cycle, Phase.OBSERVATION, Task.Status.DONE)
    _advance(cycle, sent_day)

    # Phase 6: sharing and training at home; one learning point still undecided
    session = SharingSession.objects.create(
        cycle=cycle,
        held_on=sharing_day,
        note=(
            "Observatørene viste eksempler på fremovermeldinger og kjennetegn fra Sundvik "
            "skole. Vi prøver fremovermeldinger i matematikk fra neste uke, og egenvurdering i "
            "brøk før vi bestemmer oss om den."
        ),
    )
    session.attendees.set([leader, *staff[:7]])
    _dated(session, sharing_day, 15)
    for on, what, who, learned in [
        (
            sent_day + datetime.timedelta(days=4),
            "Fremovermeldinger i kladdeboka i to matteøkter, med ti minutter til neste steg i "
            "starten av timen.",
            "5A og 5B, kontaktlærerne",
            "Elevene kom raskt i gang. Meldingene ble for lange første gang – vi øver på én "
            "setning og ett neste steg.",
        ),
        (
            sent_day + datetime.timedelta(days=9),
            "Første forsøk med kjennetegn i brøk, laget sammen med elevene.",
            "5B, med støttespilleren",
            "Elevene trengte eksempler på hva en god begrunnelse er. Vi prøver igjen i neste emne.",
        ),
    ]:
        entry = PracticeLogEntry.objects.create(
            cycle=cycle, practised_on=on, what=what, who=who, learned=learned
        )
        _dated(entry, on, 15)
    conclusion = Conclusion.objects.create(
        cycle=cycle,
        learning_point=feedback_point,
        text=(
            "Fremovermeldinger med ett neste steg og fast tid i starten av timen blir en del av "
            "matematikkundervisningen på trinnet. Vi ser på det igjen etter jul."
        ),
    )
    decided_on = sent_day + datetime.timedelta(days=12)
    _dated(conclusion, decided_on, 14)
    feedback_point.decision = LearningPoint.Decision.ADOPT
    feedback_point.decision_reason = (
        "Elevene bruker meldingene, og lærerne mener tidsbruken er overkommelig. Vi gjør det "
        "fast i matematikk fra neste måned."
    )
    feedback_point.save(update_fields=["decision", "decision_reason"])
    _tasks(cycle, Phase.IMPLEMENTATION, Task.Status.DONE, positions=(0,))
    _tasks(cycle, Phase.IMPLEMENTATION, Task.Status.IN_PROGRESS, positions=(1, 2))


def _korttid(cycle: Cycle, day) -> None:
    """Korttidsavdelingen: paused in phase 2 while the department is refurbished."""
    leader, staff = cycle.owner, _colleagues(cycle)
    _anchor(
        cycle,
        decided_on=day(14),
        what="Vi vil lære hvordan vi gjør overgangen fra korttidsopphold til hjemmet trygg.",
        why=(
            "Mange pasienter kommer tilbake kort tid etter utskrivelse. Bedre samarbeid med "
            "hjemmetjenesten og pårørende gir tryggere overganger."
        ),
        how="Vi bruker internundervisningen annenhver torsdag og lærer av hjemmetjenesten.",
        plan_links="Virksomhetsplan for Elvedal sykehjem\nSamhandlingsavtalen med helseforetaket",
        participation_how="Drøftet på personalmøtet; alle fikk si sin mening før vi bestemte oss.",
    )
    cycle.supporters.set(staff[:1])
    _meeting(cycle, day(9), [leader, *staff[:7]])
    _tasks(cycle, Phase.ANCHORING, Task.Status.DONE)
    _advance(cycle, day(28))
    _idea(
        cycle,
        staff[1],
        day(30),
        "Pasientene reiser hjem før hjemmetjenesten har fått oppdatert legemiddelliste. Kan "
        "vi lage en fast sjekkliste for utskrivelse?",
        category=C.ROUTINE,
        response=A.VALUED,
        reply="Godt innspill – vi ser på det når vi tar opp igjen arbeidet.",
        answered_on=day(35),
        votes=staff[2:4],
    )
    _idea(
        cycle,
        staff[2],
        day(33),
        "Vi kunne hospitert i hjemmetjenesten for å se hvordan hverdagen hjemme er, så "
        "opptreningen her treffer bedre.",
        category=C.PRACTICE,
    )
    _tasks(cycle, Phase.NEEDS, Task.Status.DONE, positions=(0,))
    event = phases.change_status(
        cycle,
        status=Cycle.Status.PAUSED,
        actor=leader,
        reason=(
            "Avdelingen pusses opp, og pasientene er midlertidig flyttet til Avdeling 1 – "
            "langtid. Vi tar opp igjen arbeidet når vi er tilbake i egne lokaler."
        ),
    )
    _dated(event, day(45), 14)


# (unit, title, days since the start, builder); each unit's leader owns its cycle.
# Avdeling Fjordgløtt (vert@) has no cycle of its own here: it is the unit others visit to
# learn from, and has a request from Avdeling 2 – skjermet (leder@) waiting for its answer.
# (It gets a cycle when it is admitted to the network programme, ``programmes/demo.py``.)
MEALS_CYCLE = "Gode måltider i skjermet enhet"
MATHS_CYCLE = "Vurdering for læring i matematikk"
DEMO_CYCLES = [
    (SKJERMET, MEALS_CYCLE, 56, _skjermet),
    ("Avdeling Blåbær", "Språkarbeid i hverdagssituasjoner", 2, _blabaer),
    ("Hjemmetjenesten nord", "Trygg legemiddelhåndtering hjemme hos brukeren", 45,
     _hjemmetjenesten_nord),
    ("Mellomtrinnet", MATHS_CYCLE, 110, _mellomtrinnet),
    ("Korttidsavdelingen", "Trygge overganger fra korttid til hjemmet", 70, _korttid),
]  # fmt: skip


def seed_cycles(organisation: DemoOrganisation) -> None:
    """Kollegalæring cycles in Elvedal, each in its own phase, dated back from today.

    A cycle already in its unit under the same title is left alone, so running the seed
    again changes nothing (the dates stay those of the first run). Everything goes through
    the phase engine and the visit workflow (``learning/visits.py``) where they have an
    operation, so timelines and visits hold real events; their timestamps are then moved
    back to plausible days. The visit workflow queues emails to the people involved, sent
    once the seed's transaction commits (printed to the console without a mail server).

    The practice register (``seed_practices``) must exist first: cycles choose hosts in it.
    Staff reflections (``seed_reflections``) come last, dated within the phases the
    timelines show.
    """
    today = timezone.localdate()
    with translation.override(organisation.elvedal.language_form):
        for unit_name, title, days_ago, build in DEMO_CYCLES:
            unit = organisation.units[unit_name]
            cycle = Cycle.objects.filter(unit=unit, title=title).first()
            if cycle is None:
                start = today - datetime.timedelta(days=days_ago)
                owner = User.objects.filter(
                    memberships__unit=unit, memberships__role=R.LEADER
                ).earliest("pk")
                cycle = phases.start_cycle(
                    unit=unit, owner=owner, title=title, start_date=start, actor=owner
                )
                Cycle.objects.filter(pk=cycle.pk).update(created_at=_at(start, 9))
                Task.objects.filter(cycle=cycle).update(created_at=_at(start, 9))
                CycleEvent.objects.filter(cycle=cycle).update(created_at=_at(start, 9))
                build(cycle, lambda n, start=start: start + datetime.timedelta(days=n))
            organisation.cycles[title] = cycle
    seed_reflections(organisation)


# Staff reflections


@dataclass(frozen=True)
class DemoReflection:
    """A reflection as its author wrote it.

    ``answers`` follow the questions for the phase in order: the phase's own question, then
    Kolb's four (what happened, what it led to, what I learned, what I will try next); an
    empty string leaves a question unanswered. ``day`` counts from the day the phase began.
    ``shared_later`` is how many days after writing it the author shared a private
    reflection with the unit; ``pinned`` means the leader pinned it as a collective
    conclusion; ``visit`` links it to the cycle's visit.
    """

    author: str
    phase: int
    day: int
    answers: tuple[str, ...]
    free_text: str = ""
    point: str = ""
    shared: bool = False
    shared_later: int | None = None
    draft: bool = False
    pinned: bool = False
    visit: bool = False
    hour: int = 14


MEALS_HOST = "Måltidsvert ved hvert bord"
MEALS_RECORDS = "Registrering av mat og drikke"

# ansatt@ in every phase so far, some private, some shared, and a draft; four colleagues
# with a few each, mostly private. The supporter's conclusion about registering right
# after the meal is pinned.
MEALS_REFLECTIONS = [
    DemoReflection(
        "ansatt",
        Phase.ANCHORING,
        19,
        (
            "Jeg er positiv, men litt spent. Det er uvant å snakke høyt om hvordan jeg selv "
            "gjør ting, men jeg lærer mest når jeg ser hvordan andre gjør det i praksis.",
            "På introduksjonsmøtet gikk vi gjennom de sju fasene. Flere sa at måltidene er "
            "det som stresser dem mest i løpet av dagen.",
            "",
            "Vi har mange gode ideer hver for oss, men vi snakker sjelden om dem sammen. Det "
            "er ikke bare jeg som synes middagen er kaotisk.",
            "Legge merke til hva som skjer rundt bordet de neste ukene og ta det med til "
            "personalmøtet.",
        ),
        hour=21,
    ),
    DemoReflection(
        "ansatt",
        Phase.NEEDS,
        3,
        (
            "Å skape ro rundt bordet. Jeg vil bli bedre på å bli sittende sammen med "
            "beboerne i stedet for å løpe etter ting.",
            "Ved middagen i går reiste jeg meg mange ganger for å hente saus, drikke og "
            "servietter. Hver gang jeg gikk, ble det uro, og en beboer reiste seg og ville gå.",
            "Flere spiste mindre enn vanlig, og det var urolig i stua resten av ettermiddagen.",
            "Uroen kommer ikke bare fra beboerne, men fra oss. Når vi går til og fra, mister "
            "beboerne med demens tråden i måltidet.",
            "Gjøre klar alt på en tralle før vi setter oss, og prøve å sitte ved samme bord "
            "hele måltidet.",
        ),
        shared=True,
        hour=15,
    ),
    DemoReflection(
        "ansatt",
        Phase.NEEDS,
        12,
        (
            "Å fylle ut mat- og drikkeskjemaet med en gang, ikke på slutten av vakta.",
            "Jeg hadde glemt å fylle ut drikkeskjemaet for to beboere på kveldsvakta. Da jeg "
            "skulle gjøre det etterpå, husket jeg ikke hvor mye de hadde drukket.",
            "Jeg skrev det jeg trodde, og det er ikke godt nok. Sykepleieren kan ikke følge "
            "opp vekttap hvis det som står i skjemaet, ikke stemmer.",
            "Det er lett å tenke at skjemaet er papirarbeid, men det er der vi oppdager at "
            "noen spiser og drikker for lite. Jeg er nok ikke den eneste som utsetter det.",
            "",
        ),
        free_text="Spør om skjemaet kan ligge på tralla i stua i stedet for på vaktrommet.",
        hour=22,
    ),
    DemoReflection(
        "ansatt",
        Phase.LEARNING_POINTS,
        3,
        (
            "Hvordan jeg kan være måltidsvert og hjelpe uten å ta over: når skal jeg vente, "
            "og når skal jeg hjelpe en beboer i gang?",
            "I dag satt jeg som vert ved det ene bordet hele middagen og spiste sammen med "
            "beboerne. Tralla sto ved siden av meg, så jeg trengte bare å reise meg én gang.",
            "Det ble roligere ved bordet. Beboerne speilet meg: når jeg tok gaffelen, gjorde "
            "flere av dem det samme. Praten gikk lettere, og nesten alle spiste opp.",
            "Å spise sammen er ikke pause, det er en del av jobben. Når jeg sitter i samme "
            "høyde, ser jeg lettere hvem som trenger hjelp.",
            "Prøve det samme ved det urolige bordet ved vinduet, og snakke med kveldsvakta om "
            "hvordan de kan gjøre det ved kveldsmaten.",
        ),
        point=MEALS_HOST,
        shared_later=2,
        hour=15,
    ),
    DemoReflection(
        "ansatt",
        Phase.LEARNING_POINTS,
        4,
        (
            "En enkel rutine for registreringen som fungerer også på travle dager og for vikarene.",
            "Vi fylte ut skjemaet rett etter lunsj, før vi ryddet av bordet. Det tok bare et "
            "par minutter.",
            "Det som sto i skjemaet, ble riktigere, og sykepleieren så med en gang at en "
            "beboer hadde drukket lite hele formiddagen.",
            "",
            "Minne hverandre på registreringen på vaktskiftet og foreslå en sjekkliste på "
            "kjøkkenet.",
        ),
        point=MEALS_RECORDS,
        hour=13,
    ),
    DemoReflection(
        "ansatt",
        Phase.LEARNING_POINTS,
        6,
        (
            "Før besøket på Fjordgløtt vil jeg finne ut hvordan de får vertene til å bli "
            "sittende ved bordet hele måltidet.",
            "Vi har fått dato for besøket. Jeg skal være observatør sammen med en av "
            "støttespillerne, og",
        ),
        point=MEALS_HOST,
        draft=True,
        hour=20,
    ),
    DemoReflection(
        "supporter",
        Phase.NEEDS,
        4,
        (
            "Å se sammenhengen mellom det vi registrerer og det vi gjør.",
            "Jeg gikk gjennom avviksmeldingene for de siste tre månedene. De fleste som "
            "handlet om mat og drikke, gjaldt skjemaer som ikke var fylt ut.",
            "Vekttap ble først oppdaget ved den månedlige veiingen, når det allerede hadde "
            "gått for langt.",
            "Registreringen er ikke et skjema for skjemaets skyld. Når vi registrerer rett "
            "etter måltidet, kan vi handle samme dag.",
            "Vi registrerer mat og drikke rett etter hvert måltid, og sykepleieren ser over "
            "skjemaene før vaktskiftet.",
        ),
        shared=True,
        pinned=True,
        hour=14,
    ),
    DemoReflection(
        "supporter",
        Phase.LEARNING_POINTS,
        5,
        (
            "Hvordan jeg lærer bort den nye rutinen til nye kolleger og vikarer på en enkel måte.",
            "Jeg viste en vikar sjekklisten på kjøkkenet før middagen. Etterpå fylte vikaren "
            "ut skjemaet selv, uten å spørre.",
            "",
            "En kort sjekkliste som henger der vi faktisk står, virker bedre enn en lang "
            "prosedyre i kvalitetssystemet.",
            "",
        ),
        point=MEALS_RECORDS,
        hour=16,
    ),
    DemoReflection(
        "second_supporter",
        Phase.ANCHORING,
        20,
        (
            "Det er bra at vi lærer av hverandre og ikke bare får et kurs. Men vi må passe på "
            "at det ikke blir enda en ting vi skal rekke.",
            "På introduksjonsmøtet ble jeg spurt om å være støttespiller.",
            "",
            "Jeg trenger å vite hva som forventes av meg, og at det blir satt av tid til det "
            "i turnusen.",
            "Snakke med avdelingslederen om hvordan vi setter av tid på vaktene.",
        ),
        hour=15,
    ),
    DemoReflection(
        "second_supporter",
        Phase.LEARNING_POINTS,
        6,
        (
            "Å være vert uten å reise meg fra bordet mer enn nødvendig.",
            "Jeg var måltidsvert ved lunsjen, men telefonen ringte to ganger, og jeg måtte gå.",
            "Bordet ble urolig begge gangene, og en beboer gikk fra bordet før maten var spist.",
            "Vi må avtale hvem som tar telefonen under måltidet, ellers blir verten dratt bort.",
            "Foreslå på personalmøtet at den som ikke er vert, har telefonen under måltidene.",
        ),
        point=MEALS_HOST,
        hour=14,
    ),
    DemoReflection(
        "colleague",
        Phase.NEEDS,
        6,
        (
            "Hvordan vi tilrettelegger maten for beboere med demens.",
            "Jeg leste om tallerkener med kontrastfarge og om fingermat for dem som strever "
            "med bestikket.",
            "",
            "Små endringer i hvordan maten ser ut og blir servert, kan gjøre det lettere å "
            "spise selv.",
            "Ta det med når vi leter etter god praksis.",
        ),
        hour=19,
    ),
    DemoReflection(
        "colleague",
        Phase.LEARNING_POINTS,
        4,
        (
            "Hvordan måltidsverten kan se hvem som spiser og drikker lite.",
            "Vi prøvde måltidsvert ved begge bordene på middagen i dag. Jeg satt ved bordet "
            "nærmest kjøkkenet.",
            "Det var stillere i stua enn vanlig, og vi så at en beboer bare drakk når noen "
            "ved bordet drakk samtidig.",
            "Som vert ser jeg mye mer enn når jeg serverer. Vi bør fortelle hverandre hva vi "
            "har sett, med en gang etter måltidet.",
            "Avslutte måltidet med et par minutter der vertene sier hva de har sett, før vi "
            "registrerer.",
        ),
        point=MEALS_HOST,
        shared=True,
        hour=16,
    ),
    DemoReflection(
        "evening",
        Phase.ANCHORING,
        26,
        (
            "Det høres fornuftig ut, men jeg er usikker på om vi på kveldsvakta får være like "
            "mye med.",
            "På møtet snakket vi mest om middagen, men kveldsmaten er også urolig.",
            "",
            "",
            "Be om at kveldsvakta også får prøve ut det vi lærer.",
        ),
        hour=22,
    ),
]

FEEDBACK_POINT = "Fremovermeldinger elevene bruker"
SELF_ASSESSMENT_POINT = "Egenvurdering med kjennetegn"

# Mellomtrinnet after its visit to Sundvik skole: the observer's reflection on the visit is
# shared, and a teacher's first weeks with fremovermeldinger is pinned.
MATHS_REFLECTIONS = [
    DemoReflection(
        "observer",
        Phase.OBSERVATION,
        0,
        (
            "At fremovermeldingene blir brukt fordi det er satt av tid til dem i starten av "
            "neste økt. Elevene visste hva de skulle gjøre, uten å spørre.",
            "Vi var med i to matematikktimer på 6. trinn. Læreren skrev én setning om hva "
            "eleven fikk til og ett neste steg, rett i kladdeboka.",
            "Elevene kom raskt i gang, og læreren fikk tid til å gå rundt til dem som trengte "
            "mest hjelp.",
            "Korte tilbakemeldinger blir lest. Kommentarene våre er ofte for lange og kommer "
            "for sent.",
            "Prøve én setning og ett neste steg i én klasse neste uke.",
        ),
        point=FEEDBACK_POINT,
        shared=True,
        visit=True,
        hour=15,
    ),
    DemoReflection(
        "idea_author",
        Phase.OBSERVATION,
        13,
        (
            "Kjennetegnene skrevet med elevenes egne ord. Det var enkelt og tok lite tid.",
            "På slutten av timen markerte elevene hvor de mente de var, og skrev én setning "
            "om hvorfor.",
            "",
            "Egenvurdering må øves inn over tid. Jeg har gitt opp for tidlig før, når elevene "
            "ikke fikk det til første gang.",
            "",
        ),
        point=SELF_ASSESSMENT_POINT,
        hour=16,
    ),
    DemoReflection(
        "idea_author",
        Phase.IMPLEMENTATION,
        6,
        (
            "Fremovermeldinger i kladdeboka i to matteøkter i uka, med ti minutter til neste "
            "steg i starten av timen.",
            "De første meldingene mine ble for lange, og elevene brukte tiden på å lese i "
            "stedet for å jobbe.",
            "Da jeg skrev én setning og ett neste steg, kom nesten alle i gang med en gang.",
            "Tilbakemeldingen virker når den er kort, og når det er satt av tid til å bruke "
            "den. Det gjelder hele trinnet, ikke bare meg.",
            "Fortsette i alle matteøktene og ta med elevarbeider til teamtida på onsdag.",
        ),
        point=FEEDBACK_POINT,
        shared=True,
        pinned=True,
        hour=15,
    ),
    DemoReflection(
        "teacher",
        Phase.IMPLEMENTATION,
        10,
        (
            "Kjennetegn i brøk, laget sammen med elevene i 5B.",
            "Elevene syntes det var vanskelig å begrunne hvor de var. Mange skrev bare «jeg "
            "kan det».",
            "",
            "De trenger eksempler på gode begrunnelser før de kan vurdere seg selv.",
            "Vise to eksempler på begrunnelser neste gang og la elevene sammenligne dem.",
        ),
        point=SELF_ASSESSMENT_POINT,
        hour=16,
    ),
]

PHASE_ENTRIES = (
    CycleEvent.Kind.STARTED,
    CycleEvent.Kind.ADVANCED,
    CycleEvent.Kind.OVERRIDDEN,
    CycleEvent.Kind.REOPENED,
)


def _phase_days(cycle: Cycle) -> dict[int, tuple[datetime.date, datetime.date]]:
    """The first and last day of each phase, from the timeline; the current phase lasts
    until yesterday."""
    entries = [
        (event.to_phase, timezone.localdate(event.created_at))
        for event in cycle.events.filter(kind__in=PHASE_ENTRIES).order_by("created_at", "pk")
    ]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    days = {}
    for index, (phase, first) in enumerate(entries):
        if index + 1 < len(entries):
            last = entries[index + 1][1] - datetime.timedelta(days=1)
        else:
            last = yesterday
        days[phase] = (first, max(first, last))
    return days


def _reflections(cycle: Cycle, people: dict[str, User], items: list[DemoReflection]) -> None:
    """Write ``items`` in ``cycle`` with the questions for their phase, dated within it.

    Someone who already has a reflection in the cycle is left alone, so running the seed
    again adds nothing.
    """
    written = set(Reflection.objects.filter(cycle=cycle).values_list("author_id", flat=True))
    days = _phase_days(cycle)
    points = {point.title: point for point in cycle.learning_points.all()}
    visit = Visit.objects.filter(cycle=cycle).order_by("starts_at").first()
    for item in items:
        author = people[item.author]
        if author.pk in written:
            continue
        prompts = prompts_for(cycle, item.phase)
        answers = [
            {"question": question, "answer": item.answers[i] if i < len(item.answers) else ""}
            for i, question in enumerate(prompts)
        ]
        reflection = Reflection(
            author=author,
            cycle=cycle,
            phase=item.phase,
            learning_point=points.get(item.point),
            visit=visit if item.visit else None,
            answers=answers,
            free_text=item.free_text,
            visibility=Reflection.Visibility.UNIT if item.shared else Reflection.Visibility.PRIVATE,
            is_draft=item.draft,
        )
        reflection.full_clean()
        reflection.save()
        first, last = days[item.phase]
        on = min(first + datetime.timedelta(days=item.day), last)
        if reflection.visit:
            on = max(on, reflection.visit.visit_date)
        when = _at(on, item.hour)
        Reflection.objects.filter(pk=reflection.pk).update(created_at=when, updated_at=when)
        if item.shared_later is not None:
            change_visibility(reflection, visibility=Reflection.Visibility.UNIT, actor=author)
            shared_on = max(on, min(on + datetime.timedelta(days=item.shared_later), last))
            shared_at = _at(shared_on, min(item.hour + 2, 23))
            VisibilityChange.objects.filter(reflection=reflection).update(changed_at=shared_at)
            Reflection.objects.filter(pk=reflection.pk).update(updated_at=shared_at)
        if item.pinned:
            reflection.refresh_from_db()
            set_pinned(reflection, pinned=True)


def seed_reflections(organisation: DemoOrganisation) -> None:
    """Staff reflections in two of Elvedal's cycles, with bokmål questions.

    In leder@'s cycle ansatt@ has reflections in phases 1–3 (private, shared with the unit,
    one shared afterwards, and an unfinished draft), four colleagues have a few each, and
    the leader has pinned one. Mellomtrinnet has reflections from phases 5 and 6, one of
    them on its visit. Someone who already has a reflection in a cycle gets no more there.
    """
    with translation.override("nb"):
        meals = organisation.cycles[MEALS_CYCLE]
        supporter = _generated(meals.unit, R.SUPPORTER)[0]
        staff = [person for person in _colleagues(meals) if person != supporter]
        people = {
            "ansatt": User.objects.get(email="ansatt@demo.kommune.no"),
            "supporter": supporter,
            "second_supporter": staff[0],
            "colleague": staff[1],
            "evening": staff[2],
        }
        _reflections(meals, people, MEALS_REFLECTIONS)

        maths = organisation.cycles[MATHS_CYCLE]
        staff = _colleagues(maths)
        people = {"observer": staff[0], "idea_author": staff[1], "teacher": staff[2]}
        _reflections(maths, people, MATHS_REFLECTIONS)


# The practice register in Elvedal

MEALS_PRACTICE = "Rolige måltider med vertskap"
FEEDBACK_PRACTICE = "Fremovermeldinger og egenvurdering i matematikk"
MEDICATION_PRACTICE = "Elektronisk medisindispenser og dobbeltkontroll"


@dataclass(frozen=True)
class DemoPractice:
    unit: str
    title: str
    themes: str
    description: str
    visits_per_month: int = 1
    days_ago: int = 90
    published: bool = True


# Practices units share, across the sectors and both former municipalities. The unit's
# leader registered each one and is its contact person.
DEMO_PRACTICES = [
    DemoPractice(
        "Avdeling Fjordgløtt",
        MEALS_PRACTICE,
        "måltid, demens, ernæring, drikke, vekttap, måltidsvert",
        "Ved hvert bord sitter en av oss som måltidsvert gjennom hele måltidet, spiser sammen "
        "med beboerne og hjelper uten å ta over. Vi har skjermet måltidene for telefoner, "
        "medisinrunder og unødvendig trafikk gjennom stua. Rett etter måltidet registrerer "
        "verten mat og drikke, og vekttap følges opp på det ukentlige tverrfaglige møtet. "
        "Beboerne med demens spiser og drikker mer, og det er blitt mye roligere i avdelingen.",
        visits_per_month=2,
        days_ago=140,
    ),
    DemoPractice(
        "Avdeling 1 – langtid",
        "Strukturert rapport og dokumentasjon med ISBAR",
        "dokumentasjon, rapport, ISBAR, vaktskifte, pasientsikkerhet",
        "Vi gir muntlig rapport ved vaktskiftet etter ISBAR-strukturen og avslutter med fem "
        "minutter felles dokumentasjon i journalen. Et lommekort med malen henger ved "
        "vaktrommet, og nyansatte øver sammen med en erfaren kollega den første uka. "
        "Rapporten tar kortere tid, færre beskjeder forsvinner, og dokumentasjonen er blitt "
        "mer lik fra vakt til vakt.",
        days_ago=175,
    ),
    DemoPractice(
        "Sundvik omsorgssenter",
        "Aktivitetsvenner – frivillige i hverdagen",
        "frivillighet, aktivitet, Leve hele livet, ensomhet, samarbeid",
        "Sammen med frivilligsentralen har vi faste aktivitetsvenner som kommer hver uke og går "
        "tur, leser avisen eller synger med beboerne. Hver beboer har en kort «dette liker "
        "jeg»-plan som de frivillige bruker. Beboerne får flere gode stunder i hverdagen, og de "
        "frivillige får opplæring og en fast kontaktperson hos oss.",
        days_ago=120,
    ),
    DemoPractice(
        "Bjørkheim bo- og tjenestested",
        "Velferdsteknologi som gir mer selvstendighet",
        "velferdsteknologi, selvstendighet, digitalt tilsyn, brukermedvirkning",
        "Beboerne bruker digital kalender med påminnelser, elektronisk dørlås og digitalt "
        "tilsyn om natten, valgt sammen med hver beboer og pårørende. Vi prøver ut én løsning "
        "om gangen og evaluerer den etter fire uker. Flere beboere klarer hverdagen mer på egen "
        "hånd, og vi bruker tiden på det som betyr mest for dem.",
        visits_per_month=2,
        days_ago=60,
    ),
    DemoPractice(
        "Hjemmetjenesten sør",
        MEDICATION_PRACTICE,
        "legemidler, velferdsteknologi, medisindispenser, avvik, sjekkliste, vikarer",
        "Brukere med mange legemidler får elektronisk medisindispenser som varsler oss hvis en "
        "dose ikke blir tatt. Multidosene kontrolleres av to sykepleiere hver uke mot "
        "legemiddellisten fra fastlegen. Vikarer går sammen med en fast kollega de første "
        "rutene og har en sjekkliste i bilen. Avvikene i legemiddelhåndteringen har gått "
        "tydelig ned det siste året.",
        visits_per_month=2,
        days_ago=150,
    ),
    DemoPractice(
        "Hjemmetjenesten nord",
        "Første døgn hjemme etter utskrivelse",
        "overganger, utskrivelse, samhandling, pårørende, legemiddelliste",
        "Vi besøker alle som skrives ut fra sykehus eller korttidsopphold innen ett døgn, med "
        "oppdatert legemiddelliste og en sjekkliste for overgangen. Pårørende inviteres til "
        "samtalen, og vi avtaler sammen hva som skal skje den første uka. Færre brukere blir "
        "lagt inn igjen, og overgangene er blitt tryggere for både brukere og pårørende.",
        days_ago=100,
    ),
    DemoPractice(
        "Sundvik skole",
        FEEDBACK_PRACTICE,
        "vurdering for læring, matematikk, fremovermeldinger, egenvurdering, mellomtrinnet",
        "Lærerne gir korte, skriftlige fremovermeldinger i matematikk: hva eleven mestrer, og "
        "ett konkret neste steg. Elevene starter neste økt med å lese meldingen og jobbe med "
        "neste steg, og de vurderer eget arbeid med kjennetegn skrevet med deres egne ord. Vi "
        "ser at flere elever bruker tilbakemeldingen og snakker mer om egen læring.",
        visits_per_month=2,
        days_ago=200,
    ),
    DemoPractice(
        "Småtrinnet",
        "Trygge overganger fra barnehage til skole",
        "overganger, skolestart, barnehage, samarbeid, foreldre",
        "Sammen med barnehagene har vi et fast årshjul for overgangen: besøksdager, "
        "fadderordning og overføringssamtaler med foreldrenes samtykke. Lærerne på 1. trinn "
        "besøker barnehagene om våren og ser barna i kjente omgivelser. Skolestarten er blitt "
        "roligere, og foreldrene forteller at de føler seg tryggere.",
        days_ago=160,
    ),
    DemoPractice(
        "Elvedal ungdomsskole",
        "Elevmedvirkning med elevpanel i hvert fag",
        "medvirkning, elevstemme, undervisning, exit-lapper, ungdomstrinnet",
        "Hvert trinn har et elevpanel som møter faglærerne to ganger i semesteret og gir "
        "innspill på undervisningen. Lærerne bruker korte exit-lapper etter timene og viser "
        "elevene hva de har endret. Elevene opplever at stemmen deres teller, og lærerne får "
        "raskt vite hva som fungerer.",
        days_ago=80,
    ),
    DemoPractice(
        "Avdeling Tyttebær",
        "Språkarbeid i garderoben og ved måltidet",
        "språk, hverdagssituasjoner, flerspråklige barn, måltid, garderobe",
        "Vi bruker hverdagssituasjonene bevisst til språkarbeid: i garderoben setter vi ord på "
        "klær og handlinger, og ved måltidet sitter en voksen ved hvert bord og snakker med "
        "barna. Flerspråklige barn får støtte med bilder og med ord på morsmålet som "
        "foreldrene har lært oss. Barna prater mer, og personalet har fått et felles språk for "
        "hvordan vi snakker med barna.",
        visits_per_month=2,
        days_ago=110,
    ),
    DemoPractice(
        "Sundvik barnehage",
        "Barns medvirkning i planleggingen",
        "medvirkning, planlegging, barnesamtaler, dokumentasjon",
        "Hver måned har vi barnesamtaler i små grupper der barna forteller hva de vil utforske, "
        "og ønskene deres blir en del av månedsplanen. Vi dokumenterer med bilder og barnas "
        "egne ord på veggen, slik at barna ser at de er blitt hørt. Foreldrene ser den samme "
        "dokumentasjonen i appen.",
        days_ago=70,
    ),
    DemoPractice(
        "Helsestasjonen",
        "Barselgrupper med tolk",
        "foreldreveiledning, tolk, barsel, likeverdige tjenester",
        "Vi holder barselgrupper med kvalifisert tolk for foreldre som ikke snakker godt norsk, "
        "med de samme temaene som i de andre gruppene. Helsesykepleier og tolk planlegger "
        "samlingene sammen på forhånd. Foreldrene knytter kontakter, og flere kommer til "
        "konsultasjonene og ringer oss når de lurer på noe.",
        days_ago=130,
    ),
    DemoPractice(
        "Elvedal SFO",
        "Fysisk aktivitet hver dag på SFO",
        "SFO, fysisk aktivitet, lek, inkludering",
        "Hver dag har vi minst én time organisert fysisk aktivitet ute eller i gymsalen, ledet "
        "av faste voksne. Barna velger mellom aktivitetsstasjoner, og de eldste er med og leder "
        "leker for de yngste. Det er færre konflikter på ettermiddagen, og barna som er minst "
        "aktive, er mer med.",
        visits_per_month=3,
        days_ago=90,
    ),
    DemoPractice(
        "HR og organisasjon",
        "Introduksjonsprogram med fadder for nyansatte",
        "introduksjon, nyansatte, fadderordning, rekruttering, beholde ansatte",
        "Nyansatte i helse og omsorg får en fadder de første seks ukene, en fast "
        "introduksjonsdag og en sjekkliste som leder og fadder går gjennom sammen. Programmet "
        "er utviklet sammen med tillitsvalgte og verneombud. Flere nyansatte blir værende det "
        "første året, og lederne slipper å finne opp opplæringen på nytt hver gang.",
        days_ago=190,
    ),
    DemoPractice(
        "Sundvik SFO",
        "Lesevenner på SFO",
        "lesing, SFO, lesevenner",
        "Elevene på 4. trinn er lesevenner for 1. trinn to ettermiddager i uka. Vi prøver det "
        "ut dette halvåret og deler erfaringene når vi har evaluert.",
        days_ago=12,
        published=False,
    ),
]


def seed_practices(organisation: DemoOrganisation) -> None:
    """Elvedal's practice register: one practice a unit, one of them still a draft.

    A practice already in its unit under the same title is left alone.
    """
    today = timezone.localdate()
    for item in DEMO_PRACTICES:
        unit = organisation.units[item.unit]
        leader = _leader(unit)
        practice, created = Practice.objects.get_or_create(
            unit=unit,
            title=item.title,
            defaults={
                "description": item.description,
                "themes": item.themes,
                "contact": leader,
                "visits_per_month": item.visits_per_month,
                "is_published": item.published,
                "created_by": leader,
            },
        )
        if created:
            when = _at(today - datetime.timedelta(days=item.days_ago), 13)
            Practice.objects.filter(pk=practice.pk).update(created_at=when, updated_at=when)
        organisation.practices[item.title] = practice


def _practice(cycle: Cycle, title: str) -> Practice:
    """A practice in the register of the cycle's municipality."""
    return Practice.objects.get(unit__municipality_id=cycle.unit.municipality_id, title=title)
