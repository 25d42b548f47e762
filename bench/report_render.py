"""Benchmark report rendering: the cycle report, and the programme report for 50 units.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kl_bench .venv/bin/python bench/report_render.py

Builds (once; later runs reuse it) “Rapportby kommune (benchmark)”: 50 departments with a
leader and 12 staff each, one cycle per unit with phase plans, learning points, a held
visit to another unit with observers, notes, the reflection after it and feedback, a
sharing session, conclusions, a practice log, two indicators with follow-up values,
reflections (shared, pinned and private), a phase 7 evaluation for half of them, and a
survey on the cycle; and a running network programme with all 50 units admitted in 8
networks, 6 gatherings (4 held) with attendance, 4 assignments with submissions, status
reports, published practices and an outcome survey with 300 answers.

Then times, in bokmål, ``--runs`` times each (median, and the slowest):

1. the cycle report of the richest cycle: the context (``cycle_report_context``), the
   HTML, the PDF (``render_pdf``), and the whole task (``render_report``, storing the file);
2. the programme report for the 50 units, the same four steps;
3. the one-page brief of each.

Budgets (ENGINEERING.md): a cycle report under 1 s, a programme report for 50 units
under 5 s. Prints a Markdown table and writes it, with a description of the machine, to
``bench/results/report_render.md``. Needs PostgreSQL, in a database of its own.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from reminder_sweep import machine, setup_django  # noqa: E402  (same directory)

RESULTS = ROOT / "bench" / "results" / "report_render.md"
NAME = "Rapportby kommune (benchmark)"
UNITS = 50
STAFF_PER_UNIT = 12
BUDGETS = {"cycle": 1.0, "programme": 5.0}  # seconds, a whole report (ENGINEERING.md)


# The data ---------------------------------------------------------------------------------


def build() -> tuple:
    """The municipality, its 50 units' cycles and the programme (made once)."""
    from django.db import transaction
    from django.utils import timezone

    from evaluation.models import (
        Answer,
        Evaluation,
        Indicator,
        IndicatorValue,
        Question,
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
        Membership,
        Municipality,
        MunicipalityRole,
        ObservationNote,
        Phase,
        Practice,
        PracticeLogEntry,
        Reflection,
        SharingSession,
        Unit,
        User,
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

    existing = Municipality.objects.filter(name=NAME).first()
    if existing is not None:
        programme = Programme.objects.get(municipality=existing)
        cycle = Cycle.objects.filter(unit__municipality=existing).order_by("pk").first()
        return programme, cycle, False

    day = datetime.timedelta(days=1)
    hour = datetime.timedelta(hours=1)
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        municipality = Municipality.objects.create(name=NAME, organisation_number="921890003")
        hr = User.objects.create_user(
            "hr@rapportby.kommune.no", full_name="Rapport HR", municipality=municipality
        )
        MunicipalityRole.objects.create(
            municipality=municipality, user=hr, role=MunicipalityRole.Role.HR_COORDINATOR
        )
        sector = Unit.objects.create(
            municipality=municipality, level=Unit.Level.SECTOR, name="Helse og omsorg"
        )
        enterprise = Unit.objects.create(
            municipality=municipality,
            level=Unit.Level.ENTERPRISE,
            name="Sykehjemmene",
            parent=sector,
        )
        units = Unit.objects.bulk_create(
            Unit(
                municipality=municipality,
                level=Unit.Level.DEPARTMENT,
                name=f"Avdeling {n:02d}",
                parent=enterprise,
                unit_type=Unit.UnitType.NURSING_HOME,
            )
            for n in range(UNITS)
        )
        people = User.objects.bulk_create(
            User(
                email=f"p{u:02d}-{n:02d}@rapportby.kommune.no",
                full_name=f"Person {u:02d}-{n:02d}",
                municipality=municipality,
                password="!",
            )
            for u in range(UNITS)
            for n in range(STAFF_PER_UNIT + 1)
        )
        staff: dict[int, list] = {}
        memberships = []
        for u, unit in enumerate(units):
            mine = people[u * (STAFF_PER_UNIT + 1) : (u + 1) * (STAFF_PER_UNIT + 1)]
            leader, staff[unit.pk] = mine[0], mine[1:]
            unit.leader = leader
            memberships.append(Membership(user=leader, unit=unit, role=Membership.Role.LEADER))
            memberships += [
                Membership(user=p, unit=unit, role=Membership.Role.STAFF) for p in mine[1:]
            ]
        Membership.objects.bulk_create(memberships)

        extent = Question.objects.get(key="phase7-learning-achieved")
        cycles = []
        for u, unit in enumerate(units):
            crew = staff[unit.pk]
            cycle = phases.start_cycle(
                unit=unit,
                owner=unit.leader,
                title=f"Gode måltider {u:02d}",
                start_date=today - 150 * day,
                actor=unit.leader,
            )
            Cycle.objects.filter(pk=cycle.pk).update(
                current_phase=(u % 7) + 1,
                status=Cycle.Status.COMPLETED if u % 6 == 5 else Cycle.Status.ACTIVE,
                learning_need="Roligere måltider for beboerne, med mindre uro og mer samtale.",
                learning_need_source=Cycle.NeedSource.STAFF_IDEA,
                focus_question="Hvordan skaper de ro rundt måltidet?",
                host_unit=units[(u + 1) % UNITS],
                what="Rolige måltider",
                why="Beboerne spiser bedre",
                how="Personalmøter og hospitering",
            )
            cycle = Cycle.objects.get(pk=cycle.pk)
            cycles.append(cycle)
            points = LearningPoint.objects.bulk_create(
                LearningPoint(
                    cycle=cycle,
                    title=f"Læringspunkt {n}",
                    observe="Hvordan de starter måltidet",
                    learn="Å vente til alle sitter",
                    train="Øving på personalmøtene",
                    decision=LearningPoint.Decision.ADOPT if n else "",
                    decision_reason="Det virker" if n else "",
                )
                for n in range(3)
            )
            meeting = IntroductionMeeting.objects.create(cycle=cycle, held_on=today - 140 * day)
            meeting.attendees.set(crew[:10] + [unit.leader])
            starts = now - (60 + u % 10) * day
            visit = Visit.objects.create(
                cycle=cycle,
                host_unit=units[(u + 1) % UNITS],
                starts_at=starts,
                ends_at=starts + 3 * hour,
                purpose="Se hvordan måltidet starter",
                status=Visit.Status.CONFIRMED,
                requested_by=unit.leader,
            )
            visit.observers.set(crew[:3])
            ObservationNote.objects.bulk_create(
                ObservationNote(
                    visit=visit,
                    learning_point=points[n % 3],
                    author=crew[n % 3],
                    text="De venter til alle sitter, og personalet setter seg ned. " * 3,
                )
                for n in range(6)
            )
            VisitReflection.objects.create(
                visit=visit, author=crew[0], observed="Ro ved bordet", take_home="Vente sammen"
            )
            VisitFeedback.objects.create(
                visit=visit,
                works="Rolig stemme og felles start",
                learned="Å vente",
                written_by=unit.leader,
                sent_at=starts + 2 * day,
            )
            session = SharingSession.objects.create(
                cycle=cycle, held_on=today - 50 * day, note="Deling på personalmøtet"
            )
            session.attendees.set(crew[:8])
            Conclusion.objects.create(cycle=cycle, learning_point=points[0], text="Vi venter")
            PracticeLogEntry.objects.bulk_create(
                PracticeLogEntry(
                    cycle=cycle,
                    practised_on=today - (40 - n) * day,
                    what="Felles start",
                    who="Alle",
                )
                for n in range(5)
            )
            for n in range(2):
                indicator = Indicator.objects.create(
                    cycle=cycle,
                    name=f"Indikator {n}",
                    unit_of_measure="per uke",
                    baseline_on=today - (100 if n == 0 else 30) * day,
                    baseline_value=12,
                    target_value=4,
                    direction=Indicator.Direction.DOWN,
                )
                IndicatorValue.objects.bulk_create(
                    IndicatorValue(
                        indicator=indicator, measured_on=today - (20 - 5 * k) * day, value=10 - k
                    )
                    for k in range(4)
                )
            Reflection.objects.bulk_create(
                Reflection(
                    author=crew[n],
                    cycle=cycle,
                    phase=(n % 7) + 1,
                    free_text="Vi så at roen kom når vi satte oss ned.",
                    visibility=Reflection.Visibility.UNIT if n % 2 else "private",
                    is_draft=False,
                    is_pinned=n in (1, 3),
                )
                for n in range(10)
            )
            if u % 2 == 0:
                Evaluation.objects.create(
                    cycle=cycle,
                    experience="Gode erfaringer",
                    achieved=Evaluation.Achieved.YES,
                    why="Alle var med",
                    evidence="Vi venter nå alltid",
                    lessons="Start smått",
                    decision=Evaluation.Decision.CONTINUE
                    if u % 4 == 0
                    else Evaluation.Decision.NEW_CYCLE,
                    decision_reason="Det fungerer",
                )
            survey = Survey.objects.create(
                municipality=municipality,
                title="Evaluering",
                cycle=cycle,
                phase=Phase.EVALUATION,
                status=Survey.Status.CLOSED,
            )
            SurveyQuestion.objects.create(survey=survey, question=extent)
            responses = Response.objects.bulk_create(Response(survey=survey) for _n in range(8))
            Answer.objects.bulk_create(
                Answer(response=r, question=extent, number=(n % 6) + 1)
                for n, r in enumerate(responses)
            )

        programme = Programme.objects.create(
            municipality=municipality,
            title="Nettverk for gode måltider (benchmark)",
            purpose="Lære av hverandre",
            commissioned_by="Kommunalsjef helse og omsorg",
            starts_on=today - 200 * day,
            ends_on=today + 200 * day,
            status=Programme.Status.RUNNING,
        )
        programme.municipalities.add(municipality)
        programme.coordinators.add(hr)
        networks = Network.objects.bulk_create(
            Network(programme=programme, name=f"Nettverk {n + 1}") for n in range(8)
        )
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(
                programme=programme,
                unit=unit,
                status=Enrolment.Status.ADMITTED,
                network=networks[u % 8],
                cycle=cycles[u],
                goals="Mål",
                anchoring="Forankring",
                first_time=u % 3 == 0,
            )
            for u, unit in enumerate(units)
        )
        TeamMember.objects.bulk_create(
            TeamMember(enrolment=e, user=units[u].leader, role=TeamMember.Role.LEADER)
            for u, e in enumerate(enrolments)
        )
        gatherings = []
        for n in range(6):
            starts = now + (n - 4) * 30 * day
            gatherings.append(
                Gathering.objects.create(
                    programme=programme,
                    network=networks[n % 8] if n in (2, 3) else None,
                    kind=Gathering.Kind.STARTUP if n == 0 else Gathering.Kind.NETWORK,
                    title=f"Samling {n + 1}",
                    starts_at=starts,
                    ends_at=starts + 5 * hour,
                    place="Rådhuset",
                    status_reports_due=(starts - 3 * day).date(),
                )
            )
        Attendance.objects.bulk_create(
            Attendance(
                gathering=g,
                enrolment=e,
                user=person,
                role=TeamMember.Role.LEADER if person == units[u].leader else "resource",
            )
            for g in gatherings[:4]
            for u, e in enumerate(enrolments)
            if (g.network_id in (None, e.network_id)) and (u + g.pk) % 7
            for person in [units[u].leader, *staff[units[u].pk][:2]]
        )
        assignments = Assignment.objects.bulk_create(
            Assignment(
                programme=programme,
                gathering=gatherings[n + 1],
                title=f"Mellomarbeid {n + 1}",
                instructions="Beskriv",
                due_date=(gatherings[n + 1].starts_at - 5 * day).date(),
            )
            for n in range(4)
        )
        Submission.objects.bulk_create(
            Submission(
                assignment=a,
                enrolment=e,
                text="Svar",
                submitted_at=datetime.datetime.combine(
                    a.due_date, datetime.time(12), tzinfo=datetime.UTC
                )
                + (u % 3 - 1) * day,
            )
            for a in assignments
            for u, e in enumerate(enrolments)
            if u % 5
        )
        StatusReport.objects.bulk_create(
            StatusReport(
                enrolment=e,
                gathering=g,
                what_we_did="Personalmøte",
                where_we_are="Fase 3",
                created_at=datetime.datetime.combine(
                    g.status_reports_due, datetime.time(12), tzinfo=datetime.UTC
                )
                + (u % 4 - 2) * day,
            )
            for g in gatherings[:4]
            for u, e in enumerate(enrolments)
            if g.network_id in (None, e.network_id) and u % 6
        )
        Practice.objects.bulk_create(
            Practice(
                unit=units[u],
                title=f"Rolige måltider {u:02d}",
                description="Vi starter samlet.",
                cycle=cycles[u],
                created_by=units[u].leader,
            )
            for u in range(0, UNITS, 3)
        )
        outcome = list(Question.objects.filter(key__startswith="outcome-"))
        survey = Survey.objects.create(
            municipality=municipality,
            title="Sluttevaluering",
            programme=programme,
            status=Survey.Status.CLOSED,
        )
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(survey=survey, question=q, position=n) for n, q in enumerate(outcome)
        )
        responses = Response.objects.bulk_create(
            Response(survey=survey, is_participant=n % 3 != 0) for n in range(300)
        )
        Answer.objects.bulk_create(
            Answer(response=r, question=q, number=(n + k) % 5 + 1)
            for n, r in enumerate(responses)
            for k, q in enumerate(outcome)
        )
    return programme, cycles[6], True  # phase 7, evaluated: the richest report


# The measurements -------------------------------------------------------------------------


@dataclass
class Row:
    report: str
    step: str
    times: list[float]
    queries: int | str = ""
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def measure(report: str, step: str, runs: int, run) -> tuple[Row, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, value, queries = [], None, 0
    for _n in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            value = run()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return Row(report, step, times, queries), value


def bench_report(kind: str, subject, runs: int, label: str) -> tuple[list[Row], float]:
    from django.template.loader import render_to_string
    from django.utils import timezone, translation
    from pypdf import PdfReader

    from evaluation import reports, tasks
    from evaluation.models import Report
    from evaluation.pdf import render_pdf

    today = timezone.localdate()
    field = (
        "programme"
        if kind == Report.Kind.PROGRAMME or hasattr(subject, "coordinators")
        else "cycle"
    )
    rows = []
    with translation.override("nb"):
        if kind == Report.Kind.CYCLE:
            build_context = lambda: reports.cycle_report_context(subject, today)  # noqa: E731
        elif kind == Report.Kind.PROGRAMME:
            build_context = lambda: reports.programme_report_context(subject, today)  # noqa: E731
        else:
            brief = Report(kind=kind, language="nb", **{field: subject})
            build_context = lambda: reports.brief_context(brief)  # noqa: E731
        row, context = measure(label, "context", runs, build_context)
        rows.append(row)
        row, html = measure(
            label, "HTML", runs, lambda: render_to_string(tasks.TEMPLATES[kind], context)
        )
        rows.append(row)
        row, pdf = measure(label, "PDF (WeasyPrint)", runs, lambda: render_pdf(html, str(ROOT)))
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        row.note = f"{pages} pages, {len(pdf) / 1024:.0f} KiB"
        rows.append(row)

    def whole_task() -> Report:
        report = Report.objects.create(kind=kind, language="nb", **{field: subject})
        tasks.render_report(report.pk)
        report.refresh_from_db()
        if report.status != Report.Status.READY:
            raise RuntimeError(f"{label}: {report.error}")
        return report

    row, _report = measure(label, "whole task (render_report, file stored)", runs, whole_task)
    rows.append(row)
    return rows, row.median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--migrate", action="store_true", help="Run migrations first.")
    parser.add_argument("--runs", type=int, default=5, help="Runs of each step (median).")
    args = parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from evaluation.models import Report

    if connection.vendor != "postgresql":
        print("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://...", file=sys.stderr)
        return 2
    if args.migrate:
        call_command("migrate", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="kl-bench-reports-")

    started = time.perf_counter()
    programme, cycle, built = build()
    build_seconds = time.perf_counter() - started
    Report.objects.filter(programme=programme).delete()
    Report.objects.filter(cycle__unit__municipality=programme.municipality).delete()

    rows: list[Row] = []
    problems: list[str] = []
    cycle_rows, cycle_total = bench_report(Report.Kind.CYCLE, cycle, args.runs, "cycle report")
    programme_rows, programme_total = bench_report(
        Report.Kind.PROGRAMME, programme, args.runs, f"programme report, {UNITS} units"
    )
    rows += cycle_rows + programme_rows
    brief_rows, _total = bench_report(Report.Kind.BRIEF, cycle, args.runs, "brief (cycle)")
    rows += brief_rows
    brief_rows, _total = bench_report(Report.Kind.BRIEF, programme, args.runs, "brief (programme)")
    rows += brief_rows
    if cycle_total > BUDGETS["cycle"]:
        problems.append(f"The cycle report took {cycle_total:.2f} s (budget {BUDGETS['cycle']} s).")
    if programme_total > BUDGETS["programme"]:
        problems.append(
            f"The programme report took {programme_total:.2f} s (budget {BUDGETS['programme']} s)."
        )

    report = render(rows, args.runs, build_seconds if built else None, problems)
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 1 if problems else 0


def render(rows: list[Row], runs: int, build_seconds, problems) -> str:
    from django.utils import timezone

    lines = [
        "# Report rendering benchmark",
        "",
        f"Run {timezone.localtime():%Y-%m-%d %H:%M} by `bench/report_render.py`, in bokmål, "
        f"{runs} runs of each step. Budgets: a cycle report under {BUDGETS['cycle']:.0f} s, a "
        f"programme report for {UNITS} units under {BUDGETS['programme']:.0f} s (the whole "
        "task: context, HTML, PDF and storing the file).",
        "",
        "| report | step | median s | slowest s | queries | |",
        "|---|---|---:|---:|---:|---|",
        *(
            f"| {r.report} | {r.step} | {r.median:.3f} | {max(r.times):.3f} | {r.queries} "
            f"| {r.note} |"
            for r in rows
        ),
        "",
        f"Data: “{NAME}”: {UNITS} units with {STAFF_PER_UNIT + 1} people each, one rich cycle "
        "per unit (3 learning points, a held visit with 6 notes and feedback, sharing, 2 "
        "indicators with 4 values, 10 reflections, a survey), and a programme with all of "
        "them in 8 networks: 6 gatherings (4 held) with attendance, 4 assignments with "
        "submissions, status reports, 17 published practices, an outcome survey with 300 "
        "answers.",
        "",
    ]
    if build_seconds is not None:
        lines += [f"Building the data took {build_seconds:.1f} s.", ""]
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    lines += ["Machine:", "", *machine(), f"- Load average (1, 5, 15 min) at the end: {load}", ""]
    lines += (
        ["Problems:", "", *(f"- {p}" for p in problems), ""]
        if problems
        else ["All reports within budget.", ""]
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
