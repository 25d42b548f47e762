"""The kollegalæring cycle: one unit's run through the seven phases, and its work.

What a phase needs before it is complete, and the operations that move a
cycle (start, advance, override, reopen, pause, ...), live in
``learning/phases.py``.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from stdnum.no import fodselsnummer

from learning.models.organisation import Unit

# Eleven digits, optionally written as six and five with a space, dot or hyphen between.
NATIONAL_ID_PATTERN = re.compile(r"(?<!\d)(\d{6})[ .\-]?(\d{5})(?!\d)")


def validate_no_national_id(value: str) -> None:
    """Refuse text holding a Norwegian national identity number (fødselsnummer)."""
    for match in NATIONAL_ID_PATTERN.finditer(value):
        if fodselsnummer.is_valid(match.group(1) + match.group(2)):
            raise ValidationError(
                _(
                    "Remove the national identity number. Do not write personal data "
                    "about residents, pupils, children or colleagues here."
                ),
                code="national_id",
            )


class Phase(models.IntegerChoices):
    ANCHORING = 1, _("Anchoring")
    NEEDS = 2, _("Identifying needs for learning and sharing")
    LEARNING_POINTS = 3, _("Defining learning points")
    BEST_PRACTICE = 4, _("Connecting to best practice")
    OBSERVATION = 5, _("Observation, reflection and feedback")
    IMPLEMENTATION = 6, _("Reflection, sharing and implementation in own unit")
    EVALUATION = 7, _("Evaluation")


PHASE_DESCRIPTIONS = {
    Phase.ANCHORING: _(
        "Everyone in the unit gets to know the method and prepares for the phases ahead. "
        "The leader states what, why and how, tied to the unit's plans, involves staff in "
        "deciding to take part, and involves the union and safety representatives."
    ),
    Phase.NEEDS: _(
        "The unit names a need for learning, from simple routines to research-informed "
        "practice. Everyone can raise ideas and needs; the leader answers each one and "
        "chooses the unit's learning need together with staff."
    ),
    Phase.LEARNING_POINTS: _(
        "Agree together on what is to be observed, what is to be learned, and how training "
        "and guidance in the new practice will be arranged at home. Each person may set "
        "personal learning goals."
    ),
    Phase.BEST_PRACTICE: _(
        "Look for best practice: in another area, a similar unit or your own. Ask colleagues, "
        "leader forums, networks, professional unions and partners. Adapt, don't copy."
    ),
    Phase.OBSERVATION: _(
        "Arrange the visit with the sharing unit, observe, and reflect straight after on the "
        "focus question and learning points. Bring the positive learning points back to the "
        "sharing unit."
    ),
    Phase.IMPLEMENTATION: _(
        "Back home, share and reflect on what was observed as soon as possible, with broad "
        "involvement. Train the new practice systematically and decide what to adopt."
    ),
    Phase.EVALUATION: _(
        "What experience have we had with kollegalæring? Did we achieve the learning we "
        "wanted? Why, or why not? Decide whether to continue, start a new cycle or end."
    ),
}


class CycleQuerySet(models.QuerySet):
    def with_progress(self) -> CycleQuerySet:
        """Annotate the counts the phase rules read, one correlated subquery each (no join
        fan-out).

        The subqueries are written in SQL: built from querysets with OuterRef, the same ten
        took about 8 ms to compile, on every cycle page, longer than running them.
        """
        from evaluation.models import Evaluation
        from learning.models.practices import ObservationNote, Visit, VisitFeedback

        def table(model) -> str:
            return connection.ops.quote_name(model._meta.db_table)

        cycle_id = f"{table(Cycle)}.{connection.ops.quote_name('id')}"

        def count(sql: str, params=()) -> RawSQL:
            return RawSQL(f"SELECT COUNT(*) {sql}", params, output_field=models.IntegerField())

        def rows_of(model, where: str = "", params=()) -> RawSQL:
            return count(f"FROM {table(model)} WHERE cycle_id = {cycle_id}{where}", params)

        visits, evaluation = table(Visit), table(Evaluation)
        exists = f"SELECT 1 FROM {evaluation} WHERE {evaluation}.cycle_id = {cycle_id}"
        return self.annotate(
            introduction_meeting_count=rows_of(IntroductionMeeting),
            learning_point_count=rows_of(LearningPoint),
            undecided_point_count=rows_of(LearningPoint, " AND decision = ''"),
            unanswered_idea_count=rows_of(Idea, " AND response = ''"),
            held_visit_count=rows_of(
                Visit, " AND status = %s AND starts_at <= %s", (Visit.Status.CONFIRMED, now())
            ),
            observation_note_count=count(
                f"FROM {table(ObservationNote)} note JOIN {visits} visit "
                f"ON note.visit_id = visit.id WHERE visit.cycle_id = {cycle_id}"
            ),
            sent_feedback_count=count(
                f"FROM {table(VisitFeedback)} feedback JOIN {visits} visit "
                "ON feedback.visit_id = visit.id "
                f"WHERE visit.cycle_id = {cycle_id} AND feedback.sent_at IS NOT NULL"
            ),
            sharing_session_count=rows_of(SharingSession),
            evaluation_answered=RawSQL(
                f"EXISTS({exists} AND experience <> '' AND achieved <> '' AND why <> '')",
                (),
                output_field=models.BooleanField(),
            ),
            evaluation_decided=RawSQL(
                f"EXISTS({exists} AND decision <> '')", (), output_field=models.BooleanField()
            ),
        )


class Cycle(models.Model):
    """A kollegalæringsløp: one unit's run through the seven phases."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        ENDED = "ended", _("Ended early")

    class NeedSource(models.TextChoices):
        STAFF_IDEA = "staff_idea", _("Idea from staff")
        APPRAISAL = "appraisal", _("Appraisal talk")
        DEVIATIONS = "deviations", _("Pattern in deviation reports")
        REFORM = "reform", _("National reform")
        OTHER = "other", _("Other")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=150)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_cycles",
        verbose_name=_("owner"),
        help_text=_("The leader who owns the cycle."),
    )
    start_date = models.DateField(_("start date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    current_phase = models.PositiveSmallIntegerField(
        _("current phase"), choices=Phase.choices, default=Phase.ANCHORING
    )

    # Phase 1: anchoring
    what = models.TextField(_("what"), blank=True, help_text=_("What will the unit learn?"))
    why = models.TextField(
        _("why"), blank=True, help_text=_("Why does it matter for the unit and its users?")
    )
    how = models.TextField(
        _("how"), blank=True, help_text=_("How will the unit organise the work?")
    )
    plan_links = models.TextField(
        _("links to the unit's plans"),
        blank=True,
        help_text=_("The plans this work belongs to, one per line (a name or a web address)."),
    )
    participation_decided_on = models.DateField(
        _("participation decided on"), null=True, blank=True
    )
    participation_how = models.TextField(_("how staff were involved in the decision"), blank=True)
    supporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="supported_cycles",
        verbose_name=_("supporters"),
    )
    group_agreement = models.TextField(
        _("group agreement"),
        blank=True,
        help_text=_("Optional norms for the work, such as “we listen”, “no wrong answers”."),
    )

    # Phase 2: the chosen learning need
    learning_need = models.TextField(_("learning need"), blank=True)
    learning_need_source = models.CharField(
        _("source of the need"), max_length=20, choices=NeedSource.choices, blank=True
    )
    learning_need_idea = models.ForeignKey(
        "Idea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("idea the need came from"),
    )

    # Phase 3
    focus_question = models.TextField(_("focus question"), blank=True)

    # Phase 4: the chosen host (a unit in the municipality, or described in text)
    host_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chosen_as_host",
        verbose_name=_("host unit"),
    )
    host_practice = models.ForeignKey(
        "Practice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chosen_by_cycles",
        verbose_name=_("practice"),
    )
    host_external = models.CharField(
        _("external host"),
        max_length=300,
        blank=True,
        help_text=_("A host outside the municipality's units: name, place and contact."),
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def permission_unit(self) -> Unit:
        return self.unit

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def phase(self) -> Phase:
        return Phase(self.current_phase)


class PhasePlan(models.Model):
    """The plan for one phase of a cycle: its target date and who is responsible."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="phase_plans")
    phase = models.PositiveSmallIntegerField(_("phase"), choices=Phase.choices)
    due_date = models.DateField(_("target date"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible"),
    )

    class Meta:
        ordering = ["phase"]
        verbose_name = _("phase plan")
        verbose_name_plural = _("phase plans")
        constraints = [models.UniqueConstraint(fields=["cycle", "phase"], name="unique_phase_plan")]

    def __str__(self) -> str:
        return f"{self.cycle} – {self.get_phase_display()}"

    @property
    def permission_unit(self) -> Unit:
        return self.cycle.unit


class CycleEvent(models.Model):
    """One entry in a cycle's timeline: a phase transition, a status change or a new owner."""

    class Kind(models.TextChoices):
        STARTED = "started", _("Started")
        ADVANCED = "advanced", _("Moved to the next phase")
        OVERRIDDEN = "overridden", _("Moved on with something missing")
        REOPENED = "reopened", _("Reopened an earlier phase")
        PAUSED = "paused", _("Paused")
        RESUMED = "resumed", _("Resumed")
        COMPLETED = "completed", _("Completed")
        ENDED = "ended", _("Ended early")
        OWNER_CHANGED = "owner_changed", _("New owner")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    from_phase = models.PositiveSmallIntegerField(
        _("from phase"), choices=Phase.choices, null=True, blank=True
    )
    to_phase = models.PositiveSmallIntegerField(
        _("to phase"), choices=Phase.choices, null=True, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    missing = models.TextField(
        _("missing when moved on"), blank=True, help_text=_("One requirement per line.")
    )
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    new_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("cycle event")
        verbose_name_plural = _("cycle events")

    def __str__(self) -> str:
        return f"{self.cycle} – {self.get_kind_display()}"

    @property
    def missing_items(self) -> list[str]:
        return [line for line in self.missing.splitlines() if line.strip()]


# Phase 1: anchoring


class IntroductionMeeting(models.Model):
    """A meeting where staff were introduced to kollegalæring."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="introduction_meetings")
    held_on = models.DateField(_("date"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("who attended")
    )
    other_attendees = models.CharField(
        _("others who attended"),
        max_length=300,
        blank=True,
        help_text=_("People without an account, such as substitutes."),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("introduction meeting")
        verbose_name_plural = _("introduction meetings")

    def __str__(self) -> str:
        return f"{self.cycle} – {self.held_on}"

    @property
    def permission_unit(self) -> Unit:
        return self.cycle.unit


class RepresentativeInvolvement(models.Model):
    """When and how a union or safety representative was involved (partssamarbeid)."""

    class Role(models.TextChoices):
        UNION_REP = "union_rep", _("Union representative")
        SAFETY_REP = "safety_rep", _("Safety representative")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="representative_involvements"
    )
    name = models.CharField(_("who"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    involved_on = models.DateField(_("when"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["involved_on", "pk"]
        verbose_name = _("representative involvement")
        verbose_name_plural = _("representative involvements")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def permission_unit(self) -> Unit:
        return self.cycle.unit


# Phase 2: ideas and needs


class Idea(models.Model):
    """An idea or need for learning, raised by anyone in the unit."""

    class Category(models.TextChoices):
        ROUTINE = "routine", _("Routine or system")
        PRACTICE = "practice", _("Practice")
        RESEARCH = "research", _("Research-informed practice")

    class Source(models.TextChoices):
        STAFF_IDEA = "staff_idea", _("Idea from staff")
        APPRAISAL = "appraisal", _("Appraisal talk")
        DEVIATIONS = "deviations", _("Pattern in deviation reports")
        REFORM = "reform", _("National reform")
        OTHER = "other", _("Other")

    class Response(models.TextChoices):
        VALUED = "valued", _("Valued")
        TAKEN_FORWARD = "taken_forward", _("Taken forward")
        PARKED = "parked", _("Parked")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="ideas",
        verbose_name=_("raised by"),
    )
    text = models.TextField(
        _("idea or need"), max_length=1000, validators=[validate_no_national_id]
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    source = models.CharField(
        _("where it comes from"),
        max_length=20,
        choices=Source.choices,
        default=Source.STAFF_IDEA,
    )
    deviation_category = models.CharField(
        _("deviation category"),
        max_length=100,
        blank=True,
        help_text=_("For example “medication” or “falls”. No names or other personal data."),
    )
    deviation_count = models.PositiveIntegerField(_("number of deviations"), null=True, blank=True)
    deviation_period = models.CharField(
        _("period"), max_length=100, blank=True, help_text=_("For example “January–March 2026”.")
    )
    response = models.CharField(_("answer"), max_length=20, choices=Response.choices, blank=True)
    reply = models.TextField(_("reply to the person who raised it"), max_length=1000, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def permission_unit(self) -> Unit:
        return self.cycle.unit

    def clean(self) -> None:
        if self.source == self.Source.DEVIATIONS and not self.deviation_category:
            raise ValidationError(
                {"deviation_category": _("Say which kind of deviations the pattern is about.")}
            )


class IdeaVote(models.Model):
    """One person's support for an idea."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="one_vote_per_idea")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"


class NeedAgreement(models.Model):
    """Whether one person agrees that the chosen learning need is the unit's need."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="need_agreements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agrees = models.BooleanField(_("agrees"))
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "user"], name="one_agreement_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.cycle_id}: {self.agrees}"


# Phase 3: learning points


class LearningPoint(models.Model):
    """What to observe, what to learn, and how training and guidance happen at home."""

    class Decision(models.TextChoices):
        ADOPT = "adopt", _("Adopt")
        ADJUST = "adjust", _("Adjust")
        DROP = "drop", _("Drop")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="learning_points")
    title = models.CharField(_("learning point"), max_length=200)
    observe = models.TextField(_("what to observe"))
    learn = models.TextField(_("what to learn"))
    train = models.TextField(_("how training and guidance will be arranged at home"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("why"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("learning point")
        verbose_name_plural = _("learning points")

    def __str__(self) -> str:
        return self.title

    @property
    def permission_unit(self) -> Unit:
        return self.cycle.unit


class PersonalGoal(models.Model):
    """A person's own learning goal, linked to a learning point. Only its author sees it."""

    learning_point = models.ForeignKey(
        LearningPoint, on_delete=models.CASCADE, related_name="personal_goals"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_goals"
    )
    text = models.TextField(
        _("my learning goal"), max_length=1000, validators=[validate_no_national_id]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("personal learning goal")
        verbose_name_plural = _("personal learning goals")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def permission_unit(self) -> Unit:
        return self.learning_point.cycle.unit


# Phase 4: where to find best practice


class CandidateSource(models.Model):
    """A place the unit looked for best practice."""

    class Kind(models.TextChoices):
        COLLEAGUES = "colleagues", _("Colleagues")
        INTRANET = "intranet", _("Intranet")
        LEADER_FORUM = "leader_forum", _("Leader forum")
        NETWORK = "network", _("Network")
        INTERNET = "internet", _("Internet")
        UNION = "union", _("Professional union")
        PARTNER = "partner", _("External partner")
        VOLUNTARY = "voluntary", _("Voluntary organisation")
        POLITICIAN = "politician", _("Politician")
        REGISTER = "register", _("Practice register")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="candidate_sources")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    where = models.CharField(_("where"), max_length=300)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("candidate source")
        verbose_name_plural = _("candidate sources")

    def __str__(self) -> str:
        return self.where


# Phase 6: sharing and implementation at home


class SharingSession(models.Model):
    """A meeting at home where what was observed is shared and reflected on."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="sharing_sessions")
    held_on = models.DateField(_("date"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("who attended")
    )
    other_attendees = models.CharField(_("others who attended"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("sharing session")
        verbose_name_plural = _("sharing sessions")

    def __str__(self) -> str:
        return f"{self.cycle} – {self.held_on}"


class Conclusion(models.Model):
    """What the unit concluded together, for a learning point or in general."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="conclusions")
    learning_point = models.ForeignKey(
        LearningPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conclusions",
        verbose_name=_("learning point"),
    )
    text = models.TextField(_("conclusion"), max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")

    def __str__(self) -> str:
        return self.text[:60]


class PracticeLogEntry(models.Model):
    """One round of training the new practice at home."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="practice_log")
    practised_on = models.DateField(_("when"))
    what = models.TextField(_("what was practised"), max_length=2000)
    who = models.CharField(_("by whom"), max_length=300)
    learned = models.TextField(_("what we learned"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-practised_on", "-pk"]
        verbose_name = _("practice log entry")
        verbose_name_plural = _("practice log entries")

    def __str__(self) -> str:
        return self.what[:60]


# The implementation plan


class Task(models.Model):
    """A task in the cycle's implementation plan."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="tasks")
    phase = models.PositiveSmallIntegerField(_("phase"), choices=Phase.choices)
    description = models.CharField(_("task"), max_length=300)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("responsible"),
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    position = models.PositiveSmallIntegerField(default=0, validators=[MinValueValidator(0)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["phase", "position", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("start_date"))
                | models.Q(due_date__isnull=True)
                | models.Q(start_date__isnull=True),
                name="task_due_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def permission_unit(self) -> Unit:
        return self.cycle.unit

    def clean(self) -> None:
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": _("The due date cannot be before the start date.")})


class TaskChange(models.Model):
    """A change of a task's responsible person or status, kept as the task's history."""

    class Field(models.TextChoices):
        RESPONSIBLE = "responsible", _("Responsible")
        STATUS = "status", _("Status")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=20, choices=Field.choices)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.old_display} → {self.new_display}"

    def _display(self, value: str) -> str:
        """Statuses are stored as codes and shown in the reader's language; names as they are."""
        if self.field == self.Field.STATUS and value in Task.Status.values:
            return Task.Status(value).label
        return value

    @property
    def old_display(self) -> str:
        return self._display(self.old_value)

    @property
    def new_display(self) -> str:
        return self._display(self.new_value)


class Obstacle(models.Model):
    """Something that held the work up, and what was done about it."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="obstacles")
    description = models.TextField(_("what happened"), max_length=1000)
    occurred_on = models.DateField(_("when"))
    action_taken = models.TextField(_("what was done"), max_length=1000, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def permission_unit(self) -> Unit:
        return self.cycle.unit
