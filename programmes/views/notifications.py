"""Notifications: a person's list and delivery choices; a municipality's reminder rules,
quiet periods and delivery problems (HR coordinators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learning.htmx import render_page
from learning.models import Municipality
from learning.permissions import authorize, has_perm
from programmes import outbox, reminders
from programmes.forms import NotificationSettingsForm, QuietPeriodForm, ReminderRulesForm
from programmes.models import (
    Notification,
    NotificationPreference,
    QuietPeriod,
    ReminderSetting,
)

PAGE_SIZE = 30


def visible_notifications(user):
    return Notification.objects.filter(recipient=user).exclude(status=Notification.Status.WITHDRAWN)


@login_required
@require_GET
def notification_list(request):
    return list_page(request)


def list_page(request):
    page = Paginator(visible_notifications(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for notification in page:
        notification.text = reminders.RULES[notification.kind].text(notification.params)
    context = {"page": page, "active_nav": "notifications"}
    return render_page(request, "programmes/notifications.html", context, fragment="list")


@login_required
@require_POST
def notification_read_all(request):
    visible_notifications(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    if request.htmx:
        # Not notification_list itself: its require_GET would answer this POST with 405.
        return list_page(request)
    return redirect("notification_list")


@login_required
@require_GET
def notification_open(request, pk: int):
    """Mark the notification read and go to the page where the person can act on it."""
    notification = get_object_or_404(visible_notifications(request.user), pk=pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=timezone.now())
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notification_list")
    return redirect(notification.url)


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    chosen = dict(
        NotificationPreference.objects.filter(user=request.user).values_list("kind", "delivery")
    )
    current = {
        kind: chosen.get(kind, rule.default_delivery) for kind, rule in reminders.RULES.items()
    }
    form = NotificationSettingsForm(request.POST or None, current=current)
    if form.is_valid():
        with transaction.atomic():
            for kind, delivery in form.cleaned_data.items():
                if delivery != current[kind]:
                    outbox.set_preference(request.user, kind, delivery)
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notification_settings")
    status = 422 if form.errors else 200
    context = {"form": form, "active_nav": "notifications"}
    return render_page(
        request, "programmes/notification_settings.html", context, fragment="form", status=status
    )


# HR: a municipality's reminders --------------------------------------------------------


def load_municipality(request, pk: int) -> Municipality:
    """HR coordinators manage, senior leaders read (403 on changes), others get 404."""
    municipality = get_object_or_404(Municipality, pk=pk)
    authorize(request.user, "municipality.overview", municipality)
    if request.method == "POST":
        authorize(request.user, "municipality.administer", municipality)
    return municipality


def reminder_page(
    request, municipality, *, rules_form=None, period_form=None, fragment="rules", status=200
):
    current = reminders.settings_for(municipality.pk)
    failed = (
        Notification.objects.filter(
            recipient__municipality=municipality, status=Notification.Status.FAILED
        )
        .select_related("recipient")
        .order_by("-created_at")[:100]
    )
    for notification in failed:
        notification.text = reminders.RULES[notification.kind].text(notification.params)
    context = {
        "municipality": municipality,
        "rules_form": rules_form or ReminderRulesForm(current=current),
        "period_form": period_form or QuietPeriodForm(),
        "periods": QuietPeriod.objects.filter(municipality=municipality),
        "failed": failed,
        "can_manage": has_perm(request.user, "municipality.administer", municipality),
        "active_nav": "reminders",
    }
    return render_page(
        request, "programmes/reminders.html", context, fragment=fragment, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def reminder_rules(request, pk: int):
    municipality = load_municipality(request, pk)
    if request.method == "GET":
        return reminder_page(request, municipality)
    form = ReminderRulesForm(request.POST, current=reminders.settings_for(municipality.pk))
    if not form.is_valid():
        return reminder_page(request, municipality, rules_form=form, status=422)
    with transaction.atomic():
        for row in form.rows:
            kind = row["rule"].kind
            days = form.cleaned_data.get(row["days"]) if row["days"] else ()
            ReminderSetting.objects.update_or_create(
                municipality=municipality,
                kind=kind,
                defaults={
                    "enabled": form.cleaned_data[row["enabled"]],
                    "days": ", ".join(str(day) for day in days),
                },
            )
    messages.success(request, _("The reminder rules are saved."))
    return redirect("reminder_rules", pk=municipality.pk)


@login_required
@require_POST
def quiet_period_add(request, pk: int):
    municipality = load_municipality(request, pk)
    form = QuietPeriodForm(request.POST, instance=QuietPeriod(municipality=municipality))
    if not form.is_valid():
        return reminder_page(
            request, municipality, period_form=form, fragment="periods", status=422
        )
    form.save()
    messages.success(request, _("The quiet period is added."))
    return redirect("reminder_rules", pk=municipality.pk)


@login_required
@require_POST
def quiet_period_delete(request, pk: int):
    period = get_object_or_404(QuietPeriod, pk=pk)
    municipality = load_municipality(request, period.municipality_id)
    period.delete()
    messages.success(request, _("The quiet period is removed."))
    return redirect("reminder_rules", pk=municipality.pk)


@login_required
@require_POST
def notification_retry(request, pk: int):
    """Send a notification that could not be delivered again, e.g. after fixing the address."""
    notification = get_object_or_404(
        Notification.objects.select_related("recipient"), pk=pk, status=Notification.Status.FAILED
    )
    if notification.recipient.municipality_id is None:
        raise Http404
    load_municipality(request, notification.recipient.municipality_id)
    outbox.retry(notification)
    messages.success(request, _("The notification will be sent again."))
    return redirect("reminder_rules", pk=notification.recipient.municipality_id)
