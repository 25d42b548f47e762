"""The audit log: who did what sensitive thing, when, to which object.

Append-only: a row is written once by ``learning.audit.record`` and never changed or deleted
through the app (the admin shows it read-only). The description never holds the text of a
reflection, nor the name of a person: people are linked (``actor``, ``subject``), so a person
who is later forgotten shows as "Former employee" here too.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learning.models.organisation import Municipality


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only.")

    def delete(self):
        raise TypeError("The audit log is append-only.")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VISIBILITY_CHANGED = "visibility_changed", _("Reflection visibility changed")
        ROLE_GRANTED = "role_granted", _("Role granted")
        ROLE_CHANGED = "role_changed", _("Role changed")
        ROLE_REMOVED = "role_removed", _("Role removed")
        EXPORT_DOWNLOADED = "export_downloaded", _("Export downloaded")
        REPORT_DOWNLOADED = "report_downloaded", _("Report downloaded")
        ADMIN_ADDED = "admin_added", _("Added in the admin")
        ADMIN_CHANGED = "admin_changed", _("Changed in the admin")
        ADMIN_DELETED = "admin_deleted", _("Deleted in the admin")
        PERSONAL_DATA_EXPORTED = "data_exported", _("Personal data exported")
        DELETION_REQUESTED = "deletion_requested", _("Deletion of personal data requested")
        PERSON_DELETED = "person_deleted", _("Person deleted")
        LOGIN_LOCKED_OUT = "login_locked_out", _("Login locked out")

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person concerned"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    object_type = models.CharField(_("type of object"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["municipality", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only.")

    @property
    def object_label(self) -> str:
        """The kind of object in the reader's language, e.g. "Reflection"."""
        if not self.object_type:
            return ""
        try:
            model = apps.get_model(self.object_type)
        except (LookupError, ValueError):
            return self.object_type
        return str(model._meta.verbose_name).capitalize()

    @property
    def summary(self) -> str:
        """The description, with a visibility change shown in the reader's language."""
        if self.action == self.Action.VISIBILITY_CHANGED:
            from learning.models.reflections import Reflection

            labels = dict(Reflection.Visibility.choices)
            old, _arrow, new = self.description.partition(" → ")
            if old in labels and new in labels:
                return f"{labels[old]} → {labels[new]}"
        return self.description
