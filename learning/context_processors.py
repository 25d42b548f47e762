from __future__ import annotations

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from learning.permissions import HR, LEADER, MEMBER, SENIOR, SUPPORTER, get_access


def navigation(request):
    """The main menu, with only the entries this person can use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    access = get_access(user)
    items = [(reverse("home"), _("Start"), "home")]
    if access.is_superuser or access.unit_ids_with(LEADER, SUPPORTER):
        items.append((reverse("cycle_dashboard"), _("Cycles"), "cycles"))
    if (
        access.is_superuser
        or access.municipality_ids_with(HR, SENIOR)
        or access.unit_ids_with(LEADER, SUPPORTER)
    ):
        items.append((reverse("programme_list"), _("Programmes"), "programmes"))
    if access.is_superuser or access.municipality_ids_with(MEMBER, HR, SENIOR):
        items.append((reverse("practice_list"), _("Practice register"), "practices"))
    if (
        access.is_superuser
        or access.unit_ids_with(LEADER)
        or access.municipality_ids_with(HR, SENIOR)
    ):
        items.append((reverse("unit_list"), _("Units"), "units"))
    if access.is_superuser or access.municipality_ids_with(MEMBER):
        items.append((reverse("my_reflections"), _("My reflections"), "reflections"))
    items.append((reverse("survey_list"), _("Surveys"), "surveys"))
    reminder_municipalities = sorted(access.municipality_ids_with(HR, SENIOR))
    if reminder_municipalities:
        items.append(
            (
                reverse("reminder_rules", args=[reminder_municipalities[0]]),
                _("Reminders"),
                "reminders",
            )
        )
    if access.is_superuser or access.municipality_ids_with(HR):
        items.append((reverse("audit_log"), _("Audit log"), "audit"))
    items.append((reverse("profile"), _("My profile"), "profile"))
    if user.is_staff:
        items.append((reverse("admin:index"), _("Administration"), "admin"))
    return {"nav_items": items, "unread_notifications": SimpleLazyObject(lambda: unread(user))}


def unread(user) -> int:
    from programmes.models import Notification

    return (
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .exclude(status=Notification.Status.WITHDRAWN)
        .count()
    )
