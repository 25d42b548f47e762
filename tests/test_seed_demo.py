"""seed_demo builds the demo municipality, its demo logins, and nothing twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY, authenticate
from django.core.management import CommandError, call_command
from django.urls import reverse

from learning.models import Membership, Municipality, MunicipalityRole, Unit, User

LOGINS = [
    "admin@demo.kommune.no",
    "hr@demo.kommune.no",
    "leder@demo.kommune.no",
    "ansatt@demo.kommune.no",
    "vert@demo.kommune.no",
    "tillitsvalgt@demo.kommune.no",
    "kommunalsjef@demo.kommune.no",
]


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def elvedal(seeded):
    return Municipality.objects.get(name="Elvedal kommune")


def user(email) -> User:
    return User.objects.get(email=email)


def test_creates_elvedal_with_its_structure(elvedal):
    assert sorted(elvedal.former_municipalities.values_list("name", flat=True)) == [
        "Elvedal",
        "Sundvik",
    ]
    sectors = Unit.objects.filter(municipality=elvedal, level=Unit.Level.SECTOR)
    assert sorted(sectors.values_list("name", flat=True)) == ["Helse og omsorg", "Oppvekst", "Stab"]
    assert 20 <= Unit.objects.filter(municipality=elvedal).count() <= 35
    assert 180 <= User.objects.count() <= 230


def test_every_unit_is_valid(elvedal):
    for unit in Unit.objects.all():
        unit.full_clean()
    for membership in Membership.objects.select_related("user", "unit"):
        membership.full_clean()


def test_command_lists_the_logins(seeded):
    for email in LOGINS:
        assert email in seeded


@pytest.mark.parametrize("email", LOGINS)
def test_demo_logins_authenticate_with_demo_password(seeded, email):
    assert authenticate(username=email, password="demo") == user(email)
    assert authenticate(username=email, password="feil") is None


def test_admin_is_superuser(seeded):
    admin = user("admin@demo.kommune.no")
    assert admin.is_superuser
    assert admin.is_staff
    others = User.objects.filter(is_superuser=True).exclude(pk=admin.pk)
    assert not others.exists()


def test_hr_is_hr_coordinator_of_elvedal(elvedal):
    roles = MunicipalityRole.objects.filter(user=user("hr@demo.kommune.no"))
    assert [(r.municipality, r.role) for r in roles] == [
        (elvedal, MunicipalityRole.Role.HR_COORDINATOR)
    ]


def test_kommunalsjef_is_senior_leader(elvedal):
    roles = MunicipalityRole.objects.filter(user=user("kommunalsjef@demo.kommune.no"))
    assert [(r.municipality, r.role) for r in roles] == [
        (elvedal, MunicipalityRole.Role.SENIOR_LEADER)
    ]
    assert not Membership.objects.filter(user=user("kommunalsjef@demo.kommune.no")).exists()


def test_leder_is_the_only_leader_of_avdeling_2(elvedal):
    unit = Unit.objects.get(municipality=elvedal, name="Avdeling 2 – skjermet")
    leaders = Membership.objects.filter(unit=unit, role=Membership.Role.LEADER)
    assert [m.user.email for m in leaders] == ["leder@demo.kommune.no"]
    assert unit.parent.name == "Elvedal sykehjem"


def test_ansatt_and_tillitsvalgt_share_leders_unit(elvedal):
    unit = Unit.objects.get(municipality=elvedal, name="Avdeling 2 – skjermet")
    ansatt = user("ansatt@demo.kommune.no")
    tillitsvalgt = user("tillitsvalgt@demo.kommune.no")
    assert set(ansatt.memberships.values_list("unit", "role")) == {(unit.pk, "staff")}
    assert (unit.pk, "union_rep") in set(tillitsvalgt.memberships.values_list("unit", "role"))
    assert {m.unit_id for m in tillitsvalgt.memberships.all()} == {unit.pk}


def test_vert_leads_another_unit(elvedal):
    vert = user("vert@demo.kommune.no")
    led = Membership.objects.filter(user=vert, role=Membership.Role.LEADER)
    assert [m.unit.name for m in led] == ["Avdeling Fjordgløtt"]
    assert led[0].unit.municipality == elvedal
    leaders = Membership.objects.filter(unit=led[0].unit, role=Membership.Role.LEADER)
    assert leaders.count() == 1


def test_demo_logins_belong_to_elvedal(elvedal):
    for email in LOGINS:
        assert user(email).municipality == elvedal


def test_generated_people_cannot_log_in(seeded):
    generated = User.objects.exclude(email__in=LOGINS)
    assert generated.exists()
    assert not any(person.has_usable_password() for person in generated[:20])


def model_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"learning", "programmes", "evaluation", "auth"}
    }


def test_running_twice_creates_nothing_new(seeded, settings):
    before = model_counts()
    assert before["learning.Unit"] > 0
    call_command("seed_demo", stdout=StringIO())
    assert model_counts() == before


def test_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not Municipality.objects.exists()


def test_force_runs_with_debug_off(db, settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force", stdout=StringIO())
    assert Municipality.objects.filter(name="Elvedal kommune").exists()


@pytest.mark.parametrize("email", LOGINS)
def test_demo_login_reaches_the_start_page(client, seeded, email):
    response = client.post(reverse("login"), {"username": email, "password": "demo"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(user(email).pk)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["user"].email == email


@pytest.mark.parametrize(
    ("email", "marker", "content"),
    [
        ("leder@demo.kommune.no", 'id="led-heading"', "Avdeling 2 – skjermet"),
        ("vert@demo.kommune.no", 'id="led-heading"', "Avdeling Fjordgløtt"),
        ("ansatt@demo.kommune.no", 'id="my-heading"', "Avdeling 2 – skjermet"),
        ("tillitsvalgt@demo.kommune.no", 'id="rep-heading"', "Avdeling 2 – skjermet"),
        ("hr@demo.kommune.no", 'id="hr-heading-', "Elvedal kommune"),
        ("kommunalsjef@demo.kommune.no", 'id="senior-heading-', "Elvedal kommune"),
    ],
)
def test_demo_login_start_page_shows_its_role(client, seeded, email, marker, content):
    client.force_login(user(email))
    page = client.get(reverse("home")).content.decode()
    assert marker in page
    assert content in page
