"""Demo data for reminders and notifications, built on the rest of the demo.

Elvedal has a Christmas quiet period and Fjordnes a summer one; Fjordnes has changed
when gathering reminders go out. Some demo logins have chosen how they get
notifications: leder@ a daily digest for nearly everything, vert@ a weekly one for
the cycle's own reminders, tillitsvalgt@ no reminders about work between gatherings.

The reminders themselves come from the real rules: the demo state is nudged a little
(a task in leder@'s plan due in three days and one two days overdue, an idea in
vert@'s cycle waiting two weeks for an answer) and ``reminders.sweep()`` writes what
is due. Earlier reminders (gathering and phase reminders that were read or not, a
weekly reminder withdrawn because the task was done before Monday, and two that
bounced for Korttidsavdelingen's leader) are written as the sweep would have written
them then.

leder@'s daily digest is due when the seed is done: the next ``send_reminders`` (or
the worker) sends it as one email. It becomes due only once the seed's transaction has
committed, after the send that the seed's own visit events set off at commit.

Everything is dated relative to the day the seed first runs, and nothing is added
once Elvedal has its Christmas quiet period.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from learning.demo import SKJERMET, DemoOrganisation, _at, _generated, _leader
from learning.models import Cycle, CycleEvent, Idea, PhasePlan, Task, User
from programmes import outbox, reminders
from programmes.models import (
    Assignment,
    BringHomeTask,
    Delivery,
    Enrolment,
    Gathering,
    Kind,
    Notification,
    NotificationPreference,
    QuietPeriod,
    ReminderSetting,
)

LEDER = "leder@demo.kommune.no"
ANSATT = "ansatt@demo.kommune.no"
VERT = "vert@demo.kommune.no"
TILLITSVALGT = "tillitsvalgt@demo.kommune.no"
FJORDGLOTT = "Avdeling Fjordgløtt"
KORTTID = "Korttidsavdelingen"
SURVEY = "Kartlegg behov i egen enhet"

CHRISTMAS = "Juleferie"
SUMMER = "Sommarferie"  # Fjordnes writes nynorsk

# leder@ wants everything in the morning digest, except news about visits.
LEDER_IMMEDIATELY = {Kind.VISIT_UPDATE, Kind.VISIT_UNANSWERED}
VERT_WEEKLY = (
    Kind.PHASE_DUE,
    Kind.PHASE_OVERDUE,
    Kind.TASK_DUE,
    Kind.TASK_OVERDUE,
    Kind.IDEA_UNANSWERED,
)
TILLITSVALGT_OFF = Kind.ASSIGNMENT_DUE

OVERDUE_TASK = "Avtal med kveldsvakta hvordan de kan prøve måltidsvert ved kveldsmaten"
FJORDGLOTT_IDEA = (
    "Kan vi prøve sengesensor hos beboerne som sover urolig, i stedet for å gå inn til dem "
    "hver time? Da slipper vi å vekke dem når vi åpner døra."
)
# What the mail server answered for Korttidsavdelingen's leader (outbox.describe's form).
BOUNCE = "{email}: 550 5.1.1 <{email}>: Recipient address rejected: User unknown"

S = Notification.Status
DAY = datetime.timedelta(days=1)
SWEEP_MINUTES = 5  # beat sweeps every few minutes: a reminder is written just after midnight


def seed_notifications(organisation: DemoOrganisation) -> None:
    """Reminder settings, delivery choices and notifications in every state, once."""
    elvedal = organisation.elvedal
    if QuietPeriod.objects.filter(municipality=elvedal, name=CHRISTMAS).exists():
        return
    today = timezone.localdate()
    logins = organisation.logins
    _rules(organisation, today)
    _preferences(logins)
    _due_now(organisation, today)

    leder = logins[LEDER]
    waiting = set(_digest_rows(leder).values_list("pk", flat=True))
    reminders.sweep(today)
    _history(organisation)

    digest = list(_digest_rows(leder).exclude(pk__in=waiting).values_list("pk", flat=True))
    # Visit events in the seed wake the sender when the transaction commits (at once
    # without Redis), and it sends whatever is due. leder@'s digest becomes due after that
    # (callbacks run in the order they were registered), so it waits for send_reminders.
    transaction.on_commit(lambda: _make_due(digest))


def _digest_rows(user: User):
    return Notification.objects.filter(recipient=user, status=S.PENDING, delivery=Delivery.DAILY)


def _make_due(pks: list[int]) -> None:
    """As if no worker ran at the digest hour: the rows are waiting since they were written."""
    Notification.objects.filter(pk__in=pks, status=S.PENDING).update(send_after=F("created_at"))


# Settings -----------------------------------------------------------------------------


def _rules(organisation: DemoOrganisation, today: datetime.date) -> None:
    """Quiet periods in both municipalities (the coming ones) and Fjordnes' own rule."""
    christmas = today.year if today < datetime.date(today.year, 12, 23) else today.year + 1
    summer = today.year if today < datetime.date(today.year, 7, 1) else today.year + 1
    for municipality, name, starts_on, ends_on in (
        (
            organisation.elvedal,
            CHRISTMAS,
            datetime.date(christmas, 12, 23),
            datetime.date(christmas + 1, 1, 1),
        ),
        (organisation.fjordnes, SUMMER, datetime.date(summer, 7, 1), datetime.date(summer, 7, 31)),
    ):
        QuietPeriod.objects.get_or_create(
            municipality=municipality,
            name=name,
            defaults={"starts_on": starts_on, "ends_on": ends_on},
        )
    # Teams in Fjordnes travel far to gatherings: two weeks' notice, and a reminder two
    # days before.
    ReminderSetting.objects.get_or_create(
        municipality=organisation.fjordnes,
        kind=Kind.GATHERING_SOON,
        defaults={"enabled": True, "days": "14, 2"},
    )


def _preferences(logins: dict[str, User]) -> None:
    choices = [
        *((LEDER, kind, Delivery.DAILY) for kind in Kind.values if kind not in LEDER_IMMEDIATELY),
        *((VERT, kind, Delivery.WEEKLY) for kind in VERT_WEEKLY),
        (TILLITSVALGT, TILLITSVALGT_OFF, Delivery.OFF),
    ]
    for email, kind, delivery in choices:
        NotificationPreference.objects.get_or_create(
            user=logins[email], kind=kind, defaults={"delivery": delivery}
        )


# The demo state the sweep finds ---------------------------------------------------------


def _due_now(organisation: DemoOrganisation, today: datetime.date) -> None:
    """Give the sweep something for leder@'s digest and vert@'s weekly digest."""
    leder = organisation.logins[LEDER]
    meals = Cycle.objects.get(unit=organisation.units[SKJERMET], owner=leder)
    phase = meals.current_phase
    plan = meals.phase_plans.get(phase=phase)
    # The task asking everyone for a personal goal (ansatt@ has none yet): due in three days.
    Task.objects.filter(
        cycle=meals, phase=phase, status=Task.Status.IN_PROGRESS, due_date=plan.due_date
    ).update(due_date=today + 3 * DAY)
    # The evening shift asked to try the meal host too (a reflection says so); not done yet.
    last = Task.objects.filter(cycle=meals, phase=phase).aggregate(last=Max("position"))["last"]
    task, created = Task.objects.get_or_create(
        cycle=meals,
        phase=phase,
        description=OVERDUE_TASK,
        defaults={
            "responsible": leder,
            "due_date": today - 2 * DAY,
            "position": (last or 0) + 1,
        },
    )
    if created:
        entered = meals.events.filter(to_phase=phase).latest("created_at").created_at
        Task.objects.filter(pk=task.pk).update(
            created_at=_at(timezone.localdate(entered) + DAY, 15)
        )

    # An idea in vert@'s new cycle that has waited two weeks for an answer.
    unit = organisation.units[FJORDGLOTT]
    cycle = Enrolment.objects.get(unit=unit, status=Enrolment.Status.ADMITTED).cycle
    if cycle.ideas.filter(text=FJORDGLOTT_IDEA).exists():
        return
    entered = cycle.events.filter(to_phase=2).earliest("created_at").created_at
    raised = max(today - 15 * DAY, timezone.localdate(entered) + DAY)
    staff = _generated(unit)
    idea = Idea(
        cycle=cycle,
        author=staff[min(4, len(staff) - 1)],
        text=FJORDGLOTT_IDEA,
        category=Idea.Category.ROUTINE,
        source=Idea.Source.STAFF_IDEA,
    )
    idea.full_clean()
    idea.save()
    Idea.objects.filter(pk=idea.pk).update(created_at=_at(raised, 13, 20))


# Earlier notifications --------------------------------------------------------------------


def _written(day: datetime.date) -> datetime.datetime:
    """When the sweep wrote a reminder whose day was ``day``."""
    return _at(day, 0, SWEEP_MINUTES)


def _notification(
    recipient: User,
    kind: str,
    object_id: int,
    occasion: str,
    params: dict,
    url: str,
    *,
    written: datetime.datetime,
    delivery: str,
    status: str = S.SENT,
    read_after: datetime.timedelta | None = None,
    error: str = "",
) -> None:
    """One notification as the sweep wrote it and the sender handled it then."""
    send_after = outbox.send_after(delivery, written)
    sent_at = send_after + datetime.timedelta(seconds=40) if status == S.SENT else None
    now = timezone.now()
    read_at = min(sent_at + read_after, now) if sent_at and read_after else None
    Notification.objects.get_or_create(
        recipient=recipient,
        kind=kind,
        object_id=object_id,
        occasion=occasion,
        defaults={
            "params": params,
            "url": url,
            "delivery": delivery,
            "status": status,
            "send_after": send_after,
            "attempts": 1,  # claimed once, then sent, refused or withdrawn
            "last_error": error,
            "sent_at": sent_at,
            "read_at": read_at,
            "created_at": written,
        },
    )


def _delivery(user: User, kind: str) -> str:
    return outbox.delivery_for([user.pk], kind)[user.pk]


def _was_current(cycle: Cycle, phase: int, when: datetime.datetime) -> bool:
    last = (
        CycleEvent.objects.filter(cycle=cycle, created_at__lte=when)
        .exclude(to_phase=None)
        .order_by("-created_at", "-pk")
        .first()
    )
    return last is not None and last.to_phase == phase


def _phase_due(user: User, plan: PhasePlan, read_after) -> None:
    """The phase-due reminder seven days before, if the phase was then the current one."""
    days = reminders.RULES[Kind.PHASE_DUE].days[0]
    written = _written(plan.due_date - days * DAY)
    if not _was_current(plan.cycle, plan.phase, written):
        return
    params = {"phase": plan.phase, "cycle": plan.cycle.title, "date": plan.due_date.isoformat()}
    _notification(
        user,
        Kind.PHASE_DUE,
        plan.pk,
        f"{plan.due_date.isoformat()}-{days}",
        params,
        reverse("phase_detail", args=[plan.cycle_id, plan.phase]),
        written=written,
        delivery=_delivery(user, Kind.PHASE_DUE),
        read_after=read_after,
    )


def _gathering_soon(user: User, enrolment: Enrolment, gathering: Gathering, reads) -> None:
    """The reminders 7 and 1 days before a gathering; ``reads`` is how long each lay unread."""
    day = timezone.localdate(gathering.starts_at)
    prework = Assignment.objects.filter(gathering=gathering).values_list("title", flat=True)
    params = {
        "gathering": gathering.title,
        "programme": gathering.programme.title,
        "date": day.isoformat(),
        "prework": ", ".join(prework),
    }
    for lead, read_after in zip(reminders.RULES[Kind.GATHERING_SOON].days, reads, strict=True):
        written = _written(day - lead * DAY)
        if enrolment.decided_at is None or written < enrolment.decided_at:
            continue
        _notification(
            user,
            Kind.GATHERING_SOON,
            gathering.pk,
            f"{day.isoformat()}-{lead}",
            params,
            reverse("gathering_detail", args=[gathering.pk]),
            written=written,
            delivery=_delivery(user, Kind.GATHERING_SOON),
            read_after=read_after,
        )


def _history(organisation: DemoOrganisation) -> None:
    logins, units = organisation.logins, organisation.units
    hours = datetime.timedelta(hours=1)
    leder, vert = logins[LEDER], logins[VERT]
    startup = Gathering.objects.get(kind=Gathering.Kind.STARTUP)
    enrolments = {
        enrolment.unit.name: enrolment
        for enrolment in Enrolment.objects.filter(
            programme=startup.programme, status=Enrolment.Status.ADMITTED
        ).select_related("unit", "cycle")
    }

    # The start-up gathering: read by most, the last reminder unread by some.
    for email, unit, reads in (
        (LEDER, SKJERMET, (2 * hours, 9 * hours)),
        (ANSATT, SKJERMET, (11 * hours, None)),
        (TILLITSVALGT, SKJERMET, (30 * hours, None)),
        (VERT, FJORDGLOTT, (hours, 3 * hours)),
    ):
        _gathering_soon(logins[email], enrolments[unit], startup, reads)

    # Phase reminders in leder@'s cycle (the last one not opened) and vert@'s (weekly).
    meals = Cycle.objects.get(unit=units[SKJERMET], owner=leder)
    for plan in meals.phase_plans.filter(phase__lt=meals.current_phase).select_related("cycle"):
        _phase_due(leder, plan, 2 * hours if plan.phase < meals.current_phase - 1 else None)
    nights = enrolments[FJORDGLOTT].cycle
    first = nights.phase_plans.select_related("cycle").get(phase=1)
    _phase_due(vert, first, 5 * hours)

    # vert@'s weekly digest was to remind of a phase 1 task; it was done before Monday.
    task = Task.objects.filter(cycle=nights, phase=1, status=Task.Status.DONE).last()
    days = reminders.RULES[Kind.TASK_DUE].days[0]
    if task is not None and task.due_date and (task.responsible or nights.owner) == vert:
        _notification(
            vert,
            Kind.TASK_DUE,
            task.pk,
            f"{task.due_date.isoformat()}-{days}",
            {"task": task.description, "cycle": nights.title, "date": task.due_date.isoformat()},
            reverse("plan", args=[nights.pk]),
            written=_written(task.due_date - days * DAY),
            delivery=_delivery(vert, Kind.TASK_DUE),
            status=S.WITHDRAWN,
        )

    # Korttidsavdelingen's leader never got the reminders: the address bounces.
    korttid = enrolments[KORTTID]
    leader = _leader(korttid.unit)
    bounce = BOUNCE.format(email=leader.email)
    survey = Assignment.objects.get(programme=startup.programme, title=SURVEY)
    days = reminders.RULES[Kind.ASSIGNMENT_DUE].days[0]
    _notification(
        leader,
        Kind.ASSIGNMENT_DUE,
        survey.pk,
        f"{survey.due_date.isoformat()}-{days}",
        {
            "assignment": survey.title,
            "programme": survey.programme.title,
            "date": survey.due_date.isoformat(),
        },
        reverse("submission_edit", args=[korttid.pk, survey.pk]),
        written=_written(survey.due_date - days * DAY),
        delivery=_delivery(leader, Kind.ASSIGNMENT_DUE),
        status=S.FAILED,
        error=bounce,
    )
    bring_home = BringHomeTask.objects.get(enrolment=korttid, gathering=startup)
    days = reminders.RULES[Kind.BRING_HOME_UNCONFIRMED].days[0]
    _notification(
        leader,
        Kind.BRING_HOME_UNCONFIRMED,
        bring_home.pk,
        f"{bring_home.due_date.isoformat()}+{days}",
        {
            "unit": korttid.unit.name,
            "gathering": startup.title,
            "date": bring_home.due_date.isoformat(),
        },
        reverse("bring_home_edit", args=[bring_home.pk]),
        written=_written(bring_home.due_date + days * DAY),
        delivery=_delivery(leader, Kind.BRING_HOME_UNCONFIRMED),
        status=S.FAILED,
        error=bounce,
    )
