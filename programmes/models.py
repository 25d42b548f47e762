"""Network programmes: units that go through kollegalæring together, in networks (cohorts),
meeting at gatherings and working between them."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learning.models import Cycle, Municipality, Unit
from learning.models.practices import validate_attachment_size

UPLOAD_EXTENSIONS = ["pdf", "docx", "pptx", "xlsx", "odt", "odp", "jpg", "jpeg", "png"]
UPLOAD_HELP = _("PDF, Word, PowerPoint, Excel, OpenDocument or an image, at most 10 MB.")


class Programme(models.Model):
    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning")
        OPEN = "open", _("Open for enrolment")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="owned_programmes",
        verbose_name=_("owning municipality"),
    )
    municipalities = models.ManyToManyField(
        Municipality,
        related_name="programmes",
        verbose_name=_("participating municipalities"),
        help_text=_(
            "Units from these municipalities may take part. Each municipality's HR "
            "coordinator approves its own units."
        ),
    )
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose (hensikt)"))
    commissioned_by = models.CharField(
        _("owner (bestiller)"),
        max_length=200,
        help_text=_("Who commissioned the programme, for example the head of health and care."),
    )
    themes = models.CharField(
        _("themes"), max_length=300, blank=True, help_text=_("Separate themes with commas.")
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="coordinated_programmes",
        verbose_name=_("coordinators"),
    )
    description = models.TextField(
        _("description for applicants"),
        blank=True,
        help_text=_("What units commit to and what they get out of taking part."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNING
    )
    calendar_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("network programme")
        verbose_name_plural = _("network programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The programme must end after it starts.")})

    @property
    def theme_list(self) -> list[str]:
        return [theme.strip() for theme in self.themes.split(",") if theme.strip()]


class Network(models.Model):
    """A cohort of about 4–8 units that meet and act as critical friends for each other."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="networks")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    calendar_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="unique_network_name")
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """A unit's application to, and place in, a programme."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ADMITTED = "admitted", _("Admitted")
        WAITLISTED = "waitlisted", _("Waiting list")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enrolments")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("unit")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("network"),
    )
    cycle = models.OneToOneField(
        Cycle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolment",
        verbose_name=_("cycle"),
    )
    goals = models.TextField(_("goals"), help_text=_("What does the unit want to achieve?"))
    first_ideas = models.TextField(
        _("first ideas for a learning need"),
        blank=True,
        help_text=_("Where does the unit want to get better? A first thought is enough."),
    )
    anchoring = models.TextField(
        _("anchoring"),
        help_text=_("How the leader will make room for the work: time, meetings, follow-up."),
    )
    commits_to_attend = models.BooleanField(
        _("We will attend the gatherings with our team."), default=False
    )
    commits_to_report = models.BooleanField(
        _("We will deliver status reports and the work between gatherings."), default=False
    )
    commits_to_share = models.BooleanField(
        _("We will share what we learn with the other units."), default=False
    )
    first_time = models.BooleanField(
        _("first time in kollegalæring"),
        default=True,
        help_text=_("The unit has not been through a kollegalæring cycle before."),
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    applied_at = models.DateTimeField(default=timezone.now)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["unit__name"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["programme", "unit"], name="unique_enrolment")
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return f"{self.unit} – {self.programme}"

    @property
    def permission_unit(self) -> Unit:
        return self.unit

    @property
    def is_admitted(self) -> bool:
        return self.status == self.Status.ADMITTED


class TeamMember(models.Model):
    """A member of the team a unit brings to the programme."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Line leader")
        RESOURCE = "resource", _("Resource person")
        UNION_REP = "union_rep", _("Union representative (tillitsvalgt)")
        SAFETY_REP = "safety_rep", _("Safety representative (verneombud)")
        HR_CONTACT = "hr_contact", _("HR contact")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="programme_teams",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role in the team"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["role", "user__full_name"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "user", "role"], name="unique_team_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"

    @property
    def permission_unit(self) -> Unit:
        return self.enrolment.unit


class Gathering(models.Model):
    class Kind(models.TextChoices):
        STARTUP = "startup", _("Start-up gathering (oppstartssamling)")
        NETWORK = "network", _("Network gathering (nettverkssamling)")
        FAGDAG = "fagdag", _("Professional day (fagdag)")
        FOLLOW_UP = "follow_up", _("Follow-up gathering")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="gatherings")
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="gatherings",
        verbose_name=_("network"),
        help_text=_("Leave empty for a gathering of the whole programme."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    description = models.TextField(_("description"), blank=True)
    status_reports_due = models.DateField(
        _("status reports due"),
        null=True,
        blank=True,
        help_text=_("Each unit's status report is due by this date, before the gathering."),
    )
    invitations_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("gathering")
        verbose_name_plural = _("gatherings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="gathering_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["programme", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The gathering must end after it starts.")
        if not self.place and not self.video_link:
            errors["place"] = _("Give a place, a video link, or both.")
        if self.network_id and self.programme_id and self.network.programme_id != self.programme_id:
            errors["network"] = _("Choose a network of this programme.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_held(self) -> bool:
        return self.starts_at <= timezone.now()

    @classmethod
    def for_network(cls, network_id: int | None):
        """Gatherings of the whole programme, and of the network if given."""
        return models.Q(network__isnull=True) | models.Q(network_id=network_id)

    def invited(self):
        """The admitted enrolments this gathering is for."""
        enrolments = Enrolment.objects.filter(
            programme_id=self.programme_id, status=Enrolment.Status.ADMITTED
        )
        if self.network_id:
            enrolments = enrolments.filter(network_id=self.network_id)
        return enrolments


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        EXPERT_INPUT = "expert_input", _("Expert input")
        STATUS_ROUND = "status_round", _("Status round")
        GROUP_WORK = "group_work", _("Group work")
        CRITICAL_FRIEND = "critical_friend", _("Critical-friend round")
        REFLECTION = "reflection", _("Reflection")
        INFORMATION = "information", _("Information")
        BREAK = "break", _("Break")

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="agenda")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.TimeField(_("starts"))
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=30)
    responsible = models.CharField(
        _("responsible"), max_length=200, blank=True, help_text=_("A person or a unit.")
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agenda_slots",
        verbose_name=_("unit"),
        help_text=_("The unit that presents in this slot of the status round."),
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="agenda_item_minutes")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> datetime.time:
        start = datetime.datetime.combine(datetime.date(2000, 1, 1), self.starts_at)
        return (start + datetime.timedelta(minutes=self.minutes)).time()


class Material(models.Model):
    """A file or a link for a gathering: slides, the agenda as a document, reading."""

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to="gatherings/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(UPLOAD_EXTENSIONS), validate_attachment_size],
        help_text=UPLOAD_HELP,
    )
    original_name = models.CharField(max_length=255, blank=True, editable=False)
    url = models.URLField(_("link"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title

    @property
    def download_name(self) -> str:
        return self.original_name or self.file.name.rsplit("/", 1)[-1]


class Attendance(models.Model):
    """One person at one gathering, and the role they came in."""

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=TeamMember.Role.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enrolment__unit__name", "user__full_name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "enrolment", "user"], name="unique_attendance"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.gathering}"


class Assignment(models.Model):
    """Work between gatherings (mellomarbeid) for all units, a network, or one unit."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="assignments")
    gathering = models.ForeignKey(
        Gathering,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prework",
        verbose_name=_("pre-work for"),
        help_text=_("The gathering the work prepares for."),
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("network"),
        help_text=_("Leave empty, and the unit too, for every unit in the programme."),
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_assignments",
        verbose_name=_("unit"),
        help_text=_("Only this unit."),
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"))
    due_date = models.DateField(_("due date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.network_id and self.enrolment_id:
            errors["enrolment"] = _("Choose a network or one unit, not both.")
        if (
            self.gathering_id
            and self.due_date
            and self.due_date > timezone.localtime(self.gathering.starts_at).date()
        ):
            errors["due_date"] = _("The work is due before the gathering it prepares for.")
        if errors:
            raise ValidationError(errors)

    def recipients(self):
        """The admitted enrolments that must answer this assignment."""
        enrolments = Enrolment.objects.filter(
            programme_id=self.programme_id, status=Enrolment.Status.ADMITTED
        )
        if self.enrolment_id:
            return enrolments.filter(pk=self.enrolment_id)
        if self.network_id:
            return enrolments.filter(network_id=self.network_id)
        return enrolments


class Submission(models.Model):
    """A unit's answer to an assignment, and the coordinator's feedback on it."""

    class State(models.TextChoices):
        MISSING = "missing", _("Not submitted")
        OVERDUE = "overdue", _("Overdue")
        SUBMITTED = "submitted", _("Submitted")
        SEEN = "seen", _("Seen by the coordinator")
        COMMENTED = "commented", _("Feedback given")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="submissions")
    text = models.TextField(_("our answer"))
    file = models.FileField(
        _("file"),
        upload_to="submissions/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(UPLOAD_EXTENSIONS), validate_attachment_size],
        help_text=UPLOAD_HELP,
    )
    original_name = models.CharField(max_length=255, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["enrolment__unit__name"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "enrolment"], name="unique_submission")
        ]

    def __str__(self) -> str:
        return f"{self.assignment} – {self.enrolment.unit}"

    @property
    def permission_unit(self) -> Unit:
        return self.enrolment.unit

    @property
    def state(self) -> str:
        if self.feedback:
            return self.State.COMMENTED
        if self.seen_at:
            return self.State.SEEN
        return self.State.SUBMITTED

    @property
    def state_label(self) -> str:
        return self.State(self.state).label

    @property
    def on_time(self) -> bool:
        return timezone.localtime(self.submitted_at).date() <= self.assignment.due_date

    @property
    def download_name(self) -> str:
        return self.original_name or self.file.name.rsplit("/", 1)[-1]


class StatusReport(models.Model):
    """What we did, where we are, what we need: shared with the unit's network."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="status_reports"
    )
    gathering = models.ForeignKey(
        Gathering,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_reports",
        verbose_name=_("for the gathering"),
    )
    what_we_did = models.TextField(_("what we did"))
    where_we_are = models.TextField(_("where we are"))
    what_we_need = models.TextField(_("what we need"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")

    def __str__(self) -> str:
        return f"{self.enrolment.unit} – {self.created_at:%Y-%m-%d}"

    @property
    def permission_unit(self) -> Unit:
        return self.enrolment.unit


class BringHomeTask(models.Model):
    """After a gathering: who shares what in the unit, by when; the leader confirms it."""

    gathering = models.ForeignKey(
        Gathering, on_delete=models.CASCADE, related_name="bring_home_tasks"
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="bring_home_tasks"
    )
    what = models.TextField(_("what to share"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who shares it"),
    )
    due_date = models.DateField(_("by when"))
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmation_note = models.TextField(_("how it went"), blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("bring-it-home task")
        verbose_name_plural = _("bring-it-home tasks")
        constraints = [
            models.UniqueConstraint(fields=["gathering", "enrolment"], name="unique_bring_home")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.unit} – {self.gathering}"

    @property
    def permission_unit(self) -> Unit:
        return self.enrolment.unit

    @property
    def is_overdue(self) -> bool:
        return self.confirmed_at is None and self.due_date < timezone.localdate()


# Reminders and notifications ---------------------------------------------------------


class Kind(models.TextChoices):
    """What a notification is about. The rules behind each kind are in programmes/reminders.py."""

    PHASE_DUE = "phase_due", _("A phase is due soon")
    PHASE_OVERDUE = "phase_overdue", _("A phase is overdue")
    PHASE_STARTED = "phase_started", _("A cycle moved on to a new phase")
    TASK_DUE = "task_due", _("A task in the implementation plan is due soon")
    TASK_OVERDUE = "task_overdue", _("A task in the implementation plan is overdue")
    IDEA_UNANSWERED = "idea_unanswered", _("An idea has not been answered")
    VISIT_UPDATE = "visit_update", _("A visit was requested, answered or changed")
    VISIT_UNANSWERED = "visit_unanswered", _("A visit request has not been answered")
    VISIT_REFLECTION = "visit_reflection", _("No reflection written after a visit")
    FEEDBACK_NOT_SENT = "feedback_not_sent", _("Feedback to the host not sent")
    SHARING_NOT_HELD = "sharing_not_held", _("No sharing session after a visit")
    GATHERING_SOON = "gathering_soon", _("A gathering is coming up")
    ASSIGNMENT_DUE = "assignment_due", _("Work between gatherings is due soon")
    ASSIGNMENT_OVERDUE = "assignment_overdue", _("Work between gatherings is overdue")
    BRING_HOME_UNCONFIRMED = "bring_home", _("Bringing a gathering home is not confirmed")
    EVALUATION_DUE = "evaluation_due", _("A cycle's evaluation is due")
    CYCLE_WITHOUT_OWNER = "cycle_without_owner", _("A cycle has no active owner")
    SURVEY_UNANSWERED = "survey_unanswered", _("A survey waits for your answer")
    EVALUATION_CHECK_IN = "evaluation_check_in", _("A year has passed since a cycle's evaluation")


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("Off")


def validate_days(value: str) -> None:
    from programmes.reminders import parse_days

    parse_days(value)


class ReminderSetting(models.Model):
    """A municipality's own choice for one kind of reminder: on or off, and when."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    enabled = models.BooleanField(_("on"), default=True)
    days = models.CharField(_("days"), max_length=40, blank=True, validators=[validate_days])

    class Meta:
        verbose_name = _("reminder setting")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind"], name="unique_reminder_setting")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.get_kind_display()}"


class NotificationPreference(models.Model):
    """How one person wants one kind of notification delivered."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_notification_preference")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()}: {self.get_delivery_display()}"


class QuietPeriod(models.Model):
    """A holiday in a municipality: only urgent notifications go out; the rest wait until after."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="quiet_periods"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("For example “Summer holiday”."))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("quiet period")
        verbose_name_plural = _("quiet periods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="quiet_period_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})


class Notification(models.Model):
    """One notification to one person: the outbox the sender works from, and the in-app list.

    (recipient, kind, object_id, occasion) is the idempotency key: the sweep may find
    the same reminder any number of times, but it is written, and sent, once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be delivered")
        WITHDRAWN = "withdrawn", _("No longer needed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    occasion = models.CharField(max_length=60)
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=300)
    delivery = models.CharField(max_length=20, choices=Delivery.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    send_after = models.DateTimeField()
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_id", "occasion"],
                name="unique_notification_occasion",
            )
        ]
        indexes = [
            models.Index(fields=["status", "send_after"]),
            models.Index(fields=["recipient", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id}"
