"""The practice register: who may see and change practices, search and highlights (with
PostgreSQL full-text where available), host suggestions, filters and htmx, bad input,
feedback shown only with consent, attachments, and query counts that do not grow.

Error messages are found by the ids ``partials/field.html`` gives them, so the tests hold
in any language."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from stdnum.no import fodselsnummer

from learning import phases
from learning.models import (
    Cycle,
    LearningPoint,
    Membership,
    Practice,
    PracticeAttachment,
    Unit,
    Visit,
    VisitFeedback,
)
from learning.search import (
    START_MARK,
    STOP_MARK,
    excerpt_highlight,
    highlight,
    search_practices,
    suggest_hosts,
)
from tests.factories import MembershipFactory, UnitFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)
on_sqlite_fallback = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="tests the search fallback for other databases"
)


# Helpers ------------------------------------------------------------------------------


def text(response) -> str:
    return response.content.decode()


def get_as(client, user, url, **kwargs):
    if user is not None:
        client.force_login(user)
    return client.get(url, **kwargs)


def make_practice(unit, title="Rolige måltider", **fields) -> Practice:
    fields.setdefault("description", "Vi spiser sammen i små grupper med dempet lys.")
    fields.setdefault("themes", "måltid, demens")
    return Practice.objects.create(unit=unit, title=title, **fields)


def observing_cycle(world, unit=None) -> Cycle:
    """A cycle of the sibling unit (or ``unit``), the side that visits."""
    unit = unit or world.sibling
    return Cycle.objects.create(
        unit=unit,
        owner=world.sibling_leader,
        title="Lære av andre",
        start_date=timezone.localdate(),
    )


def make_visit(practice, cycle, *, days=-3, status=Visit.Status.CONFIRMED) -> Visit:
    starts = timezone.now() + datetime.timedelta(days=days)
    return Visit.objects.create(
        cycle=cycle,
        host_unit=practice.unit,
        practice=practice,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        purpose="Se hvordan måltidet starter",
        status=status,
    )


def make_feedback(visit, works, *, show=True, sent=True) -> VisitFeedback:
    return VisitFeedback.objects.create(
        visit=visit,
        works=works,
        learned=f"Lært: {works}",
        show_on_practice=show,
        sent_at=timezone.now() if sent else None,
    )


def valid_national_id() -> str:
    """A fødselsnummer that passes both check digits (born 1 January 1990)."""
    for individual in range(100, 500):
        base = f"010190{individual:03d}"
        first = fodselsnummer.calc_check_digit1(base)
        second = fodselsnummer.calc_check_digit2(base + first)
        number = base + first + second
        if len(number) == 11 and fodselsnummer.is_valid(number):
            return number
    raise AssertionError("no valid fødselsnummer found")


def practice_data(**changes) -> dict:
    data = {
        "title": "Gode overganger",
        "description": "Slik tar vi imot nye barn om høsten.",
        "themes": "overganger, tilvenning",
        "contact": "",
        "visits_per_month": "2",
        "is_published": "on",
    }
    data.update(changes)
    return data


def listed_titles(response) -> list[str]:
    """The titles of the practices on a list page, in order."""
    return re.findall(r'<h3><a href="/practices/\d+/">([^<]*)</a></h3>', text(response))


@pytest.fixture
def practice(world) -> Practice:
    return make_practice(world.unit, contact=world.staff)


@pytest.fixture
def draft(world) -> Practice:
    return make_practice(world.unit, title="Utkast til praksis", is_published=False)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdf(name="plan.pdf", content=b"%PDF-1.4 kjoreplan") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# Who may see and change what ------------------------------------------------------------

IN_MUNICIPALITY = ["staff", "leader", "supporter", "union_rep", "hr", "senior", "sibling_leader"]
OUTSIDE = ["outsider_leader", "outsider_hr", "no_role"]


@pytest.mark.parametrize("person", [*IN_MUNICIPALITY, "superuser"])
def test_the_register_lists_published_practices_to_people_of_the_municipality(
    client, world, practice, draft, person
):
    response = get_as(client, world.person(person), reverse("practice_list"))
    assert response.status_code == 200
    assert listed_titles(response) == [practice.title]
    assert response.context["active_nav"] == "practices"


@pytest.mark.parametrize("person", OUTSIDE)
def test_the_register_shows_nothing_from_other_municipalities(client, world, practice, person):
    make_practice(world.other_unit, title="Nabokommunens praksis")
    response = get_as(client, world.person(person), reverse("practice_list"))
    assert response.status_code == 200
    assert practice.title not in listed_titles(response)
    if person == "outsider_leader":
        assert listed_titles(response) == ["Nabokommunens praksis"]


def test_the_register_leaves_out_practices_of_inactive_units(client, world, practice):
    Unit.objects.filter(pk=world.sibling.pk).update(is_active=False)
    make_practice(world.sibling, title="Nedlagt avdeling")
    response = get_as(client, world.staff, reverse("practice_list"))
    assert listed_titles(response) == [practice.title]


@pytest.mark.parametrize("person", [*IN_MUNICIPALITY, "superuser"])
def test_a_published_practice_is_open_to_the_municipality(client, world, practice, person):
    response = get_as(client, world.person(person), reverse("practice_detail", args=[practice.pk]))
    assert response.status_code == 200
    assert practice.title in text(response)


@pytest.mark.parametrize("person", OUTSIDE)
def test_a_practice_is_hidden_from_other_municipalities(client, world, practice, person):
    response = get_as(client, world.person(person), reverse("practice_detail", args=[practice.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("leader", 200),
        ("supporter", 200),
        ("enterprise_leader", 200),
        ("superuser", 200),
        ("staff", 404),
        ("union_rep", 404),
        ("hr", 404),
        ("sibling_leader", 404),
        ("outsider_leader", 404),
    ],
)
def test_a_draft_is_seen_only_by_those_who_may_change_it(client, world, draft, person, status):
    response = get_as(client, world.person(person), reverse("practice_detail", args=[draft.pk]))
    assert response.status_code == status


def test_the_edit_link_is_shown_only_to_contributors(client, world, practice):
    edit_url = reverse("practice_edit", args=[practice.pk])
    assert edit_url in text(
        get_as(client, world.leader, reverse("practice_detail", args=[practice.pk]))
    )
    assert edit_url not in text(
        get_as(client, world.staff, reverse("practice_detail", args=[practice.pk]))
    )


def test_the_unit_is_linked_only_for_those_who_may_view_it(client, world, practice):
    unit_url = reverse("unit_detail", args=[world.unit.pk])
    url = reverse("practice_detail", args=[practice.pk])
    assert unit_url in text(get_as(client, world.staff, url))
    assert unit_url not in text(get_as(client, world.sibling_leader, url))


CHANGE_CASES = [
    ("leader", 200),
    ("supporter", 200),
    ("enterprise_leader", 200),
    ("superuser", 200),
    ("staff", 403),
    ("union_rep", 403),
    ("hr", 403),
    ("senior", 403),
    ("sibling_leader", 404),
    ("outsider_leader", 404),
    ("no_role", 404),
]


@pytest.mark.parametrize(("person", "status"), CHANGE_CASES)
def test_who_may_share_a_practice(client, world, person, status):
    response = get_as(
        client, world.person(person), reverse("practice_create", args=[world.unit.pk])
    )
    assert response.status_code == status


@pytest.mark.parametrize(("person", "status"), CHANGE_CASES)
def test_who_may_edit_a_practice(client, world, practice, person, status):
    response = get_as(client, world.person(person), reverse("practice_edit", args=[practice.pk]))
    assert response.status_code == status


def test_staff_cannot_post_a_practice(client, world):
    client.force_login(world.staff)
    response = client.post(reverse("practice_create", args=[world.unit.pk]), practice_data())
    assert response.status_code == 403
    assert not Practice.objects.exists()


def test_a_sibling_leader_cannot_edit_another_units_practice(client, world, practice):
    client.force_login(world.sibling_leader)
    url = reverse("practice_edit", args=[practice.pk])
    response = client.post(url, practice_data(title="Overtatt"))
    assert response.status_code == 404
    practice.refresh_from_db()
    assert practice.title == "Rolige måltider"


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("practice_list", []),
        ("practice_detail", ["practice"]),
        ("practice_create", ["unit"]),
        ("practice_edit", ["practice"]),
        ("attachment_download", ["attachment"]),
    ],
)
def test_anonymous_people_are_sent_to_log_in(client, world, practice, media, name, args):
    attachment = PracticeAttachment.objects.create(practice=practice, title="Plan", file=pdf())
    objects = {"practice": practice.pk, "unit": world.unit.pk, "attachment": attachment.pk}
    url = reverse(name, args=[objects[arg] for arg in args])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("method", "name", "arg"),
    [
        ("get", "attachment_create", "practice"),
        ("get", "attachment_delete", "attachment"),
        ("post", "practice_list", None),
        ("post", "practice_detail", "practice"),
        ("post", "attachment_download", "attachment"),
        ("delete", "practice_edit", "practice"),
    ],
)
def test_wrong_methods_are_refused(client, world, practice, media, method, name, arg):
    attachment = PracticeAttachment.objects.create(practice=practice, title="Plan", file=pdf())
    objects = {"practice": practice.pk, "attachment": attachment.pk}
    url = reverse(name, args=[objects[arg]] if arg else [])
    client.force_login(world.leader)
    assert getattr(client, method)(url).status_code == 405


def test_the_share_links_name_the_units_the_person_contributes_to(client, world):
    response = get_as(client, world.enterprise_leader, reverse("practice_list"))
    html = text(response)
    for unit in (world.unit, world.sibling, world.unit.parent):
        assert reverse("practice_create", args=[unit.pk]) in html
    response = get_as(client, world.staff, reverse("practice_list"))
    assert "/practices/new/" not in text(response)


# Sharing and editing --------------------------------------------------------------------


def test_a_leader_shares_a_practice(client, world):
    client.force_login(world.leader)
    data = practice_data(contact=str(world.staff.pk))
    response = client.post(reverse("practice_create", args=[world.unit.pk]), data)
    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("practice_detail", args=[practice.pk])
    assert (practice.unit, practice.created_by, practice.contact) == (
        world.unit,
        world.leader,
        world.staff,
    )
    follow = client.get(response.url)
    assert "Gode overganger" in text(follow)
    assert list(follow.context["messages"])


def test_a_supporter_edits_a_practice(client, world, practice):
    client.force_login(world.supporter)
    url = reverse("practice_edit", args=[practice.pk])
    response = client.post(url, practice_data(title="Enda roligere måltider"))
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Enda roligere måltider"
    assert practice.unit == world.unit


def test_an_empty_title_is_refused_and_the_typed_text_kept(client, world):
    client.force_login(world.leader)
    typed = "Vi bruker en fast kjøreplan for første skoledag."
    response = client.post(
        reverse("practice_create", args=[world.unit.pk]), practice_data(title="", description=typed)
    )
    assert response.status_code == 422
    assert 'id="id_title_error"' in text(response)
    assert typed in text(response)
    assert not Practice.objects.exists()


def test_a_description_with_a_national_id_is_refused(client, world, practice):
    client.force_login(world.leader)
    description = f"Beboer {valid_national_id()} liker å spise tidlig."
    response = client.post(
        reverse("practice_edit", args=[practice.pk]), practice_data(description=description)
    )
    assert response.status_code == 422
    assert 'id="id_description_error"' in text(response)
    practice.refresh_from_db()
    assert "Beboer" not in practice.description


def test_a_contact_must_be_someone_of_the_unit(client, world):
    client.force_login(world.leader)
    data = practice_data(contact=str(world.outsider_leader.pk))
    response = client.post(reverse("practice_create", args=[world.unit.pk]), data)
    assert response.status_code == 422
    assert 'id="id_contact_error"' in text(response)


# Search ---------------------------------------------------------------------------------


@pytest.fixture
def catalogue(world):
    return {
        "title": make_practice(
            world.unit, "Rolige måltider", description="Vi spiser i små grupper.", themes=""
        ),
        "themes": make_practice(
            world.sibling, "Felles lunsj", description="Alle spiser sammen.", themes="måltid"
        ),
        "description": make_practice(
            world.sibling,
            "Trygg morgen",
            description="Frokosten er dagens viktigste måltid, og vi tar oss god tid.",
            themes="morgenstell",
        ),
        "other": make_practice(
            world.unit, "Gode overganger", description="Nye barn blir tatt imot.", themes=""
        ),
    }


def search(client, world, q, **params):
    return get_as(client, world.staff, reverse("practice_list"), data={"q": q, **params})


def test_search_finds_a_word_in_title_themes_or_description(client, world, catalogue):
    response = search(client, world, "måltid")
    assert sorted(listed_titles(response)) == ["Felles lunsj", "Rolige måltider", "Trygg morgen"]


def test_search_needs_every_word(client, world, catalogue):
    response = search(client, world, "måltid frokosten")
    assert listed_titles(response) == ["Trygg morgen"]


def test_a_blank_search_lists_everything_by_title(client, world, catalogue):
    response = search(client, world, "  ")
    assert listed_titles(response) == [
        "Felles lunsj",
        "Gode overganger",
        "Rolige måltider",
        "Trygg morgen",
    ]


def test_search_marks_the_match_in_the_description(client, world, catalogue):
    html = text(search(client, world, "frokosten"))
    assert "<mark>Frokosten</mark>" in html


def test_a_highlight_escapes_the_description(client, world):
    make_practice(
        world.unit,
        "Skummel praksis",
        description='Vi <script>alert("x")</script> spiser frokosten når 1 < 2 & 3 > 2 <b>ute</b>.',
    )
    html = text(search(client, world, "frokosten"))
    assert "<mark>frokosten</mark>" in html
    assert "1 &lt; 2 &amp; 3 &gt; 2" in html
    assert "<script>alert" not in html
    assert "<b>ute</b>" not in html
    if connection.vendor != "postgresql":
        # PostgreSQL's headline leaves out what looks like tags; the fallback escapes them.
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_list_without_search_escapes_the_description(client, world):
    make_practice(world.unit, "Skummel praksis", description="<script>alert(1)</script> hei")
    html = text(get_as(client, world.staff, reverse("practice_list")))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_highlight_turns_only_the_private_markers_into_mark():
    marked = highlight(f"før {START_MARK}måltid{STOP_MARK} <img src=x onerror=1> {START_MARK}x")
    assert marked == "før <mark>måltid</mark> &lt;img src=x onerror=1&gt; x"


def test_excerpt_highlight_centres_on_the_match_and_escapes():
    description = "Innledning " * 40 + "vi har <em>rolige</em> Måltider her. " + "Slutt " * 40
    excerpt = excerpt_highlight(description, "måltider rolige")
    assert "<mark>Måltider</mark>" in excerpt
    assert "&lt;em&gt;<mark>rolige</mark>&lt;/em&gt;" in excerpt
    assert excerpt.startswith("… ")
    assert excerpt.endswith(" …")
    assert len(excerpt) < 320


def test_excerpt_highlight_without_a_match_in_the_description():
    assert excerpt_highlight("Kort tekst & mer", "tittelord") == "Kort tekst &amp; mer"


@on_sqlite_fallback
def test_the_fallback_matches_in_any_case_and_orders_by_title(world, catalogue):
    make_practice(world.unit, "MÅLTIDER I STORE BOKSTAVER", description="Rop.", themes="")
    found = search_practices(Practice.objects.all(), "MÅLTID")
    assert [p.title for p in found] == [
        "Felles lunsj",
        "MÅLTIDER I STORE BOKSTAVER",
        "Rolige måltider",
        "Trygg morgen",
    ]
    assert [p.title for p in search_practices(Practice.objects.all(), "måltid")] == [
        p.title for p in found
    ]


@on_postgresql
def test_full_text_search_finds_inflected_forms(world):
    make_practice(
        world.unit, "Ro ved bordet", description="Måltidene er rolige og trygge.", themes=""
    )
    make_practice(world.unit, "Morgenstell", description="Vi vasker oss.", themes="")
    found = search_practices(Practice.objects.all(), "måltid")
    assert [p.title for p in found] == ["Ro ved bordet"]
    assert found[0].headline


@on_postgresql
def test_full_text_search_ranks_a_title_match_above_a_description_match(world):
    make_practice(
        world.unit, "Aaa beskrivelse", description="Her handler det om demens.", themes=""
    )
    make_practice(world.unit, "Zzz demens", description="Vi snakker rolig.", themes="")
    found = list(search_practices(Practice.objects.all(), "demens"))
    assert [p.title for p in found] == ["Zzz demens", "Aaa beskrivelse"]
    assert found[0].rank > found[1].rank


@on_postgresql
def test_full_text_search_is_answered_from_the_index(world):
    """The migration's index expression must stay the one the search filters on; else
    PostgreSQL would build every practice's text-search vector for every search."""
    make_practice(world.unit, "Ro ved bordet", description="Måltidene er rolige.", themes="")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # few rows: make the index worth it
    plan = search_practices(Practice.objects.all(), "måltid").explain()
    assert "learning_practice_search" in plan


@on_postgresql
def test_full_text_highlight_marks_the_inflected_word(client, world):
    make_practice(
        world.unit, "Ro ved bordet", description="Måltidene er rolige & trygge <i>.", themes=""
    )
    html = text(search(client, world, "måltid"))
    assert "<mark>Måltidene</mark> er rolige &amp; trygge" in html
    assert "<i>" not in html


# Host suggestions -----------------------------------------------------------------------


@pytest.fixture
def cycle(world) -> Cycle:
    cycle = phases.start_cycle(
        unit=world.unit,
        owner=world.leader,
        title="Gode måltider",
        start_date=timezone.localdate(),
        actor=world.leader,
    )
    cycle.learning_need = "Roligere måltider for beboere med demens"
    cycle.focus_question = "Hvordan skaper de ro rundt måltidene?"
    cycle.save()
    LearningPoint.objects.create(
        cycle=cycle, title="Dempet lys", observe="Belysning og lyd", learn="Ro", train="Øving"
    )
    return cycle


def test_suggest_hosts_puts_the_best_match_first_and_leaves_out_the_wrong_units(
    world, cycle, django_assert_max_num_queries
):
    best = make_practice(
        world.sibling,
        "Rolige måltider",
        description="Måltider med dempet lys for beboere med demens.",
        themes="demens",
    )
    some = make_practice(
        world.sibling, "Aktiviteter", description="Sang for personer med demens.", themes=""
    )
    make_practice(world.sibling, "Overganger", description="Nye barn om høsten.", themes="")
    make_practice(world.unit, "Egne måltider", description="Demens og måltider.")
    make_practice(world.other_unit, "Nabomåltider", description="Demens og måltider.")
    make_practice(world.sibling, "Utkast", description="Demens og måltider.", is_published=False)
    closed = UnitFactory(municipality=world.unit.municipality, name="Nedlagt", is_active=False)
    make_practice(closed, "Nedlagte måltider", description="Demens og måltider.")

    cycle = Cycle.objects.select_related("unit").get(pk=cycle.pk)
    with django_assert_max_num_queries(2):
        suggestions = suggest_hosts(cycle)
    assert suggestions == [best, some]
    assert suggest_hosts(cycle, limit=1) == [best]


def test_suggest_hosts_without_any_text_is_empty(world):
    cycle = observing_cycle(world, world.unit)
    make_practice(world.sibling)
    assert suggest_hosts(cycle) == []


# Filters, htmx and pages ----------------------------------------------------------------


@pytest.fixture
def home_care(world) -> Unit:
    """A home care unit in another sector of the same municipality."""
    unit = UnitFactory(
        municipality=world.unit.municipality,
        name="Hjemmetjenesten Nord",
        unit_type=Unit.UnitType.HOME_CARE,
    )
    MembershipFactory(unit=unit, role=Membership.Role.LEADER)
    return unit


def test_filter_by_sector(client, world, practice, home_care):
    make_practice(home_care, "Trygge hjemmebesøk")
    sector = world.unit.parent.parent
    response = search(client, world, "", sector=sector.pk)
    assert listed_titles(response) == [practice.title]


def test_filter_by_unit_type(client, world, practice, home_care):
    make_practice(home_care, "Trygge hjemmebesøk")
    response = search(client, world, "", unit_type=Unit.UnitType.HOME_CARE)
    assert listed_titles(response) == ["Trygge hjemmebesøk"]


def test_filter_and_search_combine(client, world, practice, home_care):
    make_practice(home_care, "Måltider hjemme", themes="måltid")
    response = search(client, world, "måltid", unit_type=Unit.UnitType.NURSING_HOME)
    assert listed_titles(response) == [practice.title]


def test_an_htmx_search_gets_only_the_results(client, world, catalogue):
    response = get_as(
        client, world.staff, reverse("practice_list"), data={"q": "frokosten"}, **HTMX
    )
    assert response.status_code == 200
    html = text(response)
    assert "<html" not in html
    assert 'role="search"' not in html
    assert listed_titles(response) == ["Trygg morgen"]
    assert "HX-Request" in response["Vary"]


def test_the_full_page_has_the_search_wired_for_htmx(client, world):
    html = text(get_as(client, world.staff, reverse("practice_list")))
    assert 'type="search"' in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'hx-target="#results"' in html
    assert 'id="results" aria-live="polite"' in html


def test_the_list_shows_unit_type_themes_contact_capacity_and_visits(client, world, practice):
    cycle = observing_cycle(world)
    make_visit(practice, cycle)
    make_visit(practice, cycle, days=-10)
    make_visit(practice, cycle, days=5)  # not hosted yet
    make_visit(practice, cycle, days=-1, status=Visit.Status.DECLINED)
    response = get_as(client, world.staff, reverse("practice_list"))
    shown = response.context["page_obj"].object_list[0]
    assert shown.hosted_count == 2
    html = text(response)
    for expected in (world.unit.name, "demens", world.staff.full_name):
        assert expected in html
    assert world.unit.get_unit_type_display() in html


def test_pages_of_25_keep_the_search(client, world):
    for number in range(30):
        make_practice(world.unit, f"Praksis {number:02d}", themes="tema")
    response = search(client, world, "tema")
    assert len(listed_titles(response)) == 25
    html = text(response)
    assert "?q=tema&amp;page=2" in html
    second = search(client, world, "tema", page=2)
    assert listed_titles(second) == [f"Praksis {number}" for number in range(25, 30)]
    assert "?q=tema&amp;page=1" in text(second)
    # A page past the end shows the last page.
    assert listed_titles(search(client, world, "tema", page=99)) == listed_titles(second)


# The practice page ----------------------------------------------------------------------


def test_the_page_shows_only_visits_that_took_place(client, world, practice):
    cycle = observing_cycle(world)
    make_visit(practice, cycle, days=-7)
    make_visit(practice, observing_cycle(world, UnitFactory(name="Fremtidig")), days=7)
    make_visit(
        practice,
        observing_cycle(world, UnitFactory(name="Avlyst")),
        days=-2,
        status=Visit.Status.CANCELLED,
    )
    response = get_as(client, world.staff, reverse("practice_detail", args=[practice.pk]))
    assert [v.cycle.unit.name for v in response.context["hosted_visits"]] == [world.sibling.name]
    assert "Fremtidig" not in text(response)
    assert "Avlyst" not in text(response)


def test_the_page_shows_only_feedback_that_was_sent_with_consent(client, world, practice):
    cycle = observing_cycle(world)
    make_feedback(make_visit(practice, cycle, days=-3), "Rolig stemning ved bordet")
    make_feedback(make_visit(practice, cycle, days=-4), "Hemmelig ros", show=False)
    make_feedback(make_visit(practice, cycle, days=-5), "Ikke sendt ennå", sent=False)
    html = text(
        get_as(client, world.sibling_leader, reverse("practice_detail", args=[practice.pk]))
    )
    assert "Rolig stemning ved bordet" in html
    assert "Lært: Rolig stemning ved bordet" in html
    assert world.sibling.name in html
    assert "Hemmelig ros" not in html
    assert "Ikke sendt ennå" not in html


def test_the_description_keeps_its_lines_and_is_escaped(client, world):
    practice = make_practice(world.unit, description="Første linje\n\nAndre <i>linje</i>")
    html = text(get_as(client, world.staff, reverse("practice_detail", args=[practice.pk])))
    assert "<p>Første linje</p>" in html
    assert "Andre &lt;i&gt;linje&lt;/i&gt;" in html


def test_without_a_contact_the_page_names_the_units_leader(client, world):
    practice = make_practice(world.unit)
    html = text(get_as(client, world.staff, reverse("practice_detail", args=[practice.pk])))
    assert world.leader.full_name in html


# Attachments ----------------------------------------------------------------------------


def test_a_leader_attaches_downloads_and_deletes_a_file(
    client, world, practice, media, django_capture_on_commit_callbacks
):
    client.force_login(world.leader)
    content = b"%PDF-1.4 kjoreplan for maltidet"
    response = client.post(
        reverse("attachment_create", args=[practice.pk]),
        {"title": "Kjøreplan", "file": pdf("kjoreplan.pdf", content)},
    )
    assert response.status_code == 302
    attachment = PracticeAttachment.objects.get()
    path = media / attachment.file.name
    assert path.read_bytes() == content

    page = text(client.get(reverse("practice_detail", args=[practice.pk])))
    assert reverse("attachment_download", args=[attachment.pk]) in page

    client.force_login(world.sibling_leader)
    download = client.get(reverse("attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"] == 'attachment; filename="kjoreplan.pdf"'

    client.force_login(world.leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attachment_delete", args=[attachment.pk]))
    assert response.status_code == 302
    assert not PracticeAttachment.objects.exists()
    assert not path.exists()


def test_an_exe_file_is_refused(client, world, practice, media):
    client.force_login(world.leader)
    upload = SimpleUploadedFile("verktoy.exe", b"MZ\x90\x00", content_type="application/x-msdos")
    response = client.post(
        reverse("attachment_create", args=[practice.pk]), {"title": "Verktøy", "file": upload}
    )
    assert response.status_code == 422
    html = text(response)
    assert 'id="id_file_error"' in html
    assert practice.title in html  # the practice page, shown again with the error
    assert 'enctype="multipart/form-data"' in html
    assert not PracticeAttachment.objects.exists()
    assert not any(media.rglob("*.exe"))


def test_staff_can_neither_attach_nor_delete(client, world, practice, media):
    attachment = PracticeAttachment.objects.create(practice=practice, title="Plan", file=pdf())
    client.force_login(world.staff)
    response = client.post(
        reverse("attachment_create", args=[practice.pk]), {"title": "Mer", "file": pdf("mer.pdf")}
    )
    assert response.status_code == 403
    assert client.post(reverse("attachment_delete", args=[attachment.pk])).status_code == 403
    assert PracticeAttachment.objects.count() == 1
    assert (media / attachment.file.name).exists()


@pytest.mark.parametrize(("person", "status"), [("staff", 404), ("leader", 200)])
def test_a_drafts_attachments_are_hidden_like_the_draft(
    client, world, draft, media, person, status
):
    attachment = PracticeAttachment.objects.create(practice=draft, title="Plan", file=pdf())
    response = get_as(
        client, world.person(person), reverse("attachment_download", args=[attachment.pk])
    )
    assert response.status_code == status


def test_attachments_are_hidden_from_other_municipalities(client, world, practice, media):
    attachment = PracticeAttachment.objects.create(practice=practice, title="Plan", file=pdf())
    response = get_as(
        client, world.outsider_leader, reverse("attachment_download", args=[attachment.pk])
    )
    assert response.status_code == 404


# Query counts ---------------------------------------------------------------------------


def count_queries(client, url, **kwargs) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(context.captured_queries)


def add_practices(world, count: int, start: int = 0) -> None:
    cycle = observing_cycle(world)
    units = [world.unit, world.sibling]
    for number in range(start, start + count):
        practice = make_practice(
            units[number % 2], f"Måltid nummer {number:02d}", themes="måltid", contact=world.staff
        )
        make_feedback(make_visit(practice, cycle, days=-3), f"Bra nummer {number}")
        make_visit(practice, cycle, days=-8)


@pytest.mark.parametrize("person", ["staff", "leader"])
@pytest.mark.parametrize("q", ["", "måltid"])
def test_the_list_uses_the_same_number_of_queries_for_5_and_30_practices(client, world, q, person):
    client.force_login(world.person(person))
    url = reverse("practice_list")
    add_practices(world, 5)
    count_queries(client, url, data={"q": q})  # warm up
    small = count_queries(client, url, data={"q": q})
    add_practices(world, 25, start=5)
    large = count_queries(client, url, data={"q": q})
    assert large == small, f"{small} queries for 5 practices, {large} for 30"
    assert large <= LIST_QUERIES


def add_history(world, practice, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        unit = UnitFactory(municipality=world.unit.municipality, name=f"Besøkende {number}")
        visit = make_visit(practice, observing_cycle(world, unit), days=-2 - number)
        make_feedback(visit, f"Bra ting nummer {number}")
        PracticeAttachment.objects.create(
            practice=practice, title=f"Vedlegg {number}", file=f"practices/vedlegg{number}.pdf"
        )


@pytest.mark.parametrize("with_contact", [True, False], ids=["contact", "no-contact"])
@pytest.mark.parametrize("person", ["staff", "leader"])
def test_the_page_uses_the_same_number_of_queries_for_1_and_10_visits(
    client, world, practice, person, with_contact
):
    if not with_contact:
        Practice.objects.filter(pk=practice.pk).update(contact=None)
    client.force_login(world.person(person))
    url = reverse("practice_detail", args=[practice.pk])
    add_history(world, practice, 1)
    count_queries(client, url)  # warm up
    small = count_queries(client, url)
    add_history(world, practice, 9, start=1)
    large = count_queries(client, url)
    assert large == small, f"{small} queries for 1 visit, {large} for 10"
    assert large <= DETAIL_QUERIES


# Measured (the same on SQLite and PostgreSQL). The list: 9 queries as staff (session,
# user, the user's municipality, access ×2, former-municipality choices, count, page,
# sector choices); 11 as a leader, who adds the units below those led and the share links.
# The page: 9 as staff (session, user, municipality, practice, access ×2, attachments,
# visits, feedback), 10 as a leader (the units below); a practice without a contact person
# adds its unit's leaders (10 and 11). The bounds add a margin of one.
LIST_QUERIES = 12
DETAIL_QUERIES = 12
