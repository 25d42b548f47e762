"""Gatherings: creating one, its agenda and materials, the calendar invitation, attendance,
the "bring it home" tasks after it; and assignments (work between gatherings)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learning.downloads import private_download
from learning.htmx import render_page
from programmes import services
from programmes.forms import (
    AgendaItemForm,
    AssignmentForm,
    AttendanceForm,
    BringHomeCreateForm,
    GatheringForm,
    MaterialForm,
    StatusRoundForm,
)
from programmes.models import AgendaItem, Assignment, Gathering, Material, Submission
from programmes.permissions import (
    authorize_programme,
    can_see_gathering,
    has_programme_perm,
)
from programmes.views.programmes import load_programme

DETAIL_TEMPLATE = "programmes/gathering.html"


def load_gathering(request, pk: int, action: str) -> Gathering:
    gathering = get_object_or_404(
        Gathering.objects.select_related("programme__municipality", "network"), pk=pk
    )
    pa = authorize_programme(request.user, action, gathering.programme)
    if not can_see_gathering(pa, gathering):
        raise Http404
    return gathering


@login_required
@require_http_methods(["GET", "POST"])
def gathering_create(request, pk: int):
    programme, _pa = load_programme(request, pk, "programme.manage")
    form = GatheringForm(request.POST or None, programme=programme)
    if form.is_valid():
        gathering = form.save()
        messages.success(request, _("The gathering is created. Build its agenda below."))
        return redirect("gathering_detail", gathering.pk)
    context = {"programme": programme, "form": form, "active_nav": "programmes"}
    status = 422 if form.is_bound else 200
    return render(request, "programmes/gathering_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def gathering_edit(request, pk: int):
    gathering = load_gathering(request, pk, "programme.manage")
    form = GatheringForm(request.POST or None, instance=gathering, programme=gathering.programme)
    if form.is_valid():
        gathering = form.save(commit=False)
        gathering.sequence = F("sequence") + 1  # calendars replace the old invitation
        gathering.save()
        messages.success(request, _("The gathering is saved."))
        return redirect("gathering_detail", gathering.pk)
    context = {
        "programme": gathering.programme,
        "gathering": gathering,
        "form": form,
        "active_nav": "programmes",
    }
    status = 422 if form.is_bound else 200
    return render(request, "programmes/gathering_form.html", context, status=status)


def _detail_context(request, gathering: Gathering, forms: dict) -> dict:
    can_manage = has_programme_perm(request.user, "programme.manage", gathering.programme)
    attendees = services.expected_attendees(gathering) if gathering.is_held else []
    context = {
        "gathering": gathering,
        "programme": gathering.programme,
        "agenda": gathering.agenda.select_related("enrolment__unit"),
        "materials": gathering.materials.all(),
        "prework": gathering.prework.all(),
        "can_manage": can_manage,
        "attendees": attendees,
        "bring_home": gathering.bring_home_tasks.select_related("enrolment__unit", "responsible")
        if can_manage
        else [],
        "active_nav": "programmes",
    }
    if can_manage:
        start = timezone.localtime(gathering.starts_at).time()
        context.update(
            agenda_form=forms.get("agenda") or AgendaItemForm(initial={"starts_at": start}),
            round_form=forms.get("round") or StatusRoundForm(initial={"starts_at": start}),
            material_form=forms.get("material") or MaterialForm(),
            bring_home_form=forms.get("bring_home")
            or BringHomeCreateForm(
                initial={
                    "due_date": timezone.localtime(gathering.ends_at).date()
                    + datetime.timedelta(days=services.BRING_HOME_DAYS)
                }
            ),
        )
    return context


def _render(request, gathering, forms=None, *, fragment="agenda", status=200):
    context = _detail_context(request, gathering, forms or {})
    return render_page(request, DETAIL_TEMPLATE, context, fragment=fragment, status=status)


@login_required
@require_GET
def gathering_detail(request, pk: int):
    gathering = load_gathering(request, pk, "programme.view")
    return render(request, DETAIL_TEMPLATE, _detail_context(request, gathering, {}))


@login_required
@require_POST
def agenda_add(request, pk: int):
    gathering = load_gathering(request, pk, "programme.manage")
    form = AgendaItemForm(request.POST, instance=AgendaItem(gathering=gathering))
    if form.is_valid():
        form.save()
        if not request.htmx:
            return redirect("gathering_detail", gathering.pk)
        return _render(request, gathering)
    return _render(request, gathering, {"agenda": form}, status=422)


@login_required
@require_POST
def status_round_add(request, pk: int):
    gathering = load_gathering(request, pk, "programme.manage")
    form = StatusRoundForm(request.POST)
    if form.is_valid():
        count = services.add_status_round(
            gathering, form.cleaned_data["starts_at"], form.cleaned_data["minutes"]
        )
        if count == 0:
            messages.warning(request, _("No units are invited yet, so the round has no slots."))
        if not request.htmx:
            return redirect("gathering_detail", gathering.pk)
        return _render(request, gathering)
    return _render(request, gathering, {"round": form}, status=422)


@login_required
@require_POST
def agenda_delete(request, pk: int):
    item = get_object_or_404(AgendaItem.objects.select_related("gathering"), pk=pk)
    gathering = load_gathering(request, item.gathering_id, "programme.manage")
    item.delete()
    if not request.htmx:
        return redirect("gathering_detail", gathering.pk)
    return _render(request, gathering)


@login_required
@require_POST
def material_add(request, pk: int):
    gathering = load_gathering(request, pk, "programme.manage")
    form = MaterialForm(request.POST, request.FILES, instance=Material(gathering=gathering))
    if form.is_valid():
        material = form.save(commit=False)
        if "file" in request.FILES:
            material.original_name = request.FILES["file"].name[:255]
        material.save()
        messages.success(request, _("The material is added."))
        return redirect("gathering_detail", gathering.pk)
    context = _detail_context(request, gathering, {"material": form})
    return render(request, DETAIL_TEMPLATE, context, status=422)


@login_required
@require_GET
def material_download(request, pk: int):
    material = get_object_or_404(Material, pk=pk)
    load_gathering(request, material.gathering_id, "programme.view")
    return private_download(material.file, material.download_name)


@login_required
@require_POST
def material_delete(request, pk: int):
    material = get_object_or_404(Material, pk=pk)
    gathering = load_gathering(request, material.gathering_id, "programme.manage")
    storage, name = material.file.storage, material.file.name
    material.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    messages.success(request, _("The material is removed."))
    return redirect("gathering_detail", gathering.pk)


@login_required
@require_GET
def gathering_calendar(request, pk: int):
    gathering = load_gathering(request, pk, "programme.view")
    content = services.calendar([gathering], name=gathering.programme.title)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    filename = f"{slugify(gathering.title) or 'gathering'}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def gathering_invite(request, pk: int):
    """Email the invited teams the gathering with a calendar invitation."""
    gathering = load_gathering(request, pk, "programme.manage")
    count = services.send_invitations(gathering)
    if count:
        messages.success(
            request,
            ngettext(
                "The invitation is sent to %(count)s person.",
                "The invitation is sent to %(count)s people.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.warning(request, _("No one to invite yet: the invited units have no teams."))
    return redirect("gathering_detail", gathering.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    """Who came, per person and role; the teams that came without their leader stand out."""
    gathering = load_gathering(request, pk, "programme.manage")
    if not gathering.is_held:
        messages.error(request, _("Attendance is registered once the gathering has started."))
        return redirect("gathering_detail", gathering.pk)
    enrolments = services.expected_attendees(gathering)
    form = AttendanceForm(request.POST or None, enrolments=enrolments)
    if form.is_valid():
        services.register_attendance(gathering, present=form.present(), actor=request.user)
        messages.success(request, _("Attendance is saved."))
        return redirect("gathering_detail", gathering.pk)
    context = {
        "gathering": gathering,
        "programme": gathering.programme,
        "enrolments": enrolments,
        "form": form,
        "active_nav": "programmes",
    }
    return render(request, "programmes/attendance.html", context)


@login_required
@require_POST
def bring_home_create(request, pk: int):
    gathering = load_gathering(request, pk, "programme.manage")
    form = BringHomeCreateForm(request.POST)
    if form.is_valid():
        count = services.create_bring_home_tasks(
            gathering, what=form.cleaned_data["what"], due_date=form.cleaned_data["due_date"]
        )
        messages.success(
            request,
            ngettext(
                "%(count)s unit got a bring-it-home task.",
                "%(count)s units got a bring-it-home task.",
                count,
            )
            % {"count": count},
        )
        return redirect("gathering_detail", gathering.pk)
    context = _detail_context(request, gathering, {"bring_home": form})
    return render(request, DETAIL_TEMPLATE, context, status=422)


# Assignments


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request, pk: int):
    programme, _pa = load_programme(request, pk, "programme.manage")
    initial = {}
    if "gathering" in request.GET:
        initial["gathering"] = request.GET["gathering"]
    form = AssignmentForm(request.POST or None, programme=programme, initial=initial)
    if form.is_valid():
        assignment = form.save()
        messages.success(request, _("The assignment is given to the units."))
        return redirect("assignment_detail", assignment.pk)
    context = {"programme": programme, "form": form, "active_nav": "programmes"}
    status = 422 if form.is_bound else 200
    return render(request, "programmes/assignment_form.html", context, status=status)


@login_required
@require_GET
def assignment_detail(request, pk: int):
    """Each unit's answer: missing, overdue, submitted, seen or commented."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("programme", "gathering", "network", "enrolment__unit"),
        pk=pk,
    )
    programme, _pa = load_programme(request, assignment.programme_id, "programme.manage")
    submissions = {
        s.enrolment_id: s
        for s in Submission.objects.filter(assignment=assignment).select_related(
            "assignment", "submitted_by"
        )
    }
    overdue = assignment.due_date < timezone.localdate()
    rows = []
    for enrolment in assignment.recipients().select_related("unit").order_by("unit__name"):
        submission = submissions.get(enrolment.pk)
        if submission:
            state = submission.state
        else:
            state = Submission.State.OVERDUE if overdue else Submission.State.MISSING
        rows.append(
            {
                "enrolment": enrolment,
                "submission": submission,
                "state": state,
                "state_label": Submission.State(state).label,
            }
        )
    context = {
        "assignment": assignment,
        "programme": programme,
        "rows": rows,
        "active_nav": "programmes",
    }
    return render(request, "programmes/assignment.html", context)
