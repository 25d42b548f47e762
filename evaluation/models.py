"""Evaluation: surveys from the question bank, phase 7's evaluation, indicators with a
baseline, and reports rendered to PDF.

Anonymity is a property of the tables, not of the pages: in an anonymous survey a
``Response`` has no link to a person and no time, and its key is random, so no query can
join an answer to the person who gave it. ``Respondent`` only says who was asked and
whether they have answered (for reminders).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from learning.models import Cycle, Municipality, Phase, Practice, Unit
from programmes.models import Gathering, Programme


def in_language(values: dict, language: str | None = None) -> str:
    """The text for ``language`` (or the active one) from {"nb": .., "nn": .., "en": ..}."""
    language = (language or get_language() or "nb")[:2]
    if language == "no":
        language = "nb"
    return values.get(language) or values.get("nb") or values.get("en", "")


class Instrument(models.TextChoices):
    PHASE7 = "phase7", _("Phase 7 evaluation")
    READINESS = "readiness", _("Readiness and critical factors")
    PLC = "plc", _("Professional learning community")
    KIRKPATRICK = "kirkpatrick", _("Kirkpatrick's four levels")
    OUTCOME = "outcome", _("Outcome statements")
    SUCCESS = "success", _("Success factors for collaboration")
    MOTIVATION = "motivation", _("Motivation")
    PARTICIPATION = "participation", _("Participation")
    OWN = "own", _("Own questions")


class Scale(models.TextChoices):
    AGREE5 = "agree5", _("Five-point agreement")
    EXTENT6 = "extent6", _("Six-point extent")
    IMPORTANCE5 = "importance5", _("Importance")
    YES_NO = "yesno", _("Yes, no or don't know")
    SCALE10 = "scale10", _("1 to 10")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    TEXT = "text", _("Free text")


CHOICE_SCALES = frozenset({Scale.SINGLE, Scale.MULTIPLE})


class Question(models.Model):
    """A question in the bank (``municipality`` empty) or a municipality's own question."""

    key = models.SlugField(max_length=60, unique=True, null=True, blank=True, editable=False)
    instrument = models.CharField(
        _("instrument"), max_length=20, choices=Instrument.choices, default=Instrument.OWN
    )
    scale = models.CharField(_("answer type"), max_length=20, choices=Scale.choices)
    text_nb = models.CharField(_("question in bokmål"), max_length=300)
    text_nn = models.CharField(_("question in nynorsk"), max_length=300, blank=True)
    text_en = models.CharField(_("question in English"), max_length=300, blank=True)
    # For one or several choices: [{"nb": .., "nn": .., "en": ..}, ...]; the answer keeps the index.
    options = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=40, blank=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["instrument", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return in_language({"nb": self.text_nb, "nn": self.text_nn, "en": self.text_en})

    def option_labels(self) -> list[str]:
        return [in_language(option) for option in self.options]


class Audience(models.TextChoices):
    UNIT_STAFF = "unit_staff", _("Everyone in the unit")
    UNIT_LEADERS = "unit_leaders", _("The unit's leaders")
    UNION_REPS = "union_reps", _("Union and safety representatives")
    PROGRAMME_PARTICIPANTS = "participants", _("All participants in the programme")
    PROGRAMME_UNITS = "programme_units", _("Everyone in the programme's units")
    GATHERING_ATTENDEES = "attendees", _("Those who attended the gathering")


def default_min_group() -> int:
    return settings.SURVEY_MIN_GROUP


class Survey(models.Model):
    """A set of questions put to a group, attached to a programme, a gathering or a cycle's phase."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="surveys"
    )
    gathering = models.ForeignKey(
        Gathering, on_delete=models.CASCADE, null=True, blank=True, related_name="surveys"
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, null=True, blank=True, related_name="surveys"
    )
    phase = models.PositiveSmallIntegerField(
        _("phase"), choices=Phase.choices, null=True, blank=True
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="surveys"
    )
    audiences = models.JSONField(_("who is asked"), default=list)
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Answers are stored without the person. This cannot be changed once it opens."),
    )
    min_group = models.PositiveSmallIntegerField(
        _("smallest group shown"),
        default=default_min_group,
        help_text=_("Results are hidden for groups with fewer answers than this."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    closes_on = models.DateField(_("last day to answer"), null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_group__gte=5), name="survey_min_group_at_least_5"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.min_group < settings.SURVEY_MIN_GROUP:
            raise ValidationError(
                {
                    "min_group": _("The smallest group shown cannot be lower than %(min)s.")
                    % {"min": settings.SURVEY_MIN_GROUP}
                }
            )


def accepting_answers(today: datetime.date, prefix: str = "") -> models.Q:
    """Surveys open for answers on ``today``: open, and their last day not passed.
    ``prefix`` reaches them through a relation (``"survey__"``)."""
    return models.Q(**{f"{prefix}status": Survey.Status.OPEN}) & (
        models.Q(**{f"{prefix}closes_on__isnull": True})
        | models.Q(**{f"{prefix}closes_on__gte": today})
    )


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="survey_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    is_required = models.BooleanField(_("must be answered"), default=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "question"], name="unique_survey_question")
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.position}"


class Respondent(models.Model):
    """Someone asked to answer, and whether they have: nothing links this row to the answers
    of an anonymous survey, and it keeps no time of answering."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_participant = models.BooleanField(default=False)  # took part in the programme's work
    has_answered = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="unique_survey_respondent")
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.user_id}"


class Response(models.Model):
    """One person's answers. Anonymous: random key, no person, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.OneToOneField(
        Respondent, on_delete=models.CASCADE, null=True, blank=True, related_name="response"
    )
    is_participant = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # An anonymous response never names its respondent; the service writes both fields
            # empty and this keeps it so.
            models.CheckConstraint(
                condition=models.Q(respondent__isnull=True, submitted_at__isnull=True)
                | models.Q(respondent__isnull=False),
                name="response_anonymous_or_named",
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    number = models.SmallIntegerField(null=True, blank=True)  # scale value or the option's index
    choices = models.JSONField(default=list, blank=True)  # option indexes, for several choices
    text = models.TextField(max_length=3000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="unique_answer")
        ]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.question_id}"


class Evaluation(models.Model):
    """Phase 7: the method's questions, evidence of learning, lessons, and the decision."""

    class Achieved(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    class Decision(models.TextChoices):
        CONTINUE = "continue", _("Continue in daily practice")
        NEW_CYCLE = "new_cycle", _("Start a new cycle")
        END = "end", _("End")

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="evaluation")
    experience = models.TextField(
        _("What experience have we had with peer learning?"), max_length=5000, blank=True
    )
    achieved = models.CharField(
        _("Did we achieve the learning we wanted?"),
        max_length=10,
        choices=Achieved.choices,
        blank=True,
    )
    why = models.TextField(_("Why, or why not?"), max_length=5000, blank=True)
    evidence = models.TextField(
        _("Evidence of learning"),
        max_length=5000,
        blank=True,
        help_text=_("Describe concretely what people now do differently, as they tell it."),
    )
    lessons = models.TextField(_("What can others learn from us?"), max_length=5000, blank=True)
    decision = models.CharField(
        _("How do we go on?"), max_length=10, choices=Decision.choices, blank=True
    )
    decision_reason = models.TextField(_("Why"), max_length=3000, blank=True)
    decided_on = models.DateField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    check_in_on = models.DateField(_("check-in one year later"), null=True, blank=True)
    check_in_note = models.TextField(_("How is it going a year later?"), blank=True)
    check_in_done_on = models.DateField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return str(self.cycle)

    @property
    def permission_unit(self) -> Unit:
        return self.cycle.unit

    @property
    def has_answers(self) -> bool:
        return bool(self.experience.strip() and self.achieved and self.why.strip())


class Indicator(models.Model):
    """Something measured before and after: a baseline (nullpunkt), a target and follow-ups."""

    class Direction(models.TextChoices):
        UP = "up", _("Higher is better")
        DOWN = "down", _("Lower is better")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=150)
    unit_of_measure = models.CharField(
        _("unit of measure"),
        max_length=40,
        blank=True,
        help_text=_("For example %, days, per month"),
    )
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    baseline_on = models.DateField(_("baseline date"))
    baseline_value = models.DecimalField(_("baseline value"), max_digits=12, decimal_places=2)
    target_value = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cycle__isnull=False, programme__isnull=True)
                | models.Q(cycle__isnull=True, programme__isnull=False),
                name="indicator_belongs_to_cycle_or_programme",
            )
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["measured_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"], name="one_indicator_value_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.measured_on}: {self.value}"


def report_path(report: Report, filename: str) -> str:
    return f"reports/{timezone.now():%Y/%m}/{report.pk}-{filename}"


class Report(models.Model):
    """A PDF snapshot rendered by a Celery task: pending → rendering → ready (or failed)."""

    class Kind(models.TextChoices):
        CYCLE = "cycle", _("Cycle report")
        PROGRAMME = "programme", _("Programme report")
        BRIEF = "brief", _("One-page brief")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RENDERING = "rendering", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("report"), max_length=10, choices=Kind.choices)
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=report_path, blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["cycle", "brief"], cycle__isnull=False, programme__isnull=True
                )
                | models.Q(
                    kind__in=["programme", "brief"], cycle__isnull=True, programme__isnull=False
                ),
                name="report_subject_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)


__all__ = [
    "CHOICE_SCALES",
    "Answer",
    "Audience",
    "Evaluation",
    "Indicator",
    "IndicatorValue",
    "Instrument",
    "Question",
    "Report",
    "Respondent",
    "Response",
    "Scale",
    "Survey",
    "SurveyQuestion",
]
