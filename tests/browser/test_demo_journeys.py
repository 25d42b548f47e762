"""The demo, walked through in a real browser by the people who sign in to it.

Each test seeds the demo (``demo`` fixture) and signs in with the demo logins (README,
"Demo data"). The demo people read the pages in bokmål, the language of their
municipality, so the locators read as the bokmål texts in ``locale/nb``. Journeys 1–4 of
the browser journeys; journey 5, the nynorsk and keyboard-only runs, is in
``test_demo_journeys_nynorsk.py`` and ``test_demo_journeys_keyboard.py``. Every journey
ends with no JavaScript errors on any page it visited (CSP violations included), and
with no axe-core violations on any page or page state it met (the ``axe`` fixture).
"""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails where REQUIRE_SERVICES is set
    expect = None

from learning.demo import MEALS_CYCLE, SKJERMET
from learning.models import Cycle, Phase, Reflection, VisibilityChange, Visit
from programmes.models import Gathering, Programme, Submission
from tests.browser.conftest import DEMO_PASSWORD, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEADER = "leder@demo.kommune.no"
STAFF = "ansatt@demo.kommune.no"
HOST = "vert@demo.kommune.no"
HR = "hr@demo.kommune.no"

FJORDGLOTT = "Avdeling Fjordgløtt"
LANGTID = "Avdeling 1 – langtid"
ISBAR = "Strukturert rapport og dokumentasjon med ISBAR"
NEW_POINT = "Rapport om mat og drikke ved vaktskiftet"


def _local_input(moment: datetime.datetime) -> str:
    """The value a datetime-local input takes, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _meals_cycle() -> Cycle:
    return Cycle.objects.get(unit__name=SKJERMET, title=MEALS_CYCLE)


# Journey 1: the leader completes phase 3, chooses a host and asks for a visit


def test_journey_1_leader_completes_phase_3_and_asks_a_host_for_a_visit(
    demo, new_page, live_server, axe
):
    """leder@ works on the demo cycle "Gode måltider i skjermet enhet", which is in phase 3.

    The demo cycle already has its focus question, two learning points, a host from the
    practice register (Avdeling Fjordgløtt's "Rolige måltider med vertskap") and a visit
    request to Fjordgløtt waiting for vert@'s answer: the unit looked ahead while still
    in phase 3. So the leader keeps the focus question (saving it as it is), adds a third
    learning point about the report at shift change, moves the cycle to phase 4, finds a
    second host for that point in the practice register (Avdeling 1 – langtid's ISBAR
    practice), makes it the cycle's host and asks it for a visit. The request to
    Fjordgløtt stays as it was.
    """
    cycle = _meals_cycle()
    assert cycle.current_phase == Phase.LEARNING_POINTS
    focus_question = cycle.focus_question
    fjordglott_visit = Visit.objects.get(cycle=cycle, host_unit__name=FJORDGLOTT)

    page = new_page()
    login(page, live_server, LEADER, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen, Ingrid")
    axe.check(page, "start page")
    page.get_by_role("link", name=MEALS_CYCLE).first.click()
    expect(page).to_have_url(f"{live_server.url}/cycles/{cycle.pk}/")
    current = page.locator("section.current-phase")
    expect(current.get_by_role("heading", level=2)).to_have_text("Fase 3: Definere læringspunkter")
    axe.check(page, "cycle in phase 3")

    # Phase 3: the focus question is kept, a learning point is added (both in place).
    current.get_by_role("link", name="Arbeid med fase 3").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fase 3: Definere læringspunkter")
    axe.check(page, "phase 3")
    page.evaluate("window.__sameDocument = true")
    focus = page.locator("#focus")
    expect(focus.get_by_label("Fokusspørsmål")).to_have_value(focus_question)
    focus.get_by_role("button", name="Lagre").click()
    expect(page.locator("#focus").get_by_role("status")).to_have_text("Lagret.")
    axe.check(page, "focus question saved")

    points = page.locator("#learning-points")
    points.get_by_text("Legg til et læringspunkt").click()
    points.get_by_label("Læringspunkt").fill(NEW_POINT)
    points.get_by_label("Hva som skal observeres").fill(
        "Hvordan de gir muntlig rapport om mat, drikke og vekt ved vaktskiftet."
    )
    points.get_by_label("Hva som skal læres").fill(
        "En kort og lik rapport som gjør at neste vakt vet hvem som har spist og drukket lite."
    )
    points.get_by_label("Hvordan opplæring og veiledning skal organiseres").fill(
        "Vi øver på rapporten på vaktskiftet i to uker, med støttespillerne som veiledere."
    )
    axe.check(page, "learning point form filled in")
    points.get_by_role("button", name="Legg til læringspunkt").click()
    points = page.locator("#learning-points")
    expect(points.get_by_role("status")).to_have_text("Lagret.")
    expect(points.get_by_role("heading", name=NEW_POINT)).to_be_visible()
    axe.check(page, "learning point added")
    assert page.evaluate("window.__sameDocument") is True, "phase 3 work reloaded the page"
    assert cycle.learning_points.filter(title=NEW_POINT).exists()

    # Back on the cycle page: everything phase 3 needs is there, so the cycle moves on.
    page.get_by_role("link", name=f"← {MEALS_CYCLE}").click()
    current = page.locator("section.current-phase")
    expect(current).to_contain_text("Alt denne fasen trenger, er på plass.")
    current.get_by_role("button", name="Gå til fase 4").click()
    expect(page.get_by_role("status")).to_contain_text("Løpet har gått videre.")
    current = page.locator("section.current-phase")
    expect(current.get_by_role("heading", level=2)).to_have_text(
        "Fase 4: Koble seg på beste praksis"
    )
    axe.check(page, "cycle moved to phase 4")
    cycle.refresh_from_db()
    assert cycle.current_phase == Phase.BEST_PRACTICE
    assert cycle.focus_question == focus_question

    # Phase 4: look in the practice register for the new learning point.
    current.get_by_role("link", name="Arbeid med fase 4").click()
    phase_4 = page.url
    host = page.locator("#host")
    expect(host.locator(".highlight")).to_have_text(f"{FJORDGLOTT} – Rolige måltider med vertskap")
    axe.check(page, "phase 4")
    page.get_by_role("link", name="Søk i praksisregisteret").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Praksisregister")
    axe.check(page, "practice register")
    page.get_by_label("Søk", exact=True).fill("ISBAR")
    page.locator("main form").get_by_role("button", name="Søk").click()
    expect(page.locator("#results")).to_contain_text("1 praksis passer til søket")
    expect(page).to_have_url(re.compile(r"/practices/\?q=ISBAR"))
    axe.check(page, "search results")
    page.locator("#results").get_by_role("link", name=ISBAR).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ISBAR)
    expect(page.locator("main")).to_contain_text(LANGTID)
    axe.check(page, "practice")

    # The practice becomes the host (the unit follows the practice).
    page.goto(phase_4)
    page.evaluate("window.__sameDocument = true")
    host = page.locator("#host")
    host.get_by_text("Bytt vert").click()
    host.get_by_label("En praksis fra registeret").select_option(label=ISBAR)
    host.get_by_label("Eller en enhet i kommunen").select_option(label="Ingen")
    axe.check(page, "host form open")
    host.get_by_role("button", name="Lagre verten").click()
    host = page.locator("#host")
    expect(host.get_by_role("status")).to_have_text("Lagret.")
    expect(host.locator(".highlight")).to_have_text(f"{LANGTID} – {ISBAR}")
    axe.check(page, "host saved")
    assert page.evaluate("window.__sameDocument") is True, "saving the host reloaded the page"

    # The visit request, with an observer from the staff.
    host.get_by_role("link", name="Spør om å komme på besøk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Spør {LANGTID} om å komme på besøk")
    axe.check(page, "visit request form")
    starts = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=10)
    page.get_by_label("Starttidspunkt").fill(_local_input(starts))
    page.get_by_label("Sluttidspunkt").fill(_local_input(starts + datetime.timedelta(hours=2)))
    page.get_by_label("Ola Nordmann").check()
    page.get_by_label("Formål").fill("Se hvordan dere gir rapport etter ISBAR ved vaktskiftet.")
    page.get_by_role("button", name="Send forespørselen").click()
    expect(page).to_have_url(re.compile(r"/visits/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("Forespørselen er sendt. Verten svarer her.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{SKJERMET} besøker {LANGTID}")
    expect(page.locator("main .badge")).to_have_text("Venter på verten")
    axe.check(page, "visit requested")

    visit = Visit.objects.get(cycle=cycle, host_unit__name=LANGTID)
    assert visit.status == Visit.Status.REQUESTED
    assert visit.practice.title == ISBAR
    assert [person.email for person in visit.observers.all()] == [STAFF]
    fjordglott_visit.refresh_from_db()
    assert fjordglott_visit.status == Visit.Status.REQUESTED
    assert page.js_errors == [], page.js_errors
    axe.assert_clean()


# Journey 2: the host accepts; an observer notes and reflects on a phone; feedback


NOTE = "Måltidsverten satt ved bordet hele måltidet og reiste seg bare to ganger."
OBSERVED = "Ro rundt bordet fordi én voksen satt fast ved hvert bord hele måltidet."
TAKE_HOME = "Prøve fast måltidsvert ved middagen i to uker."
WORKS = "Fast måltidsvert ved hvert bord gir ro og god oversikt."
LEARNED = "At registreringen gjøres rett etter måltidet, mens alle husker."
REPLY = "Takk for besøket – velkommen tilbake!"


def _held(visit: Visit) -> None:
    """Move the visit a few hours into the past: it has now been held."""
    now = timezone.now()
    Visit.objects.filter(pk=visit.pk).update(
        starts_at=now - datetime.timedelta(hours=4), ends_at=now - datetime.timedelta(hours=2)
    )


def _fits(page, width: int = 375) -> None:
    """Nothing on the page is wider than the phone's screen (no sideways scrolling)."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen"


def test_journey_2_host_accepts_observer_writes_on_a_phone_host_acknowledges_feedback(
    demo, new_page, phone_page, live_server, axe
):
    """The demo's visit request from Avdeling 2 – skjermet to Avdeling Fjordgløtt, from
    vert@'s answer to the acknowledged feedback. Its observers are ansatt@ and a colleague
    without a demo login; ansatt@ writes a note and the reflection on a phone."""
    cycle = _meals_cycle()
    visit = Visit.objects.get(cycle=cycle, host_unit__name=FJORDGLOTT)
    assert visit.status == Visit.Status.REQUESTED
    visit_url = f"{live_server.url}/visits/{visit.pk}/"

    # The host's leader finds the request on the start page and accepts it.
    host = new_page()
    login(host, live_server, HOST, DEMO_PASSWORD)
    axe.check(host, "host's start page")
    requests = host.locator(
        "section",
        has=host.get_by_role("heading", name="Forespørsler om besøk som venter på svar fra deg"),
    )
    requests.get_by_role("link", name=f"{SKJERMET} spør om å få besøke {FJORDGLOTT}").click()
    expect(host).to_have_url(visit_url)
    expect(host.get_by_role("heading", level=1)).to_have_text(f"{SKJERMET} besøker {FJORDGLOTT}")
    expect(host.locator(".highlight")).to_have_text(cycle.focus_question)
    expect(host.get_by_role("heading", name="Måltidsvert ved hvert bord")).to_be_visible()
    axe.check(host, "host, request to answer")
    host.get_by_label("Si ja til besøket").check()
    host.get_by_label("Melding eller begrunnelse").fill("Velkommen! Vi møtes i stua kl. 10.")
    host.get_by_role("button", name="Send svaret").click()
    expect(host.get_by_role("status")).to_contain_text("Du har sagt ja til besøket.")
    expect(host.locator("main .badge")).to_have_text("Bekreftet")
    expect(host.locator("#notes")).to_have_count(0)
    axe.check(host, "host, visit accepted")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED

    _held(visit)

    # The observer, on a phone: the cycle page lists the visits where they observe.
    observer = phone_page
    login(observer, live_server, STAFF, DEMO_PASSWORD)
    _fits(observer)
    axe.check(observer, "observer's start page, phone")
    observer.get_by_role("link", name=MEALS_CYCLE).first.tap()
    mine = observer.locator(
        "section", has=observer.get_by_role("heading", name="Besøk der jeg er observatør")
    )
    expect(mine).to_be_visible()
    axe.check(observer, "cycle, phone")
    mine.get_by_role("link", name=re.compile(f"^{FJORDGLOTT}")).tap()
    expect(observer).to_have_url(visit_url)
    _fits(observer)
    axe.check(observer, "observer, visit held, phone")
    observer.evaluate("window.__sameDocument = true")
    notes = observer.locator("#notes")
    notes.get_by_label("Læringspunkt").select_option(label="Måltidsvert ved hvert bord")
    notes.get_by_label("Hva jeg observerte").fill(NOTE)
    notes.get_by_role("button", name="Lagre notatet").tap()
    notes = observer.locator("#notes")
    expect(notes.get_by_role("status")).to_have_text("Lagret.")
    expect(notes).to_contain_text(f"Måltidsvert ved hvert bord: {NOTE}")
    expect(notes.get_by_label("Hva jeg observerte")).to_have_value("")
    axe.check(observer, "note saved, phone")

    reflections = observer.locator("#reflections")
    reflections.get_by_label("Hva observerte vi").fill(OBSERVED)
    reflections.get_by_label("Hva kan vi ta med oss hjem").fill(TAKE_HOME)
    reflections.get_by_role("button", name="Lagre refleksjonen").tap()
    reflections = observer.locator("#reflections")
    expect(reflections.get_by_role("status")).to_have_text("Lagret.")
    expect(reflections).to_contain_text(TAKE_HOME)
    axe.check(observer, "reflection saved, phone")
    assert observer.evaluate("window.__sameDocument") is True, "the phone page reloaded"
    _fits(observer)
    # Staff observe; the leader sends the feedback.
    expect(observer.get_by_role("button", name="Send til verten")).to_have_count(0)

    # The leader reads the notes and sends the feedback, from phase 5 of the cycle.
    leader = new_page()
    login(leader, live_server, LEADER, DEMO_PASSWORD)
    leader.goto(f"{live_server.url}/cycles/{cycle.pk}/")
    leader.get_by_role(
        "link", name=re.compile(r"Observasjon, refleksjon og tilbakemelding")
    ).click()
    expect(leader.get_by_role("heading", level=1)).to_have_text(
        "Fase 5: Observasjon, refleksjon og tilbakemelding"
    )
    axe.check(leader, "phase 5")
    leader.locator("#visits").get_by_role("link", name=re.compile(f"^{FJORDGLOTT}")).click()
    expect(leader).to_have_url(visit_url)
    expect(leader.locator("#notes")).to_contain_text(NOTE)
    expect(leader.locator("#reflections")).to_contain_text(OBSERVED)
    axe.check(leader, "leader, visit held, feedback to write")
    feedback = leader.locator("#feedback")
    feedback.get_by_label("Det vi så som fungerer").fill(WORKS)
    feedback.get_by_label("Det vi lærte").fill(LEARNED)
    feedback.get_by_role("button", name="Send til verten").click()
    expect(leader.get_by_role("status")).to_contain_text("Tilbakemeldingen er sendt til verten.")
    expect(leader.locator("#feedback")).to_contain_text(f"Sendt {timezone.localdate():%-d.%-m.%Y}.")
    axe.check(leader, "feedback sent")

    # The host reads the feedback, none of the observers' own notes, and acknowledges it.
    host.goto(visit_url)
    feedback = host.locator("#feedback")
    expect(feedback).to_contain_text(WORKS)
    expect(feedback).to_contain_text(LEARNED)
    content = host.content()
    for private in (NOTE, OBSERVED, TAKE_HOME):
        assert private not in content, f"the host sees the observers' text {private!r}"
    axe.check(host, "host, feedback to acknowledge")
    feedback.get_by_label("Et kort svar (valgfritt)").fill(REPLY)
    feedback.get_by_role("button", name="Bekreft at dere har lest tilbakemeldingen").click()
    expect(host.get_by_role("status")).to_contain_text(
        "Takk! Enheten ser nå at dere har lest tilbakemeldingen."
    )
    acknowledged = f"Bekreftet lest av Vera Vik {timezone.localdate():%-d.%-m.%Y}."
    expect(host.locator("#feedback")).to_contain_text(acknowledged)
    axe.check(host, "host, feedback acknowledged")

    # The observing unit sees that it was read, with the reply; so does the observer.
    leader.goto(visit_url)
    expect(leader.locator("#feedback")).to_contain_text(acknowledged)
    expect(leader.locator("#feedback")).to_contain_text(REPLY)
    axe.check(leader, "leader, feedback acknowledged")
    observer.goto(visit_url)
    expect(observer.locator("#feedback")).to_contain_text(REPLY)
    _fits(observer)
    axe.check(observer, "observer, feedback acknowledged, phone")

    for person in (host, observer, leader):
        assert person.js_errors == [], person.js_errors
    axe.assert_clean()


# Journey 3: a private reflection, written on a phone, that the leader never sees


SECRET_ANSWER = "Jeg kjenner meg utrygg alene på kveldsvakt med tolv beboere."
SECRET_WORDS = "Innerst inne tviler jeg på om jeg passer i denne jobben."
SECRETS = (SECRET_ANSWER, SECRET_WORDS, "utrygg alene på kveldsvakt", "tviler jeg på om")


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _json_text(response) -> str:
    """A JSON download as readable text (not \\u-escaped), to search in."""
    assert response.ok, f"{response.url}: {response.status}"
    return json.dumps(response.json(), ensure_ascii=False)


def _shows_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{where} shows the private text {secret!r}"


def _write_private_reflection(page, live_server, axe) -> None:
    """As ansatt@ on a phone: from the start page to a saved private reflection."""
    login(page, live_server, STAFF, DEMO_PASSWORD)
    axe.check(page, "start page, phone")
    page.get_by_role("link", name=f"Skriv en refleksjon – {MEALS_CYCLE}").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skriv en refleksjon")
    _fits(page)
    axe.check(page, "reflection form, phone")
    page.get_by_label("Hva vil jeg lære av læringspunktene?").fill(SECRET_ANSWER)
    page.get_by_label("Med egne ord").fill(SECRET_WORDS)
    # The draft is kept while typing, so nothing is lost if the phone locks.
    expect(page.locator("#draft-status")).to_contain_text("Utkastet er lagret kl.")
    axe.check(page, "draft kept, phone")
    page.get_by_label("Bare meg").check()
    page.get_by_role("button", name="Lagre refleksjonen").tap()
    expect(page).to_have_url(f"{live_server.url}/reflections/")
    expect(page.get_by_role("status")).to_contain_text(
        "Refleksjonen din er lagret. Bare du kan lese den."
    )
    expect(page.locator("main")).to_contain_text(SECRET_WORDS)
    _fits(page)
    axe.check(page, "reflection saved, phone")


def test_journey_3_private_reflection_on_a_phone_is_hidden_from_the_leader_everywhere(
    demo, new_page, phone_page, live_server, settings, tmp_path, axe
):
    """ansatt@ writes a private reflection on a phone; leder@ leads the unit and the cycle
    but finds its text nowhere: not on any page of the cycle, the unit, the reflections,
    the start page, the dashboard or in a search, nor in anything the leader downloads.
    The author's own downloads do hold it, so the checks would see it if it leaked."""
    settings.MEDIA_ROOT = tmp_path
    cycle = _meals_cycle()
    staff = phone_page
    _write_private_reflection(staff, live_server, axe)
    reflection = Reflection.objects.get(free_text=SECRET_WORDS)
    assert reflection.visibility == Reflection.Visibility.PRIVATE and not reflection.is_draft
    assert reflection.author.email == STAFF and reflection.cycle == cycle

    # The author's own exports hold the text.
    assert SECRET_WORDS in _json_text(
        staff.request.get(f"{live_server.url}/reflections/export.json")
    )
    own_pdf = staff.request.get(f"{live_server.url}/reflections/export.pdf")
    assert own_pdf.ok and SECRET_WORDS in _pdf_text(own_pdf.body())

    leader = new_page()
    login(leader, live_server, LEADER, DEMO_PASSWORD)
    unit = cycle.unit
    pages = [
        reverse("home"),
        reverse("cycle_dashboard"),
        reverse("cycle_detail", args=[cycle.pk]),
        *(reverse("phase_detail", args=[cycle.pk, phase]) for phase in Phase.values),
        reverse("reflection_board", args=[cycle.pk]),
        reverse("plan", args=[cycle.pk]),
        reverse("cycle_indicators", args=[cycle.pk]),
        reverse("cycle_reports", args=[cycle.pk]),
        reverse("unit_detail", args=[unit.pk]),
        reverse("host_visits", args=[unit.pk]),
        reverse("my_reflections"),
        reverse("notification_list"),
        reverse("survey_list"),
        reverse("profile"),
    ]
    searches = [
        reverse("my_reflections") + "?q=kveldsvakt",
        reverse("practice_list") + "?q=kveldsvakt",
        reverse("unit_list") + "?q=kveldsvakt",
    ]
    for path in pages + searches:
        response = leader.goto(f"{live_server.url}{path}")
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        _shows_no_secret(leader.content(), path)
        axe.check(leader)
    # The board counts the reflections of the phase but shows only those shared.
    leader.goto(f"{live_server.url}{reverse('reflection_board', args=[cycle.pk])}")
    phase_3 = leader.locator("section", has=leader.get_by_role("heading", name="3. Definere"))
    expect(phase_3).to_contain_text("personer har reflektert")
    # The reflection itself is simply not there for anyone but its author.
    hidden_url = f"{live_server.url}{reverse('reflection_edit', args=[reflection.pk])}"
    response = leader.goto(hidden_url)
    assert response is not None and response.status == 404
    _shows_no_secret(leader.content(), "the reflection's own address")
    axe.check(leader, "not found")

    # Downloads: the leader's own reflections and personal data, and the cycle report.
    for path in (reverse("my_reflections_json"), reverse("my_data_export")):
        text = _json_text(leader.request.get(f"{live_server.url}{path}"))
        assert "Ingrid Lie" in text, path
        _shows_no_secret(text, path)
    pdf = leader.request.get(f"{live_server.url}{reverse('my_reflections_pdf')}")
    assert pdf.ok
    _shows_no_secret(_pdf_text(pdf.body()), "the leader's reflections as PDF")

    leader.goto(f"{live_server.url}{reverse('cycle_reports', args=[cycle.pk])}")
    form = leader.get_by_role("region", name="Lag en rapport")
    form.get_by_label(re.compile(r"^Rapport")).select_option(label="Rapport for løpet")
    form.get_by_role("button", name="Lag PDF-en").click()
    link = leader.locator("#report-status").get_by_role("link", name="Last ned PDF")
    expect(link).to_be_visible()
    axe.check(leader, "cycle report ready")
    report = leader.request.get(link.evaluate("a => a.href"))
    assert report.ok
    text = _pdf_text(report.body())
    assert cycle.focus_question[:60] in text  # the report is about this cycle
    _shows_no_secret(text, "the cycle report")

    # The reflection stayed private all along: its visibility was never changed.
    assert not VisibilityChange.objects.filter(reflection=reflection).exists()
    assert staff.js_errors == [], staff.js_errors
    # The browser logs the refused page itself as a failed load; nothing else went wrong.
    errors = [e for e in leader.js_errors if not ("status of 404" in e and hidden_url in e)]
    assert errors == [], errors
    axe.assert_clean()


# Journey 4: the coordinator holds a gathering, gives feedback and makes the report


PROGRAMME = "Kollegalæring 2027 – helse og omsorg"
GATHERING = "Fagdag: mat og måltider"
AGENDA_ITEM = "Ernæring hos personer med demens"
PROGRAMME_FEEDBACK = "Godt kartlagt! Ta med tallene fra nattevaktene til nettverkssamlingen."


def _team(page, unit: str):
    """A unit's team on the attendance page (a group of checkboxes)."""
    return page.get_by_role("group", name=re.compile(f"^{re.escape(unit)} \\("))


def test_journey_4_coordinator_holds_a_gathering_gives_feedback_and_makes_the_report(
    demo, new_page, live_server, settings, tmp_path, axe
):
    """hr@ coordinates the demo's network programme: a professional day for the whole
    programme that began an hour ago, with its agenda and attendance; feedback on a
    unit's answer to the first assignment; and the programme report as a PDF."""
    settings.MEDIA_ROOT = tmp_path
    programme = Programme.objects.get(title=PROGRAMME)
    page = new_page()
    login(page, live_server, HR, DEMO_PASSWORD)
    # The start page lists the programmes the coordinator's municipality runs.
    mine = page.locator(
        "section", has=page.get_by_role("heading", name="Mine programmer i Elvedal kommune")
    )
    expect(mine).not_to_contain_text("Du har ikke startet noe nettverksprogram ennå.")
    axe.check(page, "coordinator's start page")
    mine.get_by_role("link", name=PROGRAMME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAMME)
    axe.check(page, "programme")
    programme_url = page.url

    # The gathering, begun an hour ago.
    page.get_by_role("link", name="Ny samling").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny samling")
    axe.check(page, "new gathering")
    starts = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    page.get_by_label("Type").select_option(label="Fagdag")
    page.get_by_label("Tittel").fill(GATHERING)
    page.get_by_label("Starttidspunkt").fill(_local_input(starts))
    page.get_by_label("Sluttidspunkt").fill(_local_input(starts + datetime.timedelta(hours=5)))
    page.get_by_label("Sted", exact=True).fill("Elvedal rådhus, kommunestyresalen")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GATHERING)
    expect(page.get_by_role("status")).to_contain_text("Samlingen er opprettet.")
    axe.check(page, "gathering created")
    gathering = Gathering.objects.get(programme=programme, title=GATHERING)

    # Its agenda grows in place.
    page.evaluate("window.__sameDocument = true")
    agenda = page.locator("#agenda")
    agenda.get_by_text("Legg til et punkt", exact=True).click()
    agenda.get_by_label("Starttidspunkt").fill("09:30")
    agenda.get_by_label("Minutter").fill("45")
    agenda.get_by_label("Type").select_option(label="Faglig innlegg")
    agenda.get_by_label("Tittel").fill(AGENDA_ITEM)
    agenda.get_by_label("Ansvarlig").fill("Klinisk ernæringsfysiolog")
    agenda.get_by_role("button", name="Legg til i agendaen").click()
    expect(page.locator("#agenda table")).to_contain_text(f"09:30–10:15 {AGENDA_ITEM}")
    axe.check(page, "agenda item added")
    assert page.evaluate("window.__sameDocument") is True, "adding an item reloaded the page"

    # Attendance: Avdeling 2 – skjermet came with its leader, Fjordgløtt without.
    page.get_by_role("link", name="Registrer oppmøte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Oppmøte: {GATHERING}")
    axe.check(page, "attendance form")
    _team(page, SKJERMET).get_by_label("Ingrid Lie (Linjeleder)").check()
    _team(page, SKJERMET).get_by_label("Ola Nordmann (Ressursperson)").check()
    _team(page, FJORDGLOTT).get_by_label("Hans Gundersen (Ressursperson)").check()
    page.get_by_role("button", name="Lagre oppmøtet").click()
    expect(page.get_by_role("status")).to_contain_text("Oppmøtet er lagret.")
    attendance = page.locator("table", has=page.get_by_role("columnheader", name="Personer"))
    expect(attendance.get_by_role("row", name=re.compile(f"^{SKJERMET} "))).to_contain_text(
        "til stede"
    )
    expect(attendance.get_by_role("row", name=re.compile(f"^{FJORDGLOTT} "))).to_contain_text(
        "kom uten lederen"
    )
    axe.check(page, "attendance saved")
    assert set(gathering.attendances.values_list("user__email", flat=True)) >= {
        LEADER,
        STAFF,
    }

    # Feedback on Fjordgløtt's answer to the first assignment (read, no feedback yet).
    page.goto(programme_url)
    page.get_by_role("link", name="Kartlegg behov i egen enhet").click()
    answers = page.locator("tbody")
    expect(answers.get_by_role("row", name=re.compile(f"^{FJORDGLOTT} "))).to_contain_text(
        "Lest av koordinatoren"
    )
    axe.check(page, "assignment")
    answers.get_by_role("link", name=FJORDGLOTT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{FJORDGLOTT}: Kartlegg behov i egen enhet"
    )
    axe.check(page, "a unit's answer")
    page.get_by_label("Tilbakemelding til enheten").fill(PROGRAMME_FEEDBACK)
    page.get_by_role("button", name="Send tilbakemeldingen").click()
    expect(page.get_by_role("status")).to_contain_text("Tilbakemeldingen er sendt til enheten.")
    expect(
        page.locator("tbody").get_by_role("row", name=re.compile(f"^{FJORDGLOTT} "))
    ).to_contain_text("Tilbakemelding gitt")
    axe.check(page, "feedback sent")
    submission = Submission.objects.get(
        assignment__title="Kartlegg behov i egen enhet", enrolment__unit__name=FJORDGLOTT
    )
    assert submission.feedback == PROGRAMME_FEEDBACK

    # The programme report, made as the form is sent (tasks run in-process in tests).
    page.goto(programme_url)
    page.get_by_role("link", name="Rapporter", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rapporter: {PROGRAMME}")
    axe.check(page, "programme reports")
    form = page.get_by_role("region", name="Lag en rapport")
    form.get_by_label(re.compile(r"^Rapport")).select_option(label="Programrapport")
    expect(form.get_by_label(re.compile(r"^Språk"))).to_have_value("nb")
    form.get_by_role("button", name="Lag PDF-en").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Programrapport: {PROGRAMME}")
    link = page.locator("#report-status").get_by_role("link", name="Last ned PDF")
    expect(link).to_be_visible()
    axe.check(page, "programme report ready")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    text = _pdf_text(download.value.path().read_bytes())
    for expected in ("Programrapport", PROGRAMME, GATHERING):
        assert expected in text, expected
    assert page.js_errors == [], page.js_errors
    axe.assert_clean()
