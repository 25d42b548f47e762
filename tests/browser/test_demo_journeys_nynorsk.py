"""The demo journeys in nynorsk: spot checks of the headings people meet on the way.

Two ways into nynorsk: hr.fjordnes@ works in Fjordnes, a nynorsk municipality, and gets
its language form without choosing anything; leder@ (Elvedal, bokmål) switches to nynorsk
with the language switcher in the page header, and walks the pages of journeys 1–3. The
expected texts are the nynorsk translations (``locale/nn``), written out, so a missing
translation fails the test instead of matching an English fallback. axe-core checks
every page in nynorsk as well (the ``axe`` fixture).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails where REQUIRE_SERVICES is set
    expect = None

from learning.demo import MEALS_CYCLE, SKJERMET
from learning.models import Cycle, User, Visit
from programmes.models import Programme
from tests.browser.conftest import DEMO_PASSWORD, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROGRAMME = "Kollegalæring 2027 – helse og omsorg"


def _headings(page, axe, url: str, h1: str, *h2: str) -> None:
    """Open ``url``: its <h1> and the given <h2>s read in nynorsk, and the page says so;
    axe checks the page."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    assert page.locator("html").get_attribute("lang") == "nn", url
    expect(page.get_by_role("heading", level=1)).to_have_text(h1)
    for name in h2:
        expect(page.get_by_role("heading", level=2, name=name, exact=True)).to_be_visible()
    axe.check(page, "nynorsk")


def test_journey_5_nynorsk_for_the_coordinator_of_a_nynorsk_municipality(
    demo, page, live_server, axe
):
    """hr.fjordnes@ has chosen no language: Fjordnes' language form, nynorsk, is used."""
    person = User.objects.get(email="hr.fjordnes@demo.kommune.no")
    assert person.language == ""
    programme = Programme.objects.get(title=PROGRAMME)
    login(page, live_server, person.email, DEMO_PASSWORD)
    site = live_server.url
    _headings(
        page, axe, site + reverse("home"), "Velkomen, Frida", "Programma mine i Fjordnes kommune"
    )
    mine = page.locator(
        "section", has=page.get_by_role("heading", name="Programma mine i Fjordnes kommune")
    )
    expect(mine.get_by_role("link", name=PROGRAMME)).to_be_visible()
    expect(page.get_by_role("navigation", name="Hovudmeny")).to_be_visible()
    expect(page.get_by_role("link", name="Hopp til hovudinnhald")).to_be_attached()
    _headings(page, axe, site + reverse("programme_list"), "Nettverksprogram")
    _headings(
        page,
        axe,
        site + reverse("programme_detail", args=[programme.pk]),
        PROGRAMME,
        "Om programmet",
        "Samlingar",
        "Nettverk",
        "Einingar",
    )
    _headings(
        page,
        axe,
        site + reverse("programme_reports", args=[programme.pk]),
        f"Rapportar: {PROGRAMME}",
        "Nøkkeltal i dag",
        "Lag ein rapport",
    )
    _headings(page, axe, site + reverse("unit_list"), "Einingar")
    _headings(page, axe, site + reverse("my_reflections"), "Refleksjonane mine")
    _headings(page, axe, site + reverse("profile"), "Profilen min")
    assert page.js_errors == [], page.js_errors
    axe.assert_clean()


def test_journey_5_nynorsk_for_a_leader_who_switches_to_it(demo, page, live_server, axe):
    """leder@ reads bokmål, switches to nynorsk in the page header, and meets nynorsk on
    the pages of journeys 1–3: the cycle, phases 3 and 4, the visit request, the visit,
    the reflection form and the unit's reflections. The choice is kept on the person."""
    cycle = Cycle.objects.get(unit__name=SKJERMET, title=MEALS_CYCLE)
    visit = Visit.objects.get(cycle=cycle, host_unit__name="Avdeling Fjordgløtt")
    login(page, live_server, "leder@demo.kommune.no", DEMO_PASSWORD)
    site = live_server.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen, Ingrid")

    page.get_by_label("Språk", exact=True).select_option("nn")
    page.locator(".language-switcher").get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkomen, Ingrid")
    assert User.objects.get(email="leder@demo.kommune.no").language == "nn"

    _headings(page, axe, site + reverse("home"), "Velkomen, Ingrid", "Einingar der eg er leiar")
    page.goto(site + reverse("cycle_detail", args=[cycle.pk]))
    expect(page.locator("section.current-phase").get_by_role("heading", level=2)).to_have_text(
        "Fase 3: Definere læringspunkt"
    )
    axe.check(page, "nynorsk")
    _headings(
        page,
        axe,
        site + reverse("phase_detail", args=[cycle.pk, 3]),
        "Fase 3: Definere læringspunkt",
        "Dette treng fasen",
        "Fokusspørsmål",
        "Læringspunkt",
    )
    _headings(
        page,
        axe,
        site + reverse("phase_detail", args=[cycle.pk, 4]),
        "Fase 4: Kople seg på beste praksis",
        "Verten",
        "Forslag til praksisar",
        "Kvar vi har leita",
    )
    _headings(
        page,
        axe,
        site + reverse("visit_request", args=[cycle.pk]),
        "Spør Avdeling Fjordgløtt om å kome på besøk",
    )
    _headings(
        page,
        axe,
        site + reverse("visit_detail", args=[visit.pk]),
        f"{SKJERMET} besøkjer Avdeling Fjordgløtt",
    )
    _headings(page, axe, site + reverse("reflection_new", args=[cycle.pk]), "Skriv ein refleksjon")
    _headings(
        page, axe, site + reverse("reflection_board", args=[cycle.pk]), "Refleksjonar i eininga"
    )
    assert page.js_errors == [], page.js_errors
    axe.assert_clean()
