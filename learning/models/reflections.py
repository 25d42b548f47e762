"""Staff reflections: private to their author unless the author shares them with the unit.

Only ``Reflection.objects.shared()`` may be shown to anyone but the author; counts
(how many reflected) are the one thing leaders get from private reflections.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.no import fodselsnummer

from learning.models.cycles import NATIONAL_ID_PATTERN, Cycle, LearningPoint, Phase
from learning.models.organisation import Municipality
from learning.models.practices import Visit

PHONE_PATTERN = re.compile(r"(?<![\d+])(?:\+47[ ]?)?(?:\d[ ]?){8}(?![\d])")
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def personal_data_warnings(text: str) -> list[str]:
    """What in ``text`` looks like personal data: a valid fødselsnummer, a phone number or
    an email address. Eleven digits with a wrong check digit are not a fødselsnummer."""
    warnings = []
    ids = [
        m for m in NATIONAL_ID_PATTERN.finditer(text) if fodselsnummer.is_valid("".join(m.groups()))
    ]
    if ids:
        warnings.append(str(_("a national identity number (fødselsnummer)")))
    without_ids = NATIONAL_ID_PATTERN.sub(" ", text)
    if PHONE_PATTERN.search(without_ids):
        warnings.append(str(_("a phone number")))
    if EMAIL_PATTERN.search(text):
        warnings.append(str(_("an email address")))
    return warnings


class ReflectionPrompt(models.Model):
    """A guiding question, for one phase or for all; the municipality edits its own."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="reflection_prompts",
        verbose_name=_("municipality"),
    )
    phase = models.PositiveSmallIntegerField(
        _("phase"),
        choices=Phase.choices,
        null=True,
        blank=True,
        help_text=_("Leave empty to ask in every phase."),
    )
    text = models.CharField(_("question"), max_length=300)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["municipality", "phase", "position", "pk"]
        verbose_name = _("reflection question")
        verbose_name_plural = _("reflection questions")

    def __str__(self) -> str:
        return self.text


class ReflectionQuerySet(models.QuerySet):
    def shared(self) -> ReflectionQuerySet:
        """Reflections their authors have shared with the unit (never drafts)."""
        return self.filter(visibility=Reflection.Visibility.UNIT, is_draft=False)

    def unshared(self) -> ReflectionQuerySet:
        """Reflections only their authors can read: private ones, and drafts."""
        return self.exclude(visibility=Reflection.Visibility.UNIT, is_draft=False)


class Reflection(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Only me")
        UNIT = "unit", _("Shared with my unit")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reflections")
    phase = models.PositiveSmallIntegerField(
        _("phase"), choices=Phase.choices, null=True, blank=True
    )
    learning_point = models.ForeignKey(
        LearningPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections",
        verbose_name=_("learning point"),
    )
    visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_reflections",
        verbose_name=_("visit"),
    )
    answers = models.JSONField(
        default=list, blank=True, help_text="A list of {question, answer} pairs."
    )
    free_text = models.TextField(_("in my own words"), blank=True, max_length=5000)
    search_text = models.TextField(blank=True, editable=False)
    visibility = models.CharField(
        _("who can read it"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
    )
    is_draft = models.BooleanField(default=True)
    is_pinned = models.BooleanField(_("pinned as a collective conclusion"), default=False)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        indexes = [models.Index(fields=["cycle", "visibility", "is_draft"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(is_pinned=True, visibility="private"),
                name="only_shared_reflections_are_pinned",
            )
        ]

    def __str__(self) -> str:
        # Used in admin and logs: metadata only, never the text.
        return f"{_('Reflection')} #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.full_text
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def permission_unit(self):
        return self.cycle.unit

    @property
    def filled_answers(self) -> list[dict]:
        return [item for item in self.answers if (item.get("answer") or "").strip()]

    @property
    def full_text(self) -> str:
        parts = [f"{item['question']}\n{item['answer']}" for item in self.filled_answers]
        if self.free_text.strip():
            parts.append(self.free_text)
        return "\n\n".join(parts)

    @property
    def is_empty(self) -> bool:
        return not self.full_text.strip()


class VisibilityChange(models.Model):
    """A log line: who changed who can read a reflection, and when (the text is not kept)."""

    reflection = models.ForeignKey(
        Reflection, on_delete=models.CASCADE, related_name="visibility_changes"
    )
    old = models.CharField(max_length=10, choices=Reflection.Visibility.choices)
    new = models.CharField(max_length=10, choices=Reflection.Visibility.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reflection_id}: {self.old} → {self.new}"
