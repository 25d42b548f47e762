"""The work of each phase, for the leader and supporters: one page per phase, made of
sections that save inline with htmx (and as plain forms without JavaScript)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evaluation import services as evaluation_services
from evaluation.forms import CheckInForm, ContinuationForm, EvaluationForm
from learning import phases, search
from learning.forms import (
    CandidateSourceForm,
    ConclusionForm,
    DecisionForm,
    FocusQuestionForm,
    HostForm,
    IdeaAnswerForm,
    IntroductionMeetingForm,
    LearningPointForm,
    NeedForm,
    ParticipationForm,
    PracticeLogForm,
    RepresentativeForm,
    SharingSessionForm,
    StatementForm,
)
from learning.htmx import is_fragment_request
from learning.models import (
    CandidateSource,
    Cycle,
    Idea,
    IntroductionMeeting,
    Phase,
    Practice,
    RepresentativeInvolvement,
    Unit,
    Visit,
)
from learning.permissions import authorize, has_perm
from learning.views.cycles import (
    agreement_counts,
    ideas_with_votes,
    load_cycle,
    render_idea_item,
    tracker_context,
    with_answer_forms,
)
from learning.views.reflections import pinned_for

PHASE_TEMPLATE = "learning/cycles/phase.html"


def _phase_context(request, cycle: Cycle, phase: int, forms: dict) -> dict:  # noqa: C901
    """Everything the page for ``phase`` shows; ``forms`` replaces blank forms (bound forms
    with errors, so nothing typed is lost)."""
    context = tracker_context(cycle)
    context.update(
        phase=context["progress"][phase - 1],
        tasks=cycle.tasks.filter(phase=phase).select_related("responsible"),
        can_manage=has_perm(request.user, "unit.manage", cycle),
        active_nav="cycles",
    )
    people = cycle.unit.people()
    if phase == Phase.ANCHORING:
        context.update(
            statement_form=StatementForm(instance=cycle),
            participation_form=ParticipationForm(instance=cycle, people=people),
            meeting_form=IntroductionMeetingForm(people=people),
            representative_form=RepresentativeForm(),
            supporters=cycle.supporters.all(),
            meetings=cycle.introduction_meetings.prefetch_related("attendees"),
            representatives=cycle.representative_involvements.all(),
        )
    elif phase == Phase.NEEDS:
        context.update(
            ideas=with_answer_forms(
                ideas_with_votes(request.user).filter(cycle=cycle), forms.pop("answer_errors", {})
            ),
            need_form=NeedForm(
                cycle=cycle,
                initial={
                    "idea": cycle.learning_need_idea_id,
                    "learning_need": cycle.learning_need,
                    "learning_need_source": cycle.learning_need_source,
                },
            ),
            agreements=agreement_counts(cycle),
            can_contribute=True,
            can_participate=True,
        )
    elif phase == Phase.LEARNING_POINTS:
        context.update(
            focus_form=FocusQuestionForm(instance=cycle),
            point_form=LearningPointForm(),
            learning_points=cycle.learning_points.annotate(goal_count=Count("personal_goals")),
        )
    elif phase == Phase.BEST_PRACTICE:
        context.update(
            sources=cycle.candidate_sources.all(),
            source_form=CandidateSourceForm(),
            host_form=_host_form(cycle),
            suggestions=search.suggest_hosts(cycle),
        )
    elif phase == Phase.OBSERVATION:
        context.update(
            visits=cycle.visits.select_related("host_unit", "feedback").order_by("-starts_at")
        )
    elif phase == Phase.IMPLEMENTATION:
        last_visit = (
            cycle.visits.filter(status=Visit.Status.CONFIRMED, starts_at__lte=timezone.now())
            .order_by("-starts_at")
            .first()
        )
        points = list(cycle.learning_points.all())
        for point in points:
            point.decision_form = forms.pop(f"decision_{point.pk}", None) or DecisionForm(
                instance=point, auto_id=f"point{point.pk}_%s"
            )
        visit_date = last_visit.visit_date if last_visit else None
        sessions = list(cycle.sharing_sessions.prefetch_related("attendees"))
        for session in sessions:
            session.days_after_visit = (session.held_on - visit_date).days if visit_date else None
        context.update(
            last_visit=last_visit,
            days_since_visit=(timezone.localdate() - visit_date).days if visit_date else None,
            sessions=sessions,
            session_form=SharingSessionForm(people=people),
            conclusions=cycle.conclusions.select_related("learning_point"),
            conclusion_form=ConclusionForm(cycle=cycle),
            practice_log=cycle.practice_log.all(),
            log_form=PracticeLogForm(),
            decision_points=points,
            pinned_reflections=pinned_for(cycle),
        )
    elif phase == Phase.EVALUATION:
        evaluation = evaluation_services.evaluation_for(cycle)
        context.update(
            evaluation=evaluation,
            evaluation_form=EvaluationForm(instance=evaluation),
            continuation_form=ContinuationForm(instance=evaluation),
            check_in_form=CheckInForm(instance=evaluation),
            indicators=evaluation_services.cycle_indicators(cycle),
            pinned_reflections=pinned_for(cycle),
        )
    context.update(forms)
    return context


def _host_form(cycle: Cycle, data=None) -> HostForm:
    """Hosts in the same municipality, never the unit itself or the units above it."""
    own = [cycle.unit_id, *cycle.unit.ancestor_ids()]
    units = Unit.objects.filter(municipality=cycle.unit.municipality_id, is_active=True).exclude(
        pk__in=own
    )
    practices = Practice.objects.filter(
        is_published=True, unit__in=units.values("pk")
    ).select_related("unit")
    return HostForm(data, instance=cycle, units=units.order_by("name"), practices=practices)


def _load(request, pk: int, phase: int, action: str = "unit.contribute") -> Cycle:
    if phase not in Phase.values:
        raise Http404
    return load_cycle(request, pk, action)


@login_required
@require_GET
def phase_detail(request, pk: int, phase: int):
    cycle = _load(request, pk, phase)
    return render(request, PHASE_TEMPLATE, _phase_context(request, cycle, phase, {}))


def _section_response(request, cycle_pk: int, phase: int, section: str, forms=None, status=200):
    """After a save or a failed save: the section (and the refreshed checklist) for htmx,
    the whole page otherwise. The cycle is read again so the checklist is current."""
    cycle = load_cycle(request, cycle_pk, "unit.contribute")
    context = _phase_context(request, cycle, phase, forms or {})
    if is_fragment_request(request):
        html = render_to_string(f"{PHASE_TEMPLATE}#{section}", context, request)
        html += render_to_string(
            f"{PHASE_TEMPLATE}#requirements", {**context, "oob": True}, request
        )
        response = HttpResponse(html, status=status)
    else:
        response = render(request, PHASE_TEMPLATE, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _saved(request, cycle: Cycle, phase: int, section: str, message: str):
    if is_fragment_request(request):
        return _section_response(request, cycle.pk, phase, section, {"saved": section})
    messages.success(request, message)
    return redirect(reverse("phase_detail", args=[cycle.pk, phase]) + f"#{section}")


def _invalid(request, cycle: Cycle, phase: int, section: str, form_name: str, form):
    return _section_response(request, cycle.pk, phase, section, {form_name: form}, status=422)


def _add_to_cycle(request, pk: int, phase: int, section: str, form_name: str, make_form, message):
    """Add one record (a meeting, a source, a conclusion, ...) to a section of a phase page."""
    cycle = _load(request, pk, phase)
    form = make_form(cycle)
    if not form.is_valid():
        return _invalid(request, cycle, phase, section, form_name, form)
    record = form.save(commit=False)
    record.cycle = cycle
    record.save()
    form.save_m2m()
    return _saved(request, cycle, phase, section, message)


# Phase 1: anchoring


@login_required
@require_POST
def statement(request, pk: int):
    cycle = _load(request, pk, Phase.ANCHORING)
    form = StatementForm(request.POST, instance=cycle)
    if not form.is_valid():
        return _invalid(request, cycle, Phase.ANCHORING, "statement", "statement_form", form)
    form.save()
    return _saved(
        request, cycle, Phase.ANCHORING, "statement", _("The what, why and how are saved.")
    )


@login_required
@require_POST
def participation(request, pk: int):
    cycle = _load(request, pk, Phase.ANCHORING)
    form = ParticipationForm(request.POST, instance=cycle, people=cycle.unit.people())
    if not form.is_valid():
        return _invalid(
            request, cycle, Phase.ANCHORING, "participation", "participation_form", form
        )
    form.save()
    return _saved(
        request, cycle, Phase.ANCHORING, "participation", _("The participation decision is saved.")
    )


@login_required
@require_POST
def meeting_create(request, pk: int):
    return _add_to_cycle(
        request,
        pk,
        Phase.ANCHORING,
        "meetings",
        "meeting_form",
        lambda cycle: IntroductionMeetingForm(request.POST, people=cycle.unit.people()),
        _("The meeting is recorded."),
    )


@login_required
@require_POST
def meeting_delete(request, pk: int, meeting_pk: int):
    cycle = _load(request, pk, Phase.ANCHORING)
    get_object_or_404(IntroductionMeeting, pk=meeting_pk, cycle=cycle).delete()
    return _saved(request, cycle, Phase.ANCHORING, "meetings", _("The meeting is deleted."))


@login_required
@require_POST
def representative_create(request, pk: int):
    return _add_to_cycle(
        request,
        pk,
        Phase.ANCHORING,
        "representatives",
        "representative_form",
        lambda cycle: RepresentativeForm(request.POST),
        _("The involvement is recorded."),
    )


@login_required
@require_POST
def representative_delete(request, pk: int, involvement_pk: int):
    cycle = _load(request, pk, Phase.ANCHORING)
    get_object_or_404(RepresentativeInvolvement, pk=involvement_pk, cycle=cycle).delete()
    return _saved(
        request, cycle, Phase.ANCHORING, "representatives", _("The involvement is deleted.")
    )


# Phase 2: ideas and the learning need


@login_required
@require_POST
def idea_answer(request, pk: int):
    """The leader's answer to an idea, which its author sees on their cycle page."""
    idea = get_object_or_404(Idea.objects.select_related("cycle__unit"), pk=pk)
    authorize(request.user, "unit.contribute", idea)
    form = IdeaAnswerForm(request.POST, instance=idea)
    if form.is_valid():
        answered = form.save(commit=False)
        answered.responded_by = request.user
        answered.responded_at = timezone.now()
        answered.save()
        if is_fragment_request(request):
            return render_idea_item(request, idea.pk)
        messages.success(
            request, _("Your answer is saved. The person who raised the idea sees it.")
        )
        next_url = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            # Not redirect(): it would take a word such as "abc" for a URL name (a 500).
            return HttpResponseRedirect(next_url)
        return redirect("phase_detail", idea.cycle_id, Phase.NEEDS)
    if is_fragment_request(request):
        return render_idea_item(request, idea.pk, status=422, answer_form=form)
    return _section_response(
        request, idea.cycle_id, Phase.NEEDS, "ideas", {"answer_errors": {idea.pk: form}}, 422
    )


@login_required
@require_POST
def need_choose(request, pk: int):
    cycle = _load(request, pk, Phase.NEEDS, "unit.manage")
    form = NeedForm(request.POST, cycle=cycle)
    if not form.is_valid():
        return _invalid(request, cycle, Phase.NEEDS, "need", "need_form", form)
    phases.choose_need(
        cycle,
        text=form.cleaned_data["learning_need"],
        source=form.cleaned_data["learning_need_source"],
        idea=form.cleaned_data["idea"],
        actor=request.user,
    )
    return _saved(request, cycle, Phase.NEEDS, "need", _("The learning need is chosen."))


# Phase 3: focus question and learning points


@login_required
@require_POST
def focus_question(request, pk: int):
    cycle = _load(request, pk, Phase.LEARNING_POINTS)
    form = FocusQuestionForm(request.POST, instance=cycle)
    if not form.is_valid():
        return _invalid(request, cycle, Phase.LEARNING_POINTS, "focus", "focus_form", form)
    form.save()
    return _saved(request, cycle, Phase.LEARNING_POINTS, "focus", _("The focus question is saved."))


@login_required
@require_POST
def learning_point_create(request, pk: int):
    return _add_to_cycle(
        request,
        pk,
        Phase.LEARNING_POINTS,
        "learning-points",
        "point_form",
        lambda cycle: LearningPointForm(request.POST),
        _("The learning point is added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def learning_point_edit(request, pk: int, point_pk: int):
    cycle = _load(request, pk, Phase.LEARNING_POINTS)
    point = get_object_or_404(cycle.learning_points, pk=point_pk)
    form = LearningPointForm(request.POST if request.method == "POST" else None, instance=point)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The learning point is saved."))
        return redirect(
            reverse("phase_detail", args=[cycle.pk, Phase.LEARNING_POINTS]) + "#learning-points"
        )
    status = 422 if form.errors else 200
    context = {"cycle": cycle, "point": point, "form": form, "active_nav": "cycles"}
    return render(request, "learning/cycles/learning_point_edit.html", context, status=status)


@login_required
@require_POST
def learning_point_delete(request, pk: int, point_pk: int):
    cycle = _load(request, pk, Phase.LEARNING_POINTS)
    get_object_or_404(cycle.learning_points, pk=point_pk).delete()
    return _saved(
        request,
        cycle,
        Phase.LEARNING_POINTS,
        "learning-points",
        _("The learning point is deleted."),
    )


# Phase 4: best practice and the host


@login_required
@require_POST
def source_create(request, pk: int):
    return _add_to_cycle(
        request,
        pk,
        Phase.BEST_PRACTICE,
        "sources",
        "source_form",
        lambda cycle: CandidateSourceForm(request.POST),
        _("The source is added."),
    )


@login_required
@require_POST
def source_delete(request, pk: int, source_pk: int):
    cycle = _load(request, pk, Phase.BEST_PRACTICE)
    get_object_or_404(CandidateSource, pk=source_pk, cycle=cycle).delete()
    return _saved(request, cycle, Phase.BEST_PRACTICE, "sources", _("The source is deleted."))


@login_required
@require_POST
def host_choose(request, pk: int):
    cycle = _load(request, pk, Phase.BEST_PRACTICE, "unit.manage")
    form = _host_form(cycle, request.POST)
    if not form.is_valid():
        return _invalid(request, cycle, Phase.BEST_PRACTICE, "host", "host_form", form)
    form.save()
    return _saved(request, cycle, Phase.BEST_PRACTICE, "host", _("The host is chosen."))


# Phase 6: sharing and implementation at home


@login_required
@require_POST
def sharing_session_create(request, pk: int):
    return _add_to_cycle(
        request,
        pk,
        Phase.IMPLEMENTATION,
        "sessions",
        "session_form",
        lambda cycle: SharingSessionForm(request.POST, people=cycle.unit.people()),
        _("The sharing session is recorded."),
    )


@login_required
@require_POST
def conclusion_create(request, pk: int):
    return _add_to_cycle(
        request,
        pk,
        Phase.IMPLEMENTATION,
        "conclusions",
        "conclusion_form",
        lambda cycle: ConclusionForm(request.POST, cycle=cycle),
        _("The conclusion is saved."),
    )


@login_required
@require_POST
def practice_log_create(request, pk: int):
    return _add_to_cycle(
        request,
        pk,
        Phase.IMPLEMENTATION,
        "practice-log",
        "log_form",
        lambda cycle: PracticeLogForm(request.POST),
        _("The training is logged."),
    )


@login_required
@require_POST
def decision_save(request, pk: int, point_pk: int):
    """Adopt, adjust or drop a learning point, with the reason."""
    cycle = _load(request, pk, Phase.IMPLEMENTATION)
    point = get_object_or_404(cycle.learning_points, pk=point_pk)
    form = DecisionForm(request.POST, instance=point, auto_id=f"point{point.pk}_%s")
    if not form.is_valid():
        return _invalid(
            request, cycle, Phase.IMPLEMENTATION, "decisions", f"decision_{point.pk}", form
        )
    form.save()
    return _saved(request, cycle, Phase.IMPLEMENTATION, "decisions", _("The decision is saved."))
