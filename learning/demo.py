"""Demo data: Elvedal kommune, merged from Elvedal and Sundvik, and its small neighbour Fjordnes.

Everything is looked up by a natural key before it is created, so running the
seed again changes nothing. Names come from a fixed random seed. Elvedal also
gets kollegalæring cycles in different phases (``seed_cycles``), dated relative
to the day the seed runs and built through the phase engine so their timelines
are real.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.utils import timezone, translation

from learning import phases
from learning.models import (
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
    Obstacle,
    PersonalGoal,
    Phase,
    RepresentativeInvolvement,
    Task,
    Unit,
    User,
)

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
            [("Hjemmetjenesten nord", T.HOME_CARE), ("Hjemmetjenesten sør", T.HOME_CARE)],
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
    "Helse og omsorg": [("Fjordnes sjukeheim", T.NURSING_HOME, None, [])],
}

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
) -> None:
    """Generated people; index 0 in a unit leads it, 1 supports, 2 is union rep. Units that a
    demo login leads get no generated leader."""
    led_by_demo_login = {login.unit for login in DEMO_LOGINS if login.unit_role == R.LEADER}
    taken: set[str] = set()
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
    """The municipalities, their units and people, the demo logins, and Elvedal's cycles."""
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

    rng = random.Random(2026)
    unusable = make_password(None)
    _people(elvedal, _staffing(demo.units, 10), rng, "elvedal.kommune.no", unusable)
    _people(fjordnes, _staffing(fjordnes_units, 6), rng, "fjordnes.kommune.no", unusable)
    demo.units.update({f"Fjordnes: {name}": unit for name, unit in fjordnes_units.items()})

    password = make_password(DEMO_PASSWORD)
    for login in DEMO_LOGINS:
        user, _ = User.objects.get_or_create(
            email=login.email,
            defaults={
                "full_name": login.name,
                "municipality": elvedal,
                "password": password,
                "is_superuser": login.superuser,
                "is_staff": login.superuser or login.municipality_role == M.HR_COORDINATOR,
            },
        )
        if login.unit:
            unit = demo.units[login.unit]
            for role in {login.unit_role, R.STAFF}:
                Membership.objects.get_or_create(user=user, unit=unit, role=role)
        if login.municipality_role:
            MunicipalityRole.objects.get_or_create(
                user=user, municipality=elvedal, role=login.municipality_role
            )
        if login.municipality_role == M.HR_COORDINATOR:
            user.groups.add(hr_admin_group())
        demo.logins[login.email] = user
    seed_cycles(demo)
    return demo


# Kollegalæring cycles in Elvedal

DEMO_EMAILS = frozenset(login.email for login in DEMO_LOGINS)
MONTHS = [
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
]  # fmt: skip
C = Idea.Category
A = Idea.Response
SRC = Idea.Source


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _dated(obj, day: datetime.date, hour: int = 10):
    """Move an object's ``created_at`` (auto_now_add) to when it would have happened."""
    type(obj).objects.filter(pk=obj.pk).update(created_at=_at(day, hour))
    return obj


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


def _blabaer(cycle: Cycle, day) -> None:
    """Avdeling Blåbær: just started, nothing done yet."""


def _hjemmetjenesten_nord(cycle: Cycle, day) -> None:
    """Hjemmetjenesten nord: in phase 2, collecting ideas; no need chosen yet."""
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


def _mellomtrinnet(cycle: Cycle, day) -> None:
    """Mellomtrinnet: moved on to phase 4 without learning points (an override)."""
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
    _tasks(cycle, Phase.BEST_PRACTICE, Task.Status.IN_PROGRESS, positions=(0,))


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
# Avdeling Fjordgløtt (vert@) has no cycle: it is the unit others visit to learn from.
DEMO_CYCLES = [
    (SKJERMET, "Gode måltider i skjermet enhet", 56, _skjermet),
    ("Avdeling Blåbær", "Språkarbeid i hverdagssituasjoner", 2, _blabaer),
    ("Hjemmetjenesten nord", "Trygg legemiddelhåndtering hjemme hos brukeren", 38,
     _hjemmetjenesten_nord),
    ("Mellomtrinnet", "Vurdering for læring i matematikk", 80, _mellomtrinnet),
    ("Korttidsavdelingen", "Trygge overganger fra korttid til hjemmet", 70, _korttid),
]  # fmt: skip


def seed_cycles(organisation: DemoOrganisation) -> None:
    """Kollegalæring cycles in Elvedal, each in its own phase, dated back from today.

    A cycle already in its unit under the same title is left alone, so running the seed
    again changes nothing (the dates stay those of the first run). Everything goes through
    the phase engine where it has an operation, so timelines hold real events; their
    timestamps are then moved back to plausible days.
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
