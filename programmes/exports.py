"""Participants, attendance and status of a programme as an Excel workbook or CSV files.

Rows come only from the enrolments the person may see (the overview's scope)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from programmes.models import Attendance, Programme, TeamMember
from programmes.overview import Overview

SHEETS = ("participants", "attendance", "status")


def participants(overview: Overview) -> tuple[list[str], list[list]]:
    headers = [_("Unit"), _("Municipality"), _("Network"), _("Person"), _("Email"), _("Role")]
    members = TeamMember.objects.filter(enrolment__in=overview.enrolments).select_related("user")
    team: dict[int, list[TeamMember]] = {}
    for member in members:
        team.setdefault(member.enrolment_id, []).append(member)
    rows = []
    for enrolment in overview.enrolments:
        base = [
            enrolment.unit.name,
            enrolment.unit.municipality.name,
            enrolment.network.name if enrolment.network else "",
        ]
        for member in team.get(enrolment.pk, []):
            rows.append(
                [*base, member.user.full_name, member.user.email, member.get_role_display()]
            )
        if enrolment.pk not in team:
            rows.append([*base, "", "", ""])
    return headers, rows


def attendance(overview: Overview) -> tuple[list[str], list[list]]:
    headers = [_("Gathering"), _("Date"), _("Unit"), _("Person"), _("Role")]
    rows = [
        [
            a.gathering.title,
            timezone.localtime(a.gathering.starts_at).date(),
            a.enrolment.unit.name,
            a.user.full_name,
            a.get_role_display(),
        ]
        for a in Attendance.objects.filter(enrolment__in=overview.enrolments)
        .select_related("gathering", "enrolment__unit", "user")
        .order_by("gathering__starts_at", "enrolment__unit__name", "user__full_name")
    ]
    return headers, rows


def status(overview: Overview) -> tuple[list[str], list[list]]:
    headers = [
        _("Unit"),
        _("Municipality"),
        _("Network"),
        _("Phase"),
        _("Target date for the phase"),
        _("Days past the target date"),
        _("Leader logged in the last 30 days"),
    ]
    stuck = {e.pk: e.days_overdue for e in overview.stuck}
    rows = []
    for enrolment in overview.enrolments:
        cycle = enrolment.cycle
        rows.append(
            [
                enrolment.unit.name,
                enrolment.unit.municipality.name,
                enrolment.network.name if enrolment.network else "",
                _phase_label(cycle),
                enrolment.phase_due or "",
                stuck.get(enrolment.pk, 0),
                _("Yes") if enrolment.leader_active else _("No"),
            ]
        )
    return headers, rows


def _phase_label(cycle) -> str:
    if cycle is None:
        return _("No cycle yet")
    if cycle.status in (cycle.Status.COMPLETED, cycle.Status.ENDED):
        return cycle.get_status_display()
    return f"{cycle.current_phase}. {cycle.get_current_phase_display()}"


BUILDERS = {"participants": participants, "attendance": attendance, "status": status}


def sheet_title(name: str) -> str:
    return {
        "participants": _("Participants"),
        "attendance": _("Attendance"),
        "status": _("Status"),
    }[name]


def _filename(programme: Programme, suffix: str) -> str:
    return f"{slugify(programme.title) or 'programme'}-{timezone.localdate()}{suffix}"


def xlsx_response(programme: Programme, overview: Overview) -> HttpResponse:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in SHEETS:
        headers, rows = BUILDERS[name](overview)
        sheet = workbook.create_sheet(sheet_title(name)[:31])
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # text that looks like a formula stays text
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            width = max([len(str(header)), *(len(str(row[index - 1])) for row in rows)])
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width + 2, 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(programme, ".xlsx")}"'
    return response


def _safe_cell(value) -> str:
    """Text a spreadsheet will not run as a formula."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(programme: Programme, overview: Overview, name: str) -> HttpResponse:
    """Semicolon-separated with a byte-order mark, as Excel in Norway opens it."""
    headers, rows = BUILDERS[name](overview)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    writer.writerows([_safe_cell(value) for value in row] for row in rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = _filename(programme, f"-{name}.csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
