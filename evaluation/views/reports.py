"""Reports as PDF: the live figures and the reports made of a cycle or a programme, making
one (a Celery task renders it), its status page that polls until it is ready, the
download, and trying again after a failure.

Cycle reports: "cycle.report" to view and download (leader, supporter, HR, senior leader),
"cycle.report.create" to make one (leader, supporter, HR). Programme reports:
"programme.follow" to view and download, "programme.report" to make one (coordinators and
HR). People without a role get 404, read-only roles 403.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evaluation import reports
from evaluation.models import Report
from evaluation.tasks import render_report
from learning import audit
from learning.downloads import private_download
from learning.htmx import render_page
from learning.models import Cycle
from learning.permissions import authorize, has_perm
from learning.services import queue_after_commit
from programmes.models import Programme
from programmes.permissions import authorize_programme, has_programme_perm

LIST_LENGTH = 20
CYCLE_KINDS = (Report.Kind.CYCLE, Report.Kind.BRIEF)
PROGRAMME_KINDS = (Report.Kind.PROGRAMME, Report.Kind.BRIEF)


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Report"))
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in kinds]


def _request_form(request, kinds):
    return ReportRequestForm(
        request.POST if request.method == "POST" else None,
        kinds=kinds,
        initial={"kind": kinds[0].value, "language": request.LANGUAGE_CODE},
        auto_id="report_%s",
    )


def _made(queryset):
    return queryset.select_related("requested_by").order_by("-created_at", "-pk")[:LIST_LENGTH]


@login_required
@require_http_methods(["GET", "POST"])
def cycle_reports(request, pk: int):
    """The cycle's figures today, the reports made of it, and making a new one."""
    cycle = get_object_or_404(Cycle.objects.select_related("unit__municipality"), pk=pk)
    action = "cycle.report.create" if request.method == "POST" else "cycle.report"
    authorize(request.user, action, cycle)
    form = _request_form(request, CYCLE_KINDS)
    if form.is_valid():
        report = reports.request_report(
            form.cleaned_data["kind"], cycle, request.user, form.cleaned_data["language"]
        )
        messages.success(request, _("The report is being made. It takes a few seconds."))
        return redirect("report_detail", report.pk)
    context = {
        "cycle": cycle,
        "live": reports.cycle_report_context(cycle, timezone.localdate()),
        "reports": _made(cycle.reports.all()),
        "form": form,
        "can_create": has_perm(request.user, "cycle.report.create", cycle),
        "active_nav": "cycles",
    }
    return render_page(
        request,
        "evaluation/reports/cycle_reports.html",
        context,
        fragment="report-list",
        status=422 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_reports(request, pk: int):
    """The programme's charts today (the same SVG as in the PDF), the reports made of it,
    and making a new one."""
    programme = get_object_or_404(Programme.objects.select_related("municipality"), pk=pk)
    action = "programme.report" if request.method == "POST" else "programme.follow"
    authorize_programme(request.user, action, programme)
    form = _request_form(request, PROGRAMME_KINDS)
    if form.is_valid():
        report = reports.request_report(
            form.cleaned_data["kind"], programme, request.user, form.cleaned_data["language"]
        )
        messages.success(request, _("The report is being made. It takes a few seconds."))
        return redirect("report_detail", report.pk)
    context = {
        "programme": programme,
        "live": reports.programme_report_context(programme, timezone.localdate()),
        "reports": _made(programme.reports.all()),
        "form": form,
        "can_create": has_programme_perm(request.user, "programme.report", programme),
        "active_nav": "programmes",
    }
    return render_page(
        request,
        "evaluation/reports/programme_reports.html",
        context,
        fragment="report-list",
        status=422 if form.is_bound else 200,
    )


def load_report(request, pk: int, *, create: bool = False) -> Report:
    """The report after checking the person may see it (or, with ``create``, make it again)."""
    report = get_object_or_404(
        Report.objects.select_related(
            "cycle__unit__municipality", "programme__municipality", "requested_by"
        ),
        pk=pk,
    )
    if report.cycle_id:
        authorize(request.user, "cycle.report.create" if create else "cycle.report", report.cycle)
        report.can_create = create or has_perm(request.user, "cycle.report.create", report.cycle)
    else:
        action = "programme.report" if create else "programme.follow"
        authorize_programme(request.user, action, report.programme)
        report.can_create = create or has_programme_perm(
            request.user, "programme.report", report.programme
        )
    return report


@login_required
@require_GET
def report_detail(request, pk: int):
    """The report's status; htmx polls the status fragment every 2 s until it is finished."""
    report = load_report(request, pk)
    context = {"report": report, "active_nav": "programmes" if report.programme_id else "cycles"}
    return render_page(request, "evaluation/reports/detail.html", context, fragment="status")


@login_required
@require_GET
def report_download(request, pk: int):
    report = load_report(request, pk)
    if report.status != Report.Status.READY:
        raise Http404
    filename = report.file.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    response = private_download(report.file, filename)
    audit.record(request, audit.Action.REPORT_DOWNLOADED, report, description=filename)
    return response


@login_required
@require_POST
def report_retry(request, pk: int):
    """A failed report waits again and is queued; anything else is left as it is."""
    report = load_report(request, pk, create=True)
    retried = Report.objects.filter(pk=report.pk, status=Report.Status.FAILED).update(
        status=Report.Status.PENDING, error="", finished_at=None
    )
    if retried:
        queue_after_commit(render_report, report.pk)
        report.refresh_from_db()
    context = {"report": report, "active_nav": "programmes" if report.programme_id else "cycles"}
    if request.htmx:
        return render_page(request, "evaluation/reports/detail.html", context, fragment="status")
    return redirect("report_detail", report.pk)
