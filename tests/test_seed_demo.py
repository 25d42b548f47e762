"""seed_demo builds the demo municipality, its demo logins, its practice register, its cycles
and their visits, the network programme, and nothing twice."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY, authenticate
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.html import escape

from learning import phases
from learning.models import (
    CandidateSource,
    Cycle,
    CycleEvent,
    Idea,
    LearningPoint,
    Membership,
    Municipality,
    MunicipalityRole,
    NeedAgreement,
    ObservationNote,
    PersonalGoal,
    Phase,
    Practice,
    Reflection,
    RepresentativeInvolvement,
    Task,
    Unit,
    User,
    VisibilityChange,
    Visit,
    VisitFeedback,
    VisitReflection,
)
from learning.models.reflections import personal_data_warnings
from learning.permissions import has_perm, has_visit_perm
from learning.reflections import prompts_for
from programmes import outbox, overview, reminders, services
from programmes.models import (
    AgendaItem,
    Assignment,
    Attendance,
    BringHomeTask,
    Delivery,
    Enrolment,
    Gathering,
    Kind,
    Material,
    Network,
    Notification,
    NotificationPreference,
    Programme,
    QuietPeriod,
    ReminderSetting,
    StatusReport,
    Submission,
    TeamMember,
)
from programmes.permissions import has_enrolment_perm, has_programme_perm

LOGINS = [
    "admin@demo.kommune.no",
    "hr@demo.kommune.no",
    "leder@demo.kommune.no",
    "ansatt@demo.kommune.no",
    "vert@demo.kommune.no",
    "tillitsvalgt@demo.kommune.no",
    "kommunalsjef@demo.kommune.no",
    "hr.fjordnes@demo.kommune.no",
]
FJORDNES_HR = "hr.fjordnes@demo.kommune.no"


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--without-reports", stdout=out)
    return out.getvalue()


@pytest.fixture
def elvedal(seeded):
    return Municipality.objects.get(name="Elvedal kommune")


def user(email) -> User:
    return User.objects.get(email=email)


def test_creates_elvedal_with_its_structure(elvedal):
    assert sorted(elvedal.former_municipalities.values_list("name", flat=True)) == [
        "Elvedal",
        "Sundvik",
    ]
    sectors = Unit.objects.filter(municipality=elvedal, level=Unit.Level.SECTOR)
    assert sorted(sectors.values_list("name", flat=True)) == ["Helse og omsorg", "Oppvekst", "Stab"]
    assert 20 <= Unit.objects.filter(municipality=elvedal).count() <= 35
    assert 180 <= User.objects.count() <= 260


def test_every_unit_is_valid(elvedal):
    for unit in Unit.objects.all():
        unit.full_clean()
    for membership in Membership.objects.select_related("user", "unit"):
        membership.full_clean()


def test_command_lists_the_logins(seeded):
    for email in LOGINS:
        assert email in seeded


@pytest.mark.parametrize("email", LOGINS)
def test_demo_logins_authenticate_with_demo_password(seeded, email):
    request = RequestFactory().post("/login/")  # login throttling needs the request
    assert authenticate(request, username=email, password="demo") == user(email)
    assert authenticate(request, username=email, password="feil") is None


def test_admin_is_superuser(seeded):
    admin = user("admin@demo.kommune.no")
    assert admin.is_superuser
    assert admin.is_staff
    others = User.objects.filter(is_superuser=True).exclude(pk=admin.pk)
    assert not others.exists()


def test_hr_is_hr_coordinator_of_elvedal(elvedal):
    roles = MunicipalityRole.objects.filter(user=user("hr@demo.kommune.no"))
    assert [(r.municipality, r.role) for r in roles] == [
        (elvedal, MunicipalityRole.Role.HR_COORDINATOR)
    ]


def test_kommunalsjef_is_senior_leader(elvedal):
    roles = MunicipalityRole.objects.filter(user=user("kommunalsjef@demo.kommune.no"))
    assert [(r.municipality, r.role) for r in roles] == [
        (elvedal, MunicipalityRole.Role.SENIOR_LEADER)
    ]
    assert not Membership.objects.filter(user=user("kommunalsjef@demo.kommune.no")).exists()


def test_leder_is_the_only_leader_of_avdeling_2(elvedal):
    unit = Unit.objects.get(municipality=elvedal, name="Avdeling 2 – skjermet")
    leaders = Membership.objects.filter(unit=unit, role=Membership.Role.LEADER)
    assert [m.user.email for m in leaders] == ["leder@demo.kommune.no"]
    assert unit.parent.name == "Elvedal sykehjem"


def test_ansatt_and_tillitsvalgt_share_leders_unit(elvedal):
    unit = Unit.objects.get(municipality=elvedal, name="Avdeling 2 – skjermet")
    ansatt = user("ansatt@demo.kommune.no")
    tillitsvalgt = user("tillitsvalgt@demo.kommune.no")
    assert set(ansatt.memberships.values_list("unit", "role")) == {(unit.pk, "staff")}
    assert (unit.pk, "union_rep") in set(tillitsvalgt.memberships.values_list("unit", "role"))
    assert {m.unit_id for m in tillitsvalgt.memberships.all()} == {unit.pk}


def test_vert_leads_another_unit(elvedal):
    vert = user("vert@demo.kommune.no")
    led = Membership.objects.filter(user=vert, role=Membership.Role.LEADER)
    assert [m.unit.name for m in led] == ["Avdeling Fjordgløtt"]
    assert led[0].unit.municipality == elvedal
    leaders = Membership.objects.filter(unit=led[0].unit, role=Membership.Role.LEADER)
    assert leaders.count() == 1


def test_demo_logins_belong_to_elvedal_except_fjordnes_hr(elvedal):
    for email in LOGINS:
        if email != FJORDNES_HR:
            assert user(email).municipality == elvedal
    assert user(FJORDNES_HR).municipality.name == "Fjordnes kommune"


def test_fjordnes_hr_coordinator_works_in_nynorsk(seeded):
    frida = user(FJORDNES_HR)
    fjordnes = Municipality.objects.get(name="Fjordnes kommune")
    roles = MunicipalityRole.objects.filter(user=frida)
    assert [(r.municipality, r.role) for r in roles] == [
        (fjordnes, MunicipalityRole.Role.HR_COORDINATOR)
    ]
    assert frida.language == ""
    assert frida.preferred_language == "nn"
    assert frida.is_staff
    assert not frida.memberships.exists()


def test_generated_people_cannot_log_in(seeded):
    generated = User.objects.exclude(email__in=LOGINS)
    assert generated.exists()
    assert not any(person.has_usable_password() for person in generated[:20])


def model_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"learning", "programmes", "evaluation", "auth"}
    }


def test_running_twice_creates_nothing_new(seeded, settings):
    before = model_counts()
    assert before["learning.Unit"] > 0
    assert before["programmes.Programme"] == 1
    assert before["programmes.Enrolment"] == 14
    call_command("seed_demo", "--without-reports", stdout=StringIO())
    assert model_counts() == before


def test_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not Municipality.objects.exists()


def test_force_runs_with_debug_off(db, settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force", stdout=StringIO())
    assert Municipality.objects.filter(name="Elvedal kommune").exists()


@pytest.mark.parametrize("email", LOGINS)
def test_demo_login_reaches_the_start_page(client, seeded, email):
    response = client.post(reverse("login"), {"username": email, "password": "demo"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(user(email).pk)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["user"].email == email


@pytest.mark.parametrize(
    ("email", "marker", "content"),
    [
        ("leder@demo.kommune.no", 'id="led-heading"', "Avdeling 2 – skjermet"),
        ("vert@demo.kommune.no", 'id="led-heading"', "Avdeling Fjordgløtt"),
        ("ansatt@demo.kommune.no", 'id="my-heading"', "Avdeling 2 – skjermet"),
        ("tillitsvalgt@demo.kommune.no", 'id="rep-heading"', "Avdeling 2 – skjermet"),
        ("hr@demo.kommune.no", 'id="hr-heading-', "Elvedal kommune"),
        (FJORDNES_HR, 'id="hr-heading-', "Fjordnes kommune"),
        ("kommunalsjef@demo.kommune.no", 'id="senior-heading-', "Elvedal kommune"),
    ],
)
def test_demo_login_start_page_shows_its_role(client, seeded, email, marker, content):
    client.force_login(user(email))
    page = client.get(reverse("home")).content.decode()
    assert marker in page
    assert content in page


# Cycles


@pytest.fixture
def leders_cycle(seeded) -> Cycle:
    return Cycle.objects.get(
        owner__email="leder@demo.kommune.no", unit__name="Avdeling 2 – skjermet"
    )


def test_leders_cycle_is_in_phase_3_with_phases_1_and_2_complete(leders_cycle):
    assert leders_cycle.status == Cycle.Status.ACTIVE
    assert leders_cycle.current_phase == Phase.LEARNING_POINTS
    assert leders_cycle.title == "Gode måltider i skjermet enhet"
    cycle = Cycle.objects.with_progress().get(pk=leders_cycle.pk)
    for phase in (Phase.ANCHORING, Phase.NEEDS, Phase.LEARNING_POINTS):
        assert phases.missing_for(cycle, phase) == []


def test_leders_cycle_anchoring_involves_the_unit(leders_cycle):
    unit = leders_cycle.unit
    members = set(User.objects.filter(memberships__unit=unit))
    assert leders_cycle.plan_links.strip()
    assert leders_cycle.group_agreement.strip()
    supporters = set(leders_cycle.supporters.all())
    assert len(supporters) == 2
    assert supporters <= members
    meetings = leders_cycle.introduction_meetings.all()
    assert 1 <= len(meetings) <= 2
    for meeting in meetings:
        assert meeting.attendees.exists()
        assert set(meeting.attendees.all()) <= members
    involvements = leders_cycle.representative_involvements.all()
    assert [(i.name, i.role) for i in involvements] == [
        ("Tore Tangen", RepresentativeInvolvement.Role.UNION_REP)
    ]
    assert leders_cycle.obstacles.count() == 1


def test_leders_cycle_has_ideas_and_a_chosen_need(leders_cycle):
    ideas = leders_cycle.ideas.all()
    assert 5 <= len(ideas) <= 7
    assert len({idea.author_id for idea in ideas}) == len(ideas)
    assert any(not idea.response for idea in ideas)
    assert {Idea.Response.VALUED, Idea.Response.PARKED, Idea.Response.TAKEN_FORWARD} <= {
        idea.response for idea in ideas
    }
    deviations = [idea for idea in ideas if idea.source == Idea.Source.DEVIATIONS]
    assert deviations
    assert all(
        i.deviation_category and i.deviation_count and i.deviation_period for i in deviations
    )
    assert leders_cycle.learning_need.strip()
    assert leders_cycle.learning_need_idea in ideas
    assert leders_cycle.learning_need_idea.response == Idea.Response.TAKEN_FORWARD
    assert leders_cycle.learning_need_source == leders_cycle.learning_need_idea.source
    agreements = NeedAgreement.objects.filter(cycle=leders_cycle)
    assert agreements.filter(agrees=True).count() > agreements.filter(agrees=False).count()


def test_ansatts_idea_is_answered(leders_cycle):
    ideas = leders_cycle.ideas.filter(author__email="ansatt@demo.kommune.no")
    assert ideas.exists()
    for idea in ideas:
        assert idea.response
        assert idea.reply.strip()
        assert idea.responded_by == leders_cycle.owner


def test_leders_cycle_has_focus_question_learning_points_and_goals(leders_cycle):
    assert leders_cycle.focus_question.strip()
    points = leders_cycle.learning_points.all()
    assert len(points) == 2
    for point in points:
        assert point.title and point.observe and point.learn and point.train
    goals = PersonalGoal.objects.filter(learning_point__cycle=leders_cycle)
    assert goals.count() >= 2
    assert not goals.filter(user__email="ansatt@demo.kommune.no").exists()


def test_leders_cycle_plan_and_timeline(leders_cycle):
    tasks = Task.objects.filter(cycle=leders_cycle)
    assert set(tasks.filter(phase__lte=2).values_list("status", flat=True)) == {"done"}
    assert tasks.filter(phase=3, status=Task.Status.IN_PROGRESS).count() == 1
    events = list(leders_cycle.events.order_by("created_at"))
    assert [(e.kind, e.from_phase, e.to_phase) for e in events] == [
        (CycleEvent.Kind.STARTED, None, 1),
        (CycleEvent.Kind.ADVANCED, 1, 2),
        (CycleEvent.Kind.ADVANCED, 2, 3),
    ]
    today = timezone.localdate()
    assert timezone.localdate(events[0].created_at) == leders_cycle.start_date
    assert 50 <= (today - leders_cycle.start_date).days <= 60
    assert all(timezone.localdate(e.created_at) < today for e in events)


def test_elvedal_has_cycles_in_several_phases(elvedal):
    cycles = Cycle.objects.filter(unit__municipality=elvedal)
    assert cycles.count() >= 4
    assert len(set(cycles.values_list("current_phase", flat=True))) >= 3
    assert cycles.filter(current_phase=Phase.ANCHORING, events__kind="started").exists()
    assert cycles.exclude(status=Cycle.Status.ACTIVE).exists()
    # The host unit has no cycle of its own, only the one the network programme started.
    assert not cycles.filter(unit__name="Avdeling Fjordgløtt", enrolment__isnull=True).exists()


def test_an_override_is_in_a_timeline(seeded):
    overrides = CycleEvent.objects.filter(kind=CycleEvent.Kind.OVERRIDDEN).exclude(reason="")
    assert overrides.exists()
    assert all(event.missing_items for event in overrides)


def test_every_owner_manages_their_cycle(seeded):
    for cycle in Cycle.objects.select_related("unit"):
        owner = User.objects.get(pk=cycle.owner_id)
        assert has_perm(owner, "unit.manage", cycle), cycle


def test_demo_cycle_content_is_valid(seeded):
    for cycle in Cycle.objects.all():
        cycle.full_clean()
    for idea in Idea.objects.all():
        idea.full_clean()
    for goal in PersonalGoal.objects.all():
        goal.full_clean()


# The practice register


def test_register_has_published_practices_and_one_draft(elvedal):
    practices = Practice.objects.filter(unit__municipality=elvedal)
    published = practices.filter(is_published=True)
    assert published.count() >= 12
    assert practices.filter(is_published=False).count() == 1
    assert published.values("unit").distinct().count() == published.count()
    assert len(set(published.values_list("unit__unit_type", flat=True))) >= 5
    assert set(published.values_list("unit__former_municipality__name", flat=True)) >= {
        "Elvedal",
        "Sundvik",
    }
    for practice in practices.select_related("unit", "contact", "created_by"):
        practice.full_clean()
        assert len(practice.theme_list) >= 3
        assert 1 <= practice.visits_per_month <= 3
        assert practice.contact in practice.unit.leaders()
        assert practice.created_by == practice.contact
        assert practice.created_at < timezone.now()


@pytest.mark.parametrize(
    "word", ["måltidene", "overganger", "dokumentasjon", "medvirkning", "velferdsteknologi"]
)
def test_register_has_practices_to_search_for(elvedal, word):
    practices = Practice.objects.filter(unit__municipality=elvedal, is_published=True)
    matching = practices.filter(Q(description__icontains=word) | Q(themes__icontains=word))
    assert matching.exists()


def test_vert_shares_calm_mealtimes(seeded):
    practice = Practice.objects.get(unit__name="Avdeling Fjordgløtt")
    assert practice.is_published
    assert practice.contact == user("vert@demo.kommune.no")
    assert {"måltid", "demens", "ernæring"} <= set(practice.theme_list)


# Visits


def test_vert_has_a_request_from_leders_unit_to_answer(leders_cycle):
    vert = user("vert@demo.kommune.no")
    practice = Practice.objects.get(unit__name="Avdeling Fjordgløtt")
    assert leders_cycle.current_phase == Phase.LEARNING_POINTS
    assert (leders_cycle.host_unit, leders_cycle.host_practice) == (practice.unit, practice)
    assert set(leders_cycle.candidate_sources.values_list("kind", flat=True)) == {
        CandidateSource.Kind.COLLEAGUES,
        CandidateSource.Kind.REGISTER,
    }
    visit = Visit.objects.get(cycle=leders_cycle)
    assert visit.status == Visit.Status.REQUESTED
    assert (visit.host_unit, visit.practice, visit.host_contact) == (practice.unit, practice, vert)
    assert visit.requested_by == leders_cycle.owner
    assert has_visit_perm(vert, "visit.host", visit)
    observers = set(visit.observers.all())
    assert len(observers) == 2
    assert user("ansatt@demo.kommune.no") in observers
    assert observers <= set(leders_cycle.unit.people())
    starts, ends = timezone.localtime(visit.starts_at), timezone.localtime(visit.ends_at)
    assert 12 <= (starts.date() - timezone.localdate()).days <= 16
    assert starts.weekday() < 5
    assert (starts.hour, ends.hour) == (10, 13)
    assert visit.purpose.strip()


@pytest.fixture
def acknowledged(seeded) -> VisitFeedback:
    return VisitFeedback.objects.select_related("visit__cycle").get(
        sent_at__isnull=False,
        acknowledged_at__isnull=False,
        visit__cycle__unit__name="Mellomtrinnet",
    )


def test_a_visit_with_acknowledged_feedback_leads_to_phase_6(acknowledged):
    visit = acknowledged.visit
    assert visit.is_held
    assert not visit.feedback_is_late
    assert acknowledged.show_on_practice
    assert acknowledged.host_reply.strip()
    assert acknowledged.acknowledged_by == visit.host_contact
    assert visit.practice.is_published
    assert visit.cycle.host_practice == visit.practice
    cycle = Cycle.objects.with_progress().get(pk=visit.cycle_id)
    assert cycle.unit.municipality.name == "Elvedal kommune"
    assert cycle.current_phase == Phase.IMPLEMENTATION
    assert phases.missing_for(cycle, Phase.BEST_PRACTICE) == []
    assert phases.missing_for(cycle, Phase.OBSERVATION) == []
    decision = str(phases.REQUIREMENTS[Phase.IMPLEMENTATION][1].label)
    assert phases.missing_for(cycle, Phase.IMPLEMENTATION) == [decision]
    assert cycle.conclusions.exists()
    assert cycle.practice_log.exists()
    points = cycle.learning_points.all()
    assert len(points) == 2
    assert sorted(point.decision for point in points) == ["", LearningPoint.Decision.ADOPT]


def test_the_visit_with_feedback_has_a_realistic_record(acknowledged):
    visit = acknowledged.visit
    cycle = visit.cycle
    now = timezone.now()
    assert 18 <= (timezone.localdate() - visit.visit_date).days <= 24
    notes = ObservationNote.objects.filter(visit=visit)
    assert {note.learning_point for note in notes} == set(cycle.learning_points.all())
    assert {note.author for note in notes} <= set(visit.observers.all())
    reflections = VisitReflection.objects.filter(visit=visit)
    assert reflections.count() == 2
    assert all(reflection.within_a_day for reflection in reflections)
    assert visit.created_at < visit.responded_at < visit.starts_at
    assert visit.ends_at < acknowledged.sent_at < acknowledged.acknowledged_at < now
    session = cycle.sharing_sessions.get()
    assert (session.held_on - visit.visit_date).days in (2, 3, 4)
    assert session.attendees.count() >= 3
    events = list(cycle.events.order_by("created_at"))
    assert [(e.from_phase, e.to_phase) for e in events[-3:]] == [(3, 4), (4, 5), (5, 6)]
    assert events[-1].kind == CycleEvent.Kind.ADVANCED
    assert all(event.created_at < now for event in events)
    assert events[-1].created_at > acknowledged.sent_at


def test_a_held_visit_without_feedback_is_late(seeded):
    late = [
        visit
        for visit in Visit.objects.filter(status=Visit.Status.CONFIRMED, feedback__isnull=True)
        if visit.is_held
    ]
    assert len(late) == 1
    visit = late[0]
    assert not visit.feedback_sent
    assert visit.feedback_is_late
    assert 8 <= (timezone.localdate() - visit.visit_date).days <= 12


def test_demo_visits_are_valid(seeded):
    for model in (Practice, Visit, ObservationNote, VisitReflection, VisitFeedback):
        for obj in model.objects.all():
            obj.full_clean()
    for visit in Visit.objects.all():
        assert visit.cycle.unit != visit.host_unit
        assert visit.observers.exists()


def test_running_twice_adds_no_practices_or_visits(seeded):
    counts = [model.objects.count() for model in (Practice, Visit, VisitFeedback)]
    call_command("seed_demo", stdout=StringIO())
    assert [model.objects.count() for model in (Practice, Visit, VisitFeedback)] == counts


# Reflections

ANSATT = "ansatt@demo.kommune.no"


def test_ansatt_has_private_shared_and_draft_reflections(leders_cycle):
    mine = Reflection.objects.filter(cycle=leders_cycle, author__email=ANSATT)
    saved = mine.filter(is_draft=False)
    assert saved.filter(visibility=Reflection.Visibility.PRIVATE).count() >= 3
    assert saved.filter(visibility=Reflection.Visibility.UNIT).count() >= 2
    assert mine.filter(is_draft=True).count() == 1
    assert mine.get(is_draft=True).visibility == Reflection.Visibility.PRIVATE
    assert set(saved.values_list("phase", flat=True)) == {
        Phase.ANCHORING,
        Phase.NEEDS,
        Phase.LEARNING_POINTS,
    }
    assert saved.filter(learning_point__isnull=False).exists()


def test_ansatt_shared_one_reflection_afterwards(leders_cycle):
    change = VisibilityChange.objects.get(
        reflection__cycle=leders_cycle, reflection__author__email=ANSATT
    )
    assert (change.old, change.new) == (Reflection.Visibility.PRIVATE, Reflection.Visibility.UNIT)
    assert change.changed_by == user(ANSATT)
    assert change.reflection.visibility == Reflection.Visibility.UNIT
    assert change.reflection.created_at < change.changed_at < timezone.now()


def test_colleagues_reflect_and_the_leader_pinned_one(leders_cycle):
    saved = Reflection.objects.filter(cycle=leders_cycle, is_draft=False)
    others = saved.exclude(author__email=ANSATT)
    authors = set(others.values_list("author", flat=True))
    assert 3 <= len(authors) <= 4
    assert authors <= {person.pk for person in leders_cycle.unit.people()}
    assert leders_cycle.owner_id not in authors
    assert 1 <= others.shared().count() <= 2
    assert others.filter(visibility=Reflection.Visibility.PRIVATE).count() > others.shared().count()
    pinned = Reflection.objects.filter(cycle=leders_cycle, is_pinned=True)
    assert pinned.count() == 1
    assert pinned.get() in saved.shared()
    for phase in (Phase.ANCHORING, Phase.NEEDS, Phase.LEARNING_POINTS):
        assert saved.filter(phase=phase).values("author").distinct().count() >= 3


def test_mellomtrinnet_reflects_on_its_visit(seeded):
    cycle = Cycle.objects.get(unit__name="Mellomtrinnet")
    reflections = Reflection.objects.filter(cycle=cycle, is_draft=False)
    assert 3 <= reflections.count() <= 4
    assert set(reflections.values_list("phase", flat=True)) == {
        Phase.OBSERVATION,
        Phase.IMPLEMENTATION,
    }
    linked = reflections.get(visit__isnull=False)
    assert linked.visit.cycle == cycle
    assert linked.phase == Phase.OBSERVATION
    assert linked in reflections.shared()
    assert timezone.localdate(linked.created_at) >= linked.visit.visit_date
    assert linked.author in linked.visit.observers.all()
    assert reflections.shared().filter(is_pinned=True).count() == 1
    assert {r.author for r in reflections} <= set(cycle.unit.people())


def test_reflections_answer_the_questions_for_their_phase(seeded):
    reflections = Reflection.objects.select_related("cycle__unit", "learning_point")
    assert reflections.exists()
    for reflection in reflections:
        reflection.full_clean()
        with translation.override("nb"):
            prompts = prompts_for(reflection.cycle, reflection.phase)
        assert [item["question"] for item in reflection.answers] == prompts
        assert reflection.filled_answers
        assert personal_data_warnings(reflection.full_text) == []
        assert reflection.search_text == reflection.full_text
        if reflection.learning_point:
            assert reflection.learning_point.cycle_id == reflection.cycle_id


def test_reflections_are_dated_within_their_phase(seeded):
    today = timezone.localdate()
    for reflection in Reflection.objects.select_related("cycle"):
        events = reflection.cycle.events.exclude(to_phase=None).order_by("created_at")
        entered = events.filter(to_phase=reflection.phase).earliest("created_at").created_at
        left = events.filter(to_phase=reflection.phase + 1).first()
        written = timezone.localdate(reflection.created_at)
        assert timezone.localdate(entered) <= written < today
        if left:
            assert written <= timezone.localdate(left.created_at)
        assert reflection.updated_at >= reflection.created_at


def test_running_twice_adds_no_reflections(seeded):
    counts = [Reflection.objects.count(), VisibilityChange.objects.count()]
    pinned = set(Reflection.objects.filter(is_pinned=True).values_list("pk", flat=True))
    call_command("seed_demo", stdout=StringIO())
    assert [Reflection.objects.count(), VisibilityChange.objects.count()] == counts
    assert set(Reflection.objects.filter(is_pinned=True).values_list("pk", flat=True)) == pinned


def test_reflections_are_added_to_cycles_seeded_before_them(seeded):
    counts = [Reflection.objects.count(), VisibilityChange.objects.count()]
    Reflection.objects.all().delete()
    call_command("seed_demo", stdout=StringIO())
    assert [Reflection.objects.count(), VisibilityChange.objects.count()] == counts


# The network programme

PROGRAMME = "Kollegalæring 2027 – helse og omsorg"
ADMITTED = Enrolment.Status.ADMITTED


@pytest.fixture
def programme(seeded) -> Programme:
    return Programme.objects.get(title=PROGRAMME)


def test_programme_runs_in_both_municipalities(programme, elvedal):
    assert programme.municipality == elvedal
    assert programme.status == Programme.Status.RUNNING
    assert set(programme.municipalities.values_list("name", flat=True)) == {
        "Elvedal kommune",
        "Fjordnes kommune",
    }
    assert [c.email for c in programme.coordinators.all()] == ["hr@demo.kommune.no"]
    today = timezone.localdate()
    assert 80 <= (today - programme.starts_on).days <= 100
    assert 380 <= (programme.ends_on - today).days <= 410
    assert programme.purpose.strip() and programme.description.strip()
    assert programme.commissioned_by == "Kommunalsjef helse og omsorg"
    assert len(programme.theme_list) >= 3


def test_twelve_units_in_two_networks_of_six(programme):
    admitted = programme.enrolments.filter(status=ADMITTED).select_related("unit", "cycle")
    assert admitted.count() == 12
    assert sorted(programme.networks.values_list("name", flat=True)) == [
        "Nettverk Nord",
        "Nettverk Sør",
    ]
    for network in programme.networks.all():
        units = admitted.filter(network=network)
        assert units.count() == 6
        assert units.values("unit__municipality").distinct().count() == 2
        assert units.values("unit__unit_type").distinct().count() >= 3
    for enrolment in admitted:
        assert enrolment.cycle.unit == enrolment.unit
        assert enrolment.goals.strip() and enrolment.first_ideas.strip()
        assert enrolment.anchoring.strip()
        assert enrolment.commits_to_attend
        assert enrolment.commits_to_report
        assert enrolment.commits_to_share
        assert enrolment.decided_at < timezone.now()
        roles = set(enrolment.team.values_list("role", flat=True))
        assert {TeamMember.Role.LEADER, TeamMember.Role.RESOURCE} <= roles
        leader = enrolment.team.get(role=TeamMember.Role.LEADER).user
        assert leader in enrolment.unit.leaders()
    warned = [e for e in admitted if services.team_warnings(list(e.team.all()))]
    assert len(warned) == 1
    assert admitted.filter(team__role=TeamMember.Role.SAFETY_REP).distinct().count() >= 3


def test_running_cycles_were_brought_into_the_programme(programme):
    admitted = programme.enrolments.filter(status=ADMITTED)
    meals = admitted.get(unit__name="Avdeling 2 – skjermet")
    assert meals.cycle.title == "Gode måltider i skjermet enhet"
    assert meals.cycle.owner == user("leder@demo.kommune.no")
    assert not meals.first_time
    brought = admitted.filter(first_time=False)
    assert set(brought.values_list("unit__name", flat=True)) == {
        "Avdeling 2 – skjermet",
        "Hjemmetjenesten nord",
        "Korttidsavdelingen",
    }
    for enrolment in brought:
        assert enrolment.cycle.start_date < timezone.localdate(enrolment.decided_at)
    for enrolment in admitted.filter(first_time=True):
        cycle = enrolment.cycle
        assert cycle.title != PROGRAMME
        assert timezone.localdate(enrolment.decided_at) == cycle.start_date
        assert cycle.events.earliest("created_at").kind == CycleEvent.Kind.STARTED
        plans = list(cycle.phase_plans.order_by("phase"))
        assert [plan.due_date for plan in plans] == list(
            phases.default_due_dates(cycle.start_date).values()
        )
    assert len(set(admitted.values_list("cycle__current_phase", flat=True))) >= 4


def test_two_applications_wait_for_their_own_hr_coordinator(programme):
    waiting = list(programme.enrolments.filter(status=Enrolment.Status.APPLIED))
    assert sorted(e.unit.municipality.name for e in waiting) == [
        "Elvedal kommune",
        "Fjordnes kommune",
    ]
    for enrolment in waiting:
        elvedal = enrolment.unit.municipality.name == "Elvedal kommune"
        own, other = ("hr@demo.kommune.no", FJORDNES_HR)[:: 1 if elvedal else -1]
        assert has_enrolment_perm(user(own), "enrolment.decide", enrolment)
        assert not has_enrolment_perm(user(other), "enrolment.decide", enrolment)
        assert enrolment.cycle is None
        assert (timezone.localdate() - timezone.localdate(enrolment.applied_at)).days <= 10


@pytest.mark.parametrize(
    "email",
    [
        "hr@demo.kommune.no",
        FJORDNES_HR,
        "kommunalsjef@demo.kommune.no",
        "leder@demo.kommune.no",
        "ansatt@demo.kommune.no",
        "tillitsvalgt@demo.kommune.no",
        "vert@demo.kommune.no",
    ],
)
def test_demo_logins_see_the_programme(programme, email):
    assert has_programme_perm(user(email), "programme.view", programme)


def test_held_startup_gathering_with_attendance(programme):
    startup = programme.gatherings.get(kind=Gathering.Kind.STARTUP)
    assert startup.network is None
    assert startup.is_held
    assert startup.place == "Elvedal rådhus, kommunestyresalen"
    held_on = timezone.localdate(startup.starts_at)
    assert 30 <= (timezone.localdate() - held_on).days <= 40
    assert startup.status_reports_due < held_on
    kinds = set(startup.agenda.values_list("kind", flat=True))
    assert {
        AgendaItem.Kind.INFORMATION,
        AgendaItem.Kind.EXPERT_INPUT,
        AgendaItem.Kind.GROUP_WORK,
        AgendaItem.Kind.REFLECTION,
    } <= kinds
    teams = services.expected_attendees(startup)
    assert len(teams) == 12
    assert sum(not team.came for team in teams) == 1
    assert 1 <= sum(team.came_without_leader for team in teams) <= 2
    for team in teams:
        assert set(team.present) <= {member.user_id for member in team.team_list}
    tasks = list(startup.bring_home_tasks.all())
    assert len(tasks) == 12
    confirmed = [task for task in tasks if task.confirmed_at]
    assert confirmed
    assert all(task.confirmed_by in task.enrolment.unit.leaders() for task in confirmed)
    assert [task for task in tasks if task.is_overdue]
    reports = StatusReport.objects.filter(gathering=startup)
    assert 8 <= reports.count() <= 11
    assert all(timezone.localdate(r.created_at) <= startup.status_reports_due for r in reports)


def test_upcoming_network_gatherings_with_agenda_and_prework(programme):
    today = timezone.localdate()
    gatherings = programme.gatherings.filter(kind=Gathering.Kind.NETWORK)
    assert {g.network.name for g in gatherings} == {"Nettverk Nord", "Nettverk Sør"}
    assert any(g.video_link for g in gatherings)
    for gathering in gatherings:
        meets = timezone.localdate(gathering.starts_at)
        assert 13 <= (meets - today).days <= 22
        assert not gathering.is_held
        assert today < gathering.status_reports_due < meets
        slots = gathering.agenda.filter(kind=AgendaItem.Kind.STATUS_ROUND)
        assert {slot.enrolment_id for slot in slots} == set(
            gathering.invited().values_list("pk", flat=True)
        )
        assert len(slots) == 6
        assert gathering.agenda.filter(kind=AgendaItem.Kind.CRITICAL_FRIEND).exists()
        materials = gathering.materials.all()
        assert materials
        assert all(m.url.startswith("https://") and not m.file for m in materials)
        prework = gathering.prework.get()
        assert prework.due_date < meets
        assert prework.recipients().count() == 6
        assert 1 <= prework.submissions.count() < 6
        assert gathering.status_reports.exists()


def test_submissions_in_several_states(programme):
    survey = programme.assignments.get(title="Kartlegg behov i egen enhet")
    assert survey.gathering is None and survey.network is None and survey.enrolment is None
    assert 5 <= (timezone.localdate() - survey.due_date).days <= 10
    submissions = list(survey.submissions.select_related("assignment"))
    assert {
        Submission.State.SUBMITTED,
        Submission.State.SEEN,
        Submission.State.COMMENTED,
    } <= {s.state for s in submissions}
    assert [s for s in submissions if not s.on_time]
    assert survey.recipients().count() - len(submissions) >= 1
    now = timezone.now()
    for submission in submissions:
        assert submission.submitted_at < now
        assert submission.submitted_by in submission.enrolment.unit.people()
        if submission.seen_at:
            assert submission.submitted_at < submission.seen_at < now
        if submission.feedback:
            assert submission.feedback_by == user("hr@demo.kommune.no")
            assert submission.seen_at <= submission.feedback_at < now


def test_overview_shows_every_bottleneck(programme):
    result = overview.build(programme, Q())
    assert len(result.enrolments) == 12
    assert result.stuck
    assert result.visits_without_feedback
    assert result.missing_reports
    assert result.without_leader
    # Only the leader who has been away, not the demo logins' units.
    assert [e.unit.name for e in result.inactive_leaders] == ["Fjordnes heimeteneste"]
    assert sum(1 for _phase, count in result.phase_counts if count) >= 3
    startup = result.attendance[0]
    assert (startup["invited"], startup["present"]) == (12, 11)
    assert any(row["overdue"] for row in result.assignments)


def test_demo_programme_is_valid(programme):
    for model in (
        Programme,
        Network,
        Enrolment,
        TeamMember,
        Gathering,
        AgendaItem,
        Material,
        Attendance,
        Assignment,
        Submission,
        StatusReport,
        BringHomeTask,
    ):
        objects = model.objects.all()
        assert objects.exists(), model
        for obj in objects:
            obj.full_clean()
    for member in TeamMember.objects.select_related("enrolment__unit", "user"):
        assert member.user.municipality == member.enrolment.unit.municipality


# Reminders and notifications

LEDER = "leder@demo.kommune.no"
VERT = "vert@demo.kommune.no"
N = Notification.Status
OCCASION = re.compile(r"(\d{4}-\d{2}-\d{2})([+-])(\d+)")


@pytest.fixture
def committed(db, settings, django_capture_on_commit_callbacks, mailoutbox):
    """Seeded as the command does it outside a test: the transaction commits and its
    on-commit callbacks run, among them the sender the seed's visit events wake (eagerly,
    as without Redis)."""
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("seed_demo", stdout=StringIO())
    assert callbacks
    return mailoutbox


def digest_due(person: User):
    return Notification.objects.filter(
        recipient=person,
        status=N.PENDING,
        delivery=Delivery.DAILY,
        send_after__lte=timezone.now(),
    )


def test_leders_daily_digest_is_due_and_was_not_sent_at_commit(committed):
    leder = user(LEDER)
    due = digest_due(leder)
    assert due.count() >= 2
    assert {Kind.TASK_DUE, Kind.TASK_OVERDUE} <= set(due.values_list("kind", flat=True))
    # The send at commit went out (visit events), but left the digest waiting.
    assert committed
    assert not [message for message in committed if leder.email in message.to]


def test_send_due_after_the_seed_sends_leder_one_digest(committed):
    leder = user(LEDER)
    due = list(digest_due(leder))
    committed.clear()
    outbox.send_due()
    mine = [message for message in committed if message.to == [leder.email]]
    assert len(mine) == 1
    body = mine[0].body
    with translation.override(leder.preferred_language):
        assert mine[0].subject == f"{len(due)} påminnelser fra Kollegalæring"
        for row in due:
            assert reminders.RULES[row.kind].text(row.params) in body
            assert row.url in body
    statuses = Notification.objects.filter(pk__in=[row.pk for row in due])
    assert set(statuses.values_list("status", flat=True)) == {N.SENT}


def test_running_twice_changes_no_notifications(committed, django_capture_on_commit_callbacks):
    def rows():
        return list(Notification.objects.order_by("pk").values_list("pk", "status", "send_after"))

    before = rows()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    assert rows() == before
    assert digest_due(user(LEDER)).count() >= 2


def test_the_seed_ran_the_real_sweep(seeded):
    assert reminders.sweep() == 0
    pending = set(Notification.objects.filter(status=N.PENDING).values_list("kind", flat=True))
    assert {
        Kind.PHASE_DUE,
        Kind.TASK_DUE,
        Kind.TASK_OVERDUE,
        Kind.IDEA_UNANSWERED,
        Kind.FEEDBACK_NOT_SENT,
        Kind.ASSIGNMENT_OVERDUE,
    } <= pending


def test_notifications_say_what_the_rules_say(seeded):
    rows = Notification.objects.select_related("recipient")
    assert rows.count() >= 30
    now = timezone.now()
    for row in rows:
        rule = reminders.RULES[row.kind]
        for language in ("nb", "nn"):
            with translation.override(language):
                assert rule.text(row.params)
        assert resolve(row.url.split("#")[0])
        if rule.timing != reminders.EVENT:
            anchor, sign, days = OCCASION.fullmatch(row.occasion).groups()
            assert sign == ("-" if rule.timing == reminders.BEFORE else "+")
            setting = reminders.settings_for(row.recipient.municipality_id)[row.kind]
            assert int(days) in setting.days
            assert anchor == row.params["date"]
        assert row.delivery == outbox.delivery_for([row.recipient_id], row.kind)[row.recipient_id]
        assert row.created_at <= now
        assert row.sent_at is None or row.created_at <= row.sent_at <= now
        assert row.read_at is None or row.sent_at <= row.read_at <= now
        assert (row.sent_at is not None) == (row.status == N.SENT)


def test_demo_logins_have_notifications_in_every_state(seeded):
    leder, vert = user(LEDER), user(VERT)
    mine = Notification.objects.filter(recipient=leder)
    assert mine.filter(status=N.SENT, read_at__isnull=False).exists()
    assert mine.filter(status=N.SENT, read_at__isnull=True).exists()
    assert mine.filter(status=N.PENDING, delivery=Delivery.DAILY).count() >= 2
    hers = Notification.objects.filter(recipient=vert)
    assert hers.filter(status=N.PENDING, delivery=Delivery.WEEKLY).count() >= 2
    withdrawn = hers.get(status=N.WITHDRAWN)
    assert withdrawn.kind == Kind.TASK_DUE
    assert Task.objects.get(pk=withdrawn.object_id).status == Task.Status.DONE
    assert withdrawn.send_after > withdrawn.created_at
    for email in ("ansatt@demo.kommune.no", "tillitsvalgt@demo.kommune.no"):
        theirs = Notification.objects.filter(recipient__email=email, status=N.SENT)
        assert theirs.filter(read_at__isnull=False).exists()
        assert theirs.filter(read_at__isnull=True).exists()
    failed = Notification.objects.filter(status=N.FAILED)
    assert 1 <= failed.count() <= 2
    for row in failed:
        assert row.recipient.municipality.name == "Elvedal kommune"
        assert row.last_error.startswith(f"{row.recipient.email}: 550 5.1.1 ")
        assert row.sent_at is None and row.attempts == 1


def test_demo_logins_chose_how_they_get_notifications(seeded):
    def chosen(email, delivery):
        return set(
            NotificationPreference.objects.filter(user__email=email, delivery=delivery).values_list(
                "kind", flat=True
            )
        )

    assert len(chosen(LEDER, Delivery.DAILY)) >= len(Kind.values) - 2
    assert Kind.TASK_DUE in chosen(LEDER, Delivery.DAILY)
    assert Kind.PHASE_DUE in chosen(VERT, Delivery.WEEKLY)
    assert chosen("tillitsvalgt@demo.kommune.no", Delivery.OFF)


def test_quiet_periods_and_a_rule_of_fjordnes_own(seeded):
    today = timezone.localdate()
    christmas = QuietPeriod.objects.get(municipality__name="Elvedal kommune")
    assert christmas.name == "Juleferie"
    assert (christmas.starts_on.month, christmas.starts_on.day) == (12, 23)
    assert christmas.ends_on == christmas.starts_on.replace(
        year=christmas.starts_on.year + 1, month=1, day=1
    )
    assert today < christmas.starts_on <= today + datetime.timedelta(days=366)
    summer = QuietPeriod.objects.get(municipality__name="Fjordnes kommune")
    assert summer.name == "Sommarferie"
    assert today < summer.starts_on < summer.ends_on <= today + datetime.timedelta(days=366)
    setting = ReminderSetting.objects.get()
    assert setting.municipality.name == "Fjordnes kommune"
    assert (setting.kind, setting.enabled) == (Kind.GATHERING_SOON, True)
    assert reminders.parse_days(setting.days) == (2, 14)
    for obj in (christmas, summer, setting):
        obj.full_clean()


def test_hr_sees_the_emails_that_could_not_be_delivered(client, elvedal):
    client.force_login(user("hr@demo.kommune.no"))
    response = client.get(reverse("reminder_rules", args=[elvedal.pk]))
    assert response.status_code == 200
    failed = list(response.context["failed"])
    assert failed
    page = response.content.decode()
    assert "E-poster som ikke kunne leveres" in page
    for row in failed:
        assert escape(row.last_error) in page
        assert reverse("notification_retry", args=[row.pk]) in page


@pytest.mark.parametrize("email", LOGINS)
def test_demo_login_sees_its_notifications(client, seeded, email):
    person = user(email)
    client.force_login(person)
    response = client.get(reverse("notification_list"))
    assert response.status_code == 200
    page = response.content.decode()
    visible = Notification.objects.filter(recipient=person).exclude(status=N.WITHDRAWN)
    with translation.override(person.preferred_language):
        for row in visible[:30]:
            assert escape(reminders.RULES[row.kind].text(row.params)) in page
    assert client.get(reverse("notification_settings")).status_code == 200


# Evaluation


def test_the_demo_has_an_evaluated_cycle_answered_surveys_and_reports(seeded):
    from evaluation.models import Report, Survey
    from evaluation.results import outcome_statements, survey_results

    assert not Report.objects.exists()  # --without-reports
    call_command("seed_demo", stdout=StringIO())  # again, now with the reports

    cycle = Cycle.objects.get(title="Lesevenner – lesing som lek på SFO")
    assert cycle.status == Cycle.Status.COMPLETED
    assert cycle.evaluation.has_answers and cycle.evaluation.check_in_on
    assert cycle.indicators.count() == 2
    programme_surveys = Survey.objects.filter(programme__title=PROGRAMME)
    assert programme_surveys.count() == 2
    for survey in programme_surveys:
        assert not survey_results(survey).suppressed
    assert all(row.all_percent is not None for row in outcome_statements(programme_surveys))
    small = Survey.objects.get(title="Motivasjon i personalgruppa")
    assert survey_results(small).suppressed  # three answers: hidden
    reports = Report.objects.all()
    assert {(r.kind, r.status) for r in reports} == {
        ("cycle", "ready"),
        ("programme", "ready"),
        ("brief", "ready"),
    }
    assert all(r.file and r.size > 1000 for r in reports)


def test_hr_finds_a_waiting_deletion_request_and_the_audit_log(client, elvedal):
    from learning.models import AuditEvent

    leaver = User.objects.get(deletion_requested_at__isnull=False)
    assert leaver.municipality == elvedal and leaver.forgotten_at is None
    actions = set(AuditEvent.objects.filter(municipality=elvedal).values_list("action", flat=True))
    assert {AuditEvent.Action.DELETION_REQUESTED, AuditEvent.Action.EXPORT_DOWNLOADED} <= actions

    client.force_login(user("hr@demo.kommune.no"))
    requests_page = client.get(reverse("deletion_requests")).content.decode()
    assert reverse("deletion_request_detail", args=[leaver.pk]) in requests_page
    assert client.get(reverse("audit_log")).status_code == 200
