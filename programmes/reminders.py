"""The reminder rules and the sweep that finds what is due.

Each rule finds the objects that need a nudge and the people who can act on them.
Its timing is a list of days *before* a date (a phase or gathering coming up) or
*after* one (an idea waiting for an answer). Every day in the list is its own
occasion, so a gathering in 7 and 1 days gives two reminders, once each; a
sweep that runs late still finds what it missed, for up to ``GRACE_DAYS``.

A municipality's HR coordinator can switch a rule off or change its days
(``ReminderSetting``). The sweep writes what it finds to the outbox
(``Notification``); ``programmes.outbox`` sends it. Writing is idempotent: the
unique (person, kind, object, occasion) key makes a second sweep, or two at
once, write nothing new.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from evaluation.models import Evaluation, Respondent, accepting_answers
from learning.models import (
    Cycle,
    Idea,
    Membership,
    Municipality,
    MunicipalityRole,
    Phase,
    PhasePlan,
    Reflection,
    SharingSession,
    Task,
    Visit,
    VisitReflection,
)
from programmes.models import (
    Assignment,
    BringHomeTask,
    Delivery,
    Enrolment,
    Gathering,
    Kind,
    Programme,
    ReminderSetting,
    Submission,
    TeamMember,
)

logger = logging.getLogger(__name__)

BEFORE, AFTER, EVENT = "before", "after", "event"
GRACE_DAYS = 7  # how long after its day a missed reminder is still worth sending
MAX_DAYS = 365


@dataclass(frozen=True)
class Due:
    """One reminder the sweep found: who, about what, from which date, and what to say."""

    recipient_id: int
    object_id: int
    anchor: datetime.date
    params: dict
    url: str
    occasion: str | None = None  # instead of the one the rule's days give


@dataclass(frozen=True)
class Rule:
    kind: str
    who: Promise  # who receives it, for the settings pages
    message: Promise  # one line; %-formatted with the notification's params
    timing: str = BEFORE
    days: tuple[int, ...] = ()
    urgent: bool = False  # goes out in quiet periods too
    default_delivery: str = Delivery.DAILY
    find: Callable[[list[int], datetime.date, datetime.date], Iterable[Due]] | None = None
    # The model the object id points to, and the condition under which the reminder
    # still applies when it is about to be sent; otherwise it is withdrawn.
    model: type[models.Model] | None = None
    still_open: Q | Callable[[datetime.datetime], Q] = field(default_factory=Q)
    extras: dict[str, Promise] = field(default_factory=dict)  # extra line when a param is set
    messages: dict[str, Promise] = field(default_factory=dict)  # by params["event"]

    def open_condition(self, now: datetime.datetime) -> Q:
        return self.still_open(now) if callable(self.still_open) else self.still_open

    @property
    def label(self) -> str:
        return Kind(self.kind).label

    def text(self, params: dict) -> str:
        """The notification's line in the active language."""
        values = display_values(params)
        message = self.messages.get(params.get("event", ""), self.message)
        lines = [str(message) % values]
        lines += [str(extra) % values for key, extra in self.extras.items() if params.get(key)]
        return " ".join(lines)


def display_values(params: dict) -> dict:
    """Params ready for a message: dates written out, phase numbers named, in the active language."""
    values = dict(params)
    for key, value in params.items():
        if key == "date" or key.endswith("_date"):
            values[key] = date_format(datetime.date.fromisoformat(value), "j. F Y")
        elif key == "phase":
            values[key] = Phase(value).label
    return values


def parse_days(value: str) -> tuple[int, ...]:
    """'7, 1' → (7, 1). Raises ValidationError on anything else."""
    try:
        days = tuple(sorted({int(part) for part in value.replace(" ", "").split(",") if part}))
    except ValueError:
        raise ValidationError(
            _("Write whole numbers of days, separated by commas, such as “7, 1”.")
        ) from None
    if not days or days[0] < 0 or days[-1] > MAX_DAYS:
        raise ValidationError(
            _("Write between one and several numbers of days from 0 to %(max)s, such as “7, 1”.")
            % {"max": MAX_DAYS}
        )
    return days


def occasion(timing: str, days: tuple[int, ...], anchor: datetime.date, today: datetime.date):
    """Which of the rule's days applies today, as the occasion key; None if none does.

    Before: the nearest day not yet passed (7 days before, then 1 day before).
    After: the latest day reached, within the grace period after the last one.
    """
    if timing == BEFORE:
        left = (anchor - today).days
        leads = [day for day in days if day >= left]
        return f"{anchor.isoformat()}-{min(leads)}" if left >= 0 and leads else None
    elapsed = (today - anchor).days
    reached = [day for day in days if day <= elapsed]
    if not reached or elapsed > max(days) + GRACE_DAYS:
        return None
    return f"{anchor.isoformat()}+{max(reached)}"


def anchor_range(timing: str, days: tuple[int, ...], today: datetime.date):
    """The dates an anchor can have for some day of the rule to apply today."""
    one_day = datetime.timedelta(days=1)
    if timing == BEFORE:
        return today, today + max(days) * one_day
    return today - (max(days) + GRACE_DAYS) * one_day, today - min(days) * one_day


# Recipients ---------------------------------------------------------------------------


def unit_leaders(unit_ids) -> dict[int, list[int]]:
    leaders = defaultdict(list)
    for unit_id, user_id in Membership.objects.filter(
        unit_id__in=set(unit_ids), role=Membership.Role.LEADER, user__is_active=True
    ).values_list("unit_id", "user_id"):
        leaders[unit_id].append(user_id)
    return leaders


def teams(enrolment_ids) -> dict[int, set[int]]:
    """Each enrolment's team, with the cycle's owner."""
    enrolment_ids = set(enrolment_ids)  # callers pass generators: read them once
    people = defaultdict(set)
    for enrolment_id, user_id in TeamMember.objects.filter(
        enrolment_id__in=enrolment_ids
    ).values_list("enrolment_id", "user_id"):
        people[enrolment_id].add(user_id)
    for enrolment_id, owner_id in Enrolment.objects.filter(
        pk__in=enrolment_ids, cycle__isnull=False
    ).values_list("pk", "cycle__owner_id"):
        people[enrolment_id].add(owner_id)
    return people


def coordinators(cycles: list[dict]) -> dict[int, set[int]]:
    """Per cycle: the programme's coordinators, or else the municipality's HR coordinators."""
    by_programme = defaultdict(set)
    for programme_id, user_id in Programme.coordinators.through.objects.filter(
        programme_id__in={c["enrolment__programme_id"] for c in cycles}, user__is_active=True
    ).values_list("programme_id", "user_id"):
        by_programme[programme_id].add(user_id)
    hr = defaultdict(set)
    for municipality_id, user_id in MunicipalityRole.objects.filter(
        municipality_id__in={c["unit__municipality_id"] for c in cycles},
        role=MunicipalityRole.Role.HR_COORDINATOR,
        user__is_active=True,
    ).values_list("municipality_id", "user_id"):
        hr[municipality_id].add(user_id)
    return {
        c["pk"]: by_programme.get(c["enrolment__programme_id"]) or hr[c["unit__municipality_id"]]
        for c in cycles
    }


# Finders: (municipality ids, first anchor date, last anchor date) → Due rows -----------


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def find_phases(municipality_ids, first, last):
    plans = PhasePlan.objects.filter(
        cycle__unit__municipality_id__in=municipality_ids,
        cycle__status=Cycle.Status.ACTIVE,
        phase=F("cycle__current_phase"),
        due_date__range=(first, last),
    ).values(
        "pk", "phase", "due_date", "responsible_id", "cycle_id", "cycle__title", "cycle__owner_id"
    )
    for plan in plans:
        params = {
            "phase": plan["phase"],
            "cycle": plan["cycle__title"],
            "date": plan["due_date"].isoformat(),
        }
        link = url("phase_detail", plan["cycle_id"], plan["phase"])
        for person in {plan["cycle__owner_id"], plan["responsible_id"]} - {None}:
            yield Due(person, plan["pk"], plan["due_date"], params, link)


def find_tasks(municipality_ids, first, last):
    tasks = Task.objects.filter(
        cycle__unit__municipality_id__in=municipality_ids,
        cycle__status=Cycle.Status.ACTIVE,
        phase__lte=F("cycle__current_phase"),
        due_date__range=(first, last),
    ).exclude(status=Task.Status.DONE)
    for task in tasks.values(
        "pk",
        "description",
        "due_date",
        "responsible_id",
        "cycle_id",
        "cycle__title",
        "cycle__owner_id",
    ):
        params = {
            "task": task["description"],
            "cycle": task["cycle__title"],
            "date": task["due_date"].isoformat(),
        }
        person = task["responsible_id"] or task["cycle__owner_id"]
        yield Due(person, task["pk"], task["due_date"], params, url("plan", task["cycle_id"]))


def find_ideas(municipality_ids, first, last):
    ideas = Idea.objects.filter(
        cycle__unit__municipality_id__in=municipality_ids,
        cycle__status=Cycle.Status.ACTIVE,
        response="",
        created_at__date__range=(first, last),
    ).values("pk", "created_at", "cycle_id", "cycle__title", "cycle__owner_id")
    for idea in ideas:
        raised = timezone.localdate(idea["created_at"])
        params = {"cycle": idea["cycle__title"], "date": raised.isoformat()}
        link = url("phase_detail", idea["cycle_id"], 2)
        yield Due(idea["cycle__owner_id"], idea["pk"], raised, params, link)


def visit_hosts(visits: list[dict]) -> dict[int, list[int]]:
    """Who answers for each visit's host: the contact person, or else the host unit's leaders."""
    leaders = unit_leaders(v["host_unit_id"] for v in visits)
    return {
        v["pk"]: [v["host_contact_id"]]
        if v["host_contact_id"] and v["host_contact__is_active"]
        else leaders[v["host_unit_id"]]
        for v in visits
    }


def find_unanswered_visits(municipality_ids, first, last):
    visits = list(
        Visit.objects.filter(
            host_unit__municipality_id__in=municipality_ids,
            status=Visit.Status.REQUESTED,
            created_at__date__range=(first, last),
        ).values(
            "pk",
            "created_at",
            "host_unit_id",
            "host_contact_id",
            "host_contact__is_active",
            "cycle__unit__name",
        )
    )
    hosts = visit_hosts(visits)
    for visit in visits:
        asked = timezone.localdate(visit["created_at"])
        params = {"unit": visit["cycle__unit__name"], "date": asked.isoformat()}
        for person in hosts[visit["pk"]]:
            yield Due(person, visit["pk"], asked, params, url("visit_detail", visit["pk"]))


def held_visits(municipality_ids, first, last):
    return Visit.objects.filter(
        cycle__unit__municipality_id__in=municipality_ids,
        cycle__status=Cycle.Status.ACTIVE,
        status=Visit.Status.CONFIRMED,
        ends_at__date__range=(first, last),
    )


def visit_params(visit: dict) -> dict:
    host = visit["host_unit__name"] or visit["host_external"]
    return {"host": host, "date": timezone.localdate(visit["starts_at"]).isoformat()}


VISIT_FIELDS = ("pk", "starts_at", "ends_at", "host_unit__name", "host_external", "cycle_id")


def find_missing_visit_reflections(municipality_ids, first, last):
    written = VisitReflection.objects.filter(visit=OuterRef("visit_id"), author=OuterRef("user_id"))
    logged = Reflection.objects.filter(visit=OuterRef("visit_id"), author=OuterRef("user_id"))
    observers = (
        Visit.observers.through.objects.filter(
            visit__in=held_visits(municipality_ids, first, last), user__is_active=True
        )
        .exclude(Exists(written))
        .exclude(Exists(logged))
        .values("user_id", *(f"visit__{name}" for name in VISIT_FIELDS))
    )
    for row in observers:
        visit = {name: row[f"visit__{name}"] for name in VISIT_FIELDS}
        ended = timezone.localdate(visit["ends_at"])
        link = url("visit_detail", visit["pk"]) + "#reflection"
        yield Due(row["user_id"], visit["pk"], ended, visit_params(visit), link)


def find_unsent_feedback(municipality_ids, first, last):
    visits = held_visits(municipality_ids, first, last).exclude(feedback__sent_at__isnull=False)
    for visit in visits.values(*VISIT_FIELDS, "cycle__owner_id"):
        ended = timezone.localdate(visit["ends_at"])
        link = url("visit_detail", visit["pk"]) + "#feedback"
        yield Due(visit["cycle__owner_id"], visit["pk"], ended, visit_params(visit), link)


def find_sharing_not_held(municipality_ids, first, last):
    shared = SharingSession.objects.filter(
        cycle=OuterRef("cycle_id"), held_on__gte=OuterRef("ended_on")
    )
    visits = (
        held_visits(municipality_ids, first, last)
        .annotate(ended_on=TruncDate("ends_at"))
        .exclude(Exists(shared))
    )
    for visit in visits.values(*VISIT_FIELDS, "cycle__owner_id"):
        ended = timezone.localdate(visit["ends_at"])
        link = url("phase_detail", visit["cycle_id"], 6)
        yield Due(visit["cycle__owner_id"], visit["pk"], ended, visit_params(visit), link)


def find_gatherings(municipality_ids, first, last):
    gatherings = list(
        Gathering.objects.filter(starts_at__date__range=(first, last)).values(
            "pk", "title", "starts_at", "network_id", "programme_id", "programme__title"
        )
    )
    enrolments = Enrolment.objects.filter(
        programme_id__in={g["programme_id"] for g in gatherings},
        status=Enrolment.Status.ADMITTED,
        unit__municipality_id__in=municipality_ids,
    ).values("pk", "programme_id", "network_id")
    prework = defaultdict(list)
    for gathering_id, title in Assignment.objects.filter(
        gathering_id__in=[g["pk"] for g in gatherings]
    ).values_list("gathering_id", "title"):
        prework[gathering_id].append(title)
    enrolments = list(enrolments)
    team = teams(e["pk"] for e in enrolments)
    for gathering in gatherings:
        day = timezone.localdate(gathering["starts_at"])
        params = {
            "gathering": gathering["title"],
            "programme": gathering["programme__title"],
            "date": day.isoformat(),
            "prework": ", ".join(prework[gathering["pk"]]),
        }
        invited = set()
        for enrolment in enrolments:
            if enrolment["programme_id"] == gathering["programme_id"] and (
                gathering["network_id"] is None
                or gathering["network_id"] == enrolment["network_id"]
            ):
                invited |= team[enrolment["pk"]]
        for person in invited:
            yield Due(
                person, gathering["pk"], day, params, url("gathering_detail", gathering["pk"])
            )


def find_assignments(municipality_ids, first, last):
    assignments = {
        a.pk: a
        for a in Assignment.objects.filter(due_date__range=(first, last)).select_related(
            "programme"
        )
    }
    rows = []
    for assignment in assignments.values():
        answered = Submission.objects.filter(assignment=assignment).values("enrolment_id")
        rows += [
            (assignment, enrolment_id)
            for enrolment_id in assignment.recipients()
            .filter(unit__municipality_id__in=municipality_ids)
            .exclude(pk__in=answered)
            .values_list("pk", flat=True)
        ]
    team = teams(enrolment_id for _assignment, enrolment_id in rows)
    for assignment, enrolment_id in rows:
        params = {
            "assignment": assignment.title,
            "programme": assignment.programme.title,
            "date": assignment.due_date.isoformat(),
        }
        link = url("submission_edit", enrolment_id, assignment.pk)
        for person in team[enrolment_id]:
            yield Due(person, assignment.pk, assignment.due_date, params, link)


def find_bring_home(municipality_ids, first, last):
    tasks = BringHomeTask.objects.filter(
        enrolment__unit__municipality_id__in=municipality_ids,
        confirmed_at__isnull=True,
        due_date__range=(first, last),
    ).values("pk", "due_date", "enrolment__unit_id", "enrolment__unit__name", "gathering__title")
    tasks = list(tasks)
    leaders = unit_leaders(t["enrolment__unit_id"] for t in tasks)
    for task in tasks:
        params = {
            "unit": task["enrolment__unit__name"],
            "gathering": task["gathering__title"],
            "date": task["due_date"].isoformat(),
        }
        for person in leaders[task["enrolment__unit_id"]]:
            yield Due(
                person, task["pk"], task["due_date"], params, url("bring_home_edit", task["pk"])
            )


CYCLE_FIELDS = ("pk", "title", "unit__name", "unit__municipality_id", "enrolment__programme_id")


def find_evaluations(municipality_ids, first, last):
    plans = (
        PhasePlan.objects.filter(
            cycle__unit__municipality_id__in=municipality_ids,
            cycle__status=Cycle.Status.ACTIVE,
            phase=7,
            due_date__range=(first, last),
        )
        .exclude(cycle__evaluation__decision__gt="")
        .values("due_date", *(f"cycle__{name}" for name in CYCLE_FIELDS))
    )
    cycles = [
        {**{name: plan[f"cycle__{name}"] for name in CYCLE_FIELDS}, "due": plan["due_date"]}
        for plan in plans
    ]
    people = coordinators(cycles)
    for cycle in cycles:
        params = {
            "cycle": cycle["title"],
            "unit": cycle["unit__name"],
            "date": cycle["due"].isoformat(),
        }
        for person in people[cycle["pk"]]:
            yield Due(person, cycle["pk"], cycle["due"], params, url("cycle_detail", cycle["pk"]))


def find_unanswered_surveys(municipality_ids, first, last):
    """Everyone asked who has not answered: on the day the survey opens, then a reminder."""
    respondents = Respondent.objects.filter(
        accepting_answers(timezone.localdate(), "survey__"),
        survey__municipality_id__in=municipality_ids,
        survey__opened_at__date__range=(first, last),
        has_answered=False,
        user__is_active=True,
    ).values(
        "pk", "user_id", "survey_id", "survey__title", "survey__opened_at", "survey__closes_on"
    )
    for respondent in respondents:
        opened = timezone.localdate(respondent["survey__opened_at"])
        params = {"survey": respondent["survey__title"], "date": opened.isoformat()}
        if respondent["survey__closes_on"]:
            params["closes_date"] = respondent["survey__closes_on"].isoformat()
        link = url("survey_answer", respondent["survey_id"])
        yield Due(respondent["user_id"], respondent["pk"], opened, params, link)


def find_check_ins(municipality_ids, first, last):
    """A year after deciding to go on: the cycle's owner and the unit's leaders look back."""
    evaluations = list(
        Evaluation.objects.filter(
            cycle__unit__municipality_id__in=municipality_ids,
            decision__in=[Evaluation.Decision.CONTINUE, Evaluation.Decision.NEW_CYCLE],
            check_in_on__range=(first, last),
            check_in_done_on__isnull=True,
        ).values(
            "pk", "check_in_on", "cycle_id", "cycle__title", "cycle__owner_id", "cycle__unit_id"
        )
    )
    leaders = unit_leaders(e["cycle__unit_id"] for e in evaluations)
    for evaluation in evaluations:
        params = {
            "cycle": evaluation["cycle__title"],
            "date": evaluation["check_in_on"].isoformat(),
        }
        link = url("phase_detail", evaluation["cycle_id"], Phase.EVALUATION) + "#check-in"
        people = {evaluation["cycle__owner_id"], *leaders[evaluation["cycle__unit_id"]]}
        for person in people - {None}:
            yield Due(person, evaluation["pk"], evaluation["check_in_on"], params, link)


def owner_gone() -> Q:
    """An active cycle whose owner is switched off or no longer leads its unit or a unit above."""

    def leads(unit: str) -> Exists:
        return Exists(
            Membership.objects.filter(
                user=OuterRef("owner_id"), unit=OuterRef(unit), role=Membership.Role.LEADER
            )
        )

    still_leads = leads("unit_id") | leads("unit__parent_id") | leads("unit__parent__parent_id")
    return Q(status=Cycle.Status.ACTIVE) & (Q(owner__is_active=False) | ~Q(still_leads))


def find_cycles_without_owner(municipality_ids, first, last):
    cycles = list(
        Cycle.objects.filter(owner_gone(), unit__municipality_id__in=municipality_ids).values(
            *CYCLE_FIELDS, "owner_id"
        )
    )
    people = coordinators(cycles)
    for cycle in cycles:
        params = {"cycle": cycle["title"], "unit": cycle["unit__name"]}
        link = url("cycle_settings", cycle["pk"])
        # Once per owner who left: if a later owner leaves too, that is a new reminder.
        occasion = f"owner-{cycle['owner_id']}"
        for person in people[cycle["pk"]]:
            yield Due(person, cycle["pk"], last, params, link, occasion=occasion)


RULES: dict[str, Rule] = {
    rule.kind: rule
    for rule in [
        Rule(
            Kind.PHASE_DUE,
            who=_("The cycle's owner and the person responsible for the phase"),
            message=_("%(phase)s in “%(cycle)s” is due on %(date)s."),
            days=(7,),
            find=find_phases,
            model=PhasePlan,
            still_open=Q(cycle__status=Cycle.Status.ACTIVE, phase=F("cycle__current_phase")),
        ),
        Rule(
            Kind.PHASE_OVERDUE,
            who=_("The cycle's owner and the person responsible for the phase"),
            message=_("%(phase)s in “%(cycle)s” was due on %(date)s."),
            timing=AFTER,
            days=(1,),
            find=find_phases,
            model=PhasePlan,
            still_open=Q(cycle__status=Cycle.Status.ACTIVE, phase=F("cycle__current_phase")),
        ),
        Rule(
            Kind.PHASE_STARTED,
            who=_("The person responsible for the new phase, and the cycle's owner"),
            message=_("“%(cycle)s” has moved on to %(phase)s."),
            timing=EVENT,
        ),
        Rule(
            Kind.TASK_DUE,
            who=_("The person responsible for the task"),
            message=_("The task “%(task)s” in “%(cycle)s” is due on %(date)s."),
            days=(3,),
            find=find_tasks,
            model=Task,
            still_open=~Q(status=Task.Status.DONE),
        ),
        Rule(
            Kind.TASK_OVERDUE,
            who=_("The person responsible for the task"),
            message=_("The task “%(task)s” in “%(cycle)s” was due on %(date)s."),
            timing=AFTER,
            days=(1,),
            find=find_tasks,
            model=Task,
            still_open=~Q(status=Task.Status.DONE),
        ),
        Rule(
            Kind.IDEA_UNANSWERED,
            who=_("The unit leader who owns the cycle"),
            message=_("An idea in “%(cycle)s” has waited for an answer since %(date)s."),
            timing=AFTER,
            days=(14,),
            find=find_ideas,
            model=Idea,
            still_open=Q(response=""),
        ),
        Rule(
            Kind.VISIT_UPDATE,
            who=_("The host and the observing unit"),
            message=_("There is news about the visit between %(unit)s and %(host)s."),
            timing=EVENT,
            urgent=True,
            default_delivery=Delivery.IMMEDIATELY,
            messages={
                "visit_requested": _("%(unit)s asks to visit %(host)s on %(date)s."),
                "visit_confirmed": _("The visit to %(host)s on %(date)s is confirmed."),
                "visit_confirmed_by_observers": _(
                    "%(unit)s accepted the new time for the visit on %(date)s."
                ),
                "visit_declined": _("%(host)s declined the visit on %(date)s."),
                "visit_new_time": _("%(host)s proposed another time for the visit: %(date)s."),
                "visit_cancelled": _("%(unit)s cancelled the visit to %(host)s on %(date)s."),
                "feedback_sent": _("%(unit)s sent you feedback after the visit on %(date)s."),
                "feedback_acknowledged": _(
                    "%(host)s acknowledged your feedback after the visit on %(date)s."
                ),
            },
        ),
        Rule(
            Kind.VISIT_UNANSWERED,
            who=_("The host's contact person, or else the host unit's leaders"),
            message=_("%(unit)s asked on %(date)s to visit you and is waiting for an answer."),
            timing=AFTER,
            days=(5,),
            urgent=True,
            default_delivery=Delivery.IMMEDIATELY,
            find=find_unanswered_visits,
            model=Visit,
            still_open=Q(status=Visit.Status.REQUESTED),
        ),
        Rule(
            Kind.VISIT_REFLECTION,
            who=_("The observers, the morning after the visit"),
            message=_("Write a short reflection on your visit to %(host)s on %(date)s."),
            timing=AFTER,
            days=(1,),
            find=find_missing_visit_reflections,
            model=Visit,
            still_open=Q(status=Visit.Status.CONFIRMED),
        ),
        Rule(
            Kind.FEEDBACK_NOT_SENT,
            who=_("The observing unit's leader"),
            message=_("The feedback to %(host)s after the visit on %(date)s has not been sent."),
            timing=AFTER,
            days=(5,),
            find=find_unsent_feedback,
            model=Visit,
            still_open=Q(status=Visit.Status.CONFIRMED, feedback__sent_at__isnull=True),
        ),
        Rule(
            Kind.SHARING_NOT_HELD,
            who=_("The observing unit's leader"),
            message=_("No sharing session has been held since the visit to %(host)s on %(date)s."),
            timing=AFTER,
            days=(14,),
            find=find_sharing_not_held,
            model=Visit,
            still_open=Q(status=Visit.Status.CONFIRMED),
        ),
        Rule(
            Kind.GATHERING_SOON,
            who=_("The unit's team in the programme"),
            message=_("%(gathering)s in %(programme)s is on %(date)s."),
            extras={"prework": _("Pre-work: %(prework)s.")},
            days=(7, 1),
            urgent=True,
            find=find_gatherings,
            model=Gathering,
            still_open=lambda now: Q(starts_at__gt=now),
        ),
        Rule(
            Kind.ASSIGNMENT_DUE,
            who=_("The unit leader and the unit's team"),
            message=_("The work “%(assignment)s” in %(programme)s is due on %(date)s."),
            days=(3,),
            find=find_assignments,
            model=Assignment,
        ),
        Rule(
            Kind.ASSIGNMENT_OVERDUE,
            who=_("The unit leader and the unit's team"),
            message=_("The work “%(assignment)s” in %(programme)s was due on %(date)s."),
            timing=AFTER,
            days=(1,),
            find=find_assignments,
            model=Assignment,
        ),
        Rule(
            Kind.BRING_HOME_UNCONFIRMED,
            who=_("The unit leader"),
            message=_(
                "Confirm that %(unit)s has brought “%(gathering)s” home. It was due on %(date)s."
            ),
            timing=AFTER,
            days=(1,),
            find=find_bring_home,
            model=BringHomeTask,
            still_open=Q(confirmed_at__isnull=True),
        ),
        Rule(
            Kind.EVALUATION_DUE,
            who=_("The programme's coordinators, or else the municipality's HR coordinators"),
            message=_("The evaluation of “%(cycle)s” at %(unit)s is due on %(date)s."),
            days=(7,),
            find=find_evaluations,
            model=Cycle,
            still_open=Q(status=Cycle.Status.ACTIVE)
            & (Q(evaluation__isnull=True) | Q(evaluation__decision="")),
        ),
        Rule(
            Kind.SURVEY_UNANSWERED,
            who=_("Those asked who have not answered yet"),
            message=_("You are asked to answer the survey “%(survey)s”."),
            extras={"closes_date": _("Answer by %(closes_date)s.")},
            timing=AFTER,
            days=(0, 4),
            find=find_unanswered_surveys,
            model=Respondent,
            still_open=lambda now: (
                Q(has_answered=False) & accepting_answers(timezone.localdate(now), "survey__")
            ),
        ),
        Rule(
            Kind.EVALUATION_CHECK_IN,
            who=_("The cycle's owner and the unit's leaders"),
            message=_(
                "A year ago you evaluated “%(cycle)s”. Is the new practice still in use? "
                "Record a short check-in."
            ),
            timing=AFTER,
            days=(0,),
            find=find_check_ins,
            model=Evaluation,
            still_open=Q(
                check_in_done_on__isnull=True,
                decision__in=[Evaluation.Decision.CONTINUE, Evaluation.Decision.NEW_CYCLE],
            ),
        ),
        Rule(
            Kind.CYCLE_WITHOUT_OWNER,
            who=_("The programme's coordinators, or else the municipality's HR coordinators"),
            message=_("“%(cycle)s” at %(unit)s has no active owner. Choose a new owner."),
            timing=AFTER,
            days=(0,),
            find=find_cycles_without_owner,
            model=Cycle,
            still_open=owner_gone(),
        ),
    ]
}


# Per municipality ---------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    enabled: bool
    days: tuple[int, ...]


def settings_for(municipality_id: int) -> dict[str, Setting]:
    """Each rule as this municipality has set it, or as the defaults have it."""
    own = {s.kind: s for s in ReminderSetting.objects.filter(municipality_id=municipality_id)}
    return {kind: _setting(rule, own.get(kind)) for kind, rule in RULES.items()}


def _setting(rule: Rule, own: ReminderSetting | None) -> Setting:
    if own is None:
        return Setting(True, rule.days)
    return Setting(own.enabled, parse_days(own.days) if own.days else rule.days)


def municipalities_by_setting(kind: str, municipality_ids) -> dict[Setting, list[int]]:
    """The municipalities grouped by how they have set one rule (switched-off ones left out)."""
    rule = RULES[kind]
    own = {s.municipality_id: s for s in ReminderSetting.objects.filter(kind=kind)}
    groups = defaultdict(list)
    for municipality_id in municipality_ids:
        setting = _setting(rule, own.get(municipality_id))
        if setting.enabled:
            groups[setting].append(municipality_id)
    return groups


# The sweep ----------------------------------------------------------------------------


def sweep(today: datetime.date | None = None) -> int:
    """Find every reminder due today and write it to the outbox. Returns how many were new."""
    from programmes import outbox

    today = today or timezone.localdate()
    municipality_ids = list(Municipality.objects.values_list("pk", flat=True))
    written = 0
    for kind, rule in RULES.items():
        if rule.find is None:
            continue
        for setting, ids in municipalities_by_setting(kind, municipality_ids).items():
            first, last = anchor_range(rule.timing, setting.days, today)
            found = []
            for due in rule.find(ids, first, last):
                key = due.occasion or occasion(rule.timing, setting.days, due.anchor, today)
                if key is not None:
                    found.append((due, key))
            written += outbox.write(kind, found)
    logger.info("Reminder sweep for %s: %s new notifications", today, written)
    return written
