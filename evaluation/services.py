"""Phase 7 and indicators: the operations views, tasks and the demo call."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from evaluation.models import Evaluation, Indicator, IndicatorValue
from learning.models import Cycle, CycleEvent, Phase, User
from programmes.charts import line_chart


def evaluation_for(cycle: Cycle) -> Evaluation:
    """The cycle's evaluation, or a new unsaved one."""
    try:
        return cycle.evaluation
    except Evaluation.DoesNotExist:
        return Evaluation(cycle=cycle)


def one_year_later(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def decide(evaluation: Evaluation, user: User, today: datetime.date) -> Evaluation:
    """Record the decision (already set on ``evaluation`` by its form) and book the check-in
    a year later, which the reminders pick up."""
    changed = evaluation.pk is None or evaluation.decided_on is None
    evaluation.decided_on = today
    evaluation.decided_by = user
    if changed or evaluation.check_in_on is None:
        evaluation.check_in_on = one_year_later(today)
    evaluation.save()
    return evaluation


def record_check_in(evaluation: Evaluation, today: datetime.date) -> Evaluation:
    evaluation.check_in_done_on = today
    evaluation.save(update_fields=["check_in_note", "check_in_done_on", "updated_at"])
    return evaluation


@dataclass
class IndicatorSummary:
    """An indicator with its follow-ups, and what they say."""

    indicator: Indicator
    values: list[IndicatorValue]
    baseline_in_time: bool | None  # registered before the unit started trying the new practice

    @property
    def latest(self) -> IndicatorValue | None:
        return self.values[-1] if self.values else None

    @property
    def change(self) -> Decimal | None:
        latest = self.latest
        return latest.value - self.indicator.baseline_value if latest else None

    @property
    def improved(self) -> bool | None:
        change = self.change
        if change is None or change == 0:
            return None
        return (change > 0) == (self.indicator.direction == Indicator.Direction.UP)

    @property
    def chart(self) -> str:
        """The baseline and every follow-up as a line, with the baseline and target drawn flat."""
        indicator = self.indicator
        points = [(date_format(indicator.baseline_on, "j.n.y"), indicator.baseline_value)]
        points += [(date_format(v.measured_on, "j.n.y"), v.value) for v in self.values]
        return line_chart(
            indicator.name,
            points,
            baseline=indicator.baseline_value,
            target=indicator.target_value,
            labels=(gettext("Baseline"), gettext("Target value")),
        )

    @property
    def target_reached(self) -> bool | None:
        latest, target = self.latest, self.indicator.target_value
        if latest is None or target is None:
            return None
        if self.indicator.direction == Indicator.Direction.UP:
            return latest.value >= target
        return latest.value <= target


def implementation_started(cycle: Cycle) -> datetime.date | None:
    """When the work at home began: the cycle reached phase 6, or else (a cycle whose
    timeline has no such move) its first sharing session."""
    moved = (
        CycleEvent.objects.filter(cycle=cycle, to_phase__gte=Phase.IMPLEMENTATION)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if moved:
        return timezone.localdate(moved)
    return cycle.sharing_sessions.order_by("held_on").values_list("held_on", flat=True).first()


def indicator_summaries(indicators, started: datetime.date | None = None) -> list[IndicatorSummary]:
    """Summaries for ``indicators`` (a queryset), with their values in one more query."""
    rows = indicators.prefetch_related(
        Prefetch("values", queryset=IndicatorValue.objects.order_by("measured_on", "pk"))
    )
    return [
        IndicatorSummary(
            indicator=indicator,
            values=list(indicator.values.all()),
            baseline_in_time=None if started is None else indicator.baseline_on <= started,
        )
        for indicator in rows
    ]


def cycle_indicators(cycle: Cycle) -> list[IndicatorSummary]:
    return indicator_summaries(cycle.indicators.all(), implementation_started(cycle))
