"""Observation visits, seen from both sides: the observing unit asks, observes, reflects and
sends feedback; the host unit answers and acknowledges the feedback."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learning import visits as workflow
from learning.forms import (
    AcknowledgeForm,
    ObservationNoteForm,
    VisitAnswerForm,
    VisitFeedbackForm,
    VisitReflectionForm,
    VisitRequestForm,
)
from learning.htmx import is_fragment_request
from learning.models import (
    ObservationNote,
    Phase,
    Unit,
    Visit,
    VisitFeedback,
)
from learning.permissions import authorize, authorize_visit, has_visit_perm
from learning.views.cycles import load_cycle

DETAIL_TEMPLATE = "learning/visits/detail.html"
S = Visit.Status


def _load(request, pk: int, action: str) -> Visit:
    visit = get_object_or_404(
        Visit.objects.select_related(
            "cycle__unit__municipality",
            "host_unit__municipality",
            "host_contact",
            "practice",
            "requested_by",
            "responded_by",
        ),
        pk=pk,
    )
    authorize_visit(request.user, action, visit)
    return visit


def _feedback(visit: Visit) -> VisitFeedback | None:
    return VisitFeedback.objects.filter(visit=visit).select_related("acknowledged_by").first()


def _detail_context(request, visit: Visit, forms: dict) -> dict:
    """The visit page. The host side sees the request, the focus question, the learning
    points and the feedback once sent; notes and reflections stay with the observers."""
    user = request.user
    observer_side = has_visit_perm(user, "visit.observe", visit) or has_visit_perm(
        user, "visit.request", visit
    )
    feedback = _feedback(visit)
    cycle = visit.cycle
    context = {
        "visit": visit,
        "cycle": cycle,
        "learning_points": list(cycle.learning_points.all()),
        "observers": visit.observers.all(),
        "feedback": feedback,
        "observer_side": observer_side,
        "can_request": has_visit_perm(user, "visit.request", visit),
        "can_observe": has_visit_perm(user, "visit.observe", visit),
        "can_host": has_visit_perm(user, "visit.host", visit),
        "is_held": visit.is_held,
        "active_nav": "cycles" if observer_side else "home",
    }
    if observer_side:
        notes = ObservationNote.objects.filter(visit=visit).select_related(
            "author", "learning_point"
        )
        context.update(
            notes=notes,
            reflections=visit.reflections.select_related("author"),
            note_form=ObservationNoteForm(cycle=cycle),
            reflection_form=VisitReflectionForm(),
            feedback_form=VisitFeedbackForm(instance=feedback),
        )
    context.update(answer_form=VisitAnswerForm(), acknowledge_form=AcknowledgeForm())
    context.update(forms)
    return context


def _detail(request, visit: Visit, *, status: int = 200, fragment: str | None = None, **forms):
    context = _detail_context(request, visit, forms)
    template = DETAIL_TEMPLATE
    if fragment and is_fragment_request(request):
        template = f"{DETAIL_TEMPLATE}#{fragment}"
    return render(request, template, context, status=status)


def _done(request, visit: Visit, message: str, anchor: str = ""):
    messages.success(request, message)
    return redirect(reverse("visit_detail", args=[visit.pk]) + (f"#{anchor}" if anchor else ""))


def _refused(request, visit: Visit, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)
    return redirect("visit_detail", visit.pk)


# The observing side


@login_required
@require_http_methods(["GET", "POST"])
def visit_request(request, pk: int):
    """Ask the chosen host for a visit (the host is chosen in phase 4)."""
    cycle = load_cycle(request, pk, "unit.contribute")
    if not (cycle.host_unit_id or cycle.host_external):
        messages.warning(request, _("Choose a host first, in phase 4."))
        return redirect("phase_detail", cycle.pk, Phase.BEST_PRACTICE)
    people = cycle.unit.people()
    form = VisitRequestForm(
        request.POST if request.method == "POST" else None,
        people=people,
        # The model's own checks need the host, which the form does not ask for.
        instance=Visit(cycle=cycle, host_unit=cycle.host_unit, host_external=cycle.host_external),
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit = workflow.request_visit(
                cycle=cycle,
                host_unit=cycle.host_unit,
                host_external=cycle.host_external,
                practice=cycle.host_practice,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                observers=form.cleaned_data["observers"],
                purpose=form.cleaned_data["purpose"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if visit.is_external:
                return _done(request, visit, _("The visit is recorded."))
            return _done(request, visit, _("The request is sent. The host will answer here."))
    status = 422 if form.errors else 200
    host_name = cycle.host_unit.name if cycle.host_unit_id else cycle.host_external
    context = {"cycle": cycle, "form": form, "host_name": host_name, "active_nav": "cycles"}
    return render(request, "learning/visits/request.html", context, status=status)


@login_required
@require_POST
def visit_accept_time(request, pk: int):
    visit = _load(request, pk, "visit.request")
    try:
        workflow.accept_proposed_time(visit, actor=request.user)
    except ValidationError as error:
        return _refused(request, visit, error)
    return _done(request, visit, _("The visit is confirmed."))


@login_required
@require_POST
def visit_cancel(request, pk: int):
    visit = _load(request, pk, "visit.request")
    try:
        workflow.cancel(visit, actor=request.user)
    except ValidationError as error:
        return _refused(request, visit, error)
    return _done(request, visit, _("The visit is cancelled. The host has been told."))


def _require_started(visit: Visit):
    if not visit.is_held:
        raise ValidationError(_("Notes and reflections can be written once the visit has started."))


@login_required
@require_POST
def note_create(request, pk: int):
    """An observer's note for a learning point, written on a phone during or after the visit."""
    visit = _load(request, pk, "visit.observe")
    try:
        _require_started(visit)
    except ValidationError as error:
        return _refused(request, visit, error)
    form = ObservationNoteForm(request.POST, cycle=visit.cycle)
    if not form.is_valid():
        return _detail(request, visit, status=422, fragment="notes", note_form=form)
    note = form.save(commit=False)
    note.visit, note.author = visit, request.user
    note.save()
    if is_fragment_request(request):
        return _detail(request, visit, fragment="notes", saved="notes")
    return _done(request, visit, _("Your note is saved."), "notes")


@login_required
@require_POST
def reflection_create(request, pk: int):
    visit = _load(request, pk, "visit.observe")
    try:
        _require_started(visit)
    except ValidationError as error:
        return _refused(request, visit, error)
    form = VisitReflectionForm(request.POST)
    if not form.is_valid():
        return _detail(request, visit, status=422, fragment="reflections", reflection_form=form)
    reflection = form.save(commit=False)
    reflection.visit, reflection.author = visit, request.user
    reflection.save()
    if is_fragment_request(request):
        return _detail(request, visit, fragment="reflections", saved="reflections")
    return _done(request, visit, _("Your reflection is saved."), "reflections")


@login_required
@require_POST
def feedback_save(request, pk: int):
    """Save the feedback as a draft, or save and send it to the host ("send" in the form)."""
    visit = _load(request, pk, "visit.request")
    feedback = _feedback(visit)
    if feedback and feedback.sent_at:
        return _refused(request, visit, ValidationError(_("The feedback is already sent.")))
    form = VisitFeedbackForm(request.POST, instance=feedback)
    if not form.is_valid():
        return _detail(request, visit, status=422, feedback_form=form)
    if "send" in request.POST and not visit.is_held:
        form.add_error(None, _("Feedback can be sent once the visit has taken place."))
        return _detail(request, visit, status=422, feedback_form=form)
    feedback = form.save(commit=False)
    feedback.visit, feedback.written_by = visit, request.user
    feedback.save()
    if "send" in request.POST:
        workflow.send_feedback(feedback, actor=request.user)
        if visit.is_external:
            return _done(request, visit, _("The feedback is recorded as given."), "feedback")
        return _done(request, visit, _("The feedback is sent to the host."), "feedback")
    return _done(request, visit, _("The feedback is saved as a draft."), "feedback")


# The host side


@login_required
@require_POST
def visit_answer(request, pk: int):
    """The host's leader or contact person accepts, declines or proposes another time."""
    visit = _load(request, pk, "visit.host")
    form = VisitAnswerForm(request.POST)
    if not form.is_valid():
        return _detail(request, visit, status=422, answer_form=form)
    data = form.cleaned_data
    try:
        if data["answer"] == VisitAnswerForm.ACCEPT:
            workflow.accept(visit, actor=request.user, message=data["message"])
            message = _("You have accepted the visit.")
        elif data["answer"] == VisitAnswerForm.DECLINE:
            workflow.decline(visit, actor=request.user, reason=data["message"])
            message = _("You have declined the visit.")
        else:
            workflow.propose_time(
                visit,
                actor=request.user,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                message=data["message"],
            )
            message = _("Your proposed time is sent.")
    except ValidationError as error:
        return _refused(request, visit, error)
    return _done(request, visit, message)


@login_required
@require_POST
def feedback_acknowledge(request, pk: int):
    visit = _load(request, pk, "visit.host")
    feedback = _feedback(visit)
    if feedback is None:
        raise Http404
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _detail(request, visit, status=422, acknowledge_form=form)
    try:
        workflow.acknowledge_feedback(
            feedback, actor=request.user, reply=form.cleaned_data["reply"]
        )
    except ValidationError as error:
        return _refused(request, visit, error)
    return _done(request, visit, _("Thank you! The unit sees that you have read it."), "feedback")


# Both sides


@login_required
@require_GET
def visit_detail(request, pk: int):
    return _detail(request, _load(request, pk, "visit.view"))


@login_required
@require_GET
def visit_calendar(request, pk: int):
    """A calendar invitation (.ics) for a confirmed visit; a cancelled one cancels the event."""
    visit = _load(request, pk, "visit.view")
    if visit.status not in (S.CONFIRMED, S.CANCELLED):
        raise Http404
    content = workflow.calendar_file(visit, list(visit.cycle.learning_points.all()))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="visit-{visit.pk}.ics"'
    return response


@login_required
@require_GET
def host_visits(request, pk: int):
    """A unit's visits as host: requests to answer, upcoming and past visits, feedback."""
    unit = get_object_or_404(Unit.objects.select_related("municipality"), pk=pk)
    authorize(request.user, "unit.view", unit)
    now = timezone.now()
    hosted = (
        Visit.objects.filter(host_unit=unit)
        .select_related("cycle__unit", "feedback", "host_contact")
        .prefetch_related(Prefetch("observers"))
    )
    context = {
        "unit": unit,
        "requests": hosted.filter(status__in=[S.REQUESTED, S.HOST_PROPOSED]),
        "upcoming": hosted.filter(status=S.CONFIRMED, starts_at__gt=now),
        "past": hosted.filter(status=S.CONFIRMED, starts_at__lte=now).order_by("-starts_at"),
        "declined": hosted.filter(Q(status=S.DECLINED) | Q(status=S.CANCELLED)).order_by(
            "-starts_at"
        )[:10],
        "active_nav": "units",
    }
    return render(request, "learning/visits/host.html", context)
