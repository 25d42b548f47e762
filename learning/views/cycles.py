"""The cycle: the leader's dashboard, the staff and read-only views, starting a cycle,
its settings, and moving it between phases."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, When
from django.forms import modelformset_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learning import phases
from learning.forms import (
    CycleForm,
    IdeaAnswerForm,
    IdeaForm,
    OwnerForm,
    PersonalGoalForm,
    PhasePlanForm,
    ReasonForm,
    ReopenForm,
    StatusForm,
)
from learning.htmx import render_page
from learning.models import (
    Cycle,
    Idea,
    IdeaVote,
    NeedAgreement,
    PersonalGoal,
    PhasePlan,
    Task,
    Unit,
    Visit,
)
from learning.permissions import (
    LEADER,
    STAFF,
    SUPPORTER,
    authorize,
    get_access,
    has_perm,
    roles_for,
)

OPEN_TASK = ~Q(status=Task.Status.DONE)


def load_cycle(request, pk: int, action: str) -> Cycle:
    """The cycle with its progress counts, after checking ``action`` (404 / 403)."""
    cycle = get_object_or_404(
        Cycle.objects.with_progress().select_related("unit__municipality", "owner"), pk=pk
    )
    authorize(request.user, action, cycle)
    return cycle


def tracker_context(cycle: Cycle) -> dict:
    plans = list(cycle.phase_plans.select_related("responsible"))
    progress = phases.progress(cycle, plans)
    return {
        "cycle": cycle,
        "progress": progress,
        "current": progress[cycle.current_phase - 1],
        "events": cycle.events.select_related("actor", "previous_owner", "new_owner")[:30],
        "today": timezone.localdate(),
    }


def agreement_counts(cycle: Cycle) -> dict:
    """How many agree and disagree that the chosen need is the unit's (no names)."""
    return cycle.need_agreements.aggregate(
        agree=Count("pk", filter=Q(agrees=True)), disagree=Count("pk", filter=Q(agrees=False))
    )


def ideas_with_votes(user):
    """Ideas with their number of supporters and whether ``user`` supports each."""
    return Idea.objects.select_related("author").annotate(
        vote_count=Count("votes"),
        my_vote=Exists(IdeaVote.objects.filter(idea=OuterRef("pk"), user=user)),
    )


def with_answer_forms(ideas, bound_forms: dict | None = None) -> list[Idea]:
    """Give each idea the leader's answer form (the bound one, with errors, if given)."""
    bound_forms = bound_forms or {}
    ideas = list(ideas)
    for idea in ideas:
        idea.answer_form = bound_forms.get(idea.pk) or IdeaAnswerForm(
            instance=idea, auto_id=f"idea{idea.pk}_%s"
        )
    return ideas


# The leader's dashboard


def _dashboard(request, selected: Cycle | None, *, status: int = 200, **forms):
    """Units the person leads or supports with their cycles, and the chosen cycle's workspace."""
    access = get_access(request.user)
    unit_ids = access.unit_ids_with(LEADER, SUPPORTER)
    cycles = Cycle.objects.select_related("owner").order_by("status", "-start_date")
    units = list(
        Unit.objects.filter(pk__in=unit_ids, is_active=True)
        .select_related("parent")
        .prefetch_related(Prefetch("cycles", queryset=cycles, to_attr="cycle_list"))
        .order_by("name")
    )
    for unit in units:
        unit.can_manage = has_perm(request.user, "unit.manage", unit)
    context = {"units": units, "active_nav": "cycles", "selected": selected}
    if selected is not None:
        context.update(tracker_context(selected))
        can_manage = has_perm(request.user, "unit.manage", selected)
        context.update(
            can_manage=can_manage,
            # Open tasks of the phases reached so far; later phases' tasks wait in the plan.
            my_tasks=selected.tasks.filter(
                OPEN_TASK, responsible=request.user, phase__lte=selected.current_phase
            )
            .select_related("responsible")
            .order_by("due_date", "pk")[:10],
            awaiting_ideas=with_answer_forms(
                ideas_with_votes(request.user).filter(cycle=selected, response="")[:5]
            ),
            advance_form=forms.get("advance_form") or ReasonForm(),
            reopen_form=forms.get("reopen_form") or ReopenForm(cycle=selected),
            status_form=forms.get("status_form") or StatusForm(),
            owner_form=forms.get("owner_form") or OwnerForm(cycle=selected),
        )
    return render_page(
        request, "learning/cycles/dashboard.html", context, fragment="workspace", status=status
    )


@login_required
@require_GET
def dashboard(request):
    """The leader's start page for kollegalæring: my units, their cycles, the chosen one."""
    selected = None
    if "cycle" in request.GET:
        try:
            selected = load_cycle(request, int(request.GET["cycle"]), "unit.contribute")
        except ValueError:
            raise Http404 from None
    else:
        # The newest running cycle the person owns, else the newest in their units; then
        # that one with its progress counts.
        access = get_access(request.user)
        running = Cycle.objects.filter(
            unit__in=access.unit_ids_with(LEADER, SUPPORTER),
            unit__is_active=True,
            status__in=[Cycle.Status.ACTIVE, Cycle.Status.PAUSED],
        )
        owned_first = Case(When(owner=request.user, then=0), default=1)
        newest = running.order_by(owned_first, "-start_date").values("pk").first()
        if newest is not None:
            selected = (
                Cycle.objects.with_progress()
                .select_related("unit__municipality", "owner")
                .get(pk=newest["pk"])
            )
    return _dashboard(request, selected)


@login_required
@require_GET
def cycle_detail(request, pk: int):
    """One cycle, seen the way the person's role allows."""
    cycle = load_cycle(request, pk, "unit.view")
    if has_perm(request.user, "unit.contribute", cycle):
        return _dashboard(request, cycle)
    if STAFF in roles_for(request.user, cycle):
        return _staff_view(request, cycle)
    context = _readonly_context(cycle)
    context["can_report"] = has_perm(request.user, "cycle.report", cycle)
    return render(request, "learning/cycles/readonly.html", context)


def _readonly_context(cycle: Cycle) -> dict:
    """For senior leaders, HR and representatives: the plan, with no staff data but names of
    the people responsible."""
    return {
        **tracker_context(cycle),
        "learning_points": cycle.learning_points.all(),
        "visits": cycle.visits.select_related("host_unit").exclude(
            status__in=[Visit.Status.DECLINED, Visit.Status.CANCELLED]
        ),
        "agreements": agreement_counts(cycle),
        "active_nav": "home",
    }


def _staff_view(request, cycle: Cycle, *, status: int = 200, goal_forms=None, fragment=None):
    """The staff page, or a part of it for htmx. Only for staff: others who may take part
    (leaders, representatives) go back to the cycle page their role gives them."""
    user = request.user
    if STAFF not in roles_for(user, cycle):
        return redirect("cycle_detail", cycle.pk)
    my_goals = PersonalGoal.objects.filter(user=user)
    points = cycle.learning_points.prefetch_related(
        Prefetch("personal_goals", queryset=my_goals, to_attr="my_goals")
    )
    goal_forms = goal_forms or {}
    context = {
        **tracker_context(cycle),
        "learning_points": [
            (point, goal_forms.get(point.pk) or PersonalGoalForm()) for point in points
        ],
        "my_tasks": cycle.tasks.filter(responsible=user)
        .select_related("responsible")
        .order_by("status", "due_date", "pk"),
        "my_ideas": ideas_with_votes(user).filter(cycle=cycle, author=user),
        "other_ideas": ideas_with_votes(user).filter(cycle=cycle).exclude(author=user)[:30],
        "my_agreement": cycle.need_agreements.filter(user=user).first(),
        "my_visits": cycle.visits.filter(observers=user)
        .exclude(status__in=[Visit.Status.DECLINED, Visit.Status.CANCELLED])
        .select_related("host_unit"),
        "can_participate": True,
        "active_nav": "home",
    }
    template = "learning/cycles/staff.html"
    if fragment and request.htmx:
        template = f"{template}#{fragment}"
    return render(request, template, context, status=status)


# Starting a cycle and its settings


@login_required
@require_http_methods(["GET", "POST"])
def cycle_start(request, unit_pk: int):
    unit = get_object_or_404(Unit.objects.select_related("municipality", "parent"), pk=unit_pk)
    authorize(request.user, "unit.manage", unit)
    initial = {"owner": request.user.pk, "start_date": timezone.localdate()}
    form = CycleForm(request.POST if request.method == "POST" else None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        cycle = phases.start_cycle(
            unit=unit,
            owner=form.cleaned_data["owner"],
            title=form.cleaned_data["title"],
            start_date=form.cleaned_data["start_date"],
            actor=request.user,
        )
        messages.success(
            request,
            _(
                "The cycle has started. Phase 1, anchoring, is next: the plan has target dates "
                "you can change under Settings."
            ),
        )
        return redirect("cycle_detail", cycle.pk)
    status = 422 if form.errors else 200
    context = {"unit": unit, "form": form, "active_nav": "cycles"}
    return render(request, "learning/cycles/start.html", context, status=status)


PhasePlanFormSet = modelformset_factory(PhasePlan, form=PhasePlanForm, extra=0, edit_only=True)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_settings(request, pk: int):
    """Title, start date, and each phase's target date and responsible person."""
    cycle = load_cycle(request, pk, "unit.manage")
    people = cycle.unit.people()
    data = request.POST if request.method == "POST" else None
    # The form edits its own copy, so a refused save does not rename the page's cycle.
    form = CycleForm(data, instance=Cycle.objects.get(pk=cycle.pk), unit=cycle.unit)
    start_date = cycle.start_date
    if form.is_bound and form.is_valid():
        start_date = form.cleaned_data["start_date"]
    formset = PhasePlanFormSet(
        data,
        queryset=cycle.phase_plans.all(),
        form_kwargs={"people": people, "start_date": start_date},
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            form.save()
            formset.save()
        messages.success(request, _("The cycle's settings are saved."))
        return redirect("cycle_detail", cycle.pk)
    status = 422 if request.method == "POST" else 200
    context = {"cycle": cycle, "form": form, "formset": formset, "active_nav": "cycles"}
    return render(request, "learning/cycles/settings.html", context, status=status)


# Moving the cycle: each is a plain form post and a timeline entry


def _transition(request, cycle: Cycle, form, form_name: str, operation, success: str):
    if form.is_valid():
        try:
            operation(form.cleaned_data)
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            for field, field_errors in errors.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, success)
            return redirect("cycle_detail", cycle.pk)
    return _dashboard(request, cycle, status=422, **{form_name: form})


@login_required
@require_POST
def cycle_advance(request, pk: int):
    cycle = load_cycle(request, pk, "unit.manage")
    form = ReasonForm(request.POST)

    def operation(data):
        phases.advance(cycle, actor=request.user, reason=data["reason"])

    return _transition(
        request, cycle, form, "advance_form", operation, _("The cycle has moved on.")
    )


@login_required
@require_POST
def cycle_reopen(request, pk: int):
    cycle = load_cycle(request, pk, "unit.manage")
    form = ReopenForm(request.POST, cycle=cycle)

    def operation(data):
        phases.reopen(cycle, phase=data["phase"], actor=request.user, reason=data["reason"])

    return _transition(
        request, cycle, form, "reopen_form", operation, _("The phase is open again.")
    )


@login_required
@require_POST
def cycle_status(request, pk: int):
    cycle = load_cycle(request, pk, "unit.manage")
    form = StatusForm(request.POST)

    def operation(data):
        phases.change_status(
            cycle, status=data["status"], actor=request.user, reason=data["reason"]
        )

    return _transition(
        request, cycle, form, "status_form", operation, _("The cycle's status is changed.")
    )


@login_required
@require_POST
def cycle_owner(request, pk: int):
    cycle = load_cycle(request, pk, "unit.manage")
    form = OwnerForm(request.POST, cycle=cycle)

    def operation(data):
        phases.change_owner(
            cycle, new_owner=data["owner"], actor=request.user, reason=data["reason"]
        )

    return _transition(
        request, cycle, form, "owner_form", operation, _("The cycle has a new owner.")
    )


# What staff do on the cycle page: ideas, support, agreement, personal goals


@login_required
@require_http_methods(["GET", "POST"])
def idea_create(request, pk: int):
    """A short form made for a phone: the idea, and optionally where it comes from."""
    cycle = load_cycle(request, pk, "unit.participate")
    form = IdeaForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        idea = form.save(commit=False)
        idea.cycle = cycle
        idea.author = request.user
        idea.save()
        messages.success(
            request, _("Thank you! Your idea is sent. You will see the answer on this page.")
        )
        return redirect("cycle_detail", cycle.pk)
    status = 422 if form.errors else 200
    context = {"cycle": cycle, "form": form}
    return render(request, "learning/cycles/idea_form.html", context, status=status)


def render_idea_item(request, idea_pk: int, *, status: int = 200, answer_form=None):
    idea = ideas_with_votes(request.user).select_related("cycle__unit").get(pk=idea_pk)
    with_answer_forms([idea], {idea.pk: answer_form} if answer_form else None)
    context = {
        "idea": idea,
        "can_participate": True,
        "can_contribute": has_perm(request.user, "unit.contribute", idea),
        "next": request.POST.get("next", ""),
    }
    return render(request, "learning/cycles/idea.html", context, status=status)


@login_required
@require_POST
def idea_vote(request, pk: int):
    """Support an idea, or take the support back. One vote per person."""
    idea = get_object_or_404(Idea.objects.select_related("cycle__unit"), pk=pk)
    authorize(request.user, "unit.participate", idea)
    deleted, _rows = IdeaVote.objects.filter(idea=idea, user=request.user).delete()
    if not deleted:
        IdeaVote.objects.get_or_create(idea=idea, user=request.user)
    if request.htmx:
        return render_idea_item(request, idea.pk)
    return redirect("cycle_detail", idea.cycle_id)


@login_required
@require_POST
def need_agreement(request, pk: int):
    """Whether I agree that the chosen need is the unit's need."""
    cycle = load_cycle(request, pk, "unit.participate")
    if not cycle.learning_need or request.POST.get("agrees") not in ("yes", "no"):
        return _staff_view(request, cycle, status=422, fragment="need")
    NeedAgreement.objects.update_or_create(
        cycle=cycle, user=request.user, defaults={"agrees": request.POST["agrees"] == "yes"}
    )
    if request.htmx:
        return _staff_view(request, cycle, fragment="need")
    messages.success(request, _("Thank you for your answer."))
    return redirect("cycle_detail", cycle.pk)


@login_required
@require_POST
def goal_create(request, pk: int, point_pk: int):
    cycle = load_cycle(request, pk, "unit.participate")
    point = get_object_or_404(cycle.learning_points, pk=point_pk)
    form = PersonalGoalForm(request.POST)
    if not form.is_valid():
        return _staff_view(
            request, cycle, status=422, goal_forms={point.pk: form}, fragment="learning-points"
        )
    PersonalGoal.objects.create(
        learning_point=point, user=request.user, text=form.cleaned_data["text"]
    )
    if request.htmx:
        return _staff_view(request, cycle, fragment="learning-points")
    messages.success(request, _("Your learning goal is saved. Only you can see it."))
    return redirect("cycle_detail", cycle.pk)


@login_required
@require_POST
def goal_delete(request, pk: int, goal_pk: int):
    cycle = load_cycle(request, pk, "unit.participate")
    goal = get_object_or_404(
        PersonalGoal, pk=goal_pk, user=request.user, learning_point__cycle=cycle
    )
    goal.delete()
    if request.htmx:
        return _staff_view(request, cycle, fragment="learning-points")
    messages.success(request, _("Your learning goal is deleted."))
    return redirect("cycle_detail", cycle.pk)
