"""Demo data: Elvedal kommune, merged from Elvedal and Sundvik, and its small neighbour Fjordnes.

Everything is looked up by a natural key before it is created, so running the
seed again changes nothing. Names come from a fixed random seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission

from learning.models import (
    FormerMunicipality,
    Membership,
    Municipality,
    MunicipalityRole,
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
    return demo
