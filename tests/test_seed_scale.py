"""seed_scale builds a large municipality for benchmarks; here a tiny one, on a fixed day.

It must hold what the reminder sweep and the daily pages read, be reproducible from its
seed, refuse to run twice unless asked to replace, and replace without touching other
municipalities.
"""

from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db.models import Count, Exists, F, OuterRef
from django.urls import resolve

from evaluation.models import Answer, Audience, Respondent, Response, Survey
from evaluation.scales import SCALE_OPTIONS
from learning.management.commands.seed_scale import EMAIL_DOMAIN, SCALE_NAME
from learning.models import (
    Cycle,
    CycleEvent,
    Idea,
    LearningPoint,
    Membership,
    Municipality,
    MunicipalityRole,
    ObservationNote,
    PhasePlan,
    Practice,
    Reflection,
    Task,
    Unit,
    User,
    Visit,
)
from learning.search import search_practices
from programmes import outbox, reminders
from programmes.models import (
    Attendance,
    Enrolment,
    Gathering,
    Notification,
    NotificationPreference,
    Programme,
    TeamMember,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime.datetime(2026, 3, 11, 12, 0, tzinfo=OSLO)  # a Wednesday
UNITS, PEOPLE = 12, 120
PRIVATE, SHARED = Reflection.Visibility.PRIVATE, Reflection.Visibility.UNIT


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(NOW, tick=False):
        yield


def seed(*extra: str, units: int = UNITS, people: int = PEOPLE) -> str:
    out = StringIO()
    call_command("seed_scale", "--units", str(units), "--people", str(people), *extra, stdout=out)
    return out.getvalue()


def scale_municipality() -> Municipality:
    return Municipality.objects.get(name=SCALE_NAME)


def snapshot() -> dict:
    """The scale municipality's content without ids, to compare two builds."""
    municipality = scale_municipality()
    in_scale = {"cycle__unit__municipality": municipality}
    return {
        "people": list(
            User.objects.filter(municipality=municipality)
            .order_by("email")
            .values_list("email", "full_name", "language", "is_active")
        ),
        "units": sorted(
            Unit.objects.filter(municipality=municipality).values_list(
                "level", "name", "unit_type", "parent__name"
            )
        ),
        "cycles": sorted(
            Cycle.objects.filter(unit__municipality=municipality).values_list(
                "unit__name", "title", "status", "current_phase", "start_date", "owner__email"
            )
        ),
        "visits": sorted(
            Visit.objects.filter(**in_scale).values_list(
                "cycle__unit__name", "host_unit__name", "host_external", "status", "starts_at"
            ),
            key=str,
        ),
        "reflections": sorted(
            Reflection.objects.filter(**in_scale).values_list(
                "author__email", "cycle__title", "phase", "visibility", "is_draft", "created_at"
            ),
            key=str,
        ),
        "practices": sorted(
            Practice.objects.filter(unit__municipality=municipality).values_list(
                "unit__name", "title", "contact__email"
            ),
            key=str,
        ),
        "answers": sorted(
            Answer.objects.filter(response__survey__municipality=municipality).values_list(
                "response__survey__title", "question__key", "number", "text"
            ),
            key=str,
        ),
        "notifications": sorted(
            Notification.objects.filter(recipient__municipality=municipality).values_list(
                "recipient__email", "kind", "status", "created_at", "read_at"
            ),
            key=str,
        ),
    }


def test_builds_a_municipality_of_the_requested_size():
    output = seed()

    municipality = scale_municipality()
    people = User.objects.filter(municipality=municipality)
    assert people.count() == PEOPLE
    assert people.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() == PEOPLE
    assert people.filter(email=f"person00001@{EMAIL_DOMAIN}").exists()
    assert not any(person.has_usable_password() for person in people)
    assert {"nb", "nn", "en"} <= set(people.values_list("language", flat=True))

    units = Unit.objects.filter(municipality=municipality)
    assert units.exclude(level=Unit.Level.SECTOR).count() == UNITS
    assert units.filter(level=Unit.Level.SECTOR).exists()
    for unit in units.exclude(level=Unit.Level.SECTOR).select_related("parent"):
        assert unit.parent.level == Unit.PARENT_LEVEL[unit.level]
        assert unit.memberships.filter(role=Membership.Role.LEADER).exists(), unit
    roles = set(MunicipalityRole.objects.filter(municipality=municipality).values_list("role"))
    assert roles == {
        (MunicipalityRole.Role.HR_COORDINATOR,),
        (MunicipalityRole.Role.SENIOR_LEADER,),
    }

    cycles = Cycle.objects.filter(unit__municipality=municipality)
    assert UNITS <= cycles.count() <= 3 * UNITS
    statuses = Counter(cycles.values_list("status", flat=True))
    assert statuses.most_common(1)[0][0] == Cycle.Status.ACTIVE
    assert len(set(cycles.values_list("current_phase", flat=True))) >= 5
    assert PhasePlan.objects.filter(cycle__in=cycles).count() == 7 * cycles.count()
    for cycle in cycles:
        assert cycle.owner.memberships.filter(role=Membership.Role.LEADER).exists()
    assert Task.objects.filter(cycle__in=cycles).exists()
    assert Idea.objects.filter(cycle__in=cycles, response="").exists()
    assert Visit.objects.filter(cycle__in=cycles).exists()

    programmes = Programme.objects.filter(municipality=municipality)
    assert programmes.count() == 1  # one per twenty units, fifty at full size
    admitted = Enrolment.objects.filter(programme__in=programmes, status=Enrolment.Status.ADMITTED)
    assert admitted.exists()
    for enrolment in admitted:
        assert 2 <= TeamMember.objects.filter(enrolment=enrolment).count() <= 4
        assert enrolment.cycle.unit_id == enrolment.unit_id
        assert enrolment.network.programme_id == enrolment.programme_id
    assert Gathering.objects.filter(programme__in=programmes, starts_at__gt=NOW).exists()
    assert NotificationPreference.objects.filter(user__municipality=municipality).exists()

    assert "built in" in output
    assert f"{PEOPLE:>8,}" in output
    assert "reflections" in output and "notifications" in output


def test_the_cycles_have_what_their_pages_show():
    seed()
    cycles = Cycle.objects.filter(unit__municipality=scale_municipality())

    past_three = cycles.filter(current_phase__gt=3)
    assert past_three.exists()
    assert not past_three.filter(focus_question="").exists()
    assert len(set(past_three.values_list("focus_question", flat=True))) > 1
    points = LearningPoint.objects.filter(cycle__in=cycles)
    assert not points.filter(cycle__current_phase__lt=3).exists()
    assert points.filter(cycle__in=past_three).values("cycle").distinct().count() == (
        past_three.count()
    )
    assert not points.filter(cycle__status=Cycle.Status.COMPLETED, decision="").exists()

    started = CycleEvent.objects.filter(cycle__in=cycles, kind=CycleEvent.Kind.STARTED)
    assert started.count() == cycles.count()
    assert not CycleEvent.objects.filter(cycle__in=cycles, created_at__gt=NOW).exists()
    completed = cycles.filter(status=Cycle.Status.COMPLETED)
    assert completed.exists()
    assert completed.filter(evaluation__decision__gt="").count() == completed.count()

    notes = ObservationNote.objects.filter(visit__cycle__in=cycles)
    assert notes.exists()
    assert not notes.exclude(visit__status=Visit.Status.CONFIRMED).exists()
    assert not notes.filter(visit__starts_at__gt=NOW).exists()
    observed = Visit.observers.through.objects.filter(
        visit=OuterRef("visit_id"), user=OuterRef("author_id")
    )
    assert not notes.exclude(Exists(observed)).exists()


def test_staff_reflect_privately_mostly_and_only_in_their_own_units_cycles():
    seed()
    reflections = Reflection.objects.filter(cycle__unit__municipality=scale_municipality())

    assert 5 * PEOPLE <= reflections.count() <= 15 * PEOPLE
    kinds = Counter(reflections.values_list("visibility", "is_draft"))
    assert kinds[(PRIVATE, False)] > kinds[(SHARED, False)] > kinds[(PRIVATE, True)] > 0
    assert reflections.shared().filter(is_pinned=True).exists()
    assert not reflections.unshared().filter(is_pinned=True).exists()
    member = Membership.objects.filter(user=OuterRef("author_id"), unit=OuterRef("cycle__unit_id"))
    assert not reflections.exclude(Exists(member)).exists()
    assert not reflections.filter(created_at__gt=NOW).exists()
    assert not reflections.filter(phase__gt=F("cycle__current_phase")).exists()
    for reflection in reflections[:200]:
        assert reflection.search_text == reflection.full_text
        assert not reflection.is_empty
    assert reflections.exclude(learning_point=None).exists()
    linked = reflections.exclude(visit=None).select_related("visit")
    assert linked.exists()
    for reflection in linked:
        assert reflection.visit.cycle_id == reflection.cycle_id
        assert reflection.created_at >= reflection.visit.ends_at


def test_the_practice_register_can_be_searched():
    seed()
    municipality = scale_municipality()
    published = Practice.objects.filter(unit__municipality=municipality, is_published=True)

    assert published.exists()
    for practice in published:
        assert Membership.objects.filter(user=practice.contact, unit=practice.unit).exists()
        word = practice.theme_list[0]
        assert practice in search_practices(published, word), word
    assert not search_practices(published, "ukjentordsomingenbruker").exists()


def test_programmes_and_gatherings_grow_with_the_units():
    seed(units=60, people=600)
    municipality = scale_municipality()
    programmes = Programme.objects.filter(municipality=municipality)
    gatherings = Gathering.objects.filter(programme__in=programmes)

    assert programmes.count() == 3
    assert 35 * 3 <= gatherings.count() <= 45 * 3
    assert set(gatherings.values_list("kind", flat=True)) == set(Gathering.Kind.values)
    assert gatherings.filter(starts_at__lt=NOW).exists()
    assert gatherings.filter(starts_at__gt=NOW).exists()
    assert not gatherings.filter(starts_at__week_day__in=[1, 7]).exists()  # no weekends
    twice = Enrolment.objects.filter(programme__in=programmes).values("unit")
    assert not twice.annotate(n=Count("pk")).filter(n__gt=1).exists()

    attendance = Attendance.objects.filter(gathering__in=gatherings)
    assert attendance.exists()
    assert not attendance.filter(gathering__starts_at__date__gte=NOW.date()).exists()
    team = TeamMember.objects.filter(enrolment=OuterRef("enrolment_id"), user=OuterRef("user_id"))
    assert not attendance.exclude(Exists(team)).exists()


def test_surveys_have_answers_and_keep_anonymous_ones_anonymous():
    seed(units=60, people=600)
    surveys = Survey.objects.filter(municipality=scale_municipality())

    assert surveys.count() >= 5
    assert {Audience.UNIT_STAFF, Audience.PROGRAMME_UNITS, Audience.GATHERING_ATTENDEES} <= {
        audience
        for audiences in surveys.values_list("audiences", flat=True)
        for audience in audiences
    }
    assert set(surveys.values_list("status", flat=True)) == {"open", "closed"}
    answers = Answer.objects.filter(response__survey__in=surveys)
    assert answers.count() >= 10 * surveys.count()
    for survey in surveys.prefetch_related("survey_questions"):
        answered = Respondent.objects.filter(survey=survey, has_answered=True).count()
        responses = Response.objects.filter(survey=survey)
        assert responses.count() == answered
        if survey.is_anonymous:
            assert not responses.exclude(respondent=None, submitted_at=None).exists()
        else:
            assert not responses.filter(respondent=None).exists()
        asked = {sq.question_id for sq in survey.survey_questions.all()}
        assert (
            set(answers.filter(response__survey=survey).values_list("question", flat=True)) <= asked
        )
    assert surveys.filter(is_anonymous=False).exists()
    for answer in answers.select_related("question"):
        if answer.question.scale in SCALE_OPTIONS:
            allowed = [value for value, _label in SCALE_OPTIONS[answer.question.scale]]
            assert answer.number in allowed
        elif answer.question.scale == "text":
            assert answer.text


def test_notifications_are_a_history_people_have_mostly_read():
    seed()
    municipality = scale_municipality()
    rows = Notification.objects.all()

    assert 0 < rows.count() <= 5 * PEOPLE
    assert set(rows.values_list("recipient__municipality", flat=True)) == {municipality.pk}
    assert not rows.filter(recipient__is_active=False).exists()
    key = ("recipient", "kind", "object_id", "occasion")
    assert rows.values(*key).distinct().count() == rows.count()
    assert rows.values("kind").distinct().count() >= 8
    assert not rows.filter(created_at__gt=NOW).exists()

    sent = rows.filter(status=Notification.Status.SENT)
    assert sent.filter(read_at__isnull=False).count() > sent.filter(read_at=None).count() > 0
    assert not sent.filter(sent_at__gt=NOW).exists()
    pending = rows.filter(status=Notification.Status.PENDING)
    assert pending.exists()
    assert not pending.filter(send_after__lte=NOW).exists()
    assert not rows.exclude(status=Notification.Status.SENT).exclude(read_at=None).exists()
    for row in rows:
        assert reminders.RULES[row.kind].text(row.params)
        assert resolve(row.url)
        model = reminders.RULES[row.kind].model
        if model is not None:
            assert model.objects.filter(pk=row.object_id).exists(), row.kind


def test_the_reminder_sweep_runs_over_it_and_the_digests_go_out():
    seed()
    before = set(Notification.objects.values_list("pk", flat=True))

    written = reminders.sweep()

    rows = Notification.objects.exclude(pk__in=before)
    assert written == rows.count() > 0
    assert rows.values("kind").distinct().count() >= 3
    recipients = User.objects.filter(pk__in=rows.values("recipient_id"))
    assert set(recipients.values_list("municipality__name", flat=True)) == {SCALE_NAME}
    assert reminders.sweep() == 0

    mail.outbox = []
    tomorrow_morning = NOW.replace(hour=7, minute=5) + datetime.timedelta(days=1)
    assert outbox.send_due(now=tomorrow_morning) > 0
    assert {m.to[0].split("@")[1] for m in mail.outbox} == {EMAIL_DOMAIN}


def test_the_same_seed_builds_the_same_municipality_and_another_seed_another():
    seed()
    first = snapshot()

    seed("--replace")
    assert snapshot() == first

    seed("--replace", "--seed", "2")
    assert snapshot() != first


def neighbour_content() -> dict:
    """A neighbouring municipality with a little of everything the seed builds."""
    membership = MembershipFactory(unit__municipality__name="Nabokommune")
    unit, person = membership.unit, membership.user
    cycle = Cycle.objects.create(unit=unit, owner=person, title="Nabo", start_date=NOW.date())
    programme = Programme.objects.create(
        municipality=unit.municipality,
        title="Naboprogram",
        purpose="Læring",
        commissioned_by="Rådmannen",
        starts_on=NOW.date(),
        ends_on=NOW.date(),
    )
    return {
        "membership": membership,
        "cycle": cycle,
        "reflection": Reflection.objects.create(author=person, cycle=cycle, free_text="Fint"),
        "practice": Practice.objects.create(unit=unit, title="Naboens praksis", description="."),
        "programme": programme,
        "survey": Survey.objects.create(
            municipality=unit.municipality, title="Nabosvar", cycle=cycle, unit=unit
        ),
        "notification": Notification.objects.create(
            recipient=person,
            kind="phase_due",
            object_id=1,
            occasion="x",
            url="/",
            delivery="daily",
            send_after=NOW,
        ),
    }


def test_replace_works_twice_in_a_row_and_leaves_other_municipalities_alone():
    neighbour = neighbour_content()
    seed()

    output = seed("--replace")
    seed("--replace", units=20, people=200)

    assert "Deleted the previous" in output
    municipality = scale_municipality()
    assert User.objects.filter(municipality=municipality).count() == 200
    assert Unit.objects.filter(municipality=municipality).exclude(level="sector").count() == 20
    assert User.objects.count() == 200 + 1
    assert Municipality.objects.filter(name="Nabokommune").exists()
    for name, row in neighbour.items():
        assert type(row).objects.filter(pk=row.pk).exists(), name
    assert Reflection.objects.exclude(cycle__unit__municipality=municipality).count() == 1
    assert Notification.objects.exclude(recipient__municipality=municipality).count() == 1
    assert Survey.objects.exclude(municipality=municipality).count() == 1


def test_refuses_to_build_twice_without_replace():
    seed()
    with pytest.raises(CommandError, match="--replace"):
        seed()
    assert Municipality.objects.filter(name=SCALE_NAME).count() == 1


def test_refuses_too_few_people_for_the_units():
    with pytest.raises(CommandError, match="at least"):
        seed(units=100, people=50)
    assert not Municipality.objects.filter(name=SCALE_NAME).exists()
