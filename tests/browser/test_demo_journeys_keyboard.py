"""Journeys 1 and 3 on the demo data by keyboard alone: Tab, typing, Enter and Space.

Nothing is clicked or filled: ``tab_to`` presses Tab until the wanted element has focus,
and every element Tab lands on must show where the focus is (an outline or a box shadow),
as WCAG 2.4.7 asks. Pages are opened by address only where a person would type one (the
login page). The people read bokmål, so the locators read as the texts in ``locale/nb``.
axe-core checks each page and each state an htmx update leaves (the ``axe`` fixture); it
does not move the focus.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails where REQUIRE_SERVICES is set
    expect = None

from learning.demo import MEALS_CYCLE, SKJERMET
from learning.models import Cycle, Phase, Practice, Reflection, Visit
from tests.browser.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGTID = "Avdeling 1 – langtid"
ISBAR = "Strukturert rapport og dokumentasjon med ISBAR"

# The focused element when it shows no focus indicator (its start tag), else "".
MISSING_FOCUS_INDICATOR = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return "";
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "" && style.boxShadow !== "none";
  return outline || shadow ? "" : el.outerHTML.slice(0, 160);
}"""


def tab_to(page, locator, max_tabs: int = 80) -> None:
    """Press Tab until ``locator`` has focus; each element on the way shows its focus."""
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        missing = page.evaluate(MISSING_FOCUS_INDICATOR)
        assert missing == "", f"no visible focus indicator on {missing} ({page.url})"
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{max_tabs} presses of Tab did not reach {locator} on {page.url}")


def enter_to_load(page) -> None:
    """Press Enter on the focused link or form button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def keyboard_login(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/login/")
    tab_to(page, page.get_by_label("E-postadresse"))
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Passord")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    enter_to_load(page)
    expect(page).not_to_have_url(re.compile(r"/login/"))


def _same_day_and_month(after: datetime.date) -> datetime.date:
    """The first day after ``after`` whose day equals its month (12.12., 1.1., …).

    A date input's fields come in the order of the browser's own language (day or month
    first); typed digits then land in the right fields whichever comes first.
    """
    day = after + datetime.timedelta(days=1)
    while day.day != day.month:
        day += datetime.timedelta(days=1)
    return day


def type_datetime(page, day: datetime.date, hour: int, minute: int) -> None:
    """Type a date and time into the focused datetime-local input, field by field: the
    year needs Tab to move on; "a" answers AM/PM where the browser has a 12-hour clock
    (the hours here are before noon) and is ignored where it has not."""
    assert hour < 12
    page.keyboard.type(f"{day.day:02d}{day.month:02d}{day.year}")
    page.keyboard.press("Tab")
    page.keyboard.type(f"{hour:02d}{minute:02d}a")


def _meals_cycle() -> Cycle:
    return Cycle.objects.get(unit__name=SKJERMET, title=MEALS_CYCLE)


def test_journey_1_by_keyboard_alone(demo, page, live_server, axe):
    """Journey 1 (see test_demo_journeys.py): phase 3 completed, phase 4, the ISBAR
    practice chosen as host and a visit requested – with the keyboard only."""
    cycle = _meals_cycle()
    keyboard_login(page, live_server, "leder@demo.kommune.no")
    axe.check(page, "start page")
    tab_to(page, page.get_by_role("link", name=MEALS_CYCLE).first)
    enter_to_load(page)
    expect(page).to_have_url(f"{live_server.url}/cycles/{cycle.pk}/")
    axe.check(page, "cycle in phase 3")
    tab_to(page, page.get_by_role("link", name="Arbeid med fase 3"))
    enter_to_load(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fase 3: Definere læringspunkter")
    axe.check(page, "phase 3")

    # The focus question is kept; focus moves to the confirmation.
    tab_to(page, page.locator("#focus").get_by_role("button", name="Lagre"))
    page.keyboard.press("Enter")
    status = page.locator("#focus").get_by_role("status")
    expect(status).to_have_text("Lagret.")
    expect(status).to_be_focused()
    axe.check(page, "focus question saved")

    # A learning point: open "Legg til et læringspunkt" and write it, field by field.
    points = page.locator("#learning-points")
    tab_to(page, points.locator("summary", has_text="Legg til et læringspunkt"))
    page.keyboard.press("Enter")
    for label, text in [
        ("Læringspunkt", "Rapport om mat og drikke ved vaktskiftet"),
        ("Hva som skal observeres", "Hvordan de gir rapport om mat og drikke."),
        ("Hva som skal læres", "En kort og lik rapport ved hvert vaktskifte."),
        ("Hvordan opplæring og veiledning", "Vi øver på vaktskiftet i to uker."),
    ]:
        tab_to(page, points.get_by_label(label), max_tabs=3)
        page.keyboard.type(text)
    tab_to(page, points.get_by_role("button", name="Legg til læringspunkt"), max_tabs=2)
    page.keyboard.press("Enter")
    expect(page.locator("#learning-points").get_by_role("status")).to_be_focused()
    expect(page.locator("#learning-points")).to_contain_text(
        "Rapport om mat og drikke ved vaktskiftet"
    )
    axe.check(page, "learning point added")

    # Back to the cycle, and on to phase 4.
    tab_to(page, page.get_by_role("link", name=f"← {MEALS_CYCLE}"))
    enter_to_load(page)
    tab_to(page, page.get_by_role("button", name="Gå til fase 4"))
    enter_to_load(page)
    expect(page.get_by_role("status")).to_contain_text("Løpet har gått videre.")
    axe.check(page, "cycle moved to phase 4")
    tab_to(page, page.get_by_role("link", name="Arbeid med fase 4"))
    enter_to_load(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fase 4: Koble seg på beste praksis")
    axe.check(page, "phase 4")

    # The host: a practice from the register, picked by typing its first letters.
    host = page.locator("#host")
    tab_to(page, host.locator("summary", has_text="Bytt vert"))
    page.keyboard.press("Enter")
    tab_to(page, host.get_by_label("En praksis fra registeret"), max_tabs=3)
    page.keyboard.type("Strukturert")
    expect(host.get_by_label("En praksis fra registeret")).to_have_value(
        str(Practice.objects.get(title=ISBAR).pk)
    )
    tab_to(page, host.get_by_label("Eller en enhet i kommunen"), max_tabs=3)
    page.keyboard.type("Ingen")
    expect(host.get_by_label("Eller en enhet i kommunen")).to_have_value("")
    tab_to(page, host.get_by_role("button", name="Lagre verten"), max_tabs=5)
    page.keyboard.press("Enter")
    host = page.locator("#host")
    expect(host.get_by_role("status")).to_be_focused()
    expect(host.locator(".highlight")).to_have_text(f"{LANGTID} – {ISBAR}")
    axe.check(page, "host saved")

    # The visit request.
    tab_to(page, host.get_by_role("link", name="Spør om å komme på besøk"), max_tabs=5)
    enter_to_load(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Spør {LANGTID} om å komme på besøk")
    axe.check(page, "visit request form")
    day = _same_day_and_month(timezone.localdate() + datetime.timedelta(days=1))
    tab_to(page, page.get_by_label("Starttidspunkt"))
    type_datetime(page, day, 9, 0)
    tab_to(page, page.get_by_label("Sluttidspunkt"), max_tabs=4)
    type_datetime(page, day, 11, 30)
    expect(page.get_by_label("Starttidspunkt")).to_have_value(f"{day.isoformat()}T09:00")
    expect(page.get_by_label("Sluttidspunkt")).to_have_value(f"{day.isoformat()}T11:30")
    tab_to(page, page.get_by_label("Ola Nordmann"))
    page.keyboard.press("Space")
    expect(page.get_by_label("Ola Nordmann")).to_be_checked()
    tab_to(page, page.get_by_label("Formål"))
    page.keyboard.type("Se hvordan dere gir rapport etter ISBAR ved vaktskiftet.")
    tab_to(page, page.get_by_role("button", name="Send forespørselen"), max_tabs=3)
    enter_to_load(page)
    expect(page.get_by_role("status")).to_contain_text("Forespørselen er sendt. Verten svarer her.")
    axe.check(page, "visit requested")

    cycle.refresh_from_db()
    assert cycle.current_phase == Phase.BEST_PRACTICE
    assert cycle.learning_points.filter(title="Rapport om mat og drikke ved vaktskiftet").exists()
    visit = Visit.objects.get(cycle=cycle, host_unit__name=LANGTID)
    assert timezone.localtime(visit.starts_at).date() == day
    assert [person.email for person in visit.observers.all()] == ["ansatt@demo.kommune.no"]
    assert page.js_errors == [], page.js_errors
    axe.assert_clean()


SECRET = "Jeg gruer meg til hver kveldsvakt alene med beboerne på skjermet."


def test_journey_3_by_keyboard_alone(demo, page, phone_page, live_server, axe):
    """Journey 3 (see test_demo_journeys.py) with the keyboard only: ansatt@ writes a
    private reflection on a phone-sized screen; leder@ opens the unit's reflections and
    finds only that people have reflected."""
    cycle = _meals_cycle()
    staff = phone_page
    keyboard_login(staff, live_server, "ansatt@demo.kommune.no")
    axe.check(staff, "start page, phone")
    tab_to(staff, staff.get_by_role("link", name=f"Skriv en refleksjon – {MEALS_CYCLE}"))
    enter_to_load(staff)
    expect(staff.get_by_role("heading", level=1)).to_have_text("Skriv en refleksjon")
    axe.check(staff, "reflection form, phone")
    tab_to(staff, staff.get_by_label("Hva skjedde? Hva observerte jeg?"))
    staff.keyboard.type(SECRET)
    tab_to(staff, staff.get_by_label("Med egne ord"))
    staff.keyboard.type("Skal snakke med tillitsvalgt.")
    tab_to(staff, staff.get_by_label("Bare meg"))
    staff.keyboard.press("Space")
    expect(staff.get_by_label("Bare meg")).to_be_checked()
    expect(staff.locator("#draft-status")).to_contain_text("Utkastet er lagret kl.")
    tab_to(staff, staff.get_by_role("button", name="Lagre refleksjonen"))
    enter_to_load(staff)
    expect(staff.get_by_role("status")).to_contain_text(
        "Refleksjonen din er lagret. Bare du kan lese den."
    )
    expect(staff.locator("main")).to_contain_text(SECRET)
    axe.check(staff, "reflection saved, phone")
    reflection = Reflection.objects.get(
        author__email="ansatt@demo.kommune.no", search_text__icontains="kveldsvakt alene"
    )
    assert not reflection.is_draft
    assert reflection.visibility == Reflection.Visibility.PRIVATE

    keyboard_login(page, live_server, "leder@demo.kommune.no")
    tab_to(page, page.get_by_role("link", name=MEALS_CYCLE).first)
    enter_to_load(page)
    tab_to(page, page.get_by_role("link", name="Refleksjoner i enheten"))
    enter_to_load(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Refleksjoner i enheten")
    expect(page.locator("main")).to_contain_text("har reflektert")
    axe.check(page, "the unit's reflections")
    assert "kveldsvakt alene" not in page.content()
    assert cycle.pk == reflection.cycle_id
    for person in (staff, page):
        assert person.js_errors == [], person.js_errors
    axe.assert_clean()
