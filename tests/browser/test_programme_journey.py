"""A network programme, from creation to a held gathering with attendance and feedback on
the units' work, in a real browser.

The HR coordinator creates the programme and opens it; a unit leader applies and adds a
union representative to the team; the coordinator admits the unit, places it in a
network, holds the start-up gathering with an agenda, registers attendance, gives an
assignment, and gives feedback on the unit's answer, which the leader then reads.
The people use English, so the locators read as the msgids in the templates. axe-core
checks every page, form error and htmx update on the way (the ``axe`` fixture).
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

from programmes.models import Attendance, Enrolment, Gathering, Programme, Submission
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw"
TITLE = "Kollegalæring 2027 – helse og omsorg"
ANSWER = "Vi har kartlagt behovene på et personalmøte."
FEEDBACK = "Godt arbeid – ta med funnene til samlingen."


def _local(moment: datetime.datetime, fmt: str = "%Y-%m-%dT%H:%M") -> str:
    return timezone.localtime(moment).strftime(fmt)


def _prepare(world) -> None:
    for person in (world.hr, world.leader):
        person.set_password(PASSWORD)
        person.language = "en"
        person.save()


def _create_programme(page, live_server, axe) -> Programme:
    page.goto(f"{live_server.url}/")
    axe.check(page, "coordinator's start page")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Programmes").click()
    expect(page.get_by_role("link", name="New programme")).to_be_visible()
    axe.check(page, "programmes")
    page.get_by_role("link", name="New programme").click()
    expect(page.get_by_label("Title")).to_be_visible()
    axe.check(page, "new programme")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Purpose (hensikt)").fill("Bedre måltider og mer ro i tjenestene.")
    page.get_by_label("Owner (bestiller)").fill("Kommunalsjef helse og omsorg")
    today = timezone.localdate()
    page.get_by_label("Starts").fill(today.isoformat())
    page.get_by_label("Ends").fill((today + datetime.timedelta(days=365)).isoformat())
    # An end before the start is refused, and nothing typed is lost.
    page.get_by_label("Ends").fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Status").select_option(label="Open for enrolment")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("The programme must end after it starts.")
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    axe.check(page, "new programme refused")
    page.get_by_label("Ends").fill((today + datetime.timedelta(days=365)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    axe.check(page, "programme created")
    return Programme.objects.get(title=TITLE)


def _apply(page, live_server, world, axe) -> Enrolment:
    page.goto(f"{live_server.url}/programmes/")
    axe.check(page, "leader, programmes")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    axe.check(page, "leader, programme")
    page.get_by_role("link", name="Apply for a unit").click()
    expect(page.get_by_label("Goals")).to_be_visible()
    axe.check(page, "application form")
    page.get_by_label(re.compile(r"^Unit")).select_option(label=world.unit.name)
    page.get_by_label("Goals").fill("Rolige måltider for beboerne.")
    page.get_by_label("Anchoring").fill("Fast tid på personalmøtene hver måned.")
    page.get_by_label("We will attend the gatherings with our team.").check()
    page.get_by_label("We will deliver status reports and the work between gatherings.").check()
    page.get_by_label("We will share what we learn with the other units.").check()
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_role("status")).to_contain_text("Your application is sent")
    # The team lacks a tillitsvalgt until one is added.
    team = page.locator("#team")
    expect(team).to_contain_text("The team has no union representative")
    axe.check(page, "application sent")
    team.get_by_label("Person").select_option(label=world.union_rep.full_name)
    team.get_by_label("Role in the team").select_option(label="Union representative (tillitsvalgt)")
    team.get_by_role("button", name="Add to the team").click()
    expect(page.locator("#team")).not_to_contain_text("The team has no union representative")
    axe.check(page, "union representative added")
    return Enrolment.objects.get(unit=world.unit)


def test_coordinator_runs_a_programme_to_a_held_gathering(world, new_page, live_server, axe):
    _prepare(world)
    hr = new_page()
    login(hr, live_server, world.hr.email, PASSWORD)
    programme = _create_programme(hr, live_server, axe)

    leader = new_page()
    login(leader, live_server, world.leader.email, PASSWORD)
    enrolment = _apply(leader, live_server, world, axe)

    # The coordinator admits the unit (a cycle is started for it) and places it in a network.
    hr.goto(f"{live_server.url}/programmes/{programme.pk}/")
    hr.get_by_role("link", name=world.unit.name).click()
    expect(hr.get_by_label("Admit")).to_be_visible()
    axe.check(hr, "application to decide")
    hr.get_by_label("Admit").check()
    hr.get_by_role("button", name="Save the decision").click()
    expect(hr.get_by_role("status")).to_contain_text("The decision is saved.")
    axe.check(hr, "decision saved")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ADMITTED and enrolment.cycle is not None

    hr.goto(f"{live_server.url}/programmes/{programme.pk}/networks/")
    axe.check(hr, "networks")
    hr.get_by_label("Name").fill("Nettverk Nord")
    hr.get_by_role("button", name="Create the network").click()
    hr.get_by_label(f"Network for {world.unit.name}").select_option(label="Nettverk Nord")
    axe.check(hr, "network created")
    hr.get_by_role("button", name="Move to the network").click()
    expect(hr.get_by_role("status")).to_contain_text("is placed in Nettverk Nord")
    axe.check(hr, "unit placed in the network")

    # The start-up gathering began an hour ago; its agenda grows without a page reload.
    hr.goto(f"{live_server.url}/programmes/{programme.pk}/gatherings/new/")
    axe.check(hr, "new gathering")
    starts = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    hr.get_by_label("Kind").select_option(label="Start-up gathering (oppstartssamling)")
    hr.get_by_label("Title").fill("Oppstartssamling")
    hr.get_by_label("Starts").fill(_local(starts))
    hr.get_by_label("Ends").fill(_local(starts + datetime.timedelta(hours=3)))
    hr.get_by_label("Place").fill("Rådhuset")
    hr.get_by_role("button", name="Save").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Oppstartssamling")
    axe.check(hr, "gathering created")
    gathering = Gathering.objects.get(programme=programme)

    hr.evaluate("window.__sameDocument = true")
    hr.get_by_text("Add an item").click()
    agenda = hr.locator("#agenda")
    agenda.get_by_label("Starts").fill("09:00")
    agenda.get_by_label("Kind").select_option(label="Expert input")
    agenda.get_by_label("Title").fill("Hva er kollegalæring?")
    agenda.get_by_role("button", name="Add to the agenda").click()
    expect(hr.locator("#agenda table")).to_contain_text("Hva er kollegalæring?")
    axe.check(hr, "agenda item added")
    assert hr.evaluate("window.__sameDocument") is True, "adding an item reloaded the page"

    # Attendance: the union representative came, the leader did not.
    hr.get_by_role("link", name="Register attendance").click()
    attended = hr.get_by_label(f"{world.union_rep.full_name} (Union representative (tillitsvalgt))")
    expect(attended).to_be_visible()
    axe.check(hr, "attendance form")
    attended.check()
    hr.get_by_role("button", name="Save attendance").click()
    expect(hr.get_by_role("status")).to_contain_text("Attendance is saved.")
    expect(hr.get_by_text("came without the leader")).to_be_visible()
    axe.check(hr, "attendance saved")
    assert Attendance.objects.filter(gathering=gathering, user=world.union_rep).exists()

    # Work between gatherings: the unit answers, the coordinator gives feedback.
    hr.goto(f"{live_server.url}/programmes/{programme.pk}/assignments/new/")
    axe.check(hr, "new assignment")
    hr.get_by_label("Title").fill("Kartlegg behov")
    hr.get_by_label("Instructions").fill("Finn ut hva dere vil bli bedre på.")
    hr.get_by_label("Due date").fill(
        (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    )
    hr.get_by_role("button", name="Give the assignment").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Kartlegg behov")
    axe.check(hr, "assignment given")

    leader.goto(f"{live_server.url}/enrolments/{enrolment.pk}/")
    axe.check(leader, "enrolment")
    leader.get_by_role("link", name="Kartlegg behov").first.click()
    expect(leader.get_by_label("Our answer")).to_be_visible()
    axe.check(leader, "assignment to answer")
    leader.get_by_label("Our answer").fill(ANSWER)
    leader.get_by_role("button", name="Submit").click()
    expect(leader.get_by_role("status")).to_contain_text("Your answer is submitted")
    axe.check(leader, "answer submitted")

    hr.reload()
    hr.get_by_role("link", name=world.unit.name).click()
    expect(hr.get_by_text(ANSWER)).to_be_visible()
    axe.check(hr, "answer to give feedback on")
    hr.get_by_label("Feedback to the unit").fill(FEEDBACK)
    hr.get_by_role("button", name="Send the feedback").click()
    expect(hr.get_by_role("status")).to_contain_text("The feedback is sent to the unit.")
    expect(hr.locator("tbody")).to_contain_text("Feedback given")
    axe.check(hr, "feedback sent")
    assert Submission.objects.get().feedback == FEEDBACK

    leader.goto(f"{live_server.url}/enrolments/{enrolment.pk}/")
    leader.get_by_role("link", name="Kartlegg behov").first.click()
    expect(leader.get_by_text(FEEDBACK)).to_be_visible()
    expect(leader.get_by_role("button", name=re.compile("Submit"))).to_have_count(0)
    axe.check(leader, "feedback read")

    # The overview counts the held gathering and the team that came without its leader.
    hr.goto(f"{live_server.url}/programmes/{programme.pk}/overview/")
    expect(hr.get_by_role("heading", name="Units by phase")).to_be_visible()
    bottlenecks = hr.locator("section", has=hr.get_by_role("heading", name="Bottlenecks"))
    expect(bottlenecks).to_contain_text(
        f"{world.unit.name} – Oppstartssamling: came without the leader"
    )
    axe.check(hr, "overview")
    # The refused form answered 422 on purpose; nothing else may have gone wrong.
    unexpected = [e for e in hr.js_errors + leader.js_errors if "status of 422" not in e]
    assert unexpected == []
    axe.assert_clean()
