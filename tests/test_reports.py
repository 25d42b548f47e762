"""Reports as PDF (evaluation/reports.py, pdf.py, tasks.py, views/reports.py).

A cycle with one of everything the cycle report shows (need, focus question, learning
points, a held visit with notes, a reflection and feedback, sharing, indicators with a
baseline before and after the visit, the phase 7 evaluation, a survey, reflections shared,
pinned and private) and a programme of units with gatherings, attendance, deliverables,
outcome surveys, decisions and spreading. The PDFs are read back with pypdf and checked
for their sections and figures; the task for its states (claimed once, idempotent,
failures shown with a retry, stale renders reclaimed); the URLs for every role.

Texts from the code are looked up with gettext in the report's (or response's) language,
so the tests hold whether or not a text is translated yet.
"""

from __future__ import annotations

import base64
import datetime
import io
import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from pypdf import PdfReader

from evaluation import reports, tasks
from evaluation.models import (
    Answer,
    Evaluation,
    Indicator,
    IndicatorValue,
    Question,
    Report,
    Response,
    Survey,
    SurveyQuestion,
)
from learning import phases
from learning.models import (
    Conclusion,
    Cycle,
    IntroductionMeeting,
    LearningPoint,
    ObservationNote,
    Phase,
    Practice,
    PracticeLogEntry,
    Reflection,
    SharingSession,
    Visit,
    VisitFeedback,
    VisitReflection,
)
from programmes.models import (
    Assignment,
    Attendance,
    Enrolment,
    Gathering,
    Network,
    Programme,
    StatusReport,
    Submission,
    TeamMember,
)
from tests.factories import UnitFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
V = Reflection.Visibility

NEED = "Roligere måltider for beboerne"
FOCUS = "Hvordan skaper de ro rundt måltidet?"
NOTE = "OBSERVERT-De starter måltidet samlet"
FEEDBACK = "FUNGERER-Rolig stemme ved bordet"
EXPERIENCE = "ERFARING-Vi har lært å vente på hverandre"
LESSON = "LÆRDOM-Start smått"
PINNED = "FESTET-Vi ventet til alle satt"
SHARED_UNPINNED = "DELT-IKKE-FESTET-2b7c"
PRIVATE = "PRIVAT-REFLEKSJON-9x4q"
INDICATOR = "Uro ved måltid"
LATE_INDICATOR = "Fornøyde beboere"
SURVEY_TITLE = "Evaluering av måltidsprosjektet"


# Helpers ------------------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(value: str) -> str:
    """Whitespace folded, so text wrapped over lines in the PDF still matches."""
    return re.sub(r"\s+", " ", value).strip()


def contains(haystack: str, needle: str) -> bool:
    return flat(needle) in flat(haystack)


def in_language(language: str, message: str, **params) -> str:
    with translation.override(language):
        result = gettext(message)
    return result % params if params else result


def make_report(kind, subject, user, language="nb") -> Report:
    field = "cycle" if isinstance(subject, Cycle) else "programme"
    return Report.objects.create(
        kind=kind, language=language, requested_by=user, **{field: subject}
    )


def rendered(report: Report) -> tuple[Report, str]:
    tasks.render_report(report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    with report.file.open("rb") as handle:
        return report, pdf_text(handle.read())


def respond(survey: Survey, question: Question, values: list[int], *, participants=0) -> None:
    """Anonymous answers (no person, no time), the first ``participants`` from participants."""
    for n, value in enumerate(values):
        response = Response.objects.create(survey=survey, is_participant=n < participants)
        Answer.objects.create(response=response, question=question, number=value)


def make_survey(municipality, title, questions, **fields) -> Survey:
    survey = Survey.objects.create(
        municipality=municipality, title=title, status=Survey.Status.CLOSED, **fields
    )
    for position, question in enumerate(questions):
        SurveyQuestion.objects.create(survey=survey, question=question, position=position)
    return survey


# The cycle ----------------------------------------------------------------------------


@dataclass
class CycleScene:
    world: object
    cycle: Cycle
    survey: Survey
    question: Question


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def scene(world, media) -> CycleScene:
    cycle = phases.start_cycle(
        unit=world.unit,
        owner=world.leader,
        title="Gode måltider",
        start_date=today() - 90 * DAY,
        actor=world.leader,
    )
    Cycle.objects.filter(pk=cycle.pk).update(
        current_phase=Phase.EVALUATION,
        learning_need=NEED,
        learning_need_source=Cycle.NeedSource.STAFF_IDEA,
        focus_question=FOCUS,
        host_unit=world.sibling,
    )
    cycle = Cycle.objects.get(pk=cycle.pk)
    calm = LearningPoint.objects.create(
        cycle=cycle,
        title="Rolig start",
        observe="Hvordan de starter",
        learn="Ro",
        train="Øving på personalmøtet",
        decision=LearningPoint.Decision.ADOPT,
        decision_reason="Det virker",
    )
    LearningPoint.objects.create(
        cycle=cycle, title="Dempet lys", observe="Lyset", learn="Lys", train="Prøve"
    )
    meeting = IntroductionMeeting.objects.create(cycle=cycle, held_on=today() - 80 * DAY)
    meeting.attendees.set([world.staff, world.leader, world.supporter])
    starts = timezone.now() - 30 * DAY
    visit = Visit.objects.create(
        cycle=cycle,
        host_unit=world.sibling,
        host_contact=world.sibling_leader,
        starts_at=starts,
        ends_at=starts + 2 * HOUR,
        purpose="Se hvordan måltidet starter",
        status=Visit.Status.CONFIRMED,
        requested_by=world.leader,
    )
    visit.observers.set([world.staff, world.leader])
    ObservationNote.objects.create(visit=visit, learning_point=calm, author=world.staff, text=NOTE)
    VisitReflection.objects.create(
        visit=visit, author=world.staff, observed="De venter", take_home="Vente sammen"
    )
    VisitFeedback.objects.create(
        visit=visit,
        works=FEEDBACK,
        learned="Å vente",
        written_by=world.leader,
        sent_at=starts + 2 * DAY,
    )
    session = SharingSession.objects.create(cycle=cycle, held_on=today() - 25 * DAY, note="Deling")
    session.attendees.set([world.staff, world.supporter, world.union_rep])
    Conclusion.objects.create(cycle=cycle, learning_point=calm, text="Vi venter til alle sitter")
    PracticeLogEntry.objects.create(
        cycle=cycle, practised_on=today() - 20 * DAY, what="Felles start", who="Alle"
    )
    before = Indicator.objects.create(
        cycle=cycle,
        name=INDICATOR,
        unit_of_measure="episoder per uke",
        direction=Indicator.Direction.DOWN,
        baseline_on=today() - 60 * DAY,
        baseline_value=12,
        target_value=4,
    )
    IndicatorValue.objects.create(indicator=before, measured_on=today() - 20 * DAY, value=8)
    IndicatorValue.objects.create(indicator=before, measured_on=today() - 5 * DAY, value=5)
    Indicator.objects.create(
        cycle=cycle,
        name=LATE_INDICATOR,
        baseline_on=today() - 10 * DAY,
        baseline_value=60,
        target_value=80,
    )
    Evaluation.objects.create(
        cycle=cycle,
        experience=EXPERIENCE,
        achieved=Evaluation.Achieved.YES,
        why="Alle var med",
        evidence="Vi venter nå alltid",
        lessons=LESSON,
        decision=Evaluation.Decision.CONTINUE,
        decision_reason="Det fungerer",
        decided_on=today() - 2 * DAY,
    )
    Reflection.objects.create(
        author=world.staff,
        cycle=cycle,
        phase=Phase.OBSERVATION,
        answers=[{"question": "Hva skjedde?", "answer": PRIVATE}],
        visibility=V.PRIVATE,
        is_draft=False,
    )
    Reflection.objects.create(
        author=world.supporter,
        cycle=cycle,
        phase=Phase.IMPLEMENTATION,
        free_text=PINNED,
        visibility=V.UNIT,
        is_draft=False,
        is_pinned=True,
    )
    Reflection.objects.create(
        author=world.leader,
        cycle=cycle,
        phase=Phase.IMPLEMENTATION,
        free_text=SHARED_UNPINNED,
        visibility=V.UNIT,
        is_draft=False,
    )
    question = Question.objects.get(key="phase7-learning-achieved")
    survey = make_survey(world.unit.municipality, SURVEY_TITLE, [question], cycle=cycle)
    return CycleScene(world=world, cycle=cycle, survey=survey, question=question)


def test_cycle_report_pdf_has_every_section_and_figure(scene):
    respond(scene.survey, scene.question, [6, 6, 5, 5, 2])
    report, text = rendered(make_report(Report.Kind.CYCLE, scene.cycle, scene.world.leader))
    for heading in [
        "Summary",
        "The need for learning",
        "Focus question and learning points",
        "The host and what was observed",
        "Feedback given to the host",
        "What was implemented and decided",
        "Timeline",
        "Indicators",
        "Evaluation",
        "Participation",
        "Shared reflections the unit pinned",
    ]:
        assert contains(text, in_language("nb", heading)), heading
    for expected in [NEED, FOCUS, "Rolig start", "Dempet lys", NOTE, FEEDBACK, EXPERIENCE]:
        assert contains(text, expected), expected
    assert contains(text, LESSON) and contains(text, PINNED)
    assert contains(text, scene.world.sibling.name)  # the host
    assert contains(text, INDICATOR) and contains(text, LATE_INDICATOR)
    # Baseline 12 → latest 5: a change of −7, and the late baseline is pointed out.
    assert contains(text, "-7") or contains(text, "−7")
    with translation.override("nb"):
        late_note = gettext(
            "Registered on %(date)s, after the work had started (%(start)s): the change "
            "cannot be read as an effect of it."
        )
    assert contains(text, late_note.split("%(date)s")[0])
    # Participation: 3 at the introduction meeting, 3 at sharing, 2 observers, 3 wrote.
    with translation.override("nb"):
        people = scene.world.unit.people().count()
        took_part = {
            scene.world.staff.pk,
            scene.world.leader.pk,
            scene.world.supporter.pk,
            scene.world.union_rep.pk,
        }
        assert contains(text, reports.participation_reading(len(took_part), people))
    # The survey: 5 answers, 4 of them 5 or 6 on the six-point extent scale: 80 %.
    assert contains(text, SURVEY_TITLE) and contains(text, "80 %")
    assert report.size > 1000 and report.finished_at and report.attempts == 1


def test_the_pdf_is_tagged_with_title_language_and_metadata(scene):
    report, _text = rendered(make_report(Report.Kind.CYCLE, scene.cycle, scene.world.leader))
    with report.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nb"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    title = reader.metadata.title
    assert in_language("nb", "Cycle report") in title and scene.cycle.title in title
    assert reader.metadata.creation_date is not None
    assert len(reader.pages) >= 2
    # PDF/UA-1 identification in the XMP metadata.
    assert b"pdfuaid" in reader.trailer["/Root"]["/Metadata"].get_data()


def test_private_reflection_text_never_reaches_a_report(scene, world):
    for kind in (Report.Kind.CYCLE, Report.Kind.BRIEF):
        _report, text = rendered(make_report(kind, scene.cycle, world.hr))
        assert PRIVATE not in text
        assert SHARED_UNPINNED not in text  # shared but not pinned: not in the report
    _report, text = rendered(make_report(Report.Kind.CYCLE, scene.cycle, world.hr))
    assert contains(text, PINNED)
    # The private reflection is counted (phase 5: one private), its text is not.
    context = reports.cycle_report_context(scene.cycle, today())
    rows = {row["phase"]: row for row in context["participation"]["reflections"]}
    observation = rows[f"5. {Phase.OBSERVATION.label}"]
    assert (observation["shared"], observation["private"]) == (0, 1)
    assert PRIVATE not in repr(context)


@pytest.mark.parametrize("answers, shown", [(4, False), (5, True)])
def test_survey_results_of_fewer_than_five_are_hidden_in_the_pdf(scene, answers, shown):
    respond(scene.survey, scene.question, [6, 6, 6, 5, 5][:answers])
    _report, text = rendered(make_report(Report.Kind.CYCLE, scene.cycle, scene.world.leader))
    hidden = in_language(
        "nb",
        "Fewer than %(min)s people answered, so the results are hidden to protect anonymity.",
        min=5,
    )
    assert contains(text, SURVEY_TITLE)
    assert contains(text, hidden) is not shown
    assert contains(text, "100 %") is shown


def test_a_report_in_nynorsk_has_nynorsk_headings(scene):
    Cycle.objects.filter(pk=scene.cycle.pk).update(what="Ro", why="Helse", how="Møte")
    report, text = rendered(
        make_report(Report.Kind.CYCLE, scene.cycle, scene.world.leader, language="nn")
    )
    # Every heading as the nynorsk catalog has it (English until it is translated) ...
    for heading in [
        "Cycle report",
        "Summary",
        "The need for learning",
        "What, why and how",
        "Focus question and learning points",
        "The host and what was observed",
        "Observation notes",
        "Sharing sessions at home",
        "Timeline",
        "Participation",
    ]:
        assert contains(text, in_language("nn", heading)), heading
    # ... and headings whose bokmål and nynorsk differ are in nynorsk, not bokmål.
    for heading in ["What, why and how", "Observation notes", "Sharing sessions at home"]:
        nynorsk, bokmal = in_language("nn", heading), in_language("nb", heading)
        assert nynorsk != bokmal, heading
        assert contains(text, nynorsk) and not contains(text, bokmal), heading
    assert in_language("nn", "kollegalaering-cycle-report-%(date)s.pdf", date="x")[:-6] in (
        report.file.name
    )
    with report.file.open("rb") as handle:
        assert PdfReader(handle).trailer["/Root"]["/Lang"] == "nn"


def test_the_cycle_brief_fits_one_page(scene):
    report, text = rendered(make_report(Report.Kind.BRIEF, scene.cycle, scene.world.leader))
    with report.file.open("rb") as handle:
        assert len(PdfReader(handle).pages) == 1
    assert contains(text, in_language("nb", "One-page brief"))
    assert contains(text, NEED) and contains(text, FOCUS)
    assert contains(text, str(Evaluation.Decision.CONTINUE.label)) or contains(
        text, in_language("nb", "Continue in daily practice")
    )


# The task -----------------------------------------------------------------------------


def test_the_task_is_idempotent(scene):
    report = make_report(Report.Kind.CYCLE, scene.cycle, scene.world.leader)
    tasks.render_report(report.pk)
    report.refresh_from_db()
    first = (report.status, report.file.name, report.attempts, report.finished_at)
    assert report.status == Report.Status.READY
    tasks.render_report(report.pk)  # a second delivery of the same task
    report.refresh_from_db()
    assert (report.status, report.file.name, report.attempts, report.finished_at) == first
    assert len(list(report.file.storage.listdir(report.file.name.rsplit("/", 1)[0])[1])) == 1


def test_a_failed_render_shows_the_error_and_a_retry_that_works(
    scene, client, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(html, base_url=None):
        raise RuntimeError("Pango is missing")

    monkeypatch.setattr(tasks, "render_pdf", broken)
    report = make_report(Report.Kind.CYCLE, scene.cycle, scene.world.leader)
    tasks.render_report(report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.error == "RuntimeError: Pango is missing"
    assert not report.file and report.finished_at

    client.force_login(scene.world.leader)
    page = client.get(reverse("report_detail", args=[report.pk]))
    html = page.content.decode()
    language = page.wsgi_request.LANGUAGE_CODE
    assert (
        escape(
            in_language(
                language,
                "The report could not be made. Nothing is lost: try again, and if it fails again, "
                "tell the people who run Kollegalæring in your municipality.",
            )
        )
        in html
    )
    assert reverse("report_retry", args=[report.pk]) in html
    assert 'hx-trigger="every 2s"' not in html  # finished: no more polling
    assert client.get(reverse("report_download", args=[report.pk])).status_code == 404

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report_retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == (Report.Status.READY, 2, "")
    download = client.get(reverse("report_download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    expected_name = in_language(language, "kollegalaering-cycle-report-%(date)s.pdf", date="")
    assert expected_name[:-4] in download["Content-Disposition"]
    assert contains(pdf_text(b"".join(download.streaming_content)), NEED)


def test_a_stale_render_is_reclaimed_and_a_fresh_one_left_alone(scene, monkeypatch):
    report = make_report(Report.Kind.CYCLE, scene.cycle, scene.world.leader)
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.RENDERING,
        started_at=timezone.now() - datetime.timedelta(minutes=1),
        attempts=1,
    )
    # Another worker is on it (started a minute ago): left alone, and looked at again when
    # that claim would go stale, in case the worker died (a redelivered message).
    scheduled = []
    tasks.render_report.app.conf.task_always_eager = False  # conftest restores it
    monkeypatch.setattr(
        tasks.render_report, "apply_async", lambda args, countdown: scheduled.append(countdown)
    )
    tasks.render_report(report.pk)
    report.refresh_from_db()
    assert (report.status, report.attempts) == (Report.Status.RENDERING, 1)
    assert len(scheduled) == 1 and 9 * 60 < scheduled[0] < 9 * 60 + 10

    Report.objects.filter(pk=report.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    tasks.render_report(report.pk)  # that worker died 11 minutes ago
    report.refresh_from_db()
    assert (report.status, report.attempts) == (Report.Status.READY, 2)
    tasks.render_report(report.pk)  # ready: nothing more to do, nothing scheduled
    assert len(scheduled) == 1


def test_requesting_twice_makes_one_report(scene, django_capture_on_commit_callbacks):
    world = scene.world
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = reports.request_report(Report.Kind.CYCLE, scene.cycle, world.leader, "nb")
        again = reports.request_report(Report.Kind.CYCLE, scene.cycle, world.supporter, "nb")
        other = reports.request_report(Report.Kind.CYCLE, scene.cycle, world.leader, "en")
    assert first.pk == again.pk != other.pk
    assert len(callbacks) == 2


# The programme ------------------------------------------------------------------------

OUTCOME_KEYS = ("outcome-goals", "outcome-development", "outcome-reflective-practice")
PRACTICE = "Rolige måltider i praksis"


@dataclass
class ProgrammeScene:
    world: object
    programme: Programme
    enrolments: list[Enrolment]
    held: Gathering
    survey: Survey


def build_programme(world, units: int, prefix: str = "Enhet") -> ProgrammeScene:
    """A running programme owned by world.unit's municipality with world.hr coordinating:
    world.unit and ``units - 1`` more units, in two networks, each with a cycle; a held
    start-up gathering, a held network gathering and one to come; an assignment and status
    reports past their deadlines; evaluations, a published practice, hosted visits, and an
    outcome survey with 15 answers (10 from participants, 5 from others)."""
    municipality = world.unit.municipality
    now = timezone.now()
    programme = Programme.objects.create(
        municipality=municipality,
        title="Nettverk for gode måltider",
        purpose="Lære av hverandre",
        commissioned_by="Kommunalsjef helse og omsorg",
        starts_on=today() - 120 * DAY,
        ends_on=today() + 200 * DAY,
        status=Programme.Status.RUNNING,
    )
    programme.municipalities.add(municipality)
    programme.coordinators.add(world.hr)
    north = Network.objects.create(programme=programme, name="Nettverk Nord")
    south = Network.objects.create(programme=programme, name="Nettverk Sør")
    unit_list = [world.unit] + [
        UnitFactory(municipality=municipality, name=f"{prefix} {n:02d}") for n in range(1, units)
    ]
    enrolments = []
    for n, unit in enumerate(unit_list):
        cycle = Cycle.objects.create(
            unit=unit,
            title=f"Løp {n}",
            owner=world.leader,
            start_date=today() - 100 * DAY,
            current_phase=(n % 7) + 1,
            status=Cycle.Status.COMPLETED if n % 5 == 4 else Cycle.Status.ACTIVE,
        )
        enrolments.append(
            Enrolment.objects.create(
                programme=programme,
                unit=unit,
                status=Enrolment.Status.ADMITTED,
                network=north if n % 2 == 0 else south,
                cycle=cycle,
                goals="Mål",
                anchoring="Forankring",
                first_time=n % 3 == 0,
            )
        )
        if n % 2 == 0:
            Evaluation.objects.create(
                cycle=cycle,
                decision=Evaluation.Decision.CONTINUE if n % 4 == 0 else Evaluation.Decision.END,
                lessons=LESSON if n == 0 else "",
            )
    Enrolment.objects.create(
        programme=programme,
        unit=UnitFactory(municipality=municipality, name=f"{prefix}: søkte, ikke tatt opp"),
        status=Enrolment.Status.DECLINED,
        goals="Mål",
        anchoring="Forankring",
    )
    startup = Gathering.objects.create(
        programme=programme,
        kind=Gathering.Kind.STARTUP,
        title="Oppstartssamling",
        starts_at=now - 60 * DAY,
        ends_at=now - 60 * DAY + 3 * HOUR,
        place="Rådhuset",
        status_reports_due=today() - 62 * DAY,
    )
    network = Gathering.objects.create(
        programme=programme,
        network=north,
        kind=Gathering.Kind.NETWORK,
        title="Nettverkssamling Nord",
        starts_at=now - 20 * DAY,
        ends_at=now - 20 * DAY + 3 * HOUR,
        place="Kulturhuset",
    )
    Gathering.objects.create(
        programme=programme,
        kind=Gathering.Kind.FOLLOW_UP,
        title="Oppfølgingssamling",
        starts_at=now + 30 * DAY,
        ends_at=now + 30 * DAY + 3 * HOUR,
        place="Rådhuset",
    )
    assignment = Assignment.objects.create(
        programme=programme,
        title="Kartlegg måltidene",
        instructions="Beskriv",
        due_date=today() - 30 * DAY,
    )
    for n, enrolment in enumerate(enrolments):
        # Everyone at the start-up (the leader in all but the last); north at its gathering.
        Attendance.objects.create(
            gathering=startup, enrolment=enrolment, user=world.leader, role=TeamMember.Role.LEADER
        )
        if enrolment.network_id == north.pk and n % 4 == 0:
            Attendance.objects.create(
                gathering=network, enrolment=enrolment, user=world.staff, role="resource"
            )
        if n % 2 == 0:  # half submit, every other of them late
            Submission.objects.create(
                assignment=assignment,
                enrolment=enrolment,
                text="Svar",
                submitted_at=now - (35 if n % 4 == 0 else 25) * DAY,
            )
        StatusReport.objects.create(
            enrolment=enrolment,
            gathering=startup,
            what_we_did="Startet",
            where_we_are="Fase 1",
            created_at=now - 64 * DAY,
        )
    Practice.objects.create(
        unit=world.unit,
        title=PRACTICE,
        description="Vi starter samlet.",
        cycle=enrolments[0].cycle,
        created_by=world.leader,
    )
    Practice.objects.create(
        unit=world.unit, title="Upublisert", description="Nei.", is_published=False
    )
    for n in range(3):
        starts = now - (10 + n) * DAY
        Visit.objects.create(
            cycle=enrolments[1].cycle,
            host_unit=world.unit,
            starts_at=starts,
            ends_at=starts + HOUR,
            purpose="Se",
            status=Visit.Status.CONFIRMED,
        )
    questions = list(Question.objects.filter(key__in=OUTCOME_KEYS).order_by("pk"))
    survey = make_survey(municipality, "Sluttevaluering", questions, programme=programme)
    for n in range(15):
        response = Response.objects.create(survey=survey, is_participant=n < 10)
        for question in questions:
            Answer.objects.create(response=response, question=question, number=5 if n < 12 else 2)
    return ProgrammeScene(world, programme, enrolments, startup, survey)


@pytest.fixture
def programme_scene(world, media) -> ProgrammeScene:
    return build_programme(world, 6)


def test_programme_report_pdf_has_every_section_and_figure(programme_scene):
    scene = programme_scene
    report, text = rendered(make_report(Report.Kind.PROGRAMME, scene.programme, scene.world.hr))
    nb = lambda message, **params: in_language("nb", message, **params)  # noqa: E731
    for heading in [
        "Programme report",
        "About the programme",
        "Enrolment",
        "Attendance per gathering",
        "Units by phase",
        "Deliverables on time",
        "Survey outcomes",
        "Continuation decisions",
        "Spreading",
    ]:
        assert contains(text, nb(heading)), heading
    assert contains(text, scene.programme.title)
    assert contains(text, "Oppstartssamling") and contains(text, "Nettverkssamling Nord")
    assert "Oppfølgingssamling" not in text  # not held yet
    with translation.override("nb"):
        # 6 admitted of 7 that applied, in 2 networks.
        assert contains(text, reports.enrolment_reading({"admitted": 6, "declined": 1}, 6, 2))
        # Deliverables: 6 status reports on time + 3 submissions of 6, 2 of them on time.
        assert contains(
            text, reports.deliverables_reading({"expected": 12, "on_time": 8, "percent": 66.7})
        )
        # Outcomes: 12 of 15 agree (80 %), 10 of 10 participants (100 %).
        assert contains(text, "80 %") and contains(text, "100 %")
        # Decisions: 3 units decided (2 continue, 1 ends), 3 not yet.
        decided = ngettext(
            "%(count)d of %(total)d units has decided how to go on; %(continuing)d will "
            "continue the practice in daily work.",
            "%(count)d of %(total)d units have decided how to go on; %(continuing)d will "
            "continue the practice in daily work.",
            3,
        ) % {"count": 3, "total": 6, "continuing": 2}
        assert contains(text, decided)
        assert contains(text, reports.spreading_reading(1, 3))
    assert contains(text, PRACTICE) and "Upublisert" not in text
    assert contains(text, LESSON)
    # A chart with its reading under it for each figure: the SVG's text is in the PDF too.
    assert report.size > 1000


def test_programme_outcomes_of_fewer_than_five_are_hidden(programme_scene):
    scene = programme_scene
    Response.objects.filter(survey=scene.survey).exclude(
        pk__in=Response.objects.filter(survey=scene.survey).order_by("pk").values("pk")[:4]
    ).delete()
    _report, text = rendered(make_report(Report.Kind.PROGRAMME, scene.programme, scene.world.hr))
    with translation.override("nb"):
        hidden = gettext(
            "Fewer than %(min)s people answered, so the results are hidden to protect anonymity."
        ) % {"min": 5}
    assert contains(text, hidden)
    assert "80 %" not in text and "100 %" not in text


def test_the_programme_brief_fits_one_page(programme_scene):
    scene = programme_scene
    report, text = rendered(make_report(Report.Kind.BRIEF, scene.programme, scene.world.hr))
    with report.file.open("rb") as handle:
        assert len(PdfReader(handle).pages) == 1
    assert contains(text, in_language("nb", "One-page brief"))
    assert contains(text, scene.programme.title)
    with translation.override("nb"):
        assert contains(text, reports.spreading_reading(1, 3))


def test_programme_report_queries_do_not_grow_with_units(world, media):
    small = build_programme(world, 5)
    with CaptureQueriesContext(connection) as five:
        small_context = reports.programme_report_context(small.programme, today())
    Programme.objects.filter(pk=small.programme.pk).delete()
    large = build_programme(world, 15, prefix="Stor")
    with CaptureQueriesContext(connection) as fifteen:
        large_context = reports.programme_report_context(large.programme, today())
    assert small_context["enrolment"]["admitted"] == 5
    assert large_context["enrolment"]["admitted"] == 15
    assert len(five) == len(fifteen), [q["sql"] for q in fifteen.captured_queries]
    assert len(fifteen) < 30


# The pages ----------------------------------------------------------------------------

ROLES = [
    "staff",
    "leader",
    "enterprise_leader",
    "supporter",
    "union_rep",
    "safety_rep",
    "hr",
    "senior",
    "sibling_leader",
    "outsider_leader",
    "outsider_hr",
    "no_role",
    "superuser",
    "anonymous",
]
# Cycle reports: "cycle.report" (view) and "cycle.report.create" (make, retry).
CYCLE_VIEW = {"leader", "enterprise_leader", "supporter", "hr", "senior", "superuser"}
CYCLE_CREATE = {"leader", "enterprise_leader", "supporter", "hr", "superuser"}
CYCLE_SEEN = CYCLE_VIEW | {"staff", "union_rep", "safety_rep"}  # a role in the unit: 403
# Programme reports: "programme.follow" (view) and "programme.report" (make, retry).
PROGRAMME_VIEW = {"hr", "senior", "superuser"}
PROGRAMME_CREATE = {"hr", "superuser"}
# The programme's participants (people of world.unit, which is admitted) see it: 403.
PROGRAMME_SEEN = PROGRAMME_VIEW | {
    "staff",
    "leader",
    "enterprise_leader",
    "supporter",
    "union_rep",
    "safety_rep",
}


def expected(role: str, allowed: set[str], seen: set[str], success: int) -> int | str:
    if role == "anonymous":
        return "login"
    if role in allowed:
        return success
    return 403 if role in seen else 404


@dataclass
class Matrix:
    cycle: Cycle
    programme: Programme
    cycle_ready: Report
    cycle_failed: Report
    programme_ready: Report
    programme_failed: Report


@pytest.fixture
def matrix(world, media) -> Matrix:
    cycle = phases.start_cycle(
        unit=world.unit, owner=world.leader, title="Løp", start_date=today(), actor=world.leader
    )
    scene = build_programme(world, 2)
    Enrolment.objects.filter(unit=world.unit, programme=scene.programme).update(cycle=None)
    cycle_ready = make_report(Report.Kind.CYCLE, cycle, world.leader)
    tasks.render_report(cycle_ready.pk)
    programme_ready = make_report(Report.Kind.PROGRAMME, scene.programme, world.hr)
    tasks.render_report(programme_ready.pk)
    failed = {"status": Report.Status.FAILED, "error": "RuntimeError: x"}
    cycle_failed = make_report(Report.Kind.BRIEF, cycle, world.leader)
    programme_failed = make_report(Report.Kind.BRIEF, scene.programme, world.hr)
    Report.objects.filter(pk__in=[cycle_failed.pk, programme_failed.pk]).update(**failed)
    return Matrix(
        cycle=cycle,
        programme=scene.programme,
        cycle_ready=Report.objects.get(pk=cycle_ready.pk),
        cycle_failed=cycle_failed,
        programme_ready=Report.objects.get(pk=programme_ready.pk),
        programme_failed=programme_failed,
    )


def requests_for(m: Matrix):
    """(method, url, data, allowed, seen, success status) for every report URL."""
    cycle = (CYCLE_VIEW, CYCLE_SEEN)
    cycle_create = (CYCLE_CREATE, CYCLE_SEEN)
    programme = (PROGRAMME_VIEW, PROGRAMME_SEEN)
    programme_create = (PROGRAMME_CREATE, PROGRAMME_SEEN)
    make = {"kind": "brief", "language": "nb"}
    return [
        ("get", reverse("cycle_reports", args=[m.cycle.pk]), None, *cycle, 200),
        ("post", reverse("cycle_reports", args=[m.cycle.pk]), make, *cycle_create, 302),
        ("get", reverse("programme_reports", args=[m.programme.pk]), None, *programme, 200),
        ("post", reverse("programme_reports", args=[m.programme.pk]), make, *programme_create, 302),
        ("get", reverse("report_detail", args=[m.cycle_ready.pk]), None, *cycle, 200),
        ("get", reverse("report_download", args=[m.cycle_ready.pk]), None, *cycle, 200),
        ("post", reverse("report_retry", args=[m.cycle_failed.pk]), {}, *cycle_create, 302),
        ("get", reverse("report_detail", args=[m.programme_ready.pk]), None, *programme, 200),
        ("get", reverse("report_download", args=[m.programme_ready.pk]), None, *programme, 200),
        ("post", reverse("report_retry", args=[m.programme_failed.pk]), {}, *programme_create, 302),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, matrix, role, django_capture_on_commit_callbacks):
    if role != "anonymous":
        client.force_login(world.person(role))
    wrong = []
    for method, url, data, allowed, seen, success in requests_for(matrix):
        Report.objects.filter(pk__in=[matrix.cycle_failed.pk, matrix.programme_failed.pk]).update(
            status=Report.Status.FAILED
        )
        with django_capture_on_commit_callbacks(execute=False):
            response = getattr(client, method)(url, data) if data is not None else client.get(url)
        status = response.status_code
        if status == 302 and "/login/" in response["Location"]:
            status = "login"
        want = expected(role, allowed, seen, success)
        if status != want:
            wrong.append(f"{method.upper()} {url}: {status}, expected {want}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_wrong_methods_are_refused(client, world, matrix):
    client.force_login(world.superuser)
    for name, pk in [("report_detail", matrix.cycle_ready.pk), ("report_download", 0)]:
        assert client.post(reverse(name, args=[pk or matrix.cycle_ready.pk])).status_code == 405
    assert client.get(reverse("report_retry", args=[matrix.cycle_failed.pk])).status_code == 405
    for name, pk in [
        ("cycle_reports", matrix.cycle.pk),
        ("programme_reports", matrix.programme.pk),
    ]:
        assert client.put(reverse(name, args=[pk])).status_code == 405


def test_download_is_404_until_the_report_is_ready(client, world, matrix):
    client.force_login(world.leader)
    for status in (Report.Status.PENDING, Report.Status.RENDERING, Report.Status.FAILED):
        Report.objects.filter(pk=matrix.cycle_ready.pk).update(status=status)
        url = reverse("report_download", args=[matrix.cycle_ready.pk])
        assert client.get(url).status_code == 404


def test_the_status_fragment_polls_until_the_report_is_finished(client, world, matrix):
    report = make_report(Report.Kind.CYCLE, matrix.cycle, world.leader)
    client.force_login(world.leader)
    url = reverse("report_detail", args=[report.pk])

    page = client.get(url)
    html = page.content.decode()
    assert 'aria-live="polite"' in html and 'hx-trigger="every 2s"' in html
    fragment = client.get(url, **HTMX)
    body = fragment.content.decode()
    assert "<html" not in body and 'hx-trigger="every 2s"' in body
    assert f'hx-get="{url}"' in body
    assert "HX-Request" in fragment["Vary"]
    language = fragment.wsgi_request.LANGUAGE_CODE
    assert escape(in_language(language, "The report is waiting to be made…")) in body

    tasks.render_report(report.pk)
    fragment = client.get(url, **HTMX).content.decode()
    assert "every 2s" not in fragment and "hx-get" not in fragment
    assert reverse("report_download", args=[report.pk]) in fragment


def test_making_a_report_in_the_browser_without_javascript(
    client, world, matrix, django_capture_on_commit_callbacks
):
    client.force_login(world.hr)
    url = reverse("programme_reports", args=[matrix.programme.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "programme", "language": "nn"})
    report = Report.objects.filter(programme=matrix.programme).latest("pk")
    assert response["Location"] == reverse("report_detail", args=[report.pk])
    assert (report.kind, report.language, report.requested_by) == ("programme", "nn", world.hr)
    assert report.status == Report.Status.READY
    # A kind the subject does not have is refused with the form shown again.
    refused = client.post(url, {"kind": "cycle", "language": "nb"})
    assert refused.status_code == 422
    assert Report.objects.filter(programme=matrix.programme).count() == 3
    # The list shows the new report with its download link.
    listing = client.get(url).content.decode()
    assert reverse("report_download", args=[report.pk]) in listing


def without_chart_ids(svg: str) -> str:
    """pygal gives each rendering a random id (chart-<uuid>); the rest is the same."""
    return re.sub(r"chart-[0-9a-f-]{36}", "chart", str(svg))


def test_the_programme_page_shows_the_same_charts_as_the_pdf(client, world, matrix):
    client.force_login(world.senior)
    html = client.get(reverse("programme_reports", args=[matrix.programme.pk])).content.decode()
    page_svgs = {without_chart_ids(svg) for svg in re.findall(r"<svg .*?</svg>", html, re.S)}
    with translation.override(world.senior.preferred_language):
        context = reports.programme_report_context(matrix.programme, today())
        pdf_html = render_to_string("evaluation/reports/programme_pdf.html", context)
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', pdf_html)
    pdf_svgs = {without_chart_ids(base64.b64decode(image).decode()) for image in images}
    assert len(pdf_svgs) == 6 and pdf_svgs == page_svgs
    for chart in context["charts"].values():
        assert escape(chart["reading"]) in html and escape(chart["reading"]) in pdf_html
    # A senior leader reads; there is no form to make a report.
    assert 'name="kind"' not in html


def test_the_cycle_page_shows_key_figures_and_the_reports(client, world, matrix):
    client.force_login(world.leader)
    response = client.get(reverse("cycle_reports", args=[matrix.cycle.pk]))
    html = response.content.decode()
    language = response.wsgi_request.LANGUAGE_CODE
    assert escape(in_language(language, "Key figures today")) in html
    assert escape(in_language(language, "Make the PDF")) in html
    assert reverse("report_download", args=[matrix.cycle_ready.pk]) in html
    assert reverse("report_detail", args=[matrix.cycle_failed.pk]) in html


def test_report_pages_do_not_grow_in_queries(client, world, matrix):
    client.force_login(world.leader)
    url = reverse("cycle_reports", args=[matrix.cycle.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _n in range(10):
        make_report(Report.Kind.CYCLE, matrix.cycle, world.leader)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def struct_elements(node, found=None):
    """Every structure element (/S type, /Alt) in a tagged PDF's structure tree."""
    found = [] if found is None else found
    node = node.get_object()
    if isinstance(node, dict) or hasattr(node, "keys"):
        if "/S" in node:
            found.append((str(node["/S"]), str(node.get("/Alt", ""))))
        kids = node.get("/K")
        if kids is not None:
            kids = kids.get_object()
            for kid in kids if isinstance(kids, list) else [kids]:
                if hasattr(kid, "get_object") and not isinstance(kid.get_object(), int):
                    struct_elements(kid, found)
    return found


def test_charts_are_figures_with_alternate_text(programme_scene):
    scene = programme_scene
    report, _text = rendered(make_report(Report.Kind.PROGRAMME, scene.programme, scene.world.hr))
    with report.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    elements = struct_elements(reader.trailer["/Root"]["/StructTreeRoot"])
    kinds = {kind for kind, _alt in elements}
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/P", "/Figure"} <= kinds
    figures = [alt for kind, alt in elements if kind == "/Figure"]
    assert len(figures) == 6 and "Pygal" not in figures
    with translation.override("nb"):
        context = reports.programme_report_context(scene.programme, today())
    phases_chart = context["charts"]["phases"]
    assert f"{phases_chart['title']}: {phases_chart['reading']}" in figures
