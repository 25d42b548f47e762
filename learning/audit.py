"""Writing the audit log (``AuditEvent``), one line at the point of each sensitive action.

Admin edits are caught in one place for every admin page: Django writes a ``LogEntry`` for
each addition, change and deletion, and ``log_entry_saved`` turns it into an audit event
(changes to memberships and municipality roles, also through inlines, become role events).
"""

from __future__ import annotations

import ipaddress
import json
import logging
from typing import TYPE_CHECKING

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION
from django.db.models.signals import post_save
from django.utils import timezone

from learning.models import AuditEvent, Membership, Municipality, MunicipalityRole, User

if TYPE_CHECKING:
    from django.contrib.admin.models import LogEntry
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

Action = AuditEvent.Action

ADMIN_ACTIONS = {
    ADDITION: Action.ADMIN_ADDED,
    CHANGE: Action.ADMIN_CHANGED,
    DELETION: Action.ADMIN_DELETED,
}
ROLE_ACTIONS = {
    ADDITION: Action.ROLE_GRANTED,
    CHANGE: Action.ROLE_CHANGED,
    DELETION: Action.ROLE_REMOVED,
}
INLINE_ROLE_ACTIONS = {
    "added": Action.ROLE_GRANTED,
    "changed": Action.ROLE_CHANGED,
    "deleted": Action.ROLE_REMOVED,
}


def municipality_id_of(obj) -> int | None:
    """The municipality an object belongs to, or None when it belongs to none."""
    if obj is None:
        return None
    if isinstance(obj, Municipality):
        return obj.pk
    if getattr(obj, "municipality_id", None):
        return obj.municipality_id
    for path in ("permission_unit", "unit", "cycle", "programme"):
        try:
            related = getattr(obj, path, None)
        except Exception:  # noqa: BLE001 - a missing related row means no municipality
            related = None
        if related is not None and related is not obj:
            found = municipality_id_of(related)
            if found:
                return found
    return None


def _ip(request: HttpRequest | None) -> str | None:
    """The client's address as login throttling sees it: behind a TLS proxy, from
    X-Forwarded-For (settings, BEHIND_TLS_PROXY)."""
    address = get_client_ip_address(request) if request is not None else None
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def record(
    request: HttpRequest | None,
    action: str,
    obj=None,
    municipality: Municipality | int | None = None,
    description: str = "",
    *,
    actor: User | None = None,
    subject: User | None = None,
) -> AuditEvent:
    """Write one audit event. The actor is the signed-in person unless given; the
    municipality is the object's, else the person concerned's, else the actor's."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if subject is None and isinstance(obj, User):
        subject = obj
    if isinstance(municipality, Municipality):
        municipality = municipality.pk
    if municipality is None:
        municipality = (
            municipality_id_of(obj) or municipality_id_of(subject) or municipality_id_of(actor)
        )
    return AuditEvent.objects.create(
        actor=actor,
        subject=subject,
        municipality_id=municipality,
        action=action,
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}" if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        description=description[:300],
        ip_address=_ip(request),
    )


# Admin edits


def _role_description(obj) -> str:
    """What a role is, without the person's name (the person is the event's subject)."""
    where = obj.unit.name if isinstance(obj, Membership) else obj.municipality.name
    return f"{obj.get_role_display()} – {where}"


def _inline_role_changes(entry: LogEntry) -> list[tuple[str, str]]:
    """Memberships added, changed or deleted through an inline on a unit's or a person's page."""
    try:
        messages = json.loads(entry.change_message or "[]")
    except ValueError:
        return []
    name = str(Membership._meta.verbose_name)
    changes = []
    for message in messages if isinstance(messages, list) else []:
        for key, action in INLINE_ROLE_ACTIONS.items():
            detail = message.get(key) if isinstance(message, dict) else None
            if isinstance(detail, dict) and detail.get("name") == name:
                changes.append((action, name.capitalize()))
    return changes


def log_entry_saved(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    """Turn the admin's own log line into an audit event (every admin page writes one)."""
    if not created:
        return
    try:
        obj = instance.get_edited_object()
    except Exception:  # noqa: BLE001 - the object may already be gone
        obj = None
    model = instance.content_type.model_class() if instance.content_type_id else None
    actor = instance.user
    if obj is not None and isinstance(obj, Membership | MunicipalityRole):
        record(
            None,
            ROLE_ACTIONS[instance.action_flag],
            obj,
            description=_role_description(obj),
            actor=actor,
            subject=obj.user,
        )
        return
    if obj is not None:
        # A person's name stays out of the text: people are linked, not written down.
        person_linked = isinstance(obj, User) or isinstance(getattr(obj, "user", None), User)
        description = "" if person_linked else instance.object_repr
        subject = obj if isinstance(obj, User) else getattr(obj, "user", None)
        record(
            None,
            ADMIN_ACTIONS[instance.action_flag],
            obj,
            description=description,
            actor=actor,
            subject=subject if isinstance(subject, User) else None,
        )
        for action, description in _inline_role_changes(instance):
            record(None, action, obj, description=description, actor=actor, subject=subject)
        return
    AuditEvent.objects.create(
        actor=actor,
        municipality_id=municipality_id_of(actor),
        action=ADMIN_ACTIONS[instance.action_flag],
        object_type=f"{model._meta.app_label}.{model._meta.model_name}" if model else "",
        object_id=instance.object_id or "",
        description=instance.object_repr[:300],
    )


# Login lockouts (django-axes)


def locked_out(sender, request=None, username: str | None = None, **kwargs) -> None:
    """One event per lockout: axes signals again at every attempt while locked out."""
    person = (
        User.objects.filter(email__iexact=username.strip()).first()
        if isinstance(username, str) and username.strip()
        else None
    )
    recent = AuditEvent.objects.filter(
        action=Action.LOGIN_LOCKED_OUT,
        subject=person,
        ip_address=_ip(request),
        created_at__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    )
    if recent.exists():
        return
    # The attempts may not have been the person's own: they are the subject, not the actor.
    record(request, Action.LOGIN_LOCKED_OUT, person, subject=person)


def connect_signals() -> None:
    from django.contrib.admin.models import LogEntry

    post_save.connect(log_entry_saved, sender=LogEntry, dispatch_uid="audit_log_entry")
    user_locked_out.connect(locked_out, dispatch_uid="audit_locked_out")
