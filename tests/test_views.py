"""HTTP tests of the pages. Pages are in bokmål by default, so the assertions look at data
(unit and person names) and element ids, not at English text."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from learning.models import FormerMunicipality, Municipality, MunicipalityRole, Unit
from tests.factories import (
    MunicipalityFactory,
    MunicipalityRoleFactory,
    UnitFactory,
    UserFactory,
)

HTMX = {"HX-Request": "true"}


def get_as(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def text(response) -> str:
    return response.content.decode()


# Start page ---------------------------------------------------------------------------


def test_home_redirects_anonymous_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_home_for_leader_shows_led_units(client, world):
    page = text(get_as(client, world.leader, reverse("home")))
    assert 'id="led-heading"' in page
    assert world.unit.name in page
    assert reverse("unit_detail", args=[world.unit.pk]) in page
    assert world.leader.full_name in page  # the card names the leader
    assert 'id="my-heading"' not in page
    assert world.sibling.name not in page


def test_home_for_enterprise_leader_shows_every_unit_below(client, world):
    page = text(get_as(client, world.enterprise_leader, reverse("home")))
    assert 'id="led-heading"' in page
    for unit in (world.unit.parent, world.unit, world.sibling):
        assert reverse("unit_detail", args=[unit.pk]) in page


def test_home_for_staff_shows_own_unit(client, world):
    page = text(get_as(client, world.staff, reverse("home")))
    assert 'id="my-heading"' in page
    assert world.unit.name in page
    assert 'id="led-heading"' not in page
    assert 'id="rep-heading"' not in page
    assert world.other_unit.name not in page


def test_home_for_union_rep_shows_represented_unit(client, world):
    page = text(get_as(client, world.union_rep, reverse("home")))
    assert 'id="rep-heading"' in page
    assert reverse("unit_detail", args=[world.unit.pk]) in page


def test_home_for_hr_shows_municipality(client, world):
    municipality = world.unit.municipality
    page = text(get_as(client, world.hr, reverse("home")))
    assert f'id="hr-heading-{municipality.pk}"' in page
    assert municipality.name in page
    assert f'id="senior-heading-{municipality.pk}"' not in page
    assert world.other_unit.municipality.name not in page


def test_home_for_hr_lists_the_programmes_her_municipality_runs_or_joins(client, world):
    from tests.test_programme_services import make_programme

    owned = make_programme(world, title="Eget nettverk")
    joined = make_programme(world, title="Nabokommunens nettverk")
    joined.municipality = world.other_unit.municipality
    joined.save()
    joined.municipalities.add(world.unit.municipality)
    foreign = make_programme(world, title="Fremmed nettverk")
    foreign.municipality = world.other_unit.municipality
    foreign.save()

    page = text(get_as(client, world.hr, reverse("home")))

    assert reverse("programme_detail", args=[owned.pk]) in page
    assert reverse("programme_detail", args=[joined.pk]) in page
    assert "Fremmed nettverk" not in page


def test_home_for_senior_shows_overview(client, world):
    municipality = world.unit.municipality
    page = text(get_as(client, world.senior, reverse("home")))
    assert f'id="senior-heading-{municipality.pk}"' in page
    assert municipality.name in page
    assert f'id="hr-heading-{municipality.pk}"' not in page


def test_home_for_person_without_role_shows_no_sections(client, world):
    response = get_as(client, world.no_role, reverse("home"))
    assert response.status_code == 200
    page = text(response)
    for marker in ('id="led-heading"', 'id="my-heading"', 'id="rep-heading"', "hr-heading"):
        assert marker not in page
    assert world.unit.name not in page


# Unit detail --------------------------------------------------------------------------


def detail(world):
    return reverse("unit_detail", args=[world.unit.pk])


@pytest.mark.parametrize("person", ["staff", "leader", "enterprise_leader", "hr", "superuser"])
def test_unit_detail_with_member_list(client, world, person):
    response = get_as(client, world.person(person), detail(world))
    assert response.status_code == 200
    page = text(response)
    assert world.unit.name in page
    assert 'id="people-heading"' in page
    assert world.staff.full_name in page
    assert world.safety_rep.full_name in page


def test_unit_detail_for_senior_hides_member_list(client, world):
    response = get_as(client, world.senior, detail(world))
    assert response.status_code == 200
    page = text(response)
    assert 'id="people-heading"' not in page
    assert world.leader.full_name in page
    assert world.supporter.full_name in page
    for plain in (world.staff, world.union_rep, world.safety_rep):
        assert plain.full_name not in page
    assert response.context["memberships"] is None


@pytest.mark.parametrize("person", ["outsider_leader", "outsider_hr", "sibling_leader", "no_role"])
def test_unit_detail_hidden_from_people_without_a_role(client, world, person):
    response = get_as(client, world.person(person), detail(world))
    assert response.status_code == 404
    assert world.unit.name not in text(response)


def test_unit_detail_nonexistent_unit(client, world):
    response = get_as(client, world.superuser, reverse("unit_detail", args=[999999]))
    assert response.status_code == 404


def test_unit_detail_of_enterprise_hidden_from_department_leader(client, world):
    # leading a department gives no role in the enterprise above it
    response = get_as(client, world.leader, reverse("unit_detail", args=[world.unit.parent.pk]))
    assert response.status_code == 404


def test_unit_detail_of_enterprise_for_enterprise_leader_lists_children(client, world):
    response = get_as(
        client, world.enterprise_leader, reverse("unit_detail", args=[world.unit.parent.pk])
    )
    assert response.status_code == 200
    page = text(response)
    assert 'id="children-heading"' in page
    assert reverse("unit_detail", args=[world.unit.pk]) in page
    assert reverse("unit_detail", args=[world.sibling.pk]) in page


# Methods ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "unit_list", "unit_detail"])
def test_post_is_not_allowed(client, world, name):
    client.force_login(world.superuser)
    args = [world.unit.pk] if name == "unit_detail" else []
    response = client.post(reverse(name, args=args))
    assert response.status_code == 405


# Unit list ----------------------------------------------------------------------------


@pytest.fixture
def catalogue(db):
    """A municipality with two sectors, two former municipalities and an HR coordinator."""
    municipality = MunicipalityFactory(name="Listekommune")
    elvedal = FormerMunicipality.objects.create(municipality=municipality, name="Gamle Elvedal")
    sundvik = FormerMunicipality.objects.create(municipality=municipality, name="Gamle Sundvik")

    def unit(name, level, parent=None, unit_type=Unit.UnitType.OTHER, former=None, active=True):
        return Unit.objects.create(
            municipality=municipality,
            name=name,
            level=level,
            parent=parent,
            unit_type=unit_type,
            former_municipality=former,
            is_active=active,
        )

    S, E, D = Unit.Level.SECTOR, Unit.Level.ENTERPRISE, Unit.Level.DEPARTMENT
    T = Unit.UnitType
    oppvekst = unit("Oppvekst", S)
    skole = unit("Elvedal skole", E, oppvekst, T.SCHOOL, elvedal)
    unit("Småtrinnet", D, skole, T.SCHOOL, elvedal)
    unit("Sundvik barnehage", E, oppvekst, T.KINDERGARTEN, sundvik)
    helse = unit("Helse og omsorg", S)
    sykehjem = unit("Sundvik sykehjem", E, helse, T.NURSING_HOME, sundvik)
    unit("Avdeling Fjordgløtt", D, sykehjem, T.NURSING_HOME, sundvik)
    unit("Gammel skole", E, oppvekst, T.SCHOOL, elvedal, active=False)
    hr = MunicipalityRoleFactory(municipality=municipality).user
    outsider = UnitFactory(name="Skole i nabokommunen", unit_type=T.SCHOOL)
    return {
        "hr": hr,
        "oppvekst": oppvekst,
        "helse": helse,
        "elvedal": elvedal,
        "sundvik": sundvik,
        "outsider": outsider,
    }


def listed(client, catalogue, **params):
    response = get_as(client, catalogue["hr"], reverse("unit_list"), query_params=params)
    assert response.status_code == 200
    return {unit.name for unit in response.context["units"]}


ALL_ACTIVE = {
    "Oppvekst",
    "Elvedal skole",
    "Småtrinnet",
    "Sundvik barnehage",
    "Helse og omsorg",
    "Sundvik sykehjem",
    "Avdeling Fjordgløtt",
}


def test_unit_list_without_filter_shows_all_active_units_of_own_municipality(client, catalogue):
    assert listed(client, catalogue) == ALL_ACTIVE


def test_unit_list_renders_the_rows(client, catalogue):
    page = text(get_as(client, catalogue["hr"], reverse("unit_list")))
    for name in ALL_ACTIVE:
        assert name in page
    assert "Gammel skole" not in page
    assert catalogue["outsider"].name not in page


def test_unit_list_filter_by_name(client, catalogue):
    assert listed(client, catalogue, q="SKOLE") == {"Elvedal skole"}
    assert listed(client, catalogue, q="sundvik") == {"Sundvik barnehage", "Sundvik sykehjem"}


def test_unit_list_filter_by_sector(client, catalogue):
    assert listed(client, catalogue, sector=catalogue["helse"].pk) == {
        "Helse og omsorg",
        "Sundvik sykehjem",
        "Avdeling Fjordgløtt",
    }
    assert listed(client, catalogue, sector=catalogue["oppvekst"].pk) == {
        "Oppvekst",
        "Elvedal skole",
        "Småtrinnet",
        "Sundvik barnehage",
    }


def test_unit_list_filter_by_type(client, catalogue):
    assert listed(client, catalogue, unit_type="school") == {"Elvedal skole", "Småtrinnet"}
    assert listed(client, catalogue, unit_type="nav") == set()


def test_unit_list_filter_by_former_municipality(client, catalogue):
    assert listed(client, catalogue, former_municipality=catalogue["sundvik"].pk) == {
        "Sundvik barnehage",
        "Sundvik sykehjem",
        "Avdeling Fjordgløtt",
    }


def test_unit_list_filters_combine(client, catalogue):
    assert listed(
        client,
        catalogue,
        sector=catalogue["oppvekst"].pk,
        former_municipality=catalogue["sundvik"].pk,
    ) == {"Sundvik barnehage"}


def test_unit_list_cannot_filter_by_another_municipalitys_sector(client, catalogue):
    foreign_sector = catalogue["outsider"].parent.parent
    names = listed(client, catalogue, sector=foreign_sector.pk)
    assert catalogue["outsider"].name not in names
    assert names <= ALL_ACTIVE


def test_unit_list_htmx_returns_only_results(client, catalogue):
    response = get_as(
        client, catalogue["hr"], reverse("unit_list"), query_params={"q": "skole"}, headers=HTMX
    )
    assert response.status_code == 200
    page = text(response)
    assert 'id="results"' in page
    assert "<html" not in page
    assert "Elvedal skole" in page
    assert "Småtrinnet" not in page


def test_unit_list_normal_request_returns_full_page(client, catalogue):
    page = text(get_as(client, catalogue["hr"], reverse("unit_list")))
    assert "<html" in page
    assert 'id="results"' in page
    assert 'id="id_q"' in page


# Profile ------------------------------------------------------------------------------


@pytest.fixture
def person(db):
    municipality = MunicipalityFactory(language_form="nb")
    return UserFactory(municipality=municipality, full_name="Original Navn", language="")


def test_profile_shows_the_form(client, person):
    response = get_as(client, person, reverse("profile"))
    assert response.status_code == 200
    page = text(response)
    assert 'value="Original Navn"' in page
    assert person.email in page


def test_profile_post_saves_and_redirects(client, person):
    client.force_login(person)
    response = client.post(reverse("profile"), {"full_name": "Nytt Navn", "language": "en"})
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    person.refresh_from_db()
    assert person.full_name == "Nytt Navn"
    assert person.language == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    # the next page is in English now
    assert '<html lang="en">' in text(client.get(reverse("profile")))


def test_profile_htmx_post_without_language_change_returns_fragment(client, person):
    client.force_login(person)
    response = client.post(
        reverse("profile"), {"full_name": "Nytt Navn", "language": ""}, headers=HTMX
    )
    assert response.status_code == 200
    page = text(response)
    assert "<html" not in page
    assert 'id="profile-form"' in page
    assert "message--success" in page
    assert 'value="Nytt Navn"' in page
    assert "HX-Refresh" not in response
    person.refresh_from_db()
    assert person.full_name == "Nytt Navn"


def test_profile_htmx_post_choosing_current_language_is_no_change(client, person):
    client.force_login(person)
    response = client.post(
        reverse("profile"), {"full_name": "Original Navn", "language": "nb"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "message--success" in text(response)
    person.refresh_from_db()
    assert person.language == "nb"


def test_profile_invalid_input_rerenders_with_error(client, person):
    client.force_login(person)
    response = client.post(reverse("profile"), {"full_name": "", "language": "en"})
    assert response.status_code == 200
    page = text(response)
    assert "<html" in page
    assert "field--error" in page
    assert 'id="id_full_name_error"' in page
    assert '<option value="en" selected>' in page
    assert response.context["form"].errors["full_name"]
    person.refresh_from_db()
    assert person.full_name == "Original Navn"
    assert person.language == ""


def test_profile_invalid_htmx_input_rerenders_fragment(client, person):
    client.force_login(person)
    response = client.post(reverse("profile"), {"full_name": "", "language": "en"}, headers=HTMX)
    assert response.status_code == 200
    page = text(response)
    assert "<html" not in page
    assert 'id="id_full_name_error"' in page
    assert "message--success" not in page


def test_profile_htmx_post_changing_language_refreshes_page(client, person):
    client.force_login(person)
    response = client.post(
        reverse("profile"), {"full_name": "Original Navn", "language": "nn"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nn"
    person.refresh_from_db()
    assert person.language == "nn"


def test_profile_requires_login(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Language ----------------------------------------------------------------------------


def test_set_language_saves_choice_for_signed_in_person(client, person):
    client.force_login(person)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/profile/"})
    assert response.status_code == 302
    assert response["Location"] == "/profile/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    person.refresh_from_db()
    assert person.language == "en"


def test_set_language_ignores_unknown_language(client, person):
    client.force_login(person)
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    person.refresh_from_db()
    assert person.language == ""


def test_set_language_for_anonymous_sets_cookie(client):
    response = client.post(reverse("set_language"), {"language": "nn", "next": "/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nn"
    assert '<html lang="nn">' in text(client.get(reverse("login")))


def test_set_language_rejects_get(client):
    assert client.get(reverse("set_language")).status_code == 405


def test_user_language_gives_english_pages(client, person):
    person.language = "en"
    person.save()
    page = text(get_as(client, person, reverse("home")))
    assert '<html lang="en">' in page


def test_nynorsk_municipality_gives_nynorsk_pages(client, db):
    municipality = MunicipalityFactory(language_form="nn")
    user = UserFactory(municipality=municipality, language="")
    page = text(get_as(client, user, reverse("home")))
    assert '<html lang="nn">' in page


def test_bokmal_is_the_default(client, db):
    user = UserFactory(municipality=None, language="")
    assert '<html lang="nb">' in text(get_as(client, user, reverse("home")))
    client.logout()
    assert '<html lang="nb">' in text(client.get(reverse("login")))


def test_person_language_wins_over_cookie(client, person):
    person.language = "nn"
    person.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="nn">' in text(get_as(client, person, reverse("home")))


def test_municipality_language_applies_to_roles(client, world):
    Municipality.objects.filter(pk=world.unit.municipality_id).update(language_form="nn")
    assert MunicipalityRole.objects.filter(user=world.hr).exists()
    assert '<html lang="nn">' in text(get_as(client, world.hr, reverse("home")))


def test_unit_list_htmx_history_restore_gets_the_full_page(client, catalogue):
    """htmx 2 (historyRestoreAsHxRequest) sends HX-Request on a history-cache miss and
    swaps the whole body with the answer, so that request needs the full page."""
    response = get_as(
        client,
        catalogue["hr"],
        reverse("unit_list"),
        query_params={"q": "skole"},
        headers={**HTMX, "HX-History-Restore-Request": "true"},
    )
    page = text(response)
    assert 'id="id_q"' in page
    assert "<html" in page


def test_unit_list_response_varies_on_htmx_header(client, catalogue):
    """Same URL, two different bodies: caches (the browser's back button included) must
    keep them apart, or a pushed URL can show the bare fragment."""
    response = get_as(client, catalogue["hr"], reverse("unit_list"))
    vary = {value.strip().lower() for value in response.get("Vary", "").split(",")}
    assert "hx-request" in vary


def test_home_for_hr_counts_active_units_and_people(client, world):
    UnitFactory(municipality=world.unit.municipality, name="Nedlagt", is_active=False)
    UserFactory(municipality=world.unit.municipality, is_active=False)
    response = get_as(client, world.hr, reverse("home"))
    (municipality,) = response.context["hr_municipalities"]
    assert municipality == world.unit.municipality
    assert (
        municipality.unit_count
        == Unit.objects.filter(municipality=municipality, is_active=True).count()
    )
    assert municipality.unit_count == 6  # world: 4, plus the inactive unit's enterprise and sector
    assert municipality.people_count == 10


@pytest.mark.parametrize(
    ("person", "sees_units", "sees_admin"),
    [
        ("staff", False, False),
        ("leader", True, False),
        ("hr", True, False),
        ("senior", True, False),
        ("superuser", True, True),
    ],
)
def test_main_menu_shows_only_usable_entries(client, world, person, sees_units, sees_admin):
    response = get_as(client, world.person(person), reverse("profile"))
    urls = [url for url, _label, _key in response.context["nav_items"]]
    assert reverse("home") in urls
    assert reverse("profile") in urls
    assert (reverse("unit_list") in urls) is sees_units
    assert (reverse("admin:index") in urls) is sees_admin


def test_profile_saved_message_is_in_the_newly_chosen_language(client, person):
    """Switching from bokmål to English: the next page, message included, is English."""
    client.force_login(person)
    response = client.post(
        reverse("profile"), {"full_name": "Original Navn", "language": "en"}, follow=True
    )
    assert response.status_code == 200
    page = text(response)
    assert '<html lang="en">' in page
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["Your profile is saved."]
