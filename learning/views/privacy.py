"""Privacy: the audit log, a person's own data (export, asking to be deleted), and the HR
coordinator's list of deletion requests where a person is deleted.

The audit log and the deletion requests belong to the municipality's HR coordinators
(``municipality.administer``); superusers see every municipality. A senior leader (read
only) gets 403, anyone else 404, as everywhere (learning/permissions.py).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learning import audit, privacy
from learning.forms import AuditFilterForm
from learning.htmx import render_page
from learning.models import AuditEvent, User
from learning.permissions import HR, SENIOR, get_access

AUDIT_PAGE_SIZE = 50


def administered_municipalities(user) -> set[int] | None:
    """The municipalities whose audit log and deletion requests the person handles (None:
    every one, for superusers). 403 for a senior leader (read only), 404 for everyone else."""
    access = get_access(user)
    if access.is_superuser:
        return None
    municipalities = access.municipality_ids_with(HR)
    if municipalities:
        return municipalities
    if access.municipality_ids_with(SENIOR):
        raise PermissionDenied
    raise Http404


# The audit log


@login_required
@require_GET
def audit_log(request):
    """The municipality's sensitive actions, newest first, filtered by action and person."""
    scope = administered_municipalities(request.user)
    events = AuditEvent.objects.select_related("actor", "subject", "municipality")
    if scope is not None:
        events = events.filter(municipality_id__in=scope)
    form = AuditFilterForm(request.GET or None)
    page = Paginator(form.filter(events), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "show_municipality": scope is None or len(scope) > 1,
        "pending_deletions": _pending(scope).count(),
        "active_nav": "audit",
    }
    return render_page(request, "learning/audit_log.html", context, fragment="results")


# My data


@login_required
@require_GET
def my_data_export(request):
    """Everything about me, as JSON to keep (GDPR right of access and data portability)."""
    data = privacy.personal_data(request.user)
    audit.record(request, AuditEvent.Action.PERSONAL_DATA_EXPORTED, request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def deletion_request_create(request):
    """Ask for my data to be deleted: a confirmation page, then the request."""
    if request.method == "POST":
        if privacy.request_deletion(request, request.user):
            messages.success(
                request,
                _(
                    "Your request is sent. Your municipality's HR coordinator will delete "
                    "your data."
                ),
            )
        else:
            messages.info(request, _("You have already asked for your data to be deleted."))
        return redirect("profile")
    context = {"active_nav": "profile"}
    return render(request, "learning/privacy/request_deletion.html", context)


# Deletion requests (HR coordinators)


def _pending(scope: set[int] | None):
    people = User.objects.filter(deletion_requested_at__isnull=False, forgotten_at__isnull=True)
    if scope is not None:
        people = people.filter(municipality_id__in=scope, is_superuser=False)
    return people


def _requester(request, pk: int) -> User:
    scope = administered_municipalities(request.user)
    person = get_object_or_404(_pending(scope).select_related("municipality"), pk=pk)
    if not privacy.may_forget(request.user, person):
        raise Http404
    return person


@login_required
@require_GET
def deletion_requests(request):
    scope = administered_municipalities(request.user)
    people = (
        _pending(scope).select_related("municipality").order_by("deletion_requested_at", "pk")[:500]
    )
    context = {
        "people": people,
        "show_municipality": scope is None or len(scope) > 1,
        "active_nav": "audit",
    }
    return render(request, "learning/privacy/deletion_requests.html", context)


@login_required
@require_GET
def deletion_request_detail(request, pk: int):
    """What deleting the person does, and the button that does it."""
    person = _requester(request, pk)
    context = {
        "person": person,
        "retention_months": settings.PRIVATE_REFLECTION_RETENTION_MONTHS,
        "active_nav": "audit",
    }
    return render(request, "learning/privacy/deletion_request_confirm.html", context)


@login_required
@require_POST
def deletion_request_execute(request, pk: int):
    person = _requester(request, pk)
    privacy.forget_person(person, request.user, request)
    messages.success(
        request,
        _("The person is deleted. Shared history now shows “%(name)s”.")
        % {"name": _("Former employee")},
    )
    return redirect("deletion_requests")
