"""An observation visit, from request to acknowledged feedback, in a real browser.

Two units take part: the observing unit (its leader and an observer from the staff) and
the host unit (its leader). Each person signs in in their own browser context and must
see only what concerns them; a leader from another municipality sees nothing at all.
The people use English, so the locators read as the msgids in the templates. axe-core
checks every page and every htmx update on the way (the ``axe`` fixture).
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

from learning import phases
from learning.models import LearningPoint, Visit
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw"
FOCUS_QUESTION = "Hvordan skaper de ro rundt måltidet?"
POINT_TITLE = "Rolig start på måltidet"
PURPOSE = "Se hvordan dere starter måltidet."
NOTE = "Personalet setter seg ned med beboerne før maten serveres."
OBSERVED = "Rolig stemning fra første minutt."
TAKE_HOME = "Prøve felles start i vår avdeling."
WORKS = "Dere skaper ro med enkle grep."
LEARNED = "At personalet spiser sammen med beboerne."
REPLY = "Takk, det var hyggelig å ha dere her!"


def _prepare(world):
    """A cycle for world.unit with a focus question and a learning point; everyone who
    signs in gets a known password and English pages."""
    for person in (world.leader, world.staff, world.sibling_leader, world.outsider_leader):
        person.set_password(PASSWORD)
        person.language = "en"
        person.save()
    cycle = phases.start_cycle(
        unit=world.unit,
        owner=world.leader,
        title="Gode måltider",
        start_date=timezone.localdate(),
        actor=world.leader,
    )
    cycle.focus_question = FOCUS_QUESTION
    cycle.save(update_fields=["focus_question"])
    LearningPoint.objects.create(
        cycle=cycle,
        title=POINT_TITLE,
        observe="Hvordan måltidet starter",
        learn="Ro",
        train="Øving",
    )
    return cycle


def _local_input(moment: datetime.datetime) -> str:
    """The value a datetime-local input takes, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _held(visit_pk: int) -> None:
    """Move the visit a few hours into the past: it has now been held."""
    now = timezone.now()
    Visit.objects.filter(pk=visit_pk).update(
        starts_at=now - datetime.timedelta(hours=4), ends_at=now - datetime.timedelta(hours=2)
    )


def _visit_pk(page) -> int:
    match = re.search(r"/visits/(\d+)/", page.url)
    assert match, f"not on a visit page: {page.url}"
    return int(match.group(1))


def _request_visit(page, live_server, cycle, axe) -> int:
    """As the observing leader: choose the host in phase 4 and ask for a visit."""
    page.goto(f"{live_server.url}/cycles/{cycle.pk}/phases/4/")
    axe.check(page, "phase 4")
    page.evaluate("window.__sameDocument = true")
    host = page.locator("#host")
    host.get_by_label("Or a unit in the municipality").select_option(label="Avdeling 1")
    host.get_by_role("button", name="Save the host").click()
    # htmx swaps the section in place; the new one says it is saved and names the host.
    host = page.locator("#host")
    expect(host.get_by_role("status")).to_have_text("Saved.")
    expect(host.locator(".highlight")).to_have_text("Avdeling 1")
    assert page.evaluate("window.__sameDocument") is True, "saving the host reloaded the page"
    axe.check(page, "host saved")

    host.get_by_role("link", name="Ask for a visit").click()
    expect(page).to_have_url(f"{live_server.url}/cycles/{cycle.pk}/visits/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask Avdeling 1 for a visit")
    axe.check(page, "visit request form")
    starts = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=2)
    page.get_by_label("Starts").fill(_local_input(starts))
    page.get_by_label("Ends").fill(_local_input(starts + datetime.timedelta(hours=2)))
    page.get_by_label("Stine Ansatt").check()
    page.get_by_label("Purpose").fill(PURPOSE)
    page.get_by_role("button", name="Send the request").click()

    expect(page).to_have_url(re.compile(r"/visits/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("The request is sent.")
    expect(page.locator("main .badge")).to_have_text("Waiting for the host")
    expect(page.locator("main .badge")).to_have_class(re.compile(r"\bbadge--requested\b"))
    axe.check(page, "visit requested")
    return _visit_pk(page)


def test_two_units_complete_a_visit_each_seeing_only_their_part(world, new_page, live_server, axe):
    cycle = _prepare(world)

    # The observing leader asks Avdeling 1 for a visit.
    leader = new_page()
    login(leader, live_server, world.leader.email, PASSWORD)
    visit_pk = _request_visit(leader, live_server, cycle, axe)
    visit_url = f"{live_server.url}/visits/{visit_pk}/"
    visit = Visit.objects.get(pk=visit_pk)
    assert visit.host_unit == world.sibling
    assert list(visit.observers.all()) == [world.staff]

    # The host's leader finds the request on the start page, reads what the observers
    # want to learn, and accepts.
    host = new_page()
    login(host, live_server, world.sibling_leader.email, PASSWORD)
    axe.check(host, "host's start page")
    requests = host.locator("section", has=host.get_by_role("heading", name="Visit requests"))
    requests.get_by_role("link", name="Avdeling 2 asks to visit Avdeling 1").click()
    expect(host).to_have_url(visit_url)
    expect(host.locator(".highlight")).to_have_text(FOCUS_QUESTION)
    expect(host.get_by_role("heading", name=POINT_TITLE)).to_be_visible()
    expect(host.get_by_text(PURPOSE)).to_be_visible()
    axe.check(host, "host, request to answer")
    host.get_by_label("Accept the visit").check()
    host.get_by_role("button", name="Send answer").click()
    expect(host.get_by_role("status")).to_contain_text("You have accepted the visit.")
    expect(host.locator("main .badge")).to_have_class(re.compile(r"\bbadge--confirmed\b"))
    calendar = host.get_by_role("link", name="Add to my calendar (.ics)")
    expect(calendar).to_be_visible()
    axe.check(host, "host, visit accepted")
    with host.expect_download() as download:
        calendar.click()
    assert download.value.suggested_filename == f"visit-{visit_pk}.ics"
    # The host side has no notes, reflections or feedback form.
    expect(host.locator("#notes")).to_have_count(0)
    expect(host.locator("#reflections")).to_have_count(0)

    _held(visit_pk)

    # The observer writes a note (saved in place, no page load) and a reflection.
    observer = new_page()
    login(observer, live_server, world.staff.email, PASSWORD)
    observer.goto(visit_url)
    axe.check(observer, "observer, visit held")
    observer.evaluate("window.__sameDocument = true")
    notes = observer.locator("#notes")
    notes.get_by_label("What I observed").fill(NOTE)
    notes.get_by_role("button", name="Save note").click()
    expect(observer.locator("#notes")).to_contain_text(NOTE)
    expect(observer.locator("#notes").get_by_role("status")).to_have_text("Saved.")
    assert observer.evaluate("window.__sameDocument") is True, "the note reloaded the page"
    expect(observer.locator("#notes").get_by_label("What I observed")).to_have_value("")
    axe.check(observer, "note saved")

    reflections = observer.locator("#reflections")
    reflections.get_by_label("What did we observe").fill(OBSERVED)
    reflections.get_by_label("What can we take home").fill(TAKE_HOME)
    reflections.get_by_role("button", name="Save reflection").click()
    expect(observer.locator("#reflections")).to_contain_text(TAKE_HOME)
    expect(observer.locator("#reflections").get_by_role("status")).to_have_text("Saved.")
    assert observer.evaluate("window.__sameDocument") is True
    axe.check(observer, "reflection saved")
    # Staff observe; only the leader (or a supporter) sends feedback.
    expect(observer.get_by_role("button", name="Send to the host")).to_have_count(0)

    # The observing leader sends the feedback.
    leader.goto(visit_url)
    expect(leader.locator("#notes")).to_contain_text(NOTE)
    axe.check(leader, "leader, feedback to write")
    feedback = leader.locator("#feedback")
    feedback.get_by_label("What we saw that works").fill(WORKS)
    feedback.get_by_label("What we learned").fill(LEARNED)
    feedback.get_by_role("button", name="Send to the host").click()
    expect(leader.get_by_role("status")).to_contain_text("The feedback is sent to the host.")
    feedback = leader.locator("#feedback")
    expect(feedback).to_contain_text(f"Sent {timezone.localdate():%-d.%-m.%Y}.")
    expect(feedback).to_contain_text("Waiting for the host to acknowledge it.")
    expect(feedback.get_by_role("textbox")).to_have_count(0)
    axe.check(leader, "feedback sent")

    # The host reads the feedback (and nothing of the observers' own notes) and
    # acknowledges it.
    host.goto(visit_url)
    feedback = host.locator("#feedback")
    expect(feedback).to_contain_text(WORKS)
    expect(feedback).to_contain_text(LEARNED)
    content = host.content()
    for private in (NOTE, OBSERVED, TAKE_HOME):
        assert private not in content, f"the host sees the observers' text {private!r}"
    axe.check(host, "host, feedback to acknowledge")
    feedback.get_by_label("A short reply").fill(REPLY)
    feedback.get_by_role("button", name="Acknowledge the feedback").click()
    expect(host.get_by_role("status")).to_contain_text("Thank you!")
    expect(host.locator("#feedback")).to_contain_text("Acknowledged by Sverre Naboleder")
    axe.check(host, "host, feedback acknowledged")

    # The observing unit sees it was acknowledged, with the reply.
    leader.goto(visit_url)
    feedback = leader.locator("#feedback")
    expect(feedback).to_contain_text("Acknowledged by Sverre Naboleder on")
    expect(feedback).to_contain_text(REPLY)
    axe.check(leader, "leader, feedback acknowledged")
    leader.goto(f"{live_server.url}/cycles/{cycle.pk}/phases/5/")
    expect(leader.locator("#visits")).to_contain_text("acknowledged by the host")
    axe.check(leader, "phase 5")

    # A leader in another municipality gets "not found", and none of the content.
    outsider = new_page()
    login(outsider, live_server, world.outsider_leader.email, PASSWORD)
    response = outsider.goto(visit_url)
    assert response is not None and response.status == 404
    expect(outsider.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert WORKS not in outsider.content()
    axe.check(outsider, "not found")

    for person in (leader, host, observer):
        assert person.js_errors == [], person.js_errors
    # The browser logs the refused page itself as a failed load; nothing else went wrong.
    assert all(visit_url in error for error in outsider.js_errors), outsider.js_errors
    axe.assert_clean()


def test_visit_page_has_no_script_errors_and_notes_work_with_the_keyboard(
    world, page, live_server, axe
):
    cycle = _prepare(world)
    visit = _confirmed_held_visit(world, cycle)
    login(page, live_server, world.staff.email, PASSWORD)
    response = page.goto(f"{live_server.url}/visits/{visit.pk}/")
    assert response is not None and response.ok
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"
    axe.check(page, "observer, visit held")
    page.evaluate("window.__sameDocument = true")

    notes = page.locator("#notes")
    notes.get_by_label("Learning point").focus()
    page.keyboard.press("Tab")
    expect(notes.get_by_label("What I observed")).to_be_focused()
    page.keyboard.type(NOTE)
    page.keyboard.press("Tab")
    expect(notes.get_by_role("button", name="Save note")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("#notes")).to_contain_text(NOTE)
    expect(page.locator("#notes").get_by_role("status")).to_have_text("Saved.")
    # Focus moves to the confirmation, so keyboard users stay where they were working.
    expect(page.locator("#notes").get_by_role("status")).to_be_focused()
    assert page.evaluate("window.__sameDocument") is True, "the note reloaded the page"
    axe.check(page, "note saved")
    assert page.js_errors == [], page.js_errors

    # An empty note: focus moves to the error summary inside the notes section. The
    # browser logs the 422 answer itself; nothing else may go wrong.
    notes = page.locator("#notes")
    notes.get_by_role("button", name="Save note").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#notes .error-summary")).to_be_focused()
    axe.check(page, "empty note refused")
    page.js_errors[:] = [error for error in page.js_errors if "status of 422" not in error]
    assert page.js_errors == [], page.js_errors
    axe.assert_clean()


def _confirmed_held_visit(world, cycle) -> Visit:
    """A visit from world.unit to world.sibling, confirmed and started two hours ago."""
    now = timezone.now()
    cycle.host_unit = world.sibling
    cycle.save(update_fields=["host_unit"])
    visit = Visit.objects.create(
        cycle=cycle,
        host_unit=world.sibling,
        starts_at=now - datetime.timedelta(hours=2),
        ends_at=now - datetime.timedelta(hours=1),
        purpose=PURPOSE,
        status=Visit.Status.CONFIRMED,
        requested_by=world.leader,
    )
    visit.observers.set([world.staff])
    return visit
