"""The coordinator's overview of a programme: units by phase, attendance per gathering,
work delivered on time, and the bottlenecks that need a phone call.

Everything is computed from a fixed number of queries, whatever the number of units."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from learning.models import Cycle, Membership, Phase, PhasePlan, Visit
from learning.models.practices import FEEDBACK_DUE_DAYS
from programmes.charts import bar_chart
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

INACTIVE_AFTER_DAYS = 30


@dataclass
class Overview:
    enrolments: list[Enrolment]
    phase_counts: list[tuple[str, int]]
    attendance: list[dict]
    assignments: list[dict]
    stuck: list[Enrolment] = field(default_factory=list)
    visits_without_feedback: list[Visit] = field(default_factory=list)
    missing_reports: list[tuple[Enrolment, Gathering]] = field(default_factory=list)
    without_leader: list[tuple[Enrolment, Gathering, bool]] = field(default_factory=list)
    inactive_leaders: list[Enrolment] = field(default_factory=list)

    @property
    def phase_chart(self) -> str:
        return bar_chart(_("Units by phase"), self.phase_counts)

    @property
    def bottleneck_count(self) -> int:
        return (
            len(self.stuck)
            + len(self.visits_without_feedback)
            + len(self.missing_reports)
            + len(self.without_leader)
            + len(self.inactive_leaders)
        )


def admitted_enrolments(programme: Programme, scope: Q) -> list[Enrolment]:
    """Admitted units in ``scope`` with their cycle, the current phase's target date
    (``phase_due``) and whether a leader logged in lately (``leader_active``)."""
    cutoff = timezone.now() - datetime.timedelta(days=INACTIVE_AFTER_DAYS)
    phase_due = PhasePlan.objects.filter(
        cycle=OuterRef("cycle"), phase=OuterRef("cycle__current_phase")
    ).values("due_date")[:1]
    recent_unit_leader = Membership.objects.filter(
        unit=OuterRef("unit"),
        role=Membership.Role.LEADER,
        user__is_active=True,
        user__last_login__gte=cutoff,
    )
    recent_team_leader = TeamMember.objects.filter(
        enrolment=OuterRef("pk"),
        role=TeamMember.Role.LEADER,
        user__is_active=True,
        user__last_login__gte=cutoff,
    )
    return list(
        Enrolment.objects.filter(scope, programme=programme, status=Enrolment.Status.ADMITTED)
        .select_related("unit__municipality", "network", "cycle")
        .annotate(
            phase_due=Subquery(phase_due),
            leader_active=Exists(recent_unit_leader) | Exists(recent_team_leader),
        )
        .order_by("network__name", "unit__name")
    )


def invited(gathering: Gathering, enrolments: list[Enrolment]) -> list[Enrolment]:
    if gathering.network_id is None:
        return enrolments
    return [e for e in enrolments if e.network_id == gathering.network_id]


def recipients(assignment: Assignment, enrolments: list[Enrolment]) -> list[Enrolment]:
    if assignment.enrolment_id:
        return [e for e in enrolments if e.pk == assignment.enrolment_id]
    if assignment.network_id:
        return [e for e in enrolments if e.network_id == assignment.network_id]
    return enrolments


def build(programme: Programme, scope: Q) -> Overview:
    today = timezone.localdate()
    now = timezone.now()
    enrolments = admitted_enrolments(programme, scope)
    gatherings = list(programme.gatherings.select_related("network"))
    held = [g for g in gatherings if g.starts_at <= now]

    overview = Overview(
        enrolments=enrolments,
        phase_counts=_phase_counts(enrolments),
        attendance=[],
        assignments=[],
    )

    # Attendance per held gathering, and teams without a leader at their last gathering.
    came: dict[tuple[int, int], list[str]] = {}
    for gathering_id, enrolment_id, role in Attendance.objects.filter(
        gathering__in=held
    ).values_list("gathering_id", "enrolment_id", "role"):
        came.setdefault((gathering_id, enrolment_id), []).append(role)
    for gathering in held:
        expected = invited(gathering, enrolments)
        teams = [came[(gathering.pk, e.pk)] for e in expected if (gathering.pk, e.pk) in came]
        overview.attendance.append(
            {
                "gathering": gathering,
                "invited": len(expected),
                "present": len(teams),
                "with_leader": sum(1 for roles in teams if TeamMember.Role.LEADER in roles),
                "people": sum(len(roles) for roles in teams),
            }
        )
    for enrolment in enrolments:
        last = next(
            (g for g in reversed(held) if g.network_id in (None, enrolment.network_id)), None
        )
        if last is None:
            continue
        roles = came.get((last.pk, enrolment.pk))
        if roles is None or TeamMember.Role.LEADER not in roles:
            overview.without_leader.append((enrolment, last, roles is not None))

    # Work between gatherings: delivered, on time, overdue.
    assignments = list(programme.assignments.all())
    submitted: dict[tuple[int, int], Submission] = {
        (s.assignment_id, s.enrolment_id): s
        for s in Submission.objects.filter(assignment__in=assignments).select_related("assignment")
    }
    for assignment in assignments:
        expected = recipients(assignment, enrolments)
        answers = [
            submitted[(assignment.pk, e.pk)] for e in expected if (assignment.pk, e.pk) in submitted
        ]
        overview.assignments.append(
            {
                "assignment": assignment,
                "expected": len(expected),
                "submitted": len(answers),
                "on_time": sum(1 for s in answers if s.on_time),
                "commented": sum(1 for s in answers if s.feedback),
                "overdue": len(expected) - len(answers) if assignment.due_date < today else 0,
            }
        )

    # Status reports due before a gathering.
    reported = set(
        StatusReport.objects.filter(enrolment__in=enrolments, gathering__isnull=False).values_list(
            "enrolment_id", "gathering_id"
        )
    )
    for gathering in gatherings:
        if gathering.status_reports_due and gathering.status_reports_due < today:
            overview.missing_reports += [
                (e, gathering)
                for e in invited(gathering, enrolments)
                if (e.pk, gathering.pk) not in reported
            ]

    overview.stuck = [
        e
        for e in enrolments
        if e.cycle and e.cycle.status == Cycle.Status.ACTIVE and e.phase_due and e.phase_due < today
    ]
    for enrolment in overview.stuck:
        enrolment.days_overdue = (today - enrolment.phase_due).days
    overview.inactive_leaders = [e for e in enrolments if not e.leader_active]
    overview.visits_without_feedback = list(
        Visit.objects.filter(
            cycle__in=[e.cycle_id for e in enrolments if e.cycle_id],
            status=Visit.Status.CONFIRMED,
            starts_at__lt=now - datetime.timedelta(days=FEEDBACK_DUE_DAYS),
        )
        .filter(Q(feedback__isnull=True) | Q(feedback__sent_at__isnull=True))
        .select_related("cycle__unit", "host_unit")
    )
    return overview


def _phase_counts(enrolments: list[Enrolment]) -> list[tuple[str, int]]:
    counts = Counter()
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
