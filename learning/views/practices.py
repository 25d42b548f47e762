"""The practice register: practices units share with the rest of the municipality.

Everyone with a role in a municipality can find and read its published practices;
the leaders and supporters of a unit (and the leaders above it) share, edit and
attach files. An unpublished practice is a draft only they can see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evaluation.models import Evaluation
from learning.downloads import private_download
from learning.forms import PracticeAttachmentForm, PracticeFilterForm, PracticeForm
from learning.htmx import render_page
from learning.models import Cycle, Practice, PracticeAttachment, Unit, Visit, VisitFeedback
from learning.permissions import (
    HR,
    LEADER,
    MEMBER,
    SENIOR,
    SUPPORTER,
    authorize,
    get_access,
    has_perm,
)
from learning.search import attach_highlights, search_practices

if TYPE_CHECKING:
    from django.db.models import QuerySet

PAGE_SIZE = 25
LIST_TEMPLATE = "learning/practices/list.html"
DETAIL_TEMPLATE = "learning/practices/detail.html"
FORM_TEMPLATE = "learning/practices/form.html"


# Who sees what ---------------------------------------------------------------------------


def register_municipality_ids(user) -> set[int]:
    """The municipalities whose register the person may read: any role in them."""
    return get_access(user).municipality_ids_with(MEMBER, HR, SENIOR)


def register_units(user) -> QuerySet[Unit]:
    units = Unit.objects.filter(is_active=True)
    if get_access(user).is_superuser:
        return units
    return units.filter(municipality_id__in=register_municipality_ids(user))


def register_practices(user) -> QuerySet[Practice]:
    """The published practices of active units in the person's municipalities."""
    practices = Practice.objects.filter(is_published=True, unit__is_active=True)
    if get_access(user).is_superuser:
        return practices
    return practices.filter(unit__municipality_id__in=register_municipality_ids(user))


def can_view_practice(user, practice: Practice) -> bool:
    """Published: anyone of the municipality. A draft: only those who may change it."""
    if has_perm(user, "unit.contribute", practice):
        return True
    return (
        practice.is_published
        and practice.unit.is_active
        and practice.unit.municipality_id in register_municipality_ids(user)
    )


def _load_practice(request, pk: int) -> Practice:
    """The practice, or 404 for people who may not see it (a draft is not revealed)."""
    practice = get_object_or_404(Practice.objects.select_related("unit__parent", "contact"), pk=pk)
    if not can_view_practice(request.user, practice):
        raise Http404
    return practice


def _held_visits() -> QuerySet[Visit]:
    """Visits that have taken place: confirmed, and started."""
    return Visit.objects.filter(status=Visit.Status.CONFIRMED, starts_at__lte=timezone.now())


def _hosted_count():
    """How many visits each practice has hosted, as a subquery (no join fan-out)."""
    counts = (
        _held_visits()
        .filter(practice=OuterRef("pk"))
        .order_by()
        .values("practice")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts), 0)


# The register ----------------------------------------------------------------------------


@login_required
@require_GET
def practice_list(request):
    """Search and filter the register. htmx requests get only the results."""
    user = request.user
    form = PracticeFilterForm(request.GET or None, units=register_units(user))
    search_field = form.fields["q"].widget
    search_field.input_type = "search"
    search_field.attrs.update(
        {
            "hx-get": reverse("practice_list"),
            "hx-trigger": "input changed delay:300ms, search",
            "hx-target": "#results",
            "hx-push-url": "true",
            "hx-include": "closest form",
            # Queued, not replaced: htmx reports an aborted request as an error.
            "hx-sync": "closest form:queue last",
            "autocomplete": "off",
        }
    )
    q = form.cleaned_data["q"] if form.is_valid() else ""
    results = (
        search_practices(form.filter(register_practices(user)), q)
        .select_related("unit", "contact")
        .annotate(hosted_count=_hosted_count())
    )
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    attach_highlights(page.object_list, q)

    contribute_ids = get_access(user).unit_ids_with(LEADER, SUPPORTER)
    share_units = (
        Unit.objects.filter(pk__in=contribute_ids, is_active=True).order_by("name")
        if contribute_ids
        else Unit.objects.none()
    )
    context = {
        "form": form,
        "q": q,
        "page_obj": page,
        "share_units": share_units,
        "active_nav": "practices",
    }
    return render_page(request, LIST_TEMPLATE, context, fragment="results")


def _detail_context(request, practice: Practice, *, attachment_form=None) -> dict:
    user = request.user
    can_contribute = has_perm(user, "unit.contribute", practice)
    contact_people = (
        [practice.contact] if practice.contact_id else list(practice.unit.leaders()[:3])
    )
    hosted_visits = (
        _held_visits()
        .filter(practice=practice)
        .select_related("cycle__unit")
        .order_by("-starts_at", "-pk")
    )
    feedback = (
        VisitFeedback.objects.filter(
            visit__practice=practice, show_on_practice=True, sent_at__isnull=False
        )
        .select_related("visit__cycle__unit")
        .order_by("-sent_at", "-pk")
    )
    if attachment_form is None and can_contribute:
        attachment_form = PracticeAttachmentForm()
    return {
        "practice": practice,
        "contact_people": contact_people,
        "attachments": practice.attachments.all(),
        "hosted_visits": hosted_visits,
        "feedback_list": feedback,
        "can_contribute": can_contribute,
        "can_view_unit": has_perm(user, "unit.view", practice.unit),
        "attachment_form": attachment_form,
        "active_nav": "practices",
    }


@login_required
@require_GET
def practice_detail(request, pk: int):
    practice = _load_practice(request, pk)
    return render(request, DETAIL_TEMPLATE, _detail_context(request, practice))


def _from_evaluation(request, unit: Unit) -> tuple[Cycle | None, dict]:
    """A practice card published from a cycle's evaluation (``?cycle=<id>``, the unit's own
    cycle): linked to the cycle, and started from what the unit learned."""
    raw = request.GET.get("cycle", "")
    cycle = Cycle.objects.filter(unit=unit, pk=raw).first() if raw.isdigit() else None
    if cycle is None:
        return None, {}
    evaluation = Evaluation.objects.filter(cycle=cycle).first()
    learned = [cycle.focus_question, evaluation.evidence if evaluation else ""]
    return cycle, {
        "title": cycle.title,
        "description": "\n\n".join(part for part in learned if part.strip()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def practice_create(request, unit_pk: int):
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=unit_pk)
    authorize(request.user, "unit.contribute", unit)
    cycle, initial = _from_evaluation(request, unit)
    form = PracticeForm(
        request.POST if request.method == "POST" else None,
        unit=unit,
        instance=Practice(unit=unit, created_by=request.user, cycle=cycle),
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            practice = form.save()
            if cycle is not None:
                Evaluation.objects.filter(cycle=cycle).update(practice=practice)
            messages.success(
                request,
                _("“%(title)s” is saved in the practice register.") % {"title": practice.title},
            )
            return redirect("practice_detail", practice.pk)
        status = 422
    context = {"form": form, "unit": unit, "practice": None, "active_nav": "practices"}
    return render(request, FORM_TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit(request, pk: int):
    practice = get_object_or_404(Practice.objects.select_related("unit__parent"), pk=pk)
    authorize(request.user, "unit.contribute", practice)
    form = PracticeForm(
        request.POST if request.method == "POST" else None, unit=practice.unit, instance=practice
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("The changes to the practice are saved."))
            return redirect("practice_detail", practice.pk)
        status = 422
    context = {"form": form, "unit": practice.unit, "practice": practice}
    return render(request, FORM_TEMPLATE, {**context, "active_nav": "practices"}, status=status)


# Attachments -----------------------------------------------------------------------------


@login_required
@require_POST
def attachment_create(request, pk: int):
    practice = get_object_or_404(Practice.objects.select_related("unit__parent", "contact"), pk=pk)
    authorize(request.user, "unit.contribute", practice)
    form = PracticeAttachmentForm(
        request.POST, request.FILES, instance=PracticeAttachment(practice=practice)
    )
    if form.is_valid():
        attachment = form.save(commit=False)
        attachment.original_name = request.FILES["file"].name[:255]
        attachment.save()
        messages.success(request, _("“%(title)s” is attached.") % {"title": attachment.title})
        return redirect(reverse("practice_detail", args=[practice.pk]) + "#attachments")
    context = _detail_context(request, practice, attachment_form=form)
    return render(request, DETAIL_TEMPLATE, context, status=422)


@login_required
@require_GET
def attachment_download(request, pk: int):
    attachment = get_object_or_404(
        PracticeAttachment.objects.select_related("practice__unit"), pk=pk
    )
    if not can_view_practice(request.user, attachment.practice):
        raise Http404
    return private_download(attachment.file, attachment.download_name)


@login_required
@require_POST
def attachment_delete(request, pk: int):
    attachment = get_object_or_404(
        PracticeAttachment.objects.select_related("practice__unit"), pk=pk
    )
    authorize(request.user, "unit.contribute", attachment)
    storage, name = attachment.file.storage, attachment.file.name
    practice_pk = attachment.practice_id
    attachment.delete()
    # The file goes once the row is surely gone, so a rolled-back delete keeps both.
    transaction.on_commit(lambda: storage.delete(name))
    messages.success(request, _("“%(title)s” is deleted.") % {"title": attachment.title})
    return redirect(reverse("practice_detail", args=[practice_pk]) + "#attachments")
