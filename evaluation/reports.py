"""What the PDF reports hold: plain data built in a fixed number of queries, in the active
language (the task renders inside ``translation.override(report.language)``).

- ``cycle_report_context(cycle, today)``: one unit's cycle, from the need to the decision.
- ``programme_report_context(programme, today)``: a network programme in figures, with a
  chart and a one-sentence reading for each figure. The queries do not grow with the number
  of units: everything is loaded per programme and counted here.
- ``brief_context(report)``: the one page for a leader group, from either of the two.
- ``request_report(kind, subject, user, language)``: the service the views call.

Privacy: private reflections reach a report only as counts per phase, never their text;
pinned reflections are shared by definition. Survey figures come only from
``evaluation.results`` (which hides groups below the anonymity threshold).
"""

from __future__ import annotations

import base64
import datetime
from collections import Counter, defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluation.models import Evaluation, Indicator, Report, Survey
from evaluation.results import outcome_statements, percent, survey_results
from evaluation.services import IndicatorSummary, implementation_started
from learning.models import (
    Cycle,
    CycleEvent,
    IntroductionMeeting,
    LearningPoint,
    ObservationNote,
    Phase,
    Practice,
    Reflection,
    SharingSession,
    Visit,
    VisitReflection,
)
from learning.phases import progress
from programmes.charts import bar_chart, line_chart
from programmes.models import (
    Assignment,
    Attendance,
    Enrolment,
    Gathering,
    Programme,
    StatusReport,
    Submission,
    TeamMember,
)

if TYPE_CHECKING:
    from learning.models import User

SHOWN_VISIT_STATUSES = (Visit.Status.CONFIRMED, Visit.Status.REQUESTED, Visit.Status.HOST_PROPOSED)
REACHED_KINDS = (
    CycleEvent.Kind.STARTED,
    CycleEvent.Kind.ADVANCED,
    CycleEvent.Kind.OVERRIDDEN,
    CycleEvent.Kind.REOPENED,
)

# Short names of the three outcome statements, for chart rows (the table has the full text).
OUTCOME_SHORT = {
    "outcome-goals": lambda: _("Better goal attainment"),
    "outcome-development": lambda: _("Development work we would not otherwise have done"),
    "outcome-reflective-practice": lambda: _("More reflective practice"),
}


def number(value, decimals: int = 1) -> str:
    """A figure as the reader writes it: decimal comma in Norwegian, no needless decimals."""
    if value is None:
        return ""
    return floatformat(value, -decimals)


def local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


# The cycle report ---------------------------------------------------------------------------


def cycle_report_context(cycle: Cycle, today: datetime.date) -> dict:  # noqa: C901
    """Everything the cycle report shows, as plain data (about 25 queries, whatever its size)."""
    cycle = (
        Cycle.objects.with_progress()
        .select_related(
            "unit__municipality",
            "owner",
            "host_unit",
            "host_practice",
            "learning_need_idea",
        )
        .get(pk=cycle.pk)
    )
    unit = cycle.unit
    plans = list(cycle.phase_plans.all())
    points = list(cycle.learning_points.all())
    point_titles = {point.pk: point.title for point in points}

    # Visits, what was observed, the reflection straight after, and the feedback given.
    visits = list(
        cycle.visits.filter(status__in=SHOWN_VISIT_STATUSES)
        .select_related("host_unit", "practice", "feedback")
        .annotate(observer_count=Count("observers", distinct=True))
        .order_by("starts_at", "pk")
    )
    notes_by_visit: dict[int, list[dict]] = defaultdict(list)
    for note in ObservationNote.objects.filter(visit__in=visits).order_by(
        "visit_id", "learning_point_id", "pk"
    ):
        notes_by_visit[note.visit_id].append(
            {"learning_point": point_titles.get(note.learning_point_id, ""), "text": note.text}
        )
    reflections_by_visit: dict[int, list[dict]] = defaultdict(list)
    for reflection in VisitReflection.objects.filter(visit__in=visits).order_by("pk"):
        reflections_by_visit[reflection.visit_id].append(
            {"observed": reflection.observed, "take_home": reflection.take_home}
        )
    visit_rows = []
    feedback_rows = []
    now = timezone.now()
    for visit in visits:
        held = visit.status == Visit.Status.CONFIRMED and visit.starts_at <= now
        visit_rows.append(
            {
                "host": visit.host_name,
                "practice": visit.practice.title if visit.practice_id else "",
                "date": visit.visit_date,
                "status": visit.get_status_display(),
                "held": held,
                "observers": visit.observer_count,
                "purpose": visit.purpose,
                "notes": notes_by_visit[visit.pk],
                "reflections": reflections_by_visit[visit.pk],
            }
        )
        feedback = getattr(visit, "feedback", None)
        if feedback is not None and feedback.sent_at:
            feedback_rows.append(
                {
                    "host": visit.host_name,
                    "visit_date": visit.visit_date,
                    "sent_on": local_date(feedback.sent_at),
                    "on_time": not feedback.is_late,
                    "works": feedback.works,
                    "learned": feedback.learned,
                    "questions": feedback.questions,
                    "suggestions": feedback.suggestions,
                    "acknowledged_on": local_date(feedback.acknowledged_at),
                    "host_reply": feedback.host_reply,
                }
            )
    held_dates = [row["date"] for row in visit_rows if row["held"]]
    first_visit = min(held_dates) if held_dates else None

    # Implementation at home.
    sessions = list(
        cycle.sharing_sessions.annotate(attendee_count=Count("attendees", distinct=True))
    )
    conclusions = list(cycle.conclusions.all())
    conclusions_by_point: dict[int | None, list[str]] = defaultdict(list)
    for conclusion in conclusions:
        conclusions_by_point[conclusion.learning_point_id].append(conclusion.text)
    practice_log = [
        {"date": e.practised_on, "what": e.what, "who": e.who, "learned": e.learned}
        for e in cycle.practice_log.order_by("practised_on", "pk")
    ]
    decisions = Counter(point.decision for point in points if point.decision)

    # The timeline: each phase's target date and when it was reached; the events.
    events = list(cycle.events.order_by("created_at", "pk"))
    reached: dict[int, datetime.date] = {}
    for event in events:
        if event.kind in REACHED_KINDS and event.to_phase and event.to_phase not in reached:
            reached[event.to_phase] = local_date(event.created_at)
    timeline = []
    for step in progress(cycle, plans, today):
        if step.is_past:
            key, state = "done", _("Done")
        elif step.is_current and step.is_overdue:
            key, state = "overdue", _("Overdue")
        elif step.is_current:
            key, state = "current", _("Now")
        else:
            key, state = "later", _("Not started")
        timeline.append(
            {
                "number": int(step.phase),
                "label": step.phase.label,
                "due": step.plan.due_date if step.plan else None,
                "reached": reached.get(int(step.phase)),
                "state": state,
                "state_key": key,
                "missing": step.missing if step.is_current else [],
            }
        )
    event_rows = [
        {
            "date": local_date(event.created_at),
            "what": event.get_kind_display(),
            "phase": Phase(event.to_phase).label if event.to_phase else "",
            "reason": event.reason,
        }
        for event in events
    ]

    evaluation = Evaluation.objects.filter(cycle=cycle).first()
    indicators = indicator_rows(
        cycle.indicators.prefetch_related("values"), reference=implementation_started(cycle)
    )
    surveys = [
        survey_results(survey)
        for survey in Survey.objects.filter(cycle=cycle)
        .exclude(status=Survey.Status.DRAFT)
        .order_by("created_at", "pk")
    ]

    participation = participation_breadth(cycle)
    pinned = [
        {
            "phase": Phase(r.phase).label if r.phase else "",
            "learning_point": point_titles.get(r.learning_point_id, ""),
            "date": local_date(r.created_at),
            "answers": r.filled_answers,
            "free_text": r.free_text,
        }
        for r in Reflection.objects.shared()
        .filter(cycle=cycle, is_pinned=True)
        .order_by("phase", "created_at", "pk")
    ]

    held_visits = len(held_dates)
    return {
        "kind": Report.Kind.CYCLE,
        "title": _("Cycle report"),
        "made_on": today,
        "subject": f"{cycle.title} – {unit.name}",
        "cycle": {
            "title": cycle.title,
            "unit": unit.name,
            "municipality": unit.municipality.name,
            "owner": str(cycle.owner),
            "start_date": cycle.start_date,
            "status": cycle.get_status_display(),
            "phase_number": cycle.current_phase,
            "phase": cycle.get_current_phase_display(),
            "what": cycle.what,
            "why": cycle.why,
            "how": cycle.how,
        },
        "need": {
            "text": cycle.learning_need,
            "source": cycle.get_learning_need_source_display(),
        },
        "focus_question": cycle.focus_question,
        "learning_points": [
            {
                "title": point.title,
                "observe": point.observe,
                "learn": point.learn,
                "train": point.train,
                "decision": point.get_decision_display(),
                "decision_reason": point.decision_reason,
                "conclusions": conclusions_by_point.get(point.pk, []),
            }
            for point in points
        ],
        "host": {
            "name": cycle.host_unit.name if cycle.host_unit_id else cycle.host_external,
            "practice": cycle.host_practice.title if cycle.host_practice_id else "",
        },
        "visits": visit_rows,
        "feedback": feedback_rows,
        "sharing_sessions": [
            {
                "date": session.held_on,
                "attendees": session.attendee_count,
                "others": session.other_attendees,
                "days_after_visit": (session.held_on - first_visit).days if first_visit else None,
                "note": session.note,
            }
            for session in sessions
        ],
        "general_conclusions": conclusions_by_point.get(None, []),
        "practice_log": practice_log,
        "decision_counts": [
            (str(label), decisions[value]) for value, label in LearningPoint.Decision.choices
        ],
        "timeline": timeline,
        "events": event_rows,
        "indicators": indicators,
        "evaluation": evaluation_data(evaluation),
        "surveys": surveys,
        "participation": participation,
        "pinned": pinned,
        "figures": [
            (_("Learning points"), len(points)),
            (_("Visits held"), held_visits),
            (_("Feedback sent to the host"), len(feedback_rows)),
            (_("Sharing sessions"), len(sessions)),
            (_("People who took part"), participation["took_part"]),
            (_("Indicators"), len(indicators)),
        ],
    }


def _first(sessions: list[SharingSession]) -> datetime.date | None:
    return min((s.held_on for s in sessions), default=None)


def evaluation_data(evaluation: Evaluation | None) -> dict | None:
    if evaluation is None:
        return None
    return {
        "experience": evaluation.experience,
        "achieved": evaluation.get_achieved_display(),
        "why": evaluation.why,
        "evidence": evaluation.evidence,
        "lessons": evaluation.lessons,
        "decision": evaluation.get_decision_display(),
        "decision_reason": evaluation.decision_reason,
        "decided_on": evaluation.decided_on,
        "check_in_on": evaluation.check_in_on,
        "check_in_note": evaluation.check_in_note,
        "has_answers": evaluation.has_answers,
    }


def indicator_rows(indicators, reference: datetime.date | None) -> list[dict]:
    """Baseline, target, latest value and change of each indicator, whether its baseline was
    registered before ``reference`` (when the work at home started, as on the indicators
    page), and a line chart. ``indicators`` should prefetch ``values``."""
    rows = []
    for indicator in indicators:
        values = sorted(indicator.values.all(), key=lambda v: (v.measured_on, v.pk))
        summary = IndicatorSummary(indicator, values, baseline_in_time=None)
        latest, change, reached = summary.latest, summary.change, summary.target_reached
        reading = indicator_reading(indicator, latest, change)
        target = indicator.target_value
        if reference is None:
            before, baseline_note = None, _("The work at home has not started yet.")
        elif indicator.baseline_on <= reference:
            before = True
            baseline_note = _("Registered on %(date)s, before the work at home started.") % {
                "date": _date(indicator.baseline_on)
            }
        else:
            before = False
            baseline_note = _(
                "Registered on %(date)s, after the work had started (%(start)s): the change "
                "cannot be read as an effect of it."
            ) % {"date": _date(indicator.baseline_on), "start": _date(reference)}
        points = [(_date(indicator.baseline_on), indicator.baseline_value)] + [
            (_date(v.measured_on), v.value)
            for v in values
            if v.measured_on != indicator.baseline_on
        ]
        alt = f"{indicator.name}: {reading}"
        chart = line_chart(
            indicator.name,
            points,
            baseline=indicator.baseline_value,
            target=target,
            labels=(_("Baseline"), _("Target value")),
            description=alt,
        )
        rows.append(
            {
                "name": indicator.name,
                "unit_of_measure": indicator.unit_of_measure,
                "direction": indicator.get_direction_display(),
                "baseline_on": indicator.baseline_on,
                "baseline": indicator.baseline_value,
                "target": target,
                "latest": latest.value if latest else None,
                "latest_on": latest.measured_on if latest else None,
                "change": change,
                "change_text": _signed(change),
                "reached": reached,
                "baseline_before": before,
                "baseline_note": baseline_note,
                "values": [
                    {"date": v.measured_on, "value": v.value, "note": v.note} for v in values
                ],
                "chart": chart,
                "chart_image": data_uri(chart),
                "chart_alt": alt,
                "reading": reading,
            }
        )
    return rows


def data_uri(svg: str) -> str:
    """The same SVG as an image address, for the PDF: WeasyPrint draws an ``<img>`` of an
    SVG without running the page's CSS over every element of the chart, which takes a
    third of the time, and tags it as a Figure with the ``alt`` text."""
    return "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode()).decode()


def _date(value: datetime.date) -> str:
    from django.utils.formats import date_format

    return date_format(value, "j.n.Y")


def _signed(value: Decimal | None) -> str:
    if value is None:
        return ""
    return ("+" if value > 0 else "") + number(value, 2)


def indicator_reading(indicator: Indicator, latest, change) -> str:
    def measured(value) -> str:
        return f"{number(value, 2)} {indicator.unit_of_measure}".strip()

    values = {"name": indicator.name, "baseline": measured(indicator.baseline_value)}
    if latest is None:
        return _("%(name)s: baseline %(baseline)s; no follow-up value yet.") % values
    values.update(latest=measured(latest.value), change=_signed(change))
    return _("%(name)s went from %(baseline)s to %(latest)s (%(change)s).") % values


def participation_breadth(cycle: Cycle) -> dict:
    """How many of the unit's people took part, by activity, and reflections written per
    phase as counts (shared and private alike, never their text)."""
    people = set(cycle.unit.people().values_list("pk", flat=True))
    meetings = set(
        IntroductionMeeting.attendees.through.objects.filter(
            introductionmeeting__cycle=cycle
        ).values_list("user_id", flat=True)
    )
    sharing = set(
        SharingSession.attendees.through.objects.filter(sharingsession__cycle=cycle).values_list(
            "user_id", flat=True
        )
    )
    observers = set(
        Visit.observers.through.objects.filter(
            visit__cycle=cycle, visit__status=Visit.Status.CONFIRMED
        ).values_list("user_id", flat=True)
    )
    saved = Reflection.objects.filter(cycle=cycle, is_draft=False)
    authors = set(saved.values_list("author_id", flat=True).distinct())
    per_phase: dict[int | None, dict[str, int]] = defaultdict(lambda: {"shared": 0, "private": 0})
    for phase, visibility, amount in (
        saved.order_by()
        .values_list("phase", "visibility")
        .annotate(amount=Count("pk"))
        .values_list("phase", "visibility", "amount")
    ):
        key = "shared" if visibility == Reflection.Visibility.UNIT else "private"
        per_phase[phase][key] += amount
    reflection_rows = [
        {
            "phase": f"{phase.value}. {phase.label}",
            "shared": per_phase[phase.value]["shared"],
            "private": per_phase[phase.value]["private"],
        }
        for phase in Phase
    ]
    if None in per_phase:
        reflection_rows.append(
            {
                "phase": _("No phase given"),
                "shared": per_phase[None]["shared"],
                "private": per_phase[None]["private"],
            }
        )
    took_part = meetings | sharing | observers | authors
    total = len(people)
    in_unit = len(took_part & people) if people else len(took_part)
    rows = [
        (_("Introduction meetings"), len(meetings)),
        (_("Sharing sessions"), len(sharing)),
        (_("Observers on visits"), len(observers)),
        (_("Wrote reflections"), len(authors)),
    ]
    return {
        "people": total,
        "took_part": len(took_part),
        "percent": percent(in_unit, total),
        "rows": [(label, n, percent(n, total)) for label, n in rows],
        "reflections": reflection_rows,
        "reflections_total": sum(r["shared"] + r["private"] for r in reflection_rows),
        "reading": participation_reading(in_unit, total),
    }


def participation_reading(took_part: int, total: int) -> str:
    if not total:
        return _("The unit has no registered people yet.")
    return ngettext(
        "%(count)d of %(total)d person in the unit took part in at least one activity "
        "(%(percent)s%%).",
        "%(count)d of %(total)d people in the unit took part in at least one activity "
        "(%(percent)s%%).",
        total,
    ) % {"count": took_part, "total": total, "percent": number(percent(took_part, total))}


# The programme report -----------------------------------------------------------------------


def programme_report_context(programme: Programme, today: datetime.date) -> dict:  # noqa: C901
    """Everything the programme report shows, in a fixed number of queries (about 20)."""
    programme = Programme.objects.select_related("municipality").get(pk=programme.pk)
    now = timezone.now()

    status_counts = Counter(
        dict(
            Enrolment.objects.filter(programme=programme)
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
    )
    enrolments = list(
        Enrolment.objects.filter(programme=programme, status=Enrolment.Status.ADMITTED)
        .select_related("unit", "network", "cycle")
        .order_by("unit__name")
    )
    unit_ids = [e.unit_id for e in enrolments]
    cycle_ids = [e.cycle_id for e in enrolments if e.cycle_id]
    networks = Counter(e.network.name if e.network_id else "" for e in enrolments)

    # Attendance per held gathering: units invited, present, with their leader, people.
    gatherings = list(programme.gatherings.select_related("network").order_by("starts_at", "pk"))
    held = [g for g in gatherings if g.starts_at <= now]
    came: dict[tuple[int, int], list[str]] = defaultdict(list)
    for gathering_id, enrolment_id, role in Attendance.objects.filter(
        gathering__in=held, enrolment__status=Enrolment.Status.ADMITTED
    ).values_list("gathering_id", "enrolment_id", "role"):
        came[gathering_id, enrolment_id].append(role)
    attendance = []
    for gathering in held:
        expected = _invited(gathering, enrolments)
        teams = [came[gathering.pk, e.pk] for e in expected if (gathering.pk, e.pk) in came]
        attendance.append(
            {
                "title": gathering.title,
                "date": local_date(gathering.starts_at),
                "kind": gathering.get_kind_display(),
                "network": gathering.network.name if gathering.network_id else "",
                "invited": len(expected),
                "present": len(teams),
                "percent": percent(len(teams), len(expected)),
                "with_leader": sum(1 for roles in teams if TeamMember.Role.LEADER in roles),
                "people": sum(len(roles) for roles in teams),
            }
        )

    phase_rows = phase_counts(enrolments)

    # Deliverables whose deadline has passed: work between gatherings and status reports.
    assignments = list(programme.assignments.filter(due_date__lt=today))
    submitted: dict[tuple[int, int], datetime.datetime] = {
        (assignment_id, enrolment_id): moment
        for assignment_id, enrolment_id, moment in Submission.objects.filter(
            assignment__in=assignments
        ).values_list("assignment_id", "enrolment_id", "submitted_at")
    }
    assignment_rows = []
    for assignment in assignments:
        expected = _recipients(assignment, enrolments)
        answers = [
            submitted[assignment.pk, e.pk] for e in expected if (assignment.pk, e.pk) in submitted
        ]
        assignment_rows.append(
            {
                "title": assignment.title,
                "due": assignment.due_date,
                "expected": len(expected),
                "submitted": len(answers),
                "on_time": sum(1 for m in answers if local_date(m) <= assignment.due_date),
            }
        )
    report_due = [g for g in gatherings if g.status_reports_due and g.status_reports_due < today]
    delivered: dict[tuple[int, int], datetime.date] = {}
    for enrolment_id, gathering_id, created in StatusReport.objects.filter(
        gathering__in=report_due, enrolment__in=enrolments
    ).values_list("enrolment_id", "gathering_id", "created_at"):
        day = local_date(created)
        key = (enrolment_id, gathering_id)
        delivered[key] = min(day, delivered.get(key, day))
    status_rows = []
    for gathering in report_due:
        expected = _invited(gathering, enrolments)
        days = [
            delivered[e.pk, gathering.pk] for e in expected if (e.pk, gathering.pk) in delivered
        ]
        status_rows.append(
            {
                "title": gathering.title,
                "due": gathering.status_reports_due,
                "expected": len(expected),
                "submitted": len(days),
                "on_time": sum(1 for day in days if day <= gathering.status_reports_due),
            }
        )
    deliverables = {
        "assignments": assignment_rows,
        "status_reports": status_rows,
        "expected": sum(r["expected"] for r in assignment_rows + status_rows),
        "on_time": sum(r["on_time"] for r in assignment_rows + status_rows),
        "submitted": sum(r["submitted"] for r in assignment_rows + status_rows),
    }
    deliverables["percent"] = percent(deliverables["on_time"], deliverables["expected"])

    # Survey outcomes, only through evaluation.results (the anonymity threshold).
    surveys = list(
        Survey.objects.filter(Q(programme=programme) | Q(gathering__programme=programme))
        .exclude(status=Survey.Status.DRAFT)
        .distinct()
        .order_by("created_at", "pk")
    )
    outcomes = outcome_statements(surveys)
    threshold = max((s.min_group for s in surveys), default=0)
    outcome_rows = [
        {
            "key": row.key,
            "statement": row.question.text,
            "short": OUTCOME_SHORT[row.key]() if row.key in OUTCOME_SHORT else row.question.text,
            "respondents": row.respondents,
            "all_percent": row.all_percent,
            "participants": row.participants,
            "participant_percent": row.participant_percent,
        }
        for row in outcomes
    ]
    # The chart's labels: "<statement> – all" and "<statement> – participants".
    everyone, participants = _("all"), _("participants")

    # Continuation: the decision in each admitted unit's phase 7 evaluation.
    decided = Counter(
        dict(
            Evaluation.objects.filter(cycle_id__in=cycle_ids)
            .exclude(decision="")
            .order_by()
            .values_list("decision")
            .annotate(n=Count("pk"))
            .values_list("decision", "n")
        )
    )
    decision_rows = [(str(label), decided[v]) for v, label in Evaluation.Decision.choices]
    undecided = len(enrolments) - sum(decided.values())
    lessons = list(
        Evaluation.objects.filter(cycle_id__in=cycle_ids)
        .exclude(lessons="")
        .order_by("cycle__unit__name")
        .values_list("lessons", flat=True)
    )

    # Spreading: practices the units published, and visits they hosted for others.
    practices = [
        {
            "title": p.title,
            "unit": p.unit.name,
            "from_programme": p.cycle_id in cycle_ids if p.cycle_id else False,
        }
        for p in Practice.objects.filter(unit_id__in=unit_ids, is_published=True)
        .select_related("unit")
        .order_by("unit__name", "title")
    ]
    hosted = Visit.objects.filter(
        host_unit_id__in=unit_ids,
        status=Visit.Status.CONFIRMED,
        starts_at__date__gte=programme.starts_on,
        starts_at__lte=now,
    ).aggregate(
        visits=Count("pk"),
        hosts=Count("host_unit", distinct=True),
        visitors=Count("cycle__unit", distinct=True),
    )

    indicators = indicator_rows(
        programme.indicators.prefetch_related("values"), reference=programme.starts_on
    )

    admitted = len(enrolments)
    charts = {
        "phases": _chart(
            _("Units by phase"),
            phase_rows,
            phase_reading(phase_rows, admitted),
            _("Units"),
            _("Phase"),
        ),
        "attendance": _chart(
            _("Units present per gathering (%)"),
            [
                (f"{row['title']} ({_date(row['date'])})", _round(row["percent"]))
                for row in attendance
            ],
            attendance_reading(attendance),
            _("Units present (%)"),
            _("Gathering"),
        ),
        "deliverables": _chart(
            _("Delivered on time (%)"),
            [
                (_("Work between gatherings"), _round(_share(assignment_rows))),
                (_("Status reports"), _round(_share(status_rows))),
            ],
            deliverables_reading(deliverables),
            _("On time (%)"),
            _("Deliverable"),
        ),
        "outcomes": _chart(
            _("Agree with the outcome statements (%)"),
            [
                row
                for item in outcome_rows
                for row in (
                    (f"{item['short']} – {everyone}", item["all_percent"]),
                    (f"{item['short']} – {participants}", item["participant_percent"]),
                )
                if row[1] is not None
            ],
            outcome_reading(outcome_rows, threshold),
            _("Agree (%)"),
            _("Statement"),
        ),
        "decisions": _chart(
            _("How the units go on"),
            [*decision_rows, (_("Not decided yet"), undecided)],
            decision_reading(decided, admitted),
            _("Units"),
            _("Decision"),
        ),
        "spreading": _chart(
            _("Spreading"),
            [(_("Practices published"), len(practices)), (_("Visits hosted"), hosted["visits"])],
            spreading_reading(len(practices), hosted["visits"]),
            _("Number"),
            _("What"),
        ),
    }
    return {
        "kind": Report.Kind.PROGRAMME,
        "title": _("Programme report"),
        "made_on": today,
        "subject": programme.title,
        "programme": {
            "title": programme.title,
            "purpose": programme.purpose,
            "commissioned_by": programme.commissioned_by,
            "themes": programme.theme_list,
            "starts_on": programme.starts_on,
            "ends_on": programme.ends_on,
            "status": programme.get_status_display(),
            "municipality": programme.municipality.name,
            "municipalities": list(
                programme.municipalities.order_by("name").values_list("name", flat=True)
            ),
            "coordinators": [str(u) for u in programme.coordinators.order_by("full_name")],
        },
        "enrolment": {
            "rows": [(str(label), status_counts[v]) for v, label in Enrolment.Status.choices],
            "admitted": admitted,
            "first_time": sum(1 for e in enrolments if e.first_time),
            "networks": sorted((name, n) for name, n in networks.items() if name),
            "without_network": networks.get("", 0),
            "reading": enrolment_reading(status_counts, admitted, len(networks) - ("" in networks)),
        },
        "attendance": attendance,
        "gatherings_planned": len(gatherings) - len(held),
        "phases": phase_rows,
        "deliverables": deliverables,
        "surveys": {
            "count": len(surveys),
            "threshold": threshold,
            "outcomes": outcome_rows,
        },
        "decisions": {"rows": decision_rows, "undecided": undecided, "lessons": lessons},
        "spreading": {
            "practices": practices,
            "visits": hosted["visits"],
            "hosts": hosted["hosts"],
            "visitors": hosted["visitors"],
        },
        "indicators": indicators,
        "charts": charts,
        "figures": [
            (_("Units taking part"), admitted),
            (_("Gatherings held"), len(held)),
            (
                _("Delivered on time"),
                f"{number(deliverables['percent'])} %"
                if deliverables["percent"] is not None
                else "–",
            ),
            (_("Practices published"), len(practices)),
            (_("Visits hosted"), hosted["visits"]),
        ],
    }


def _invited(gathering: Gathering, enrolments: list[Enrolment]) -> list[Enrolment]:
    if gathering.network_id is None:
        return enrolments
    return [e for e in enrolments if e.network_id == gathering.network_id]


def _recipients(assignment: Assignment, enrolments: list[Enrolment]) -> list[Enrolment]:
    if assignment.enrolment_id:
        return [e for e in enrolments if e.pk == assignment.enrolment_id]
    if assignment.network_id:
        return [e for e in enrolments if e.network_id == assignment.network_id]
    return enrolments


def _share(rows: list[dict]) -> float | None:
    return percent(sum(r["on_time"] for r in rows), sum(r["expected"] for r in rows))


def _round(value: float | None) -> int:
    return round(value) if value is not None else 0


def _chart(
    title: str,
    rows: list[tuple[str, float | int | None]],
    reading: str,
    column: str,
    label: str,
):
    """A chart as the page and the PDF show it: the SVG, the reading under it, and the
    figures as a table (the SVG is hidden from screen readers)."""
    rows = [
        (str(label), _round(value) if isinstance(value, float) else value or 0)
        for label, value in rows
    ]
    alt = f"{title}: {reading}"
    svg = bar_chart(title, rows, description=alt) if rows else ""
    return {
        "title": title,
        "svg": svg,
        "image": data_uri(svg) if rows else "",
        "alt": alt,
        "reading": reading,
        "rows": rows,
        "label": label,
        "column": column,
    }


def phase_counts(enrolments: list[Enrolment]) -> list[tuple[str, int]]:
    counts: Counter = Counter()
    for enrolment in enrolments:
        cycle = enrolment.cycle
        if cycle is None:
            counts["none"] += 1
        elif cycle.status in (Cycle.Status.COMPLETED, Cycle.Status.ENDED):
            counts["done"] += 1
        else:
            counts[cycle.current_phase] += 1
    rows = [(f"{phase.value}. {phase.label}", counts[phase.value]) for phase in Phase]
    rows.append((_("Finished"), counts["done"]))
    if counts["none"]:
        rows.append((_("No cycle yet"), counts["none"]))
    return rows


# Readings: one sentence under each chart, from the figures ---------------------------------


def enrolment_reading(status_counts: Counter, admitted: int, networks: int) -> str:
    applied = sum(status_counts.values())
    return ngettext(
        "%(admitted)d of %(applied)d units that applied were admitted, in %(networks)d network.",
        "%(admitted)d of %(applied)d units that applied were admitted, in %(networks)d networks.",
        networks,
    ) % {"admitted": admitted, "applied": applied, "networks": networks}


def phase_reading(rows: list[tuple[str, int]], total: int) -> str:
    if not total:
        return _("No units are admitted yet.")
    label, count = max(rows, key=lambda row: row[1])
    return ngettext(
        "%(count)d of %(total)d units is at “%(phase)s”, the most common stage.",
        "%(count)d of %(total)d units are at “%(phase)s”, the most common stage.",
        count,
    ) % {"count": count, "total": total, "phase": label}


def attendance_reading(rows: list[dict]) -> str:
    rows = [row for row in rows if row["percent"] is not None]
    if not rows:
        return _("No gathering has been held yet.")
    average = sum(row["percent"] for row in rows) / len(rows)
    if len(rows) == 1:
        return _("%(percent)s%% of the invited units came to the one gathering held so far.") % {
            "percent": number(round(average))
        }
    lowest = min(rows, key=lambda row: row["percent"])
    return ngettext(
        "On average %(percent)s%% of the invited units came to the %(count)d gathering held; "
        "the lowest was “%(lowest)s” with %(lowest_percent)s%%.",
        "On average %(percent)s%% of the invited units came to the %(count)d gatherings held; "
        "the lowest was “%(lowest)s” with %(lowest_percent)s%%.",
        len(rows),
    ) % {
        "percent": number(round(average)),
        "count": len(rows),
        "lowest": lowest["title"],
        "lowest_percent": number(round(lowest["percent"])),
    }


def deliverables_reading(deliverables: dict) -> str:
    expected = deliverables["expected"]
    if not expected:
        return _("No deadline for work between gatherings or status reports has passed yet.")
    return ngettext(
        "%(on_time)d of %(expected)d deliverable with a passed deadline came in on time "
        "(%(percent)s%%).",
        "%(on_time)d of %(expected)d deliverables with a passed deadline came in on time "
        "(%(percent)s%%).",
        expected,
    ) % {
        "on_time": deliverables["on_time"],
        "expected": expected,
        "percent": number(round(deliverables["percent"])),
    }


def outcome_reading(rows: list[dict], threshold: int) -> str:
    if not rows:
        return _("No survey with the outcome statements has been answered yet.")
    shown = [row for row in rows if row["all_percent"] is not None]
    if not shown:
        return _(
            "Fewer than %(min)s people answered, so the results are hidden to protect anonymity."
        ) % {"min": threshold}
    best = max(shown, key=lambda row: row["all_percent"])
    values = {
        "count": best["respondents"],
        "statement": best["short"],
        "percent": number(round(best["all_percent"])),
    }
    if best["participant_percent"] is None:
        return (
            ngettext(
                "%(count)d person answered; most agree with “%(statement)s” (%(percent)s%%).",
                "%(count)d people answered; most agree with “%(statement)s” (%(percent)s%%).",
                best["respondents"],
            )
            % values
        )
    values["participant_percent"] = number(round(best["participant_percent"]))
    return (
        ngettext(
            "%(count)d person answered; most agree with “%(statement)s”: %(percent)s%% of all and "
            "%(participant_percent)s%% of the participants.",
            "%(count)d people answered; most agree with “%(statement)s”: %(percent)s%% of all and "
            "%(participant_percent)s%% of the participants.",
            best["respondents"],
        )
        % values
    )


def decision_reading(decided: Counter, total: int) -> str:
    if not total:
        return _("No units are admitted yet.")
    count = sum(decided.values())
    return ngettext(
        "%(count)d of %(total)d units has decided how to go on; %(continuing)d will continue "
        "the practice in daily work.",
        "%(count)d of %(total)d units have decided how to go on; %(continuing)d will continue "
        "the practice in daily work.",
        count,
    ) % {"count": count, "total": total, "continuing": decided[Evaluation.Decision.CONTINUE]}


def spreading_reading(practices: int, visits: int) -> str:
    published = ngettext(
        "The units have published %(count)d practice in the register",
        "The units have published %(count)d practices in the register",
        practices,
    ) % {"count": practices}
    hosted = ngettext(
        "hosted %(count)d visit from other units",
        "hosted %(count)d visits from other units",
        visits,
    ) % {"count": visits}
    return _("%(published)s and %(hosted)s.") % {"published": published, "hosted": hosted}


# The one-page brief -------------------------------------------------------------------------


def brief_context(report: Report) -> dict:
    """The one page for a leader group: the key figures and readings of the cycle or the
    programme the report is about."""
    today = timezone.localdate()
    if report.cycle_id:
        full = cycle_report_context(report.cycle, today)
        evaluation = full["evaluation"]
        return {
            "kind": Report.Kind.BRIEF,
            "title": _("One-page brief"),
            "made_on": today,
            "subject": full["subject"],
            "about": Report.Kind.CYCLE,
            "cycle": full["cycle"],
            "need": full["need"],
            "focus_question": full["focus_question"],
            "figures": full["figures"],
            "participation_reading": full["participation"]["reading"],
            "learning_points": [
                (point["title"], point["decision"]) for point in full["learning_points"]
            ],
            "indicator_readings": [row["reading"] for row in full["indicators"]],
            "decision": evaluation["decision"] if evaluation else "",
            "decision_reason": evaluation["decision_reason"] if evaluation else "",
            "next_due": next(
                (s for s in full["timeline"] if s["state_key"] in ("current", "overdue")),
                None,
            ),
        }
    full = programme_report_context(report.programme, today)
    return {
        "kind": Report.Kind.BRIEF,
        "title": _("One-page brief"),
        "made_on": today,
        "subject": full["subject"],
        "about": Report.Kind.PROGRAMME,
        "programme": full["programme"],
        "figures": full["figures"],
        "readings": [(chart["title"], chart["reading"]) for chart in full["charts"].values()],
        "outcomes": full["surveys"]["outcomes"],
    }


# Asking for a report ------------------------------------------------------------------------


def request_report(kind: str, subject: Cycle | Programme, user: User, language: str) -> Report:
    """A report row waiting to be made, and the task queued once the transaction commits.

    The same report (kind, subject, language) already waiting or being made is returned
    instead of a second one, so a double click makes one PDF."""
    from evaluation.tasks import render_report
    from learning.services import queue_after_commit

    subject_field = "cycle" if isinstance(subject, Cycle) else "programme"
    with transaction.atomic():
        existing = (
            Report.objects.select_for_update()
            .filter(
                kind=kind,
                language=language,
                status__in=[Report.Status.PENDING, Report.Status.RENDERING],
                **{subject_field: subject},
            )
            .first()
        )
        if existing is not None:
            return existing
        report = Report.objects.create(
            kind=kind, language=language, requested_by=user, **{subject_field: subject}
        )
        queue_after_commit(render_report, report.pk)
    return report
