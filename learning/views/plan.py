"""The implementation plan: tasks grouped by phase, edited inline; the obstacle log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learning.forms import ObstacleForm, TaskForm
from learning.htmx import is_fragment_request, render_page
from learning.models import Phase, Task, TaskChange
from learning.permissions import authorize, has_perm
from learning.views.cycles import load_cycle

PLAN_TEMPLATE = "learning/cycles/plan.html"


def _plan_context(request, cycle, *, task_form=None, obstacle_form=None) -> dict:
    can_contribute = has_perm(request.user, "unit.contribute", cycle)
    tasks = cycle.tasks.select_related("responsible")
    if can_contribute:
        changes = TaskChange.objects.select_related("actor")
        tasks = tasks.prefetch_related(Prefetch("changes", queryset=changes))
    by_phase = {phase: [] for phase in Phase}
    for task in tasks:
        by_phase[Phase(task.phase)].append(task)
    return {
        "cycle": cycle,
        "phases": list(by_phase.items()),
        "can_contribute": can_contribute,
        "today": timezone.localdate(),
        "task_form": task_form or TaskForm(people=cycle.unit.people()),
        "obstacle_form": obstacle_form or ObstacleForm(),
        "obstacles": cycle.obstacles.select_related("logged_by"),
        "active_nav": "cycles",
    }


@login_required
@require_GET
def plan(request, pk: int):
    """The plan, readable by everyone who may see the cycle (also representatives)."""
    cycle = load_cycle(request, pk, "unit.view")
    return render(request, PLAN_TEMPLATE, _plan_context(request, cycle))


@login_required
@require_POST
def task_create(request, pk: int):
    cycle = load_cycle(request, pk, "unit.contribute")
    form = TaskForm(request.POST, people=cycle.unit.people())
    if not form.is_valid():
        context = _plan_context(request, cycle, task_form=form)
        return render_page(request, PLAN_TEMPLATE, context, fragment="new-task", status=422)
    task = form.save(commit=False)
    task.cycle = cycle
    task.position = cycle.tasks.filter(phase=task.phase).count()
    task.save()
    messages.success(request, _("The task is added to the plan."))
    return redirect(reverse("plan", args=[cycle.pk]) + f"#phase-{task.phase}")


def _record_changes(task: Task, before: Task, actor) -> None:
    """Keep the history of who was responsible and of status changes."""
    changes = []
    if before.responsible_id != task.responsible_id:
        changes.append(
            TaskChange(
                task=task,
                field=TaskChange.Field.RESPONSIBLE,
                old_value=str(before.responsible or ""),
                new_value=str(task.responsible or ""),
                actor=actor,
            )
        )
    if before.status != task.status:
        changes.append(
            TaskChange(
                task=task,
                field=TaskChange.Field.STATUS,
                old_value=before.status,
                new_value=task.status,
                actor=actor,
            )
        )
    TaskChange.objects.bulk_create(changes)


def _load_task(request, pk: int) -> Task:
    return get_object_or_404(
        Task.objects.select_related("cycle__unit__municipality", "responsible"), pk=pk
    )


def _task_item(request, task: Task, *, status: int = 200):
    context = {
        "task": Task.objects.select_related("responsible").get(pk=task.pk),
        "can_contribute": has_perm(request.user, "unit.contribute", task),
        "today": timezone.localdate(),
    }
    return render(request, "learning/cycles/task.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk: int):
    """Edit one task: inline in the plan with htmx, or on its own page without JavaScript."""
    task = _load_task(request, pk)
    authorize(request.user, "unit.contribute", task)
    before = Task.objects.get(pk=task.pk)
    form = TaskForm(
        request.POST if request.method == "POST" else None,
        instance=task,
        people=task.cycle.unit.people(),
        auto_id=f"task{task.pk}_%s",
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            _record_changes(task, before, request.user)
        if is_fragment_request(request):
            return _task_item(request, task)
        messages.success(request, _("The task is saved."))
        return redirect(reverse("plan", args=[task.cycle_id]) + f"#task-{task.pk}")
    status = 422 if form.errors else 200
    context = {"task": task, "form": form, "cycle": task.cycle, "active_nav": "cycles"}
    return render_page(
        request, "learning/cycles/task_edit.html", context, fragment="task-form", status=status
    )


@login_required
@require_GET
def task_item(request, pk: int):
    """One task as shown in the plan (htmx uses it to cancel an inline edit)."""
    task = _load_task(request, pk)
    authorize(request.user, "unit.view", task)
    return _task_item(request, task)


@login_required
@require_POST
def task_status(request, pk: int):
    """Mark a task done or open again: the leader, supporters and the person responsible."""
    task = _load_task(request, pk)
    if task.responsible_id != request.user.pk:
        authorize(request.user, "unit.contribute", task)
    else:
        authorize(request.user, "unit.participate", task)
    status = request.POST.get("status")
    if status not in Task.Status.values:
        return _task_item(request, task, status=422)
    before = Task.objects.get(pk=task.pk)
    with transaction.atomic():
        task.status = status
        task.save(update_fields=["status"])
        _record_changes(task, before, request.user)
    if is_fragment_request(request):
        return _task_item(request, task)
    messages.success(request, _("The task is updated."))
    next_url = reverse("cycle_detail", args=[task.cycle_id])
    return redirect(next_url)


@login_required
@require_POST
def obstacle_create(request, pk: int):
    cycle = load_cycle(request, pk, "unit.contribute")
    form = ObstacleForm(request.POST)
    if not form.is_valid():
        context = _plan_context(request, cycle, obstacle_form=form)
        return render_page(request, PLAN_TEMPLATE, context, fragment="obstacles", status=422)
    obstacle = form.save(commit=False)
    obstacle.cycle = cycle
    obstacle.logged_by = request.user
    obstacle.save()
    if is_fragment_request(request):
        return render(request, f"{PLAN_TEMPLATE}#obstacles", _plan_context(request, cycle))
    messages.success(request, _("The obstacle is logged."))
    return redirect(reverse("plan", args=[cycle.pk]) + "#obstacles")
