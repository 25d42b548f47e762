"""Making report PDFs in the background.

``render_report`` claims the report row with a conditional UPDATE (waiting, or stuck in
"being made" for more than ten minutes because a worker died), renders it in the
report's language and stores the file. It is safe to run twice: a report that is ready,
failed, or being made by another worker is left alone, and a worker that finds its claim
was taken over meanwhile does not overwrite the other's result.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from evaluation import reports
from evaluation.models import Report
from evaluation.pdf import render_pdf

logger = logging.getLogger(__name__)

STALE_AFTER = datetime.timedelta(minutes=10)
ERROR_MAX_LENGTH = 500

TEMPLATES = {
    Report.Kind.CYCLE: "evaluation/reports/cycle_pdf.html",
    Report.Kind.PROGRAMME: "evaluation/reports/programme_pdf.html",
    Report.Kind.BRIEF: "evaluation/reports/brief_pdf.html",
}


def claim(report_id: int, now: datetime.datetime) -> bool:
    """Take the report for this worker: one UPDATE, so two workers never both get it."""
    claimable = Q(status=Report.Status.PENDING) | Q(
        status=Report.Status.RENDERING, started_at__lt=now - STALE_AFTER
    )
    return bool(
        Report.objects.filter(claimable, pk=report_id).update(
            status=Report.Status.RENDERING,
            started_at=now,
            finished_at=None,
            attempts=F("attempts") + 1,
            error="",
        )
    )


def file_name(report: Report, today: datetime.date) -> str:
    """The download's name in the report's language, such as
    kollegalaering-syklusrapport-2026-11-22.pdf."""
    names = {
        Report.Kind.CYCLE: _("kollegalaering-cycle-report-%(date)s.pdf"),
        Report.Kind.PROGRAMME: _("kollegalaering-programme-report-%(date)s.pdf"),
        Report.Kind.BRIEF: _("kollegalaering-brief-%(date)s.pdf"),
    }
    return get_valid_filename(names[report.kind] % {"date": today.isoformat()})


def build(report: Report, today: datetime.date) -> bytes:
    """The report's PDF; call inside ``translation.override(report.language)``."""
    if report.kind == Report.Kind.CYCLE:
        context = reports.cycle_report_context(report.cycle, today)
    elif report.kind == Report.Kind.PROGRAMME:
        context = reports.programme_report_context(report.programme, today)
    else:
        context = reports.brief_context(report)
    html = render_to_string(TEMPLATES[report.kind], context)
    return render_pdf(html, base_url=str(settings.BASE_DIR))


def check_again_later(report_id: int, now: datetime.datetime) -> None:
    """The report was not claimed. If another worker is making it, look again when that
    claim would go stale: a worker that died mid-render (its message redelivered at once)
    must not leave the report "being made" for ever. Ready, failed or gone: nothing to do."""
    started_at = (
        Report.objects.filter(pk=report_id, status=Report.Status.RENDERING)
        .values_list("started_at", flat=True)
        .first()
    )
    if started_at is None:
        logger.info("Report %s not rendered: it is ready, failed or gone", report_id)
        return
    logger.info("Report %s is being made by another worker; looking again later", report_id)
    if not render_report.app.conf.task_always_eager:
        wait = (started_at + STALE_AFTER - now).total_seconds() + 5
        render_report.apply_async((report_id,), countdown=max(wait, 5))


@shared_task
def render_report(report_id: int) -> None:
    """Render one report to PDF and store it (pending → rendering → ready or failed)."""
    now = timezone.now()
    if not claim(report_id, now):
        check_again_later(report_id, now)
        return
    mine = Report.objects.filter(pk=report_id, status=Report.Status.RENDERING, started_at=now)
    report = Report.objects.select_related("cycle__unit", "programme").get(pk=report_id)
    try:
        with translation.override(report.language):
            today = timezone.localdate()
            pdf = build(report, today)
            name = file_name(report, today)
        report.file.save(name, ContentFile(pdf), save=False)
    except Exception as exc:
        logger.exception("Report %s (%s) could not be rendered", report_id, report.kind)
        error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
        mine.update(status=Report.Status.FAILED, error=error, finished_at=timezone.now())
        return
    finished = mine.update(
        status=Report.Status.READY,
        file=report.file.name,
        size=len(pdf),
        error="",
        finished_at=timezone.now(),
    )
    if not finished:
        # Another worker reclaimed the report as stale meanwhile; its result stands.
        logger.warning("Report %s was taken over while rendering; result dropped", report_id)
        report.file.delete(save=False)
