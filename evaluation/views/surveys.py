"""Surveys: the list, building one (inline with htmx, and as plain forms), opening and
closing it, answering it, and its results on the page and as a spreadsheet.

Results come only from evaluation/results.py, which hides every group smaller than the
survey's ``min_group``; pages show how many are asked and have answered as counts only."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from evaluation import surveys
from evaluation.models import Audience, Respondent, Survey, SurveyQuestion, accepting_answers
from evaluation.permissions import (
    authorize_create,
    authorize_survey,
    has_survey_perm,
)
from evaluation.results import survey_results as compute_results
from evaluation.surveys import (
    AnswerForm,
    BankQuestionsForm,
    OwnQuestionForm,
    SurveyForm,
    accepts_answers,
)
from learning import audit
from learning.htmx import render_page
from learning.models import Cycle, Phase, Unit
from learning.permissions import HR, LEADER, SENIOR, get_access, has_perm
from programmes.charts import bar_chart
from programmes.models import Gathering, Programme

DETAIL_TEMPLATE = "evaluation/surveys/detail.html"
PAGE_SIZE = 25


def suppressed_message(survey: Survey) -> str:
    return _("Fewer than %(n)s have answered, so the results are hidden to protect anonymity.") % {
        "n": survey.min_group
    }


def load_survey(request, pk: int, action: str) -> Survey:
    survey = get_object_or_404(
        Survey.objects.select_related(
            "municipality", "programme", "gathering__programme", "cycle__unit", "unit"
        ),
        pk=pk,
    )
    authorize_survey(request.user, action, survey)
    return survey


# The list ------------------------------------------------------------------------------


def followed_surveys(user):
    """The surveys the person runs or follows, in one query whatever their number."""
    access = get_access(user)
    found = Survey.objects.all()
    if not access.is_superuser:
        own = access.municipality_ids_with(HR, SENIOR)
        scope = Q(municipality_id__in=own)
        programmes = Programme.objects.filter(
            Q(coordinators=user) | Q(municipality_id__in=own) | Q(municipalities__in=own)
        ).values("pk")
        scope |= Q(programme__in=programmes) | Q(gathering__programme__in=programmes)
        led = access.unit_ids_with(LEADER)
        if led:
            scope |= Q(unit_id__in=led) | Q(cycle__unit_id__in=led)
        found = found.filter(scope)
    return (
        found.select_related("programme", "gathering", "cycle", "unit")
        .annotate(
            asked=Count("respondents", distinct=True),
            answered=Count("respondents", filter=Q(respondents__has_answered=True), distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


@login_required
@require_GET
def survey_list(request):
    to_answer = [
        respondent.survey
        for respondent in Respondent.objects.filter(
            accepting_answers(timezone.localdate(), "survey__"),
            user=request.user,
            has_answered=False,
        )
        .select_related("survey")
        .order_by("survey__closes_on", "survey__pk")
    ]
    page = Paginator(followed_surveys(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"to_answer": to_answer, "page": page, "active_nav": "surveys"}
    return render(request, "evaluation/surveys/list.html", context)


# Creating and editing ------------------------------------------------------------------


def _target(request) -> tuple[dict, object]:
    """What the new survey is for, from the query string: the create_survey arguments and
    the object to check permissions on. 404 for anything missing or malformed."""
    params = request.GET

    def number(name: str) -> int:
        value = params.get(name, "")
        if not value.isdigit():
            raise Http404
        return int(value)

    if "programme" in params:
        programme = get_object_or_404(
            Programme.objects.select_related("municipality"), pk=number("programme")
        )
        return {"programme": programme}, programme
    if "gathering" in params:
        gathering = get_object_or_404(
            Gathering.objects.select_related("programme__municipality", "network"),
            pk=number("gathering"),
        )
        return {"gathering": gathering}, gathering
    if "cycle" in params:
        cycle = get_object_or_404(
            Cycle.objects.select_related("unit__municipality"), pk=number("cycle")
        )
        phase = number("phase") if params.get("phase") else cycle.current_phase
        if phase not in Phase.values:
            raise Http404
        return {"cycle": cycle, "phase": phase}, cycle
    if "unit" in params:
        unit = get_object_or_404(Unit.objects.select_related("municipality"), pk=number("unit"))
        return {"unit": unit}, unit
    raise Http404


def _audiences(target: dict) -> list[Audience]:
    if "gathering" in target:
        return surveys.GATHERING_AUDIENCES
    if "programme" in target:
        return surveys.PROGRAMME_AUDIENCES
    return surveys.UNIT_AUDIENCES


def _target_label(target: dict) -> str:
    if "gathering" in target:
        return target["gathering"].title
    if "programme" in target:
        return target["programme"].title
    if "cycle" in target:
        return f"{target['cycle'].title} – {Phase(target['phase']).label}"
    return target["unit"].name


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request):
    target, obj = _target(request)
    authorize_create(request.user, obj)
    form = SurveyForm(request.POST or None, audiences=_audiences(target))
    if form.is_valid():
        try:
            survey = surveys.create_survey(created_by=request.user, **target, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The survey is created. Add its questions."))
            return redirect("survey_detail", survey.pk)
    context = {
        "form": form,
        "target_label": _target_label(target),
        "active_nav": "surveys",
    }
    return render(
        request, "evaluation/surveys/form.html", context, status=422 if form.is_bound else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request, pk: int):
    survey = load_survey(request, pk, "survey.manage")
    form = SurveyForm(
        request.POST or None, instance=survey, audiences=surveys.audiences_for(survey)
    )
    if form.is_valid():
        form.save()
        messages.success(request, _("The survey is saved."))
        return redirect("survey_detail", survey.pk)
    context = {"form": form, "survey": survey, "active_nav": "surveys"}
    return render(
        request, "evaluation/surveys/form.html", context, status=422 if form.is_bound else 200
    )


# The survey's page and its questions ---------------------------------------------------


def _detail_context(request, survey: Survey, forms: dict) -> dict:
    can_manage = has_survey_perm(request.user, "survey.manage", survey)
    editable = can_manage and survey.status == Survey.Status.DRAFT
    counts = survey.respondents.aggregate(
        asked=Count("pk"), answered=Count("pk", filter=Q(has_answered=True))
    )
    labels = dict(Audience.choices)
    context = {
        "survey": survey,
        "programme": surveys.survey_programme(survey),
        "unit": surveys.survey_unit(survey),
        "survey_questions": survey.survey_questions.select_related("question"),
        "audience_labels": [labels.get(a, a) for a in survey.audiences],
        "asked": counts["asked"],
        "answered": counts["answered"],
        "can_manage": can_manage,
        "editable": editable,
        # The phase pages are for those who work on the cycle; others get its overview.
        "can_work_on_cycle": bool(survey.cycle_id)
        and has_perm(request.user, "unit.contribute", survey.cycle),
        "active_nav": "surveys",
    }
    if editable:
        context["bank_form"] = forms.get("bank") or BankQuestionsForm(survey=survey)
        context["own_form"] = forms.get("own") or OwnQuestionForm()
    context.update({k: v for k, v in forms.items() if k not in ("bank", "own")})
    return context


def _render_detail(request, survey: Survey, forms=None, *, status=200, fragment="questions"):
    context = _detail_context(request, survey, forms or {})
    return render_page(request, DETAIL_TEMPLATE, context, fragment=fragment, status=status)


def _questions_changed(request, survey: Survey, message: str):
    if request.htmx:
        return _render_detail(request, survey, {"saved": True})
    messages.success(request, message)
    return redirect(reverse("survey_detail", args=[survey.pk]) + "#questions")


def _not_editable(request, survey: Survey):
    return _render_detail(
        request,
        survey,
        {"questions_error": _("The questions can only be changed before the survey opens.")},
        status=422,
    )


@login_required
@require_GET
def survey_detail(request, pk: int):
    survey = load_survey(request, pk, "survey.results")
    return render(request, DETAIL_TEMPLATE, _detail_context(request, survey, {}))


@login_required
@require_POST
def survey_questions(request, pk: int):
    survey = load_survey(request, pk, "survey.manage")
    if survey.status != Survey.Status.DRAFT:
        return _not_editable(request, survey)
    form = BankQuestionsForm(request.POST, survey=survey)
    if not form.is_valid():
        return _render_detail(request, survey, {"bank": form}, status=422)
    added = surveys.add_questions(survey, form.questions)
    return _questions_changed(
        request, survey, _("%(count)s questions are added.") % {"count": len(added)}
    )


@login_required
@require_POST
def survey_question_create(request, pk: int):
    survey = load_survey(request, pk, "survey.manage")
    if survey.status != Survey.Status.DRAFT:
        return _not_editable(request, survey)
    form = OwnQuestionForm(request.POST)
    if form.is_valid():
        try:
            surveys.add_own_question(survey, request.user, **form.question_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _questions_changed(request, survey, _("Your question is added."))
    return _render_detail(request, survey, {"own": form}, status=422)


@login_required
@require_POST
def survey_question_remove(request, pk: int):
    """``pk`` is the survey's question (SurveyQuestion), not the question in the bank."""
    survey_question = get_object_or_404(SurveyQuestion, pk=pk)
    survey = load_survey(request, survey_question.survey_id, "survey.manage")
    if survey.status != Survey.Status.DRAFT:
        return _not_editable(request, survey)
    surveys.remove_question(survey, survey_question)
    return _questions_changed(request, survey, _("The question is removed."))


@login_required
@require_POST
def survey_open(request, pk: int):
    survey = load_survey(request, pk, "survey.manage")
    try:
        asked = surveys.open_survey(survey, timezone.now())
    except ValidationError as error:
        context = _detail_context(request, survey, {"status_error": " ".join(error.messages)})
        return render(request, DETAIL_TEMPLATE, context, status=422)
    messages.success(
        request, _("The survey is open. %(count)s people are asked.") % {"count": asked}
    )
    return redirect("survey_detail", survey.pk)


@login_required
@require_POST
def survey_close(request, pk: int):
    survey = load_survey(request, pk, "survey.manage")
    try:
        surveys.close_survey(survey, timezone.now())
    except ValidationError as error:
        context = _detail_context(request, survey, {"status_error": " ".join(error.messages)})
        return render(request, DETAIL_TEMPLATE, context, status=422)
    messages.success(request, _("The survey is closed."))
    return redirect("survey_detail", survey.pk)


# Answering -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request, pk: int):
    survey = load_survey(request, pk, "survey.answer")
    respondent = Respondent.objects.get(survey=survey, user=request.user)
    survey_questions = survey.survey_questions.select_related("question")
    context = {"survey": survey, "active_nav": "surveys"}
    if respondent.has_answered or not accepts_answers(survey):
        context["answered"] = respondent.has_answered
        return render(
            request,
            "evaluation/surveys/answer.html",
            context,
            status=409 if request.method == "POST" else 200,
        )
    form = AnswerForm(request.POST or None, survey_questions=survey_questions)
    if form.is_valid():
        try:
            surveys.submit_response(survey, request.user, form.answers())
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, field_errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, field_errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Thank you! Your answers are saved."))
            return redirect("survey_list")
    context["form"] = form
    return render(
        request, "evaluation/surveys/answer.html", context, status=422 if form.is_bound else 200
    )


# Results -------------------------------------------------------------------------------


def _participants_only(request, survey: Survey) -> bool:
    return bool(surveys.survey_programme(survey)) and request.GET.get("participants") == "1"


@login_required
@require_GET
def survey_results(request, pk: int):
    survey = load_survey(request, pk, "survey.results")
    participants_only = _participants_only(request, survey)
    results = compute_results(survey, participants_only=participants_only)
    rows = []
    for result in results.questions:
        chart = None
        if not result.suppressed and result.options:
            chart = bar_chart(
                result.question.text, [(option.label, option.count) for option in result.options]
            )
        rows.append({"result": result, "chart": chart})
    context = {
        "survey": survey,
        "results": results,
        "rows": rows,
        "participants_only": participants_only,
        "has_participants": bool(surveys.survey_programme(survey)),
        "suppressed_message": suppressed_message(survey),
        "active_nav": "surveys",
    }
    return render(request, "evaluation/surveys/results.html", context)


def _append(sheet, row: list, *, bold: bool = False) -> None:
    """One row; text that looks like a formula (a question someone wrote) stays text."""
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
        if bold:
            cell.font = Font(bold=True)


def _write_results(sheet, survey: Survey, results) -> None:
    """Aggregated figures only. A hidden group (or question) gets the message, no figures."""
    _append(sheet, [survey.title], bold=True)
    if results.participants_only:
        _append(sheet, [_("Participants in the programme's work only")])
    _append(sheet, [_("Responses"), results.responses])
    if results.suppressed:
        _append(sheet, [suppressed_message(survey)])
        return
    _append(sheet, [])
    _append(sheet, [_("Question"), _("Answer"), _("Count"), _("Per cent")], bold=True)
    for result in results.questions:
        text = result.question.text
        if result.suppressed:
            _append(sheet, [text, suppressed_message(survey)])
            continue
        for option in result.options:
            _append(sheet, [text, option.label, option.count, option.percent])
        if result.positive_percent is not None:
            _append(sheet, [text, _("Share agreeing (per cent)"), None, result.positive_percent])
        if result.mean is not None:
            _append(sheet, [text, _("Average"), None, result.mean])
        if not result.options:
            _append(sheet, [text, _("Number of written answers"), result.answered, None])
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 36


@login_required
@require_GET
def survey_export(request, pk: int):
    """Counts and per cents only, never one row per person; hidden groups say so."""
    survey = load_survey(request, pk, "survey.results")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Everyone")[:31]
    _write_results(sheet, survey, compute_results(survey))
    if surveys.survey_programme(survey):
        sheet = workbook.create_sheet(_("Participants")[:31])
        _write_results(sheet, survey, compute_results(survey, participants_only=True))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"{slugify(survey.title) or 'survey'}-{timezone.localdate()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    audit.record(request, audit.Action.EXPORT_DOWNLOADED, survey, description=name)
    return response
