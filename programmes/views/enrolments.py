"""A unit in a programme: the application and decision, the team, and the unit's side of
the programme: the next gathering, assignments and submissions, status reports, and the
"bring it home" tasks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learning.downloads import private_download
from learning.models import MunicipalityRole, User
from programmes import services
from programmes.forms import (
    BringHomeForm,
    ConfirmBringHomeForm,
    DecisionForm,
    FeedbackForm,
    StatusReportForm,
    SubmissionForm,
    TeamMemberForm,
)
from programmes.models import (
    Assignment,
    BringHomeTask,
    Enrolment,
    Gathering,
    StatusReport,
    Submission,
    TeamMember,
)
from programmes.permissions import (
    authorize_enrolment,
    roles_allow,
)

E = Enrolment.Status
DETAIL_TEMPLATE = "programmes/enrolment.html"


def load_enrolment(request, pk: int, action: str) -> tuple[Enrolment, frozenset[str]]:
    enrolment = get_object_or_404(
        Enrolment.objects.select_related(
            "programme", "unit__municipality", "network", "cycle", "decided_by", "applied_by"
        ),
        pk=pk,
    )
    return enrolment, authorize_enrolment(request.user, action, enrolment)


def team_candidates(enrolment: Enrolment):
    """The unit's people and the HR coordinators of its municipality."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(pk__in=enrolment.unit.people().values("pk"))
            | Q(
                municipality_roles__municipality=enrolment.unit.municipality_id,
                municipality_roles__role=MunicipalityRole.Role.HR_COORDINATOR,
            )
        )
        .distinct()
        .order_by("full_name")
    )


def coming_gatherings(enrolment: Enrolment):
    """The coming gatherings the unit is invited to (a status report can be for one)."""
    return enrolment.programme.gatherings.filter(
        Gathering.for_network(enrolment.network_id), ends_at__gte=timezone.now()
    )


def assignments_for(enrolment: Enrolment):
    """Assignments for every unit, for the unit's network, and for the unit alone."""
    scope = Q(network__isnull=True, enrolment__isnull=True) | Q(enrolment=enrolment)
    if enrolment.network_id:
        scope |= Q(network_id=enrolment.network_id)
    return Assignment.objects.filter(scope, programme_id=enrolment.programme_id)


def _assignments(enrolment: Enrolment) -> list[Assignment]:
    """The unit's assignments, each with the unit's submission (or None)."""
    assignments = list(assignments_for(enrolment).select_related("gathering"))
    submissions = {s.assignment_id: s for s in Submission.objects.filter(enrolment=enrolment)}
    today = timezone.localdate()
    for assignment in assignments:
        assignment.submission = submissions.get(assignment.pk)
        assignment.is_overdue = assignment.submission is None and assignment.due_date < today
    return assignments


def _network_reports(enrolment: Enrolment):
    """Status reports of the unit and of the other admitted units in its network."""
    reports = StatusReport.objects.select_related("enrolment__unit", "author", "gathering")
    if enrolment.network_id and enrolment.is_admitted:
        return reports.filter(
            Q(enrolment=enrolment)
            | Q(enrolment__network_id=enrolment.network_id, enrolment__status=E.ADMITTED)
        )
    return reports.filter(enrolment=enrolment)


def _detail_context(request, enrolment: Enrolment, roles, forms: dict) -> dict:
    team = list(enrolment.team.select_related("user"))
    next_gathering = coming_gatherings(enrolment).first()
    assignments = _assignments(enrolment) if enrolment.is_admitted else []
    tasks = list(
        enrolment.bring_home_tasks.select_related("gathering", "responsible", "confirmed_by")
    )
    for task in tasks:
        task.form = forms.get(("task", task.pk)) or BringHomeForm(
            instance=task, people=enrolment.unit.people(), prefix=f"t{task.pk}"
        )
    context = {
        "enrolment": enrolment,
        "programme": enrolment.programme,
        "roles": roles,
        "team": team,
        "warnings": services.team_warnings(team) if enrolment.status != E.DECLINED else [],
        "can_decide": roles_allow(roles, "enrolment.decide")
        and enrolment.status in (E.APPLIED, E.WAITLISTED),
        "can_contribute": roles_allow(roles, "enrolment.contribute")
        and enrolment.status != E.DECLINED,
        "can_manage": roles_allow(roles, "enrolment.manage"),
        "next_gathering": next_gathering,
        "prework": [
            a for a in assignments if next_gathering and a.gathering_id == next_gathering.pk
        ],
        "assignments": assignments,
        "reports": _network_reports(enrolment) if enrolment.is_admitted else [],
        "tasks": tasks,
        "decision_form": forms.get("decision")
        or DecisionForm(cycles=services.linkable_cycles(enrolment)),
        "team_form": forms.get("team")
        or TeamMemberForm(
            instance=TeamMember(enrolment=enrolment), people=team_candidates(enrolment)
        ),
        "report_form": forms.get("report")
        or StatusReportForm(gatherings=coming_gatherings(enrolment)),
        "confirm_form": ConfirmBringHomeForm(),
        "active_nav": "programmes",
    }
    return context


def _render(request, enrolment, roles, forms=None, status=200):
    context = _detail_context(request, enrolment, roles, forms or {})
    return render(request, DETAIL_TEMPLATE, context, status=status)


@login_required
@require_GET
def enrolment_detail(request, pk: int):
    enrolment, roles = load_enrolment(request, pk, "enrolment.view")
    return _render(request, enrolment, roles)


@login_required
@require_POST
def enrolment_decide(request, pk: int):
    enrolment, roles = load_enrolment(request, pk, "enrolment.decide")
    form = DecisionForm(request.POST, cycles=services.linkable_cycles(enrolment))
    if form.is_valid():
        try:
            services.decide(
                enrolment=enrolment,
                actor=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                cycle=form.cleaned_data["cycle"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The decision is saved. The unit's leader can see it."))
            return redirect("enrolment_detail", enrolment.pk)
    return _render(request, enrolment, roles, {"decision": form}, status=422)


@login_required
@require_POST
def team_add(request, pk: int):
    enrolment, roles = load_enrolment(request, pk, "enrolment.contribute")
    form = TeamMemberForm(
        request.POST,
        instance=TeamMember(enrolment=enrolment),
        people=team_candidates(enrolment),
    )
    if form.is_valid():
        form.save()
        messages.success(request, _("Added to the team."))
        return redirect("enrolment_detail", enrolment.pk)
    return _render(request, enrolment, roles, {"team": form}, status=422)


@login_required
@require_POST
def team_remove(request, pk: int, member_pk: int):
    enrolment, _roles = load_enrolment(request, pk, "enrolment.contribute")
    get_object_or_404(TeamMember, pk=member_pk, enrolment=enrolment).delete()
    messages.success(request, _("Removed from the team."))
    return redirect("enrolment_detail", enrolment.pk)


@login_required
@require_POST
def status_report_create(request, pk: int):
    enrolment, roles = load_enrolment(request, pk, "enrolment.contribute")
    if not enrolment.is_admitted:
        raise Http404
    form = StatusReportForm(
        request.POST,
        instance=StatusReport(enrolment=enrolment, author=request.user),
        gatherings=coming_gatherings(enrolment),
    )
    if form.is_valid():
        form.save()
        messages.success(request, _("The status report is shared with your network."))
        return redirect("enrolment_detail", enrolment.pk)
    return _render(request, enrolment, roles, {"report": form}, status=422)


# Bring it home


def _load_task(request, pk: int, action: str) -> tuple[BringHomeTask, frozenset[str]]:
    task = get_object_or_404(
        BringHomeTask.objects.select_related("enrolment__programme", "enrolment__unit"), pk=pk
    )
    return task, authorize_enrolment(request.user, action, task.enrolment)


@login_required
@require_POST
def bring_home_edit(request, pk: int):
    task, roles = _load_task(request, pk, "enrolment.contribute")
    enrolment = task.enrolment
    form = BringHomeForm(
        request.POST, instance=task, people=enrolment.unit.people(), prefix=f"t{task.pk}"
    )
    if form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("enrolment_detail", enrolment.pk)
    return _render(request, enrolment, roles, {("task", task.pk): form}, status=422)


@login_required
@require_POST
def bring_home_confirm(request, pk: int):
    task, _roles = _load_task(request, pk, "enrolment.manage")
    form = ConfirmBringHomeForm(request.POST)
    form.is_valid()
    services.confirm_bring_home(task, actor=request.user, note=form.cleaned_data.get("note", ""))
    messages.success(request, _("Confirmed: the unit has heard what the team brought home."))
    return redirect("enrolment_detail", task.enrolment_id)


# Work between gatherings


@login_required
@require_http_methods(["GET", "POST"])
def submission_edit(request, pk: int, assignment_pk: int):
    """The unit writes (or changes) its answer to an assignment."""
    enrolment, roles = load_enrolment(request, pk, "enrolment.view")
    assignment = get_object_or_404(assignments_for(enrolment), pk=assignment_pk)
    if not enrolment.is_admitted:
        raise Http404
    submission = Submission.objects.filter(assignment=assignment, enrolment=enrolment).first()
    can_edit = roles_allow(roles, "enrolment.answer")
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    has_feedback = bool(submission and submission.feedback)
    if request.method == "POST" and has_feedback:
        messages.error(request, _("The coordinator has given feedback; the answer is final."))
        return redirect("enrolment_detail", enrolment.pk)
    form = None
    if can_edit and not has_feedback:
        form = SubmissionForm(
            request.POST or None,
            request.FILES or None,
            instance=submission or Submission(assignment=assignment, enrolment=enrolment),
        )
    if request.method == "POST" and form is not None and form.is_valid():
        saved = form.save(commit=False)
        saved.submitted_by = request.user
        saved.submitted_at = timezone.now()
        saved.seen_at = None
        if "file" in request.FILES:
            saved.original_name = request.FILES["file"].name[:255]
        saved.save()
        messages.success(request, _("Your answer is submitted to the coordinator."))
        return redirect("enrolment_detail", enrolment.pk)
    context = {
        "enrolment": enrolment,
        "programme": enrolment.programme,
        "assignment": assignment,
        "submission": submission,
        "form": form,
        "active_nav": "programmes",
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "programmes/submission_form.html", context, status=status)


def _load_submission(request, pk: int, action: str):
    submission = get_object_or_404(
        Submission.objects.select_related(
            "assignment", "enrolment__programme", "enrolment__unit", "submitted_by", "feedback_by"
        ),
        pk=pk,
    )
    roles = authorize_enrolment(request.user, action, submission.enrolment)
    return submission, roles


@login_required
@require_http_methods(["GET", "POST"])
def submission_detail(request, pk: int):
    """The coordinator reads a unit's answer (which marks it seen) and gives feedback."""
    submission, roles = _load_submission(request, pk, "enrolment.view")
    gives_feedback = roles_allow(roles, "enrolment.feedback")
    form = FeedbackForm(request.POST or None, initial={"feedback": submission.feedback})
    if request.method == "POST":
        authorize_enrolment(request.user, "enrolment.feedback", submission.enrolment)
        if form.is_valid():
            services.give_feedback(
                submission, text=form.cleaned_data["feedback"], actor=request.user
            )
            messages.success(request, _("The feedback is sent to the unit."))
            return redirect("assignment_detail", submission.assignment_id)
    elif gives_feedback:
        services.mark_seen(submission)
    context = {
        "submission": submission,
        "enrolment": submission.enrolment,
        "programme": submission.enrolment.programme,
        "form": form if gives_feedback else None,
        "active_nav": "programmes",
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "programmes/submission.html", context, status=status)


@login_required
@require_GET
def submission_file(request, pk: int):
    submission, _roles = _load_submission(request, pk, "enrolment.view")
    return private_download(submission.file, submission.download_name)
