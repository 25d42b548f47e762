"""Reports as PDF, made in a real browser and read back with pypdf.

A coordinator makes the programme report: the task runs as the form is sent (tasks run
in-process in tests), so the status page shows the download link at once. A unit leader
makes the cycle report while no worker is running: the status page says the report is
waiting and polls; a worker then renders it, and the page shows the download link by
itself (htmx polling), without a reload. Both PDFs are downloaded and their text checked.
axe-core checks each page, and the status page while it waits and once it is ready.
The people use English, so the locators read as the msgids in the templates.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.utils import timezone

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails where REQUIRE_SERVICES is set
    expect = None

from evaluation import tasks
from evaluation.models import Evaluation, Report
from learning import phases
from learning.models import Cycle, LearningPoint, Phase
from programmes.models import Attendance, Enrolment, Gathering, Network, Programme, TeamMember
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw"
NEED = "Roligere måltider for beboerne"
FOCUS = "Hvordan skaper de ro rundt måltidet?"
POINT = "Rolig start ved bordet"
PROGRAMME = "Nettverk for gode måltider"
GATHERING = "Oppstartssamling i rådhuset"


def _prepare(world, settings, tmp_path) -> tuple[Cycle, Programme]:
    settings.MEDIA_ROOT = tmp_path
    for person in (world.hr, world.leader):
        person.set_password(PASSWORD)
        person.language = "en"
        person.save()
    today = timezone.localdate()
    cycle = phases.start_cycle(
        unit=world.unit,
        owner=world.leader,
        title="Gode måltider",
        start_date=today - datetime.timedelta(days=60),
        actor=world.leader,
    )
    Cycle.objects.filter(pk=cycle.pk).update(
        current_phase=Phase.EVALUATION,
        learning_need=NEED,
        focus_question=FOCUS,
        host_unit=world.sibling,
    )
    LearningPoint.objects.create(
        cycle=cycle, title=POINT, observe="Starten", learn="Ro", train="Øving"
    )
    Evaluation.objects.create(cycle=cycle, decision=Evaluation.Decision.CONTINUE)

    programme = Programme.objects.create(
        municipality=world.unit.municipality,
        title=PROGRAMME,
        purpose="Lære av hverandre",
        commissioned_by="Kommunalsjef",
        starts_on=today - datetime.timedelta(days=90),
        ends_on=today + datetime.timedelta(days=200),
        status=Programme.Status.RUNNING,
    )
    programme.municipalities.add(world.unit.municipality)
    programme.coordinators.add(world.hr)
    network = Network.objects.create(programme=programme, name="Nettverk Nord")
    enrolment = Enrolment.objects.create(
        programme=programme,
        unit=world.unit,
        status=Enrolment.Status.ADMITTED,
        network=network,
        cycle=cycle,
        goals="Mål",
        anchoring="Forankring",
    )
    held = timezone.now() - datetime.timedelta(days=20)
    gathering = Gathering.objects.create(
        programme=programme,
        kind=Gathering.Kind.STARTUP,
        title=GATHERING,
        starts_at=held,
        ends_at=held + datetime.timedelta(hours=3),
        place="Rådhuset",
    )
    Attendance.objects.create(
        gathering=gathering, enrolment=enrolment, user=world.leader, role=TeamMember.Role.LEADER
    )
    return Cycle.objects.get(pk=cycle.pk), programme


def _pdf_text(download) -> str:
    from pypdf import PdfReader

    with open(download.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_coordinator_and_leader_make_and_download_their_reports(
    world, new_page, live_server, settings, tmp_path, monkeypatch, axe
):
    cycle, programme = _prepare(world, settings, tmp_path)

    # The coordinator makes the programme report; it is ready when the page comes back.
    hr = new_page()
    login(hr, live_server, world.hr.email, PASSWORD)
    hr.goto(f"{live_server.url}/programmes/{programme.pk}/reports/")
    expect(hr.get_by_role("heading", level=1)).to_have_text(f"Reports: {PROGRAMME}")
    expect(hr.get_by_role("heading", name="Units by phase")).to_be_visible()
    axe.check(hr, "programme reports")
    form = hr.get_by_role("region", name="Make a report")
    form.get_by_label(re.compile(r"^Report")).select_option(label="Programme report")
    expect(form.get_by_label(re.compile(r"^Language"))).to_have_value("en")  # the reader's
    form.get_by_role("button", name="Make the PDF").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text(f"Programme report: {PROGRAMME}")
    link = hr.locator("#report-status").get_by_role("link", name="Download PDF")
    expect(link).to_be_visible()
    axe.check(hr, "programme report ready")
    with hr.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("kollegalaering-programme-report-")
    text = _pdf_text(download.value)
    for expected in [
        "Programme report",
        PROGRAMME,
        "Attendance per gathering",
        GATHERING,
        "Units by phase",
        "Deliverables on time",
        "Survey outcomes",
        "Continuation decisions",
        "Spreading",
        "1 of 1 units has decided how to go on; 1 will continue the practice in daily work.",
    ]:
        assert expected in text, expected
    assert hr.js_errors == [], hr.js_errors

    # No worker runs: the leader's report waits, and the page polls for it.
    queued: list[int] = []
    monkeypatch.setattr(
        tasks.render_report, "apply_async", lambda args, **kwargs: queued.extend(args)
    )
    leader = new_page()
    login(leader, live_server, world.leader.email, PASSWORD)
    leader.goto(f"{live_server.url}/cycles/{cycle.pk}/reports/")
    expect(leader.get_by_role("heading", name="Key figures today")).to_be_visible()
    axe.check(leader, "cycle reports")
    form = leader.get_by_role("region", name="Make a report")
    form.get_by_label(re.compile(r"^Report")).select_option(label="Cycle report")
    form.get_by_role("button", name="Make the PDF").click()
    status = leader.locator("#report-status")
    expect(status).to_contain_text("The report is waiting to be made…")
    assert status.get_attribute("aria-live") == "polite"
    axe.check(leader, "cycle report waiting, polling")
    assert leader.evaluate("typeof window.htmx") == "object", "htmx did not load"
    leader.evaluate("window.__sameDocument = true")

    assert len(queued) == 1
    tasks.render_report(queued[0])  # the worker comes back
    link = status.get_by_role("link", name="Download PDF")
    expect(link).to_be_visible()
    assert leader.evaluate("window.__sameDocument") is True, "the page reloaded"
    axe.check(leader, "cycle report ready after polling")
    with leader.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("kollegalaering-cycle-report-")
    text = _pdf_text(download.value)
    for expected in [
        "Cycle report",
        "The need for learning",
        NEED,
        "Focus question and learning points",
        FOCUS,
        POINT,
        "Timeline",
        "Participation",
        "Continue in daily practice",
    ]:
        assert expected in text, expected
    assert Report.objects.get(pk=queued[0]).status == Report.Status.READY
    assert leader.js_errors == [], leader.js_errors
    axe.assert_clean()
