"""Reflections: writing one (with autosaved drafts), my own timeline and exports, and the
unit's board of shared reflections.

Privacy rule for every view here: another person's reflection is only ever read through
``Reflection.objects.shared()``; the author's own through ``author=request.user``.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learning import audit
from learning import reflections as service
from learning.forms import ReflectionForm
from learning.models import Phase, Reflection, Visit
from learning.permissions import authorize, has_perm
from learning.views.cycles import load_cycle

FORM_TEMPLATE = "learning/reflections/form.html"


def _own(request, pk: int) -> Reflection:
    """The person's own reflection; anyone else's is simply not found."""
    return get_object_or_404(
        Reflection.objects.select_related("cycle__unit__municipality"),
        pk=pk,
        author=request.user,
    )


def _phase_from(value, cycle) -> int | None:
    phase = _int_or_none(value)
    return phase if phase in Phase.values else cycle.current_phase


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _visit_of(cycle, value) -> Visit | None:
    visit_id = _int_or_none(value)
    return Visit.objects.filter(pk=visit_id, cycle=cycle).first() if visit_id else None


def _own_draft(request, cycle, value) -> Reflection:
    draft_id = _int_or_none(value)
    if draft_id is None:
        raise Http404
    return get_object_or_404(
        Reflection, pk=draft_id, author=request.user, cycle=cycle, is_draft=True
    )


def _apply(reflection: Reflection, form: ReflectionForm) -> None:
    reflection.answers = form.answers()
    reflection.free_text = form.cleaned_data["free_text"].strip()
    reflection.learning_point = form.cleaned_data["learning_point"]


def _render_form(request, reflection: Reflection, form, *, status: int = 200):
    context = {
        "reflection": reflection,
        "cycle": reflection.cycle,
        "form": form,
        "active_nav": "reflections",
    }
    return render(request, FORM_TEMPLATE, context, status=status)


def _save(request, reflection: Reflection, prompts: list[str]):
    """Validate and save (no longer a draft); the author decides about personal data."""
    form = ReflectionForm(request.POST, prompts=prompts, cycle=reflection.cycle)
    if form.is_valid():
        try:
            form.check_complete()
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return _render_form(request, reflection, form, status=422)
    _apply(reflection, form)
    was_saved = reflection.pk is not None and not reflection.is_draft
    reflection.is_draft = False
    visibility = form.cleaned_data["visibility"]
    if not was_saved:
        reflection.visibility = visibility
    reflection.save()
    if was_saved:
        service.change_visibility(reflection, visibility=visibility, actor=request.user)
    if reflection.visibility == Reflection.Visibility.UNIT:
        messages.success(request, _("Your reflection is saved and shared with your unit."))
    else:
        messages.success(request, _("Your reflection is saved. Only you can read it."))
    return redirect("my_reflections")


@login_required
@require_http_methods(["GET", "POST"])
def reflection_new(request, pk: int):
    """One form, one submit: the questions for the phase, my own words, who may read it."""
    cycle = load_cycle(request, pk, "unit.participate")
    source = request.POST if request.method == "POST" else request.GET
    phase = _phase_from(source.get("phase"), cycle)
    visit = _visit_of(cycle, source.get("visit"))
    reflection = Reflection(author=request.user, cycle=cycle, phase=phase, visit=visit)
    if request.method == "POST" and request.POST.get("reflection"):
        # The draft autosave made while typing; saving finishes it.
        reflection = _own_draft(request, cycle, request.POST["reflection"])
    prompts = service.prompts_of(reflection)
    if request.method == "POST":
        return _save(request, reflection, prompts)
    initial = {"learning_point": source.get("point") or None}
    form = ReflectionForm(initial=initial, prompts=prompts, cycle=cycle)
    return _render_form(request, reflection, form)


@login_required
@require_http_methods(["GET", "POST"])
def reflection_edit(request, pk: int):
    reflection = _own(request, pk)
    authorize(request.user, "unit.participate", reflection)
    prompts = service.prompts_of(reflection)
    if request.method == "POST":
        return _save(request, reflection, prompts)
    initial = ReflectionForm.initial_from(reflection, prompts)
    form = ReflectionForm(initial=initial, prompts=prompts, cycle=reflection.cycle)
    return _render_form(request, reflection, form)


@login_required
@require_POST
def reflection_autosave(request, pk: int):
    """Keep a draft while the person types, so nothing is lost if the phone locks.

    The first autosave creates the draft and points the browser's address at it, so a
    reload opens the draft. A saved reflection is never changed by autosave.
    """
    cycle = load_cycle(request, pk, "unit.participate")
    if request.POST.get("reflection"):
        reflection = _own_draft(request, cycle, request.POST["reflection"])
    else:
        phase = _phase_from(request.POST.get("phase"), cycle)
        visit = _visit_of(cycle, request.POST.get("visit"))
        reflection = Reflection(author=request.user, cycle=cycle, phase=phase, visit=visit)
    prompts = service.prompts_of(reflection)
    form = ReflectionForm(request.POST, prompts=prompts, cycle=cycle)
    if not form.is_valid():
        return HttpResponse(status=204)
    _apply(reflection, form)
    if reflection.pk is None and reflection.is_empty:
        return HttpResponse(status=204)
    reflection.save()
    context = {"reflection": reflection, "saved_at": timezone.localtime()}
    response = render(request, "learning/reflections/draft_status.html", context)
    response["HX-Replace-Url"] = reverse("reflection_edit", args=[reflection.pk])
    return response


@login_required
@require_POST
def reflection_visibility(request, pk: int):
    reflection = _own(request, pk)
    try:
        service.change_visibility(
            reflection, visibility=request.POST.get("visibility", ""), actor=request.user
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if request.POST.get("visibility") == Reflection.Visibility.UNIT:
            messages.success(request, _("The reflection is shared with your unit."))
        else:
            messages.success(request, _("The reflection is private again."))
    return redirect(reverse("my_reflections") + f"#reflection-{reflection.pk}")


@login_required
@require_POST
def reflection_delete(request, pk: int):
    _own(request, pk).delete()
    messages.success(request, _("The reflection is deleted."))
    return redirect("my_reflections")


# My reflections


def _my_reflections(request):
    reflections = Reflection.objects.filter(author=request.user, is_draft=False).select_related(
        "cycle__unit", "learning_point", "visit__host_unit"
    )
    query = request.GET.get("q", "").strip()
    if query:
        reflections = reflections.filter(search_text__icontains=query)
    return reflections, query


@login_required
@require_GET
def my_reflections(request):
    """Everything I have written, newest first, with my drafts on top."""
    reflections, query = _my_reflections(request)
    page = Paginator(reflections, 25).get_page(request.GET.get("page"))
    drafts = Reflection.objects.filter(author=request.user, is_draft=True).select_related("cycle")
    context = {"page": page, "query": query, "drafts": drafts, "active_nav": "reflections"}
    template = "learning/reflections/mine.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, context)


def _export_rows(reflections) -> list[dict]:
    return [
        {
            "written": timezone.localtime(r.created_at).isoformat(),
            "cycle": r.cycle.title,
            "unit": r.cycle.unit.name,
            "phase": r.get_phase_display() if r.phase else None,
            "learning_point": r.learning_point.title if r.learning_point else None,
            "visit": r.visit.host_name if r.visit else None,
            "visibility": r.get_visibility_display(),
            "answers": r.filled_answers,
            "in_my_own_words": r.free_text,
        }
        for r in reflections
    ]


@login_required
@require_GET
def my_reflections_json(request):
    """My own data, for me to keep (GDPR data portability)."""
    reflections, _query = _my_reflections(request)
    data = {
        "person": request.user.full_name,
        "exported": timezone.localtime().isoformat(),
        "reflections": _export_rows(reflections),
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-reflections.json"'
    audit.record(request, audit.Action.EXPORT_DOWNLOADED, description="my-reflections.json")
    return response


@login_required
@require_GET
def my_reflections_pdf(request):
    from weasyprint import HTML

    reflections, _query = _my_reflections(request)
    html = render_to_string(
        "learning/reflections/export_pdf.html",
        {"reflections": reflections, "person": request.user, "now": timezone.localtime()},
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-reflections.pdf"'
    audit.record(request, audit.Action.EXPORT_DOWNLOADED, description="my-reflections.pdf")
    return response


# The unit's board

BOARD_PAGE_SIZE = 50  # a busy unit shares hundreds in a cycle


@login_required
@require_GET
def reflection_board(request, pk: int):
    """Shared reflections of a cycle by phase and learning point, and how many reflected."""
    cycle = load_cycle(request, pk, "unit.participate")
    saved = Reflection.objects.filter(cycle=cycle, is_draft=False)
    counts = {
        row["phase"]: row["people"]
        for row in saved.values("phase").annotate(people=Count("author", distinct=True))
    }
    shared = saved.shared().select_related("author", "learning_point").order_by("phase", "pk")
    page = Paginator(shared, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    on_page = list(page.object_list)
    phases = []
    for phase in Phase:
        items = [r for r in on_page if r.phase == phase]
        # The first page says how many reflected in every phase; later pages only go on.
        if items or page.number == 1:
            phases.append({"phase": phase, "people": counts.get(phase, 0), "reflections": items})
    context = {
        "cycle": cycle,
        "phases": phases,
        "page": page,
        "pinned": pinned_for(cycle) if page.number == 1 else [],
        "can_pin": has_perm(request.user, "unit.contribute", cycle),
        "active_nav": "reflections",
    }
    return render(request, "learning/reflections/board.html", context)


@login_required
@require_POST
def reflection_pin(request, pk: int):
    reflection = get_object_or_404(
        Reflection.objects.shared().select_related("cycle__unit__municipality"), pk=pk
    )
    authorize(request.user, "unit.contribute", reflection)
    pinned = request.POST.get("pinned") == "1"
    try:
        service.set_pinned(reflection, pinned=pinned)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(reverse("reflection_board", args=[reflection.cycle_id]) + f"#r{reflection.pk}")


def pinned_for(cycle) -> list[Reflection]:
    """The unit's collective conclusions from reflections (shown in phase 6)."""
    return list(
        Reflection.objects.shared()
        .filter(cycle=cycle, is_pinned=True)
        .select_related("author", "learning_point")
    )
