"""Phase 7 (the evaluation questions, the decision, the check-in a year later), saved inline
on the phase 7 page, and indicators with a baseline for a cycle or a programme."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from evaluation import services
from evaluation.forms import (
    CheckInForm,
    ContinuationForm,
    EvaluationForm,
    IndicatorForm,
    IndicatorValueForm,
)
from evaluation.models import Indicator
from learning.htmx import is_fragment_request
from learning.models import Phase
from learning.permissions import authorize, has_perm
from learning.views.cycles import load_cycle
from learning.views.phase_work import _invalid, _load, _saved
from programmes.models import Programme
from programmes.permissions import authorize_programme, has_programme_perm

EVALUATION = Phase.EVALUATION
INDICATORS_TEMPLATE = "evaluation/indicators.html"


@login_required
@require_POST
def evaluation_save(request, pk: int):
    cycle = _load(request, pk, EVALUATION)
    form = EvaluationForm(request.POST, instance=services.evaluation_for(cycle))
    if not form.is_valid():
        return _invalid(request, cycle, EVALUATION, "evaluation", "evaluation_form", form)
    form.save()
    return _saved(request, cycle, EVALUATION, "evaluation", _("The evaluation is saved."))


@login_required
@require_POST
def decision_save(request, pk: int):
    cycle = _load(request, pk, EVALUATION)
    form = ContinuationForm(request.POST, instance=services.evaluation_for(cycle))
    if not form.is_valid():
        return _invalid(request, cycle, EVALUATION, "continuation", "continuation_form", form)
    services.decide(form.save(commit=False), request.user, timezone.localdate())
    return _saved(request, cycle, EVALUATION, "continuation", _("The decision is saved."))


@login_required
@require_POST
def check_in_save(request, pk: int):
    cycle = _load(request, pk, EVALUATION)
    evaluation = services.evaluation_for(cycle)
    if not evaluation.decided_on:
        raise Http404
    form = CheckInForm(request.POST, instance=evaluation)
    if not form.is_valid():
        return _invalid(request, cycle, EVALUATION, "check-in", "check_in_form", form)
    services.record_check_in(form.save(commit=False), timezone.localdate())
    return _saved(request, cycle, EVALUATION, "check-in", _("The check-in is saved."))


# Indicators ---------------------------------------------------------------------------


def _indicator_context(*, cycle=None, programme=None, can_edit: bool, forms=None) -> dict:
    if cycle is not None:
        summaries = services.cycle_indicators(cycle)
        back = reverse("phase_detail", args=[cycle.pk, EVALUATION])
    else:
        summaries = services.indicator_summaries(programme.indicators.all())
        back = reverse("programme_detail", args=[programme.pk])
    forms = forms or {}
    for summary in summaries:
        summary.form = forms.get(summary.indicator.pk) or IndicatorValueForm(
            indicator=summary.indicator, auto_id=f"indicator{summary.indicator.pk}_%s"
        )
    return {
        "cycle": cycle,
        "programme": programme,
        "summaries": summaries,
        "form": forms.get("new") or IndicatorForm(),
        "can_edit": can_edit,
        "back": back,
        "active_nav": "cycles" if cycle else "programmes",
    }


def _indicator_page(request, *, status=200, **subject):
    return render(request, INDICATORS_TEMPLATE, _indicator_context(**subject), status=status)


def _create_indicator(request, *, cycle=None, programme=None):
    form = IndicatorForm(request.POST)
    if not form.is_valid():
        return _indicator_page(
            request,
            cycle=cycle,
            programme=programme,
            can_edit=True,
            forms={"new": form},
            status=422,
        )
    form.instance.cycle = cycle
    form.instance.programme = programme
    form.instance.created_by = request.user
    indicator = form.save()
    messages.success(request, _("“%(name)s” is saved.") % {"name": indicator.name})
    return redirect(request.path + f"#indicator-{indicator.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def cycle_indicators(request, pk: int):
    if request.method == "POST":
        cycle = load_cycle(request, pk, "unit.contribute")
        return _create_indicator(request, cycle=cycle)
    cycle = load_cycle(request, pk, "unit.view")
    can_edit = has_perm(request.user, "unit.contribute", cycle)
    return _indicator_page(request, cycle=cycle, can_edit=can_edit)


@login_required
@require_http_methods(["GET", "POST"])
def programme_indicators(request, pk: int):
    programme = get_object_or_404(Programme, pk=pk)
    if request.method == "POST":
        authorize_programme(request.user, "programme.manage", programme)
        return _create_indicator(request, programme=programme)
    authorize_programme(request.user, "programme.follow", programme)
    can_edit = has_programme_perm(request.user, "programme.manage", programme)
    return _indicator_page(request, programme=programme, can_edit=can_edit)


def _load_indicator(request, pk: int) -> Indicator:
    """The indicator, after checking that the person may change its cycle or programme."""
    indicator = get_object_or_404(
        Indicator.objects.select_related("cycle__unit", "programme"), pk=pk
    )
    if indicator.cycle_id:
        authorize(request.user, "unit.contribute", indicator.cycle)
    else:
        authorize_programme(request.user, "programme.manage", indicator.programme)
    return indicator


def _subject_page(indicator: Indicator) -> str:
    if indicator.cycle_id:
        return reverse("cycle_indicators", args=[indicator.cycle_id])
    return reverse("programme_indicators", args=[indicator.programme_id])


@login_required
@require_POST
def indicator_value_add(request, pk: int):
    indicator = _load_indicator(request, pk)
    form = IndicatorValueForm(
        request.POST, indicator=indicator, auto_id=f"indicator{indicator.pk}_%s"
    )
    valid = form.is_valid()
    if valid:
        form.save()
    if is_fragment_request(request):
        # The indicator again: with the new value and its chart, or with the errors.
        context = _indicator_context(
            cycle=indicator.cycle,
            programme=indicator.programme,
            can_edit=True,
            forms={} if valid else {indicator.pk: form},
        )
        context["summary"] = next(s for s in context["summaries"] if s.indicator.pk == indicator.pk)
        context["saved"] = valid
        return render(
            request, f"{INDICATORS_TEMPLATE}#indicator", context, status=200 if valid else 422
        )
    if not valid:
        return _indicator_page(
            request,
            cycle=indicator.cycle,
            programme=indicator.programme,
            can_edit=True,
            forms={indicator.pk: form},
            status=422,
        )
    messages.success(request, _("The value is saved."))
    return redirect(_subject_page(indicator) + f"#indicator-{indicator.pk}")


@login_required
@require_POST
def indicator_delete(request, pk: int):
    indicator = _load_indicator(request, pk)
    page = _subject_page(indicator)
    indicator.delete()
    if is_fragment_request(request):
        return HttpResponse("")  # the indicator's article is swapped out
    messages.success(request, _("The indicator is deleted."))
    return redirect(page)
