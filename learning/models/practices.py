"""Spreading practice: the register of practices units share, and visits between units.

A visit is two-sided: the observing unit (the cycle's unit) asks, the host unit's
leader or contact person answers, the observers take notes and reflect, and the
observing unit sends appreciative feedback that the host acknowledges. The state
changes live in ``learning/visits.py``.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learning.models.cycles import Cycle, LearningPoint, validate_no_national_id
from learning.models.organisation import Unit

FEEDBACK_DUE_DAYS = 7
REFLECTION_WINDOW = datetime.timedelta(hours=24)
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def validate_attachment_size(file) -> None:
    if file.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(_("The file is too large. Files can be at most 10 MB."))


class Practice(models.Model):
    """A practice a unit is willing to share with others ("god praksis")."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="practices", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"),
        validators=[validate_no_national_id],
        help_text=_("What you do, why it works, and what a visitor will see."),
    )
    themes = models.CharField(
        _("themes"),
        max_length=300,
        blank=True,
        help_text=_("Words others may search for, separated by commas, such as “måltid, demens”."),
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_for_practices",
        verbose_name=_("contact person"),
    )
    visits_per_month = models.PositiveSmallIntegerField(
        _("visits you can host per month"), default=1, validators=[MinValueValidator(0)]
    )
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("Published practices can be found by everyone.")
    )
    cycle = models.ForeignKey(
        Cycle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="published_practices",
        verbose_name=_("from the cycle"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")

    def __str__(self) -> str:
        return self.title

    @property
    def permission_unit(self) -> Unit:
        return self.unit

    @property
    def theme_list(self) -> list[str]:
        return [theme.strip() for theme in self.themes.split(",") if theme.strip()]


class PracticeAttachment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("file"),
        upload_to="practices/%Y/%m/",
        validators=[
            FileExtensionValidator(["pdf", "docx", "pptx", "xlsx", "odt", "jpg", "jpeg", "png"]),
            validate_attachment_size,
        ],
        help_text=_("PDF, Word, PowerPoint, Excel, OpenDocument or an image, at most 10 MB."),
    )
    title = models.CharField(_("title"), max_length=200)
    original_name = models.CharField(max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title

    @property
    def permission_unit(self) -> Unit:
        return self.practice.unit

    @property
    def download_name(self) -> str:
        return self.original_name or self.file.name.rsplit("/", 1)[-1]


class Visit(models.Model):
    """An observation visit from a cycle's unit to a host unit (or an external host)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the host")
        HOST_PROPOSED = "host_proposed", _("The host proposed another time")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined by the host")
        CANCELLED = "cancelled", _("Cancelled")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="visits")
    host_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_visits",
        verbose_name=_("host unit"),
    )
    host_external = models.CharField(
        _("external host"),
        max_length=300,
        blank=True,
        help_text=_("A host outside the municipality's units, such as another municipality."),
    )
    practice = models.ForeignKey(
        Practice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("practice"),
    )
    host_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_visit_contacts",
        verbose_name=_("host contact person"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    observers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="observed_visits", verbose_name=_("observers")
    )
    purpose = models.TextField(_("purpose"), validators=[validate_no_national_id])
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    decline_reason = models.TextField(_("reason"), blank=True)
    host_message = models.TextField(_("message from the host"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(default=0, help_text="Calendar revision number.")
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="visit_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["host_unit", "status"])]

    def __str__(self) -> str:
        return f"{self.cycle.unit} → {self.host_name}"

    @property
    def host_name(self) -> str:
        return self.host_unit.name if self.host_unit_id else self.host_external

    @property
    def is_external(self) -> bool:
        return self.host_unit_id is None

    @property
    def visit_date(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def is_held(self) -> bool:
        """Confirmed, and the visit has started."""
        return self.status == self.Status.CONFIRMED and self.starts_at <= timezone.now()

    @property
    def feedback_due(self) -> datetime.date:
        return self.visit_date + datetime.timedelta(days=FEEDBACK_DUE_DAYS)

    @property
    def feedback_sent(self) -> bool:
        feedback = getattr(self, "feedback", None)
        return bool(feedback and feedback.sent_at)

    @property
    def feedback_is_late(self) -> bool:
        """Held, and feedback not sent within seven days (or sent after them)."""
        if not self.is_held:
            return False
        feedback = getattr(self, "feedback", None)
        if feedback is None:
            return timezone.localdate() > self.feedback_due
        return feedback.is_late

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The visit must end after it starts.")})
        if not self.host_unit_id and not self.host_external.strip():
            raise ValidationError(_("Choose the host unit, or describe the external host."))


class ObservationNote(models.Model):
    """What an observer saw, for one learning point (or in general)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="notes")
    learning_point = models.ForeignKey(
        LearningPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observation_notes",
        verbose_name=_("learning point"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(
        _("what I observed"), max_length=3000, validators=[validate_no_national_id]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["learning_point_id", "pk"]
        verbose_name = _("observation note")
        verbose_name_plural = _("observation notes")

    def __str__(self) -> str:
        return self.text[:60]


class VisitReflection(models.Model):
    """The observers' reflection straight after the visit."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    observed = models.TextField(
        _("What did we observe, in light of the focus question?"),
        max_length=3000,
        validators=[validate_no_national_id],
    )
    take_home = models.TextField(
        _("What can we take home to our own unit?"),
        max_length=3000,
        validators=[validate_no_national_id],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("reflection after the visit")
        verbose_name_plural = _("reflections after the visit")

    def __str__(self) -> str:
        return self.observed[:60]

    @property
    def within_a_day(self) -> bool:
        return self.created_at <= self.visit.ends_at + REFLECTION_WINDOW


class VisitFeedback(models.Model):
    """Appreciative feedback from the observing unit to its host."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="feedback")
    works = models.TextField(
        _("What we saw that works"), max_length=3000, validators=[validate_no_national_id]
    )
    learned = models.TextField(
        _("What we learned"), max_length=3000, validators=[validate_no_national_id]
    )
    questions = models.TextField(
        _("Questions it raised"),
        max_length=3000,
        blank=True,
        validators=[validate_no_national_id],
    )
    suggestions = models.TextField(
        _("Suggestions to the host"),
        max_length=3000,
        blank=True,
        validators=[validate_no_national_id],
    )
    show_on_practice = models.BooleanField(
        _("The host may show this feedback on its practice in the register"), default=True
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    host_reply = models.TextField(_("reply from the host"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback to the host")
        verbose_name_plural = _("feedback to hosts")

    def __str__(self) -> str:
        return self.works[:60]

    @property
    def is_late(self) -> bool:
        """Sent, or still unsent, more than seven days after the visit."""
        due = self.visit.feedback_due
        if self.sent_at:
            return timezone.localtime(self.sent_at).date() > due
        return timezone.localdate() > due
