"""HTTP tests of the cycle pages: who may open and post to every cycle URL, a leader's way
from phase 1 to phase 4, htmx fragments, forms that keep what was typed, the privacy of
staff data, task status, and query counts that do not grow with the data.

Pages are in the person's language (bokmål here), and texts from the code are looked up
with ``shown()`` in the response's language, so the tests hold whether or not a text is
translated yet."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext
from stdnum.no import fodselsnummer

from learning import phases
from learning import urls as learning_urls
from learning.models import (
    Cycle,
    CycleEvent,
    Idea,
    IdeaVote,
    IntroductionMeeting,
    LearningPoint,
    Membership,
    NeedAgreement,
    Obstacle,
    PersonalGoal,
    Phase,
    PhasePlan,
    RepresentativeInvolvement,
    Task,
    TaskChange,
    User,
)
from tests.factories import MembershipFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
DAY = datetime.timedelta(days=1)


# Helpers ------------------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def text(response) -> str:
    return response.content.decode()


def in_language(response, message: str | Promise, **params) -> str:
    """``message`` (a msgid from the code, or a lazy label) in the response's language."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        result = str(message) if isinstance(message, Promise) else gettext(message)
    return result % params if params else result


def shown(response, message: str | Promise, **params) -> str:
    """``message`` as the page shows it: translated and HTML-escaped."""
    return escape(in_language(response, message, **params))


def section(html: str, element_id: str) -> str:
    """The ``<section id=...>`` (or the section labelled by ``element_id``) of a page."""
    match = re.search(
        rf'<section[^>]*(?:id|aria-labelledby)="{re.escape(element_id)}".*?</section>', html, re.S
    )
    assert match, f"no section {element_id!r} on the page"
    return match.group(0)


def is_fragment(response) -> bool:
    return "<html" not in text(response)


def start(world, *, title="Gode måltider", start_date=None, owner=None) -> Cycle:
    return phases.start_cycle(
        unit=world.unit,
        owner=owner or world.leader,
        title=title,
        start_date=start_date or today(),
        actor=world.leader,
    )


def fresh(cycle: Cycle) -> Cycle:
    return Cycle.objects.get(pk=cycle.pk)


def set_phase(cycle: Cycle, phase: int) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(current_phase=phase)


def add_learning_point(cycle: Cycle, title="Rolig start") -> LearningPoint:
    return LearningPoint.objects.create(
        cycle=cycle, title=title, observe="Hvordan de starter", learn="Ro", train="Øving"
    )


def colleague(world, name="Per Kollega") -> User:
    """A second staff member of the unit."""
    return MembershipFactory(unit=world.unit, role=Membership.Role.STAFF, user__full_name=name).user


def valid_national_id() -> str:
    """A fødselsnummer that passes both check digits (born 1 January 1990)."""
    for individual in range(100, 500):
        base = f"010190{individual:03d}"
        first = fodselsnummer.calc_check_digit1(base)
        second = fodselsnummer.calc_check_digit2(base + first)
        number = base + first + second
        if len(number) == 11 and fodselsnummer.is_valid(number):
            return number
    raise AssertionError("no valid fødselsnummer found")


def settings_data(cycle: Cycle, **changes) -> dict:
    """The settings form as the page sends it, with ``changes`` on top."""
    plans = list(cycle.phase_plans.order_by("phase"))
    data = {
        "title": cycle.title,
        "start_date": cycle.start_date.isoformat(),
        "form-TOTAL_FORMS": str(len(plans)),
        "form-INITIAL_FORMS": str(len(plans)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, plan in enumerate(plans):
        data[f"form-{index}-id"] = str(plan.pk)
        data[f"form-{index}-due_date"] = plan.due_date.isoformat() if plan.due_date else ""
        data[f"form-{index}-responsible"] = str(plan.responsible_id or "")
    data.update(changes)
    return data


def task_data(**changes) -> dict:
    data = {
        "description": "Lag kjøreplan for måltidene",
        "phase": "1",
        "responsible": "",
        "start_date": "",
        "due_date": "",
        "status": Task.Status.NOT_STARTED,
    }
    data.update(changes)
    return data


@pytest.fixture
def cycle(world) -> Cycle:
    """A new cycle of world.unit in phase 1, owned by world.leader."""
    return start(world)


# Permission matrix ---------------------------------------------------------------------

OK, DENIED, HIDDEN, LOGIN = "ok", 403, 404, "login"

# What each view checks, from the weakest to the strongest.
LEVELS = ["signed_in", "view", "participate", "contribute", "manage"]

# person -> outcome at each of LEVELS on a cycle of world.unit, written out by hand.
ROLE_TABLE = {
    #                    signed_in view    participate contribute manage
    "leader":            (OK,      OK,     OK,         OK,        OK),
    "enterprise_leader": (OK,      OK,     OK,         OK,        OK),
    "supporter":         (OK,      OK,     OK,         OK,        DENIED),
    "staff":             (OK,      OK,     OK,         DENIED,    DENIED),
    "union_rep":         (OK,      OK,     OK,         DENIED,    DENIED),
    "safety_rep":        (OK,      OK,     OK,         DENIED,    DENIED),
    "hr":                (OK,      OK,     DENIED,     DENIED,    DENIED),
    "senior":            (OK,      OK,     DENIED,     DENIED,    DENIED),
    "sibling_leader":    (OK,      HIDDEN, HIDDEN,     HIDDEN,    HIDDEN),
    "outsider_leader":   (OK,      HIDDEN, HIDDEN,     HIDDEN,    HIDDEN),
    "outsider_hr":       (OK,      HIDDEN, HIDDEN,     HIDDEN,    HIDDEN),
    "no_role":           (OK,      HIDDEN, HIDDEN,     HIDDEN,    HIDDEN),
    "superuser":         (OK,      OK,     OK,         OK,        OK),
    "anonymous":         (LOGIN,   LOGIN,  LOGIN,      LOGIN,     LOGIN),
}  # fmt: skip


@dataclass
class Scene:
    """A cycle of world.unit with one of every kind of record the URLs point at."""

    world: object
    cycle: Cycle
    idea: Idea
    point: LearningPoint
    meeting: IntroductionMeeting
    involvement: RepresentativeInvolvement
    task: Task  # the leader is responsible

    def goal_of(self, user: User | None) -> PersonalGoal:
        return PersonalGoal.objects.create(
            learning_point=self.point, user=user or self.world.leader, text="Mitt mål"
        )


@pytest.fixture
def scene(world) -> Scene:
    cycle = start(world)
    Cycle.objects.filter(pk=cycle.pk).update(learning_need="Roligere måltider")
    return Scene(
        world=world,
        cycle=fresh(cycle),
        idea=Idea.objects.create(cycle=cycle, author=world.staff, text="Dempet lys ved maten"),
        point=add_learning_point(cycle),
        meeting=IntroductionMeeting.objects.create(
            cycle=cycle, held_on=today(), other_attendees="Vikarer"
        ),
        involvement=RepresentativeInvolvement.objects.create(
            cycle=cycle, name="Tor", role="union_rep", involved_on=today()
        ),
        task=cycle.tasks.get(phase=1, position=0),
    )


@dataclass(frozen=True)
class Endpoint:
    id: str
    method: str
    level: str
    ok_status: int  # what a person allowed to do it gets with the data below
    url: Callable[[Scene, User | None], str]
    data: Callable[[Scene, User | None], dict] | None = None


def _cycle_url(name: str, *extra) -> Callable[[Scene, User | None], str]:
    return lambda s, user: reverse(name, args=[s.cycle.pk, *extra])


ENDPOINTS = [
    # Pages
    Endpoint("cycle_dashboard", "GET", "signed_in", 200, lambda s, u: reverse("cycle_dashboard")),
    Endpoint(
        "cycle_dashboard-chosen",
        "GET",
        "contribute",
        200,
        lambda s, u: reverse("cycle_dashboard") + f"?cycle={s.cycle.pk}",
    ),
    Endpoint("cycle_detail", "GET", "view", 200, _cycle_url("cycle_detail")),
    Endpoint(
        "cycle_start-get",
        "GET",
        "manage",
        200,
        lambda s, u: reverse("cycle_start", args=[s.cycle.unit_id]),
    ),
    Endpoint("cycle_settings-get", "GET", "manage", 200, _cycle_url("cycle_settings")),
    Endpoint("idea_create-get", "GET", "participate", 200, _cycle_url("idea_create")),
    *(
        Endpoint(
            f"phase_detail-{phase}", "GET", "contribute", 200, _cycle_url("phase_detail", phase)
        )
        for phase in (1, 2, 3, 4, 7)
    ),
    Endpoint(
        "learning_point_edit-get",
        "GET",
        "contribute",
        200,
        lambda s, u: reverse("learning_point_edit", args=[s.cycle.pk, s.point.pk]),
    ),
    Endpoint("plan", "GET", "view", 200, _cycle_url("plan")),
    Endpoint("task_item", "GET", "view", 200, lambda s, u: reverse("task_item", args=[s.task.pk])),
    Endpoint(
        "task_edit-get",
        "GET",
        "contribute",
        200,
        lambda s, u: reverse("task_edit", args=[s.task.pk]),
    ),
    # Starting, settings and moving the cycle
    Endpoint(
        "cycle_start-post",
        "POST",
        "manage",
        302,
        lambda s, u: reverse("cycle_start", args=[s.cycle.unit_id]),
        lambda s, u: {
            "title": "Neste syklus",
            "owner": s.world.leader.pk,
            "start_date": today().isoformat(),
        },
    ),
    Endpoint(
        "cycle_settings-post",
        "POST",
        "manage",
        302,
        _cycle_url("cycle_settings"),
        lambda s, u: settings_data(s.cycle, title="Nytt navn"),
    ),
    Endpoint(
        "cycle_advance",
        "POST",
        "manage",
        302,
        _cycle_url("cycle_advance"),
        lambda s, u: {"reason": "Vi går videre"},
    ),
    # phase 1 has no earlier phase, so the form fails: the status shows the check passed
    Endpoint(
        "cycle_reopen",
        "POST",
        "manage",
        422,
        _cycle_url("cycle_reopen"),
        lambda s, u: {"phase": "1", "reason": "Igjen"},
    ),
    Endpoint(
        "cycle_status",
        "POST",
        "manage",
        302,
        _cycle_url("cycle_status"),
        lambda s, u: {"status": Cycle.Status.PAUSED, "reason": ""},
    ),
    Endpoint(
        "cycle_owner",
        "POST",
        "manage",
        302,
        _cycle_url("cycle_owner"),
        lambda s, u: {"owner": s.world.enterprise_leader.pk, "reason": "Permisjon"},
    ),
    # Staff: ideas, support, agreement, goals
    Endpoint(
        "idea_create-post",
        "POST",
        "participate",
        302,
        _cycle_url("idea_create"),
        lambda s, u: {"text": "Felles måltid med personalet", "source": "staff_idea"},
    ),
    Endpoint(
        "idea_vote", "POST", "participate", 302, lambda s, u: reverse("idea_vote", args=[s.idea.pk])
    ),
    Endpoint(
        "need_agreement",
        "POST",
        "participate",
        302,
        _cycle_url("need_agreement"),
        lambda s, u: {"agrees": "yes"},
    ),
    Endpoint(
        "goal_create",
        "POST",
        "participate",
        302,
        lambda s, u: reverse("goal_create", args=[s.cycle.pk, s.point.pk]),
        lambda s, u: {"text": "Jeg vil snakke roligere"},
    ),
    Endpoint(
        "goal_delete",  # each person deletes a goal of their own
        "POST",
        "participate",
        302,
        lambda s, u: reverse("goal_delete", args=[s.cycle.pk, s.goal_of(u).pk]),
    ),
    # Phase work
    Endpoint(
        "statement",
        "POST",
        "contribute",
        302,
        _cycle_url("statement"),
        lambda s, u: {"what": "Ro", "why": "Trivsel", "how": "Fagmøter", "plan_links": ""},
    ),
    Endpoint(
        "participation",
        "POST",
        "contribute",
        302,
        _cycle_url("participation"),
        lambda s, u: {
            "participation_decided_on": today().isoformat(),
            "participation_how": "Personalmøte",
        },
    ),
    Endpoint(
        "meeting_create",
        "POST",
        "contribute",
        302,
        _cycle_url("meeting_create"),
        lambda s, u: {"held_on": today().isoformat(), "other_attendees": "Vikarer"},
    ),
    Endpoint(
        "meeting_delete",
        "POST",
        "contribute",
        302,
        lambda s, u: reverse("meeting_delete", args=[s.cycle.pk, s.meeting.pk]),
    ),
    Endpoint(
        "representative_create",
        "POST",
        "contribute",
        302,
        _cycle_url("representative_create"),
        lambda s, u: {"name": "Vera", "role": "safety_rep", "involved_on": today().isoformat()},
    ),
    Endpoint(
        "representative_delete",
        "POST",
        "contribute",
        302,
        lambda s, u: reverse("representative_delete", args=[s.cycle.pk, s.involvement.pk]),
    ),
    Endpoint(
        "idea_answer",
        "POST",
        "contribute",
        302,
        lambda s, u: reverse("idea_answer", args=[s.idea.pk]),
        lambda s, u: {"response": Idea.Response.VALUED, "reply": "Takk!"},
    ),
    Endpoint(
        "need_choose",
        "POST",
        "manage",
        302,
        _cycle_url("need_choose"),
        lambda s, u: {"learning_need": "Ro ved bordet", "learning_need_source": "staff_idea"},
    ),
    Endpoint(
        "focus_question",
        "POST",
        "contribute",
        302,
        _cycle_url("focus_question"),
        lambda s, u: {"focus_question": "Hvordan skaper de ro?"},
    ),
    Endpoint(
        "learning_point_create",
        "POST",
        "contribute",
        302,
        _cycle_url("learning_point_create"),
        lambda s, u: {"title": "Musikk", "observe": "Lyd", "learn": "Ro", "train": "Øve"},
    ),
    Endpoint(
        "learning_point_edit-post",
        "POST",
        "contribute",
        302,
        lambda s, u: reverse("learning_point_edit", args=[s.cycle.pk, s.point.pk]),
        lambda s, u: {"title": "Ny tittel", "observe": "Lyd", "learn": "Ro", "train": "Øve"},
    ),
    Endpoint(
        "learning_point_delete",
        "POST",
        "contribute",
        302,
        lambda s, u: reverse("learning_point_delete", args=[s.cycle.pk, s.point.pk]),
    ),
    # The plan
    Endpoint(
        "task_create",
        "POST",
        "contribute",
        302,
        _cycle_url("task_create"),
        lambda s, u: task_data(),
    ),
    Endpoint(
        "task_edit-post",
        "POST",
        "contribute",
        302,
        lambda s, u: reverse("task_edit", args=[s.task.pk]),
        lambda s, u: task_data(description="Endret oppgave"),
    ),
    Endpoint(
        "task_status",  # the leader is responsible, so others need contribute
        "POST",
        "contribute",
        302,
        lambda s, u: reverse("task_status", args=[s.task.pk]),
        lambda s, u: {"status": Task.Status.DONE},
    ),
    Endpoint(
        "obstacle_create",
        "POST",
        "contribute",
        302,
        _cycle_url("obstacle_create"),
        lambda s, u: {"description": "Sykdom", "occurred_on": today().isoformat()},
    ),
]

MATRIX = [
    pytest.param(endpoint, person, id=f"{endpoint.id}-{person}")
    for endpoint in ENDPOINTS
    for person in ROLE_TABLE
]


def state(cycle: Cycle) -> tuple:
    """Everything a post could change, to show that a refused one changed nothing."""
    models = [
        Cycle,
        CycleEvent,
        PhasePlan,
        Idea,
        IdeaVote,
        NeedAgreement,
        LearningPoint,
        PersonalGoal,
        IntroductionMeeting,
        RepresentativeInvolvement,
        Task,
        TaskChange,
        Obstacle,
    ]
    return (
        Cycle.objects.filter(pk=cycle.pk).values().get(),
        {model.__name__: model.objects.count() for model in models},
        list(Task.objects.values_list("pk", "description", "status", "responsible_id")),
        list(Idea.objects.values_list("pk", "response", "reply")),
        list(LearningPoint.objects.values_list("pk", "title")),
        list(PhasePlan.objects.values_list("pk", "due_date", "responsible_id")),
    )


CYCLE_ROUTES = ("cycles/", "units/<int:unit_pk>/cycles/", "ideas/", "tasks/")
# Cycle URLs for phases 4-6 and visits have their own matrix in tests/test_visits.py.
VISIT_AND_PHASE_4_6_URLS = {
    "source_create",
    "source_delete",
    "host_choose",
    "sharing_session_create",
    "conclusion_create",
    "practice_log_create",
    "decision_save",
    "visit_request",
    # and reflections in tests/test_reflections.py
    "reflection_new",
    "reflection_autosave",
    "reflection_board",
}


def test_matrix_covers_every_person_and_every_cycle_url(world):
    people = set(world.__dataclass_fields__) - {"unit", "sibling", "other_unit"}
    assert set(ROLE_TABLE) == people | {"anonymous"}
    cycle_urls = {
        pattern.name
        for pattern in learning_urls.urlpatterns
        if str(pattern.pattern).startswith(CYCLE_ROUTES)
    } - VISIT_AND_PHASE_4_6_URLS
    assert len(cycle_urls) == 32
    assert {endpoint.id.split("-")[0] for endpoint in ENDPOINTS} == cycle_urls


@pytest.mark.parametrize(("endpoint", "person"), MATRIX)
def test_permission_matrix(client, world, scene, endpoint, person):
    user = None if person == "anonymous" else world.person(person)
    url = endpoint.url(scene, user)
    if user is not None:
        client.force_login(user)
    before = state(scene.cycle)
    if endpoint.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, endpoint.data(scene, user) if endpoint.data else {})

    expected = ROLE_TABLE[person][LEVELS.index(endpoint.level)]
    if expected == OK:
        assert response.status_code == endpoint.ok_status, text(response)[:2000]
        return
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    else:
        assert response.status_code == expected
    assert state(scene.cycle) == before, "a refused request changed something"


POST_ONLY = [e for e in ENDPOINTS if e.method == "POST" and not e.id.endswith("-post")]
GET_ONLY = [e for e in ENDPOINTS if e.method == "GET" and not e.id.endswith("-get")]


@pytest.mark.parametrize("endpoint", POST_ONLY, ids=[e.id for e in POST_ONLY])
def test_get_on_a_post_only_url_is_405(client, world, scene, endpoint):
    client.force_login(world.leader)
    url = endpoint.url(scene, world.leader)
    before = state(scene.cycle)
    assert client.get(url).status_code == 405
    assert state(scene.cycle) == before


@pytest.mark.parametrize("endpoint", GET_ONLY, ids=[e.id for e in GET_ONLY])
def test_post_on_a_read_only_url_is_405(client, world, scene, endpoint):
    client.force_login(world.leader)
    assert client.post(endpoint.url(scene, world.leader)).status_code == 405


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_405(client, world, scene, method):
    client.force_login(world.leader)
    for name, args in [
        ("cycle_settings", [scene.cycle.pk]),
        ("task_edit", [scene.task.pk]),
        ("cycle_advance", [scene.cycle.pk]),
    ]:
        assert getattr(client, method)(reverse(name, args=args)).status_code == 405


@pytest.mark.parametrize("phase", [0, 8, 99])
def test_a_phase_that_does_not_exist_is_404(client, world, scene, phase):
    client.force_login(world.leader)
    assert client.get(reverse("phase_detail", args=[scene.cycle.pk, phase])).status_code == 404


@pytest.mark.parametrize("value", ["abc", "", "999999"])
def test_dashboard_with_a_bad_cycle_parameter_is_404(client, world, scene, value):
    client.force_login(world.leader)
    assert client.get(reverse("cycle_dashboard"), {"cycle": value}).status_code == 404


def test_a_cycle_that_does_not_exist_is_404(client, world, scene):
    client.force_login(world.superuser)
    for name in ["cycle_detail", "plan", "cycle_settings"]:
        assert client.get(reverse(name, args=[scene.cycle.pk + 100])).status_code == 404


def test_another_cycles_records_are_404_through_this_cycle(client, world, scene):
    """A learning point, meeting or goal of one cycle cannot be reached through another."""
    other = start(world, title="Annen syklus")
    goal = scene.goal_of(world.leader)
    client.force_login(world.leader)
    assert (
        client.get(reverse("learning_point_edit", args=[other.pk, scene.point.pk])).status_code
        == 404
    )
    before = state(scene.cycle)
    for url in [
        reverse("goal_create", args=[other.pk, scene.point.pk]),
        reverse("learning_point_edit", args=[other.pk, scene.point.pk]),
        reverse("learning_point_delete", args=[other.pk, scene.point.pk]),
        reverse("meeting_delete", args=[other.pk, scene.meeting.pk]),
        reverse("representative_delete", args=[other.pk, scene.involvement.pk]),
        reverse("goal_delete", args=[other.pk, goal.pk]),
    ]:
        assert client.post(url, {"text": "x", "title": "x"}).status_code == 404, url
    assert state(scene.cycle) == before


def test_need_choose_refuses_an_idea_of_another_cycle(client, world, scene):
    other = start(world, title="Annen syklus")
    foreign = Idea.objects.create(cycle=other, author=world.staff, text="Fremmed idé")
    client.force_login(world.leader)
    response = client.post(
        reverse("need_choose", args=[scene.cycle.pk]),
        {"idea": foreign.pk, "learning_need": "", "learning_need_source": "staff_idea"},
    )
    assert response.status_code == 422
    assert fresh(scene.cycle).learning_need_idea_id is None


# The way from phase 1 to phase 4 ----------------------------------------------------


def advance(client, cycle, reason=""):
    return client.post(reverse("cycle_advance", args=[cycle.pk]), {"reason": reason})


def timeline(response) -> str:
    return section(text(response), "timeline-heading")


def test_journey_from_phase_1_to_phase_4(client, world):
    client.force_login(world.leader)

    # Start the cycle from the form
    start_url = reverse("cycle_start", args=[world.unit.pk])
    assert client.get(start_url).status_code == 200
    response = client.post(
        start_url,
        {"title": "Gode måltider", "owner": world.leader.pk, "start_date": today().isoformat()},
    )
    cycle = Cycle.objects.get(title="Gode måltider")
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle_detail", args=[cycle.pk])
    assert (cycle.unit, cycle.owner, cycle.current_phase) == (world.unit, world.leader, 1)

    # The cycle page lists what phase 1 still needs
    page = client.get(reverse("cycle_detail", args=[cycle.pk]))
    requirements = phases.REQUIREMENTS[Phase.ANCHORING]
    assert page.context["current"].missing == [in_language(page, r.label) for r in requirements]
    current = section(text(page), "current-heading")
    for requirement in requirements:
        assert shown(page, requirement.label) in current
    assert shown(page, "Missing before the phase is complete") in current

    # Moving on without a reason fails, says why, and changes nothing
    response = advance(client, cycle)
    assert response.status_code == 422
    assert shown(
        response,
        "This phase is not complete yet. Finish what is missing, or write why the unit "
        "moves on anyway.",
    ) in text(response)
    assert fresh(cycle).current_phase == 1
    assert list(cycle.events.values_list("kind", flat=True)) == [CycleEvent.Kind.STARTED]

    # Phase 1's work: the what/why/how, the participation decision, a meeting
    phase_1 = reverse("phase_detail", args=[cycle.pk, 1])
    response = client.post(
        reverse("statement", args=[cycle.pk]),
        {
            "what": "Rolige måltider",
            "why": "Beboerne spiser mer",
            "how": "Fagmøter",
            "plan_links": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{phase_1}#statement"
    response = client.post(
        reverse("participation", args=[cycle.pk]),
        {
            "participation_decided_on": today().isoformat(),
            "participation_how": "Drøftet på personalmøtet",
            "supporters": [world.supporter.pk],
            "group_agreement": "",
        },
    )
    assert response.status_code == 302
    assert list(fresh(cycle).supporters.all()) == [world.supporter]
    response = client.post(
        reverse("meeting_create", args=[cycle.pk]),
        {"held_on": today().isoformat(), "attendees": [world.staff.pk, world.union_rep.pk]},
    )
    assert response.status_code == 302
    meeting = cycle.introduction_meetings.get()
    assert set(meeting.attendees.all()) == {world.staff, world.union_rep}

    page = client.get(phase_1)
    assert page.context["phase"].missing == []
    assert shown(page, "Everything this phase needs is in place.") in text(page)
    assert world.staff.full_name in section(text(page), "meetings")

    # Complete: moving on needs no reason
    response = advance(client, cycle)
    assert response.status_code == 302
    assert fresh(cycle).current_phase == 2
    event = cycle.events.get(kind=CycleEvent.Kind.ADVANCED)
    assert (event.from_phase, event.to_phase, event.reason, event.missing) == (1, 2, "", "")
    assert event.actor == world.leader

    # Phase 2: a staff member shares an idea ...
    client.force_login(world.staff)
    response = client.post(
        reverse("idea_create", args=[cycle.pk]),
        {"text": "Vi kan dempe lyset ved middagen", "source": "staff_idea", "category": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle_detail", args=[cycle.pk])
    idea = cycle.ideas.get()
    assert idea.author == world.staff

    # ... the leader sees it with the author's name, and answers it
    client.force_login(world.leader)
    page = client.get(reverse("phase_detail", args=[cycle.pk, 2]))
    ideas = section(text(page), "ideas")
    assert "Vi kan dempe lyset ved middagen" in ideas
    assert world.staff.full_name in ideas
    response = client.post(
        reverse("idea_answer", args=[idea.pk]),
        {"response": Idea.Response.VALUED, "reply": "Godt forslag, vi prøver det i mai."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("phase_detail", args=[cycle.pk, 2])
    idea.refresh_from_db()
    assert (idea.response, idea.responded_by) == (Idea.Response.VALUED, world.leader)

    # ... and the staff member sees the answer on their cycle page
    client.force_login(world.staff)
    page = client.get(reverse("cycle_detail", args=[cycle.pk]))
    assert "learning/cycles/staff.html" in [t.name for t in page.templates]
    mine = section(text(page), "my-ideas-heading")
    assert "Vi kan dempe lyset ved middagen" in mine
    assert shown(page, Idea.Response.VALUED.label) in mine
    assert "Godt forslag, vi prøver det i mai." in mine

    # The leader takes the need from the idea and moves on
    client.force_login(world.leader)
    response = client.post(
        reverse("need_choose", args=[cycle.pk]),
        {"idea": idea.pk, "learning_need": "", "learning_need_source": "staff_idea"},
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.learning_need, cycle.learning_need_idea) == (idea.text, idea)
    assert advance(client, cycle).status_code == 302
    assert fresh(cycle).current_phase == 3

    # Phase 3: focus question and a learning point
    assert (
        client.post(
            reverse("focus_question", args=[cycle.pk]),
            {"focus_question": "Hvordan skaper de ro ved bordet?"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("learning_point_create", args=[cycle.pk]),
            {"title": "Lys og lyd", "observe": "Belysning", "learn": "Ro", "train": "Prøve"},
        ).status_code
        == 302
    )
    assert advance(client, cycle).status_code == 302
    assert fresh(cycle).current_phase == 4

    # The timeline has every step, in the database and on the page
    rows = list(
        cycle.events.order_by("created_at", "pk").values_list("kind", "from_phase", "to_phase")
    )
    assert rows == [
        (CycleEvent.Kind.STARTED, None, 1),
        (CycleEvent.Kind.ADVANCED, 1, 2),
        (CycleEvent.Kind.ADVANCED, 2, 3),
        (CycleEvent.Kind.ADVANCED, 3, 4),
    ]
    page = client.get(reverse("cycle_detail", args=[cycle.pk]))
    events = timeline(page)
    assert events.count(shown(page, CycleEvent.Kind.ADVANCED.label)) == 3
    assert events.count(shown(page, CycleEvent.Kind.STARTED.label)) == 1
    assert events.count(world.leader.full_name) == 4
    assert page.context["current"].phase == Phase.BEST_PRACTICE


def test_override_from_phase_4_is_logged_with_reason_and_what_was_missing(client, world, cycle):
    set_phase(cycle, 4)
    client.force_login(world.leader)
    response = advance(client, cycle, "Vertsenheten er valgt på e-post")
    assert response.status_code == 302
    assert fresh(cycle).current_phase == 5
    event = cycle.events.get(kind=CycleEvent.Kind.OVERRIDDEN)
    assert (event.from_phase, event.to_phase, event.actor) == (4, 5, world.leader)
    assert event.reason == "Vertsenheten er valgt på e-post"
    page = client.get(reverse("cycle_detail", args=[cycle.pk]))
    assert event.missing == in_language(page, phases.REQUIREMENTS[4][0].label)
    events = timeline(page)
    assert shown(page, CycleEvent.Kind.OVERRIDDEN.label) in events
    assert "Vertsenheten er valgt på e-post" in events
    assert shown(page, phases.REQUIREMENTS[4][0].label) in events


def test_moving_on_anyway_is_offered_only_when_something_is_missing(client, world, cycle):
    client.force_login(world.leader)
    page = client.get(reverse("cycle_detail", args=[cycle.pk]))
    assert 'name="reason"' in section(text(page), "current-heading")
    set_phase(cycle, 2)
    Cycle.objects.filter(pk=cycle.pk).update(learning_need="Ro")
    page = client.get(reverse("cycle_detail", args=[cycle.pk]))
    assert 'name="reason"' not in section(text(page), "current-heading")


def test_reopen_with_a_reason_is_logged_and_shown(client, world, cycle):
    set_phase(cycle, 4)
    client.force_login(world.leader)
    response = client.post(
        reverse("cycle_reopen", args=[cycle.pk]),
        {"phase": "3", "reason": "Vi trenger et læringspunkt til"},
    )
    assert response.status_code == 302
    assert fresh(cycle).current_phase == 3
    event = cycle.events.get(kind=CycleEvent.Kind.REOPENED)
    assert (event.from_phase, event.to_phase, event.reason) == (
        4,
        3,
        "Vi trenger et læringspunkt til",
    )
    page = client.get(reverse("cycle_detail", args=[cycle.pk]))
    events = timeline(page)
    assert shown(page, CycleEvent.Kind.REOPENED.label) in events
    assert "Vi trenger et læringspunkt til" in events


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"phase": "2", "reason": "  "}, "reason"),
        ({"phase": "4", "reason": "Samme fase"}, "phase"),  # only a phase before the current
        ({"phase": "5", "reason": "For tidlig"}, "phase"),
    ],
)
def test_reopen_without_reason_or_to_a_later_phase_fails(client, world, cycle, data, field):
    set_phase(cycle, 4)
    client.force_login(world.leader)
    response = client.post(reverse("cycle_reopen", args=[cycle.pk]), data)
    assert response.status_code == 422
    form = response.context["reopen_form"]
    assert list(form.errors) == [field]
    assert form.data["reason"] == data["reason"]  # what was typed is shown again
    assert fresh(cycle).current_phase == 4
    assert not cycle.events.filter(kind=CycleEvent.Kind.REOPENED).exists()


def test_a_paused_cycle_cannot_move_on(client, world, cycle):
    client.force_login(world.leader)
    response = client.post(reverse("cycle_status", args=[cycle.pk]), {"status": "paused"})
    assert response.status_code == 302
    response = advance(client, cycle, "Likevel")
    assert response.status_code == 422
    # The advance form (and its error) gives way to a note that the cycle is paused
    paused = in_language(response, Cycle.Status.PAUSED.label).lower()
    assert shown(response, "The cycle is %(status)s. Resume it to move on.", status=paused) in (
        section(text(response), "current-heading")
    )
    assert fresh(cycle).current_phase == 1
    assert not cycle.events.filter(kind=CycleEvent.Kind.ADVANCED).exists()


def test_handing_over_is_logged_with_both_names(client, world, cycle):
    client.force_login(world.leader)
    response = client.post(
        reverse("cycle_owner", args=[cycle.pk]),
        {"owner": world.enterprise_leader.pk, "reason": "Permisjon"},
    )
    assert response.status_code == 302
    assert fresh(cycle).owner == world.enterprise_leader
    events = timeline(client.get(reverse("cycle_detail", args=[cycle.pk])))
    assert world.leader.full_name in events
    assert world.enterprise_leader.full_name in events
    assert "Permisjon" in events


def test_only_a_leader_of_the_unit_can_take_over(client, world, cycle):
    client.force_login(world.leader)
    response = client.post(
        reverse("cycle_owner", args=[cycle.pk]), {"owner": world.supporter.pk, "reason": ""}
    )
    assert response.status_code == 422
    assert response.context["owner_form"].errors
    assert fresh(cycle).owner == world.leader


# htmx fragments ----------------------------------------------------------------------


def test_statement_with_htmx_returns_the_section_and_the_requirements_out_of_band(
    client, world, cycle
):
    client.force_login(world.leader)
    response = client.post(
        reverse("statement", args=[cycle.pk]),
        {"what": "Ro", "why": "Trivsel", "how": "Fagmøter", "plan_links": ""},
        **HTMX,
    )
    assert response.status_code == 200
    html = text(response)
    assert is_fragment(response)
    assert html.lstrip().startswith('<section class="section" id="statement"')
    assert shown(response, "Saved.") in section(html, "statement")
    requirements = section(html, "requirements")
    assert 'hx-swap-oob="true"' in requirements
    # the checklist is current: the statement is done, the rest still missing
    what_why_how = shown(response, phases.REQUIREMENTS[1][0].label)
    done, missing = requirements.split(shown(response, "Missing before the phase is complete"))
    assert what_why_how in done
    assert what_why_how not in missing
    assert shown(response, phases.REQUIREMENTS[1][2].label) in missing
    assert "HX-Request" in response["Vary"]
    assert fresh(cycle).what == "Ro"


def test_statement_without_htmx_redirects_to_the_phase_page(client, world, cycle):
    client.force_login(world.leader)
    response = client.post(
        reverse("statement", args=[cycle.pk]),
        {"what": "Ro", "why": "Trivsel", "how": "Fagmøter", "plan_links": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("phase_detail", args=[cycle.pk, 1]) + "#statement"
    page = client.get(response["Location"])
    assert shown(page, "The what, why and how are saved.") in text(page)


def test_an_invalid_section_with_htmx_is_a_422_fragment(client, world, cycle):
    client.force_login(world.leader)
    response = client.post(
        reverse("meeting_create", args=[cycle.pk]),
        {"held_on": today().isoformat(), "note": "Gikk bra"},
        **HTMX,
    )
    assert response.status_code == 422
    assert is_fragment(response)
    meetings = section(text(response), "meetings")
    assert shown(response, "Say who attended the meeting.") in meetings
    assert "Gikk bra" in meetings
    assert 'hx-swap-oob="true"' in section(text(response), "requirements")
    assert not cycle.introduction_meetings.exists()


def test_dashboard_with_htmx_returns_only_the_workspace(client, world, cycle):
    other = start(world, title="Bedre overleveringer", start_date=today() - 30 * DAY)
    client.force_login(world.leader)
    url = reverse("cycle_dashboard") + f"?cycle={other.pk}"
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    html = text(response)
    assert is_fragment(response)
    assert html.lstrip().startswith('<div id="workspace"')
    assert "Bedre overleveringer" in html
    assert 'id="units-heading"' not in html
    assert "HX-Request" in response["Vary"]

    full = client.get(url)
    assert "<html" in text(full)
    assert 'id="units-heading"' in text(full)
    assert "HX-Request" in full["Vary"]


def test_dashboard_without_a_cycle_chooses_my_newest_running_cycle(client, world, cycle):
    start(world, title="Eldre syklus", start_date=today() - 60 * DAY)
    client.force_login(world.leader)
    response = client.get(reverse("cycle_dashboard"))
    assert response.context["selected"] == cycle


def test_cycle_detail_with_htmx_is_the_workspace_but_history_restore_is_the_page(
    client, world, cycle
):
    client.force_login(world.leader)
    url = reverse("cycle_detail", args=[cycle.pk])
    assert is_fragment(client.get(url, **HTMX))
    restore = client.get(url, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert "<html" in text(restore)


@pytest.mark.parametrize(
    "url",
    [
        lambda c, t: reverse("cycle_dashboard"),
        lambda c, t: reverse("cycle_detail", args=[c.pk]),
        lambda c, t: reverse("task_edit", args=[t.pk]),
    ],
    ids=["dashboard", "cycle_detail", "task_edit"],
)
def test_pages_with_fragments_vary_on_the_htmx_header(client, world, cycle, url):
    client.force_login(world.leader)
    task = cycle.tasks.first()
    for headers in ({}, HTMX):
        response = client.get(url(cycle, task), **headers)
        assert response.status_code == 200
        assert "HX-Request" in response["Vary"]


def test_task_edit_with_htmx_gives_the_form_then_the_saved_task(client, world, cycle):
    task = cycle.tasks.get(phase=1, position=0)
    client.force_login(world.leader)
    url = reverse("task_edit", args=[task.pk])
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    html = text(response)
    assert is_fragment(response)
    assert html.lstrip().startswith(f'<li class="task task--editing" id="task-{task.pk}"')
    assert f'id="task{task.pk}_description"' in html  # ids unique per task in the plan
    assert escape(task.description) in html

    response = client.post(
        url,
        task_data(description="Skriv hva og hvorfor", responsible=world.supporter.pk),
        **HTMX,
    )
    assert response.status_code == 200
    html = text(response)
    assert is_fragment(response)
    assert html.startswith(f'<li class="task task--not_started" id="task-{task.pk}"')
    assert "Skriv hva og hvorfor" in html
    assert world.supporter.full_name in html
    task.refresh_from_db()
    assert (task.description, task.responsible) == ("Skriv hva og hvorfor", world.supporter)


def test_task_edit_without_htmx_is_a_page_and_redirects_to_the_plan(client, world, cycle):
    task = cycle.tasks.get(phase=1, position=0)
    client.force_login(world.leader)
    url = reverse("task_edit", args=[task.pk])
    assert "<html" in text(client.get(url))
    response = client.post(url, task_data(description="Ny tekst"))
    assert response.status_code == 302
    assert response["Location"] == reverse("plan", args=[cycle.pk]) + f"#task-{task.pk}"


def test_task_item_gives_the_task_back_to_cancel_an_edit(client, world, cycle):
    task = cycle.tasks.get(phase=1, position=0)
    client.force_login(world.leader)
    response = client.get(reverse("task_item", args=[task.pk]), **HTMX)
    assert response.status_code == 200
    assert text(response).startswith(f'<li class="task task--not_started" id="task-{task.pk}"')


def vote(client, idea, **headers):
    return client.post(reverse("idea_vote", args=[idea.pk]), **headers)


def test_voting_with_htmx_returns_the_idea_and_toggles_one_vote_each(client, world, cycle):
    idea = Idea.objects.create(cycle=cycle, author=world.leader, text="Felles bord")
    client.force_login(world.staff)
    response = vote(client, idea, **HTMX)
    assert response.status_code == 200
    html = text(response)
    assert is_fragment(response)
    assert html.startswith(f'<li class="idea" id="idea-{idea.pk}"')
    assert 'aria-pressed="true"' in html
    assert response.context["idea"].vote_count == 1
    assert list(idea.votes.values_list("user", flat=True)) == [world.staff.pk]

    client.force_login(world.supporter)
    assert vote(client, idea, **HTMX).context["idea"].vote_count == 2

    client.force_login(world.staff)
    response = vote(client, idea, **HTMX)  # again: the support is taken back
    assert 'aria-pressed="false"' in text(response)
    assert response.context["idea"].vote_count == 1
    assert list(idea.votes.values_list("user", flat=True)) == [world.supporter.pk]
    response = vote(client, idea, **HTMX)
    assert response.context["idea"].vote_count == 2
    assert IdeaVote.objects.filter(idea=idea, user=world.staff).count() == 1


def test_voting_without_htmx_redirects_to_the_cycle(client, world, cycle):
    idea = Idea.objects.create(cycle=cycle, author=world.leader, text="Felles bord")
    client.force_login(world.staff)
    response = vote(client, idea)
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle_detail", args=[cycle.pk])
    assert idea.votes.count() == 1


def test_answering_an_idea_with_htmx_returns_the_answered_idea(client, world, cycle):
    idea = Idea.objects.create(cycle=cycle, author=world.staff, text="Felles bord")
    client.force_login(world.leader)
    response = client.post(
        reverse("idea_answer", args=[idea.pk]),
        {"response": Idea.Response.PARKED, "reply": "Vi venter til høsten"},
        **HTMX,
    )
    assert response.status_code == 200
    assert is_fragment(response)
    assert shown(response, Idea.Response.PARKED.label) in text(response)
    assert "Vi venter til høsten" in text(response)


def test_answering_an_idea_without_a_response_keeps_the_reply(client, world, cycle):
    idea = Idea.objects.create(cycle=cycle, author=world.staff, text="Felles bord")
    client.force_login(world.leader)
    for headers in ({}, HTMX):
        response = client.post(
            reverse("idea_answer", args=[idea.pk]), {"reply": "Halvferdig svar"}, **headers
        )
        assert response.status_code == 422
        assert "Halvferdig svar" in text(response)
        assert is_fragment(response) == bool(headers)
    idea.refresh_from_db()
    assert (idea.response, idea.reply) == ("", "")


def test_answer_redirects_only_to_a_local_next_page(client, world, cycle):
    idea = Idea.objects.create(cycle=cycle, author=world.staff, text="Felles bord")
    client.force_login(world.leader)
    data = {"response": Idea.Response.VALUED, "reply": ""}
    dashboard = reverse("cycle_detail", args=[cycle.pk])
    response = client.post(reverse("idea_answer", args=[idea.pk]), {**data, "next": dashboard})
    assert response["Location"] == dashboard
    response = client.post(
        reverse("idea_answer", args=[idea.pk]), {**data, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("phase_detail", args=[cycle.pk, 2])


def test_need_agreement_with_htmx_returns_the_need_section(client, world, cycle):
    Cycle.objects.filter(pk=cycle.pk).update(learning_need="Roligere måltider")
    client.force_login(world.staff)
    response = client.post(reverse("need_agreement", args=[cycle.pk]), {"agrees": "no"}, **HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    assert text(response).lstrip().startswith('<section class="section" id="need"')
    assert NeedAgreement.objects.get(cycle=cycle, user=world.staff).agrees is False
    # changing one's mind updates the same answer
    client.post(reverse("need_agreement", args=[cycle.pk]), {"agrees": "yes"}, **HTMX)
    assert list(NeedAgreement.objects.values_list("user", "agrees")) == [(world.staff.pk, True)]


def test_need_agreement_before_a_need_is_chosen_is_refused(client, world, cycle):
    client.force_login(world.staff)
    response = client.post(reverse("need_agreement", args=[cycle.pk]), {"agrees": "yes"}, **HTMX)
    assert response.status_code == 422
    assert not NeedAgreement.objects.exists()


def test_goal_with_htmx_returns_the_learning_points_section(client, world, cycle):
    point = add_learning_point(cycle)
    client.force_login(world.staff)
    url = reverse("goal_create", args=[cycle.pk, point.pk])
    response = client.post(url, {"text": "Jeg vil snakke lavere"}, **HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    assert "Jeg vil snakke lavere" in section(text(response), "learning-points")
    goal = PersonalGoal.objects.get()
    response = client.post(reverse("goal_delete", args=[cycle.pk, goal.pk]), **HTMX)
    assert response.status_code == 200
    assert "Jeg vil snakke lavere" not in text(response)
    assert not PersonalGoal.objects.exists()


def test_an_empty_goal_is_refused_in_the_fragment(client, world, cycle):
    point = add_learning_point(cycle)
    client.force_login(world.staff)
    response = client.post(
        reverse("goal_create", args=[cycle.pk, point.pk]), {"text": "   "}, **HTMX
    )
    assert response.status_code == 422
    assert is_fragment(response)
    assert 'aria-invalid="true"' in text(response)
    assert not PersonalGoal.objects.exists()


# Bad input keeps what was typed ------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
@pytest.mark.parametrize("value", ["", "   \n  "], ids=["empty", "whitespace"])
def test_an_empty_focus_question_is_refused(client, world, cycle, headers, value):
    set_phase(cycle, 3)
    Cycle.objects.filter(pk=cycle.pk).update(
        learning_need="Roligere måltider", focus_question="Hvordan skaper de ro?"
    )
    add_learning_point(cycle, "Lys og lyd")
    client.force_login(world.leader)
    response = client.post(
        reverse("focus_question", args=[cycle.pk]), {"focus_question": value}, **headers
    )
    assert response.status_code == 422
    focus = section(text(response), "focus")
    assert shown(response, "Write the focus question before saving.") in focus
    assert 'aria-invalid="true"' in focus
    assert is_fragment(response) == bool(headers)
    # nothing else is lost: the saved question, the need and the learning points stay
    cycle = fresh(cycle)
    assert cycle.focus_question == "Hvordan skaper de ro?"
    assert "Roligere måltider" in focus
    if not headers:
        assert "Lys og lyd" in section(text(response), "learning-points")
    assert shown(response, phases.REQUIREMENTS[3][0].label) in section(
        text(response), "requirements"
    )


def test_a_learning_point_missing_a_field_keeps_the_others(client, world, cycle):
    set_phase(cycle, 3)
    client.force_login(world.leader)
    response = client.post(
        reverse("learning_point_create", args=[cycle.pk]),
        {"title": "Lys og lyd", "observe": "Belysningen", "learn": "", "train": "Prøve"},
        **HTMX,
    )
    assert response.status_code == 422
    points = section(text(response), "learning-points")
    assert 'value="Lys og lyd"' in points
    assert "Belysningen" in points
    assert "Prøve" in points
    assert not LearningPoint.objects.exists()


@pytest.mark.parametrize("url_name", ["task_create", "task_edit"])
def test_a_task_due_before_it_starts_is_refused(client, world, cycle, url_name):
    task = cycle.tasks.get(phase=1, position=0)
    args = [cycle.pk] if url_name == "task_create" else [task.pk]
    before = state(cycle)
    client.force_login(world.leader)
    response = client.post(
        reverse(url_name, args=args),
        task_data(
            description="Avtal besøk med vertsenheten",
            start_date=(today() + 10 * DAY).isoformat(),
            due_date=(today() + 2 * DAY).isoformat(),
            responsible=world.supporter.pk,
        ),
    )
    assert response.status_code == 422
    html = text(response)
    assert shown(response, "The due date cannot be before the start date.") in html
    assert 'value="Avtal besøk med vertsenheten"' in html
    assert f'value="{(today() + 10 * DAY).isoformat()}"' in html
    assert f'<option value="{world.supporter.pk}" selected>' in html
    assert state(cycle) == before


def test_an_invalid_task_with_htmx_keeps_the_form_in_the_fragment(client, world, cycle):
    task = cycle.tasks.get(phase=1, position=0)
    client.force_login(world.leader)
    response = client.post(reverse("task_edit", args=[task.pk]), task_data(description=""), **HTMX)
    assert response.status_code == 422
    assert is_fragment(response)
    assert text(response).lstrip().startswith(f'<li class="task task--editing" id="task-{task.pk}"')
    assert 'aria-invalid="true"' in text(response) or "field--error" in text(response)


def test_a_phase_target_date_before_the_start_is_refused(client, world, cycle):
    client.force_login(world.leader)
    too_early = cycle.start_date - 3 * DAY
    before = state(cycle)
    response = client.post(
        reverse("cycle_settings", args=[cycle.pk]),
        settings_data(cycle, **{"title": "Nytt navn", "form-2-due_date": too_early.isoformat()}),
    )
    assert response.status_code == 422
    html = text(response)
    message = shown(
        response,
        "The target date cannot be before the cycle starts (%(start)s).",
        start=cycle.start_date.strftime("%d.%m.%Y"),
    )
    assert message in html
    assert f'value="{too_early.isoformat()}"' in html
    assert 'value="Nytt navn"' in html
    assert state(cycle) == before


def test_a_refused_settings_save_names_the_cycle_by_its_saved_title(client, world, cycle):
    client.force_login(world.leader)
    response = client.post(
        reverse("cycle_settings", args=[cycle.pk]),
        settings_data(cycle, **{"title": "Utypet tittel", "form-2-due_date": "2000-01-01"}),
    )
    assert response.status_code == 422
    head = re.search(r"<title>(.*?)</title>", text(response), re.S).group(1)
    back = re.search(r'<p><a href="[^"]*">← (.*?)</a></p>', text(response)).group(1)
    assert (cycle.title in head, back) == (True, cycle.title)


def test_moving_the_start_date_checks_the_target_dates_against_the_new_start(client, world, cycle):
    client.force_login(world.leader)
    first_due = cycle.phase_plans.get(phase=1).due_date
    response = client.post(
        reverse("cycle_settings", args=[cycle.pk]),
        settings_data(cycle, start_date=(first_due + DAY).isoformat()),
    )
    assert response.status_code == 422
    assert response.context["formset"].forms[0].errors
    assert fresh(cycle).start_date == cycle.start_date


def test_settings_save_dates_and_responsible_people(client, world, cycle):
    client.force_login(world.leader)
    new_due = cycle.start_date + 40 * DAY
    response = client.post(
        reverse("cycle_settings", args=[cycle.pk]),
        settings_data(
            cycle,
            **{
                "title": "Nytt navn",
                "form-1-due_date": new_due.isoformat(),
                "form-1-responsible": str(world.supporter.pk),
            },
        ),
    )
    assert response.status_code == 302
    plan = cycle.phase_plans.get(phase=2)
    assert (plan.due_date, plan.responsible) == (new_due, world.supporter)
    assert fresh(cycle).title == "Nytt navn"


def test_settings_with_an_extra_form_does_not_fail(client, world, cycle):
    client.raise_request_exception = False
    client.force_login(world.leader)
    data = settings_data(
        cycle,
        **{
            "form-TOTAL_FORMS": "8",
            "form-7-due_date": (cycle.start_date + 400 * DAY).isoformat(),
        },
    )
    response = client.post(reverse("cycle_settings", args=[cycle.pk]), data)
    assert response.status_code in (302, 422)
    assert PhasePlan.objects.count() == 7


@pytest.mark.parametrize("separator", ["", " ", "-", "."], ids=["plain", "space", "hyphen", "dot"])
def test_an_idea_with_a_national_id_number_is_refused(client, world, cycle, separator):
    number = valid_national_id()
    idea_text = f"Beboer {number[:6]}{separator}{number[6:]} falt i går"
    client.force_login(world.staff)
    response = client.post(
        reverse("idea_create", args=[cycle.pk]),
        {"text": idea_text, "source": "staff_idea", "category": "practice"},
    )
    assert response.status_code == 422
    html = text(response)
    assert (
        shown(
            response,
            "Remove the national identity number. Do not write personal data about residents, "
            "pupils, children or colleagues here.",
        )
        in html
    )
    assert escape(idea_text) in html  # the text is there to correct
    assert '<option value="practice" selected>' in html
    assert not Idea.objects.exists()


def test_eleven_digits_that_are_not_a_national_id_are_accepted(client, world, cycle):
    client.force_login(world.staff)
    response = client.post(
        reverse("idea_create", args=[cycle.pk]),
        {"text": "Ring 12345678901 for vikar", "source": "staff_idea"},
    )
    assert response.status_code == 302
    assert Idea.objects.get().text == "Ring 12345678901 for vikar"


def test_an_idea_from_deviations_needs_their_category(client, world, cycle):
    client.force_login(world.staff)
    response = client.post(
        reverse("idea_create", args=[cycle.pk]),
        {"text": "Mange fall om natten", "source": "deviations", "deviation_count": "7"},
    )
    assert response.status_code == 422
    assert shown(response, "Say which kind of deviations the pattern is about.") in text(response)
    assert "Mange fall om natten" in text(response)
    assert 'value="7"' in text(response)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_participation_with_a_date_but_no_how_is_refused(client, world, cycle, headers):
    client.force_login(world.leader)
    decided = today() - 2 * DAY
    response = client.post(
        reverse("participation", args=[cycle.pk]),
        {
            "participation_decided_on": decided.isoformat(),
            "participation_how": "  ",
            "supporters": [world.supporter.pk],
            "group_agreement": "Vi lytter",
        },
        **headers,
    )
    assert response.status_code == 422
    participation = section(text(response), "participation")
    assert (
        shown(response, "Give both the date of the decision and how staff were involved.")
        in participation
    )
    assert f'value="{decided.isoformat()}"' in participation
    assert "Vi lytter" in participation
    assert is_fragment(response) == bool(headers)
    cycle = fresh(cycle)
    assert (cycle.participation_decided_on, cycle.group_agreement) == (None, "")
    assert not cycle.supporters.exists()


def test_a_need_needs_a_text_or_an_idea(client, world, cycle):
    set_phase(cycle, 2)
    client.force_login(world.leader)
    response = client.post(
        reverse("need_choose", args=[cycle.pk]),
        {"idea": "", "learning_need": " ", "learning_need_source": "appraisal"},
    )
    assert response.status_code == 422
    need = section(text(response), "need")
    assert shown(response, "Write the learning need or choose an idea.") in need
    assert '<option value="appraisal" selected>' in need
    assert fresh(cycle).learning_need == ""


def test_starting_a_cycle_without_a_title_keeps_the_date(client, world):
    client.force_login(world.leader)
    chosen = today() + 14 * DAY
    response = client.post(
        reverse("cycle_start", args=[world.unit.pk]),
        {"title": "", "owner": world.leader.pk, "start_date": chosen.isoformat()},
    )
    assert response.status_code == 422
    assert f'value="{chosen.isoformat()}"' in text(response)
    assert not Cycle.objects.exists()


def test_a_cycle_owner_must_lead_the_unit(client, world):
    client.force_login(world.leader)
    response = client.post(
        reverse("cycle_start", args=[world.unit.pk]),
        {"title": "Gode måltider", "owner": world.staff.pk, "start_date": today().isoformat()},
    )
    assert response.status_code == 422
    assert 'value="Gode måltider"' in text(response)
    assert not Cycle.objects.exists()


# Privacy of staff data -----------------------------------------------------------------

GOAL = "Jeg vil bli tryggere på å si fra"


@pytest.fixture
def private(world, cycle):
    """Phase 3 with a learning point, a staff member's personal goal and an idea."""
    set_phase(cycle, 3)
    Cycle.objects.filter(pk=cycle.pk).update(learning_need="Roligere måltider")
    point = add_learning_point(cycle)
    goal = PersonalGoal.objects.create(learning_point=point, user=world.staff, text=GOAL)
    idea = Idea.objects.create(cycle=cycle, author=world.staff, text="Hemmelig forslag om lys")
    return point, goal, idea


@pytest.mark.parametrize(
    "url",
    [
        lambda c: reverse("cycle_detail", args=[c.pk]),
        lambda c: reverse("cycle_dashboard") + f"?cycle={c.pk}",
        lambda c: reverse("phase_detail", args=[c.pk, 3]),
        lambda c: reverse("plan", args=[c.pk]),
    ],
    ids=["cycle_detail", "dashboard", "phase_3", "plan"],
)
def test_a_personal_goal_is_not_on_the_leaders_pages(client, world, cycle, private, url):
    client.force_login(world.leader)
    response = client.get(url(cycle))
    assert response.status_code == 200
    assert GOAL not in text(response)


def test_the_leader_sees_only_how_many_goals_a_learning_point_has(client, world, cycle, private):
    point, _goal, _idea = private
    PersonalGoal.objects.create(learning_point=point, user=world.supporter, text="Annet mål")
    client.force_login(world.leader)
    response = client.get(reverse("phase_detail", args=[cycle.pk, 3]))
    [shown_point] = response.context["learning_points"]
    assert shown_point.goal_count == 2
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        count = translation.ngettext(
            "%(counter)s personal learning goal", "%(counter)s personal learning goals", 2
        ) % {"counter": 2}
    points = section(text(response), "learning-points")
    assert escape(count) in points
    assert GOAL not in points
    assert "Annet mål" not in points


def test_a_colleague_does_not_see_my_goal(client, world, cycle, private):
    other = colleague(world)
    point, _goal, _idea = private
    PersonalGoal.objects.create(learning_point=point, user=other, text="Pers eget mål")
    client.force_login(other)
    page = text(client.get(reverse("cycle_detail", args=[cycle.pk])))
    assert "Pers eget mål" in page
    assert GOAL not in page

    client.force_login(world.staff)
    page = text(client.get(reverse("cycle_detail", args=[cycle.pk])))
    assert GOAL in page
    assert "Pers eget mål" not in page


@pytest.mark.parametrize("person", ["colleague", "leader", "supporter"])
def test_nobody_can_delete_another_persons_goal(client, world, cycle, private, person):
    _point, goal, _idea = private
    user = colleague(world) if person == "colleague" else world.person(person)
    client.force_login(user)
    for headers in ({}, HTMX):
        response = client.post(reverse("goal_delete", args=[cycle.pk, goal.pk]), **headers)
        assert response.status_code == 404
    assert PersonalGoal.objects.filter(pk=goal.pk).exists()


def test_a_colleague_sees_my_idea_without_my_name(client, world, cycle, private):
    client.force_login(colleague(world))
    page = client.get(reverse("cycle_detail", args=[cycle.pk]))
    others = section(text(page), "other-ideas-heading")
    assert "Hemmelig forslag om lys" in others
    assert world.staff.full_name not in text(page)


@pytest.mark.parametrize("person", ["senior", "hr", "union_rep", "safety_rep"])
def test_the_read_only_view_shows_no_ideas_goals_or_authors(client, world, cycle, private, person):
    client.force_login(world.person(person))
    response = client.get(reverse("cycle_detail", args=[cycle.pk]))
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "learning/cycles/readonly.html"
    page = text(response)
    assert cycle.title in page
    assert "Roligere måltider" in page  # the chosen need is the unit's, not a person's
    assert "Hemmelig forslag om lys" not in page
    assert world.staff.full_name not in page
    assert GOAL not in page
    assert reverse("idea_create", args=[cycle.pk]) not in page
    assert reverse("idea_vote", args=[private[2].pk]) not in page


@pytest.mark.parametrize("person", ["senior", "union_rep"])
def test_the_plan_for_read_only_roles_has_no_history_or_edit_links(
    client, world, cycle, private, person
):
    task = cycle.tasks.get(phase=1, position=0)
    client.force_login(world.leader)
    client.post(reverse("task_status", args=[task.pk]), {"status": Task.Status.DONE})
    client.force_login(world.person(person))
    response = client.get(reverse("plan", args=[cycle.pk]))
    page = text(response)
    assert world.leader.full_name in page  # names of the people responsible are shown
    assert reverse("task_edit", args=[task.pk]) not in page
    assert reverse("task_status", args=[task.pk]) not in page
    assert 'class="task__history"' not in page
    assert reverse("task_create", args=[cycle.pk]) not in page
    assert GOAL not in page
    assert "Hemmelig forslag om lys" not in page


@pytest.mark.parametrize("endpoint", ["need_agreement", "goal_create"])
def test_a_representative_cannot_read_ideas_through_a_refused_post(
    client, world, cycle, private, endpoint
):
    point, _goal, _idea = private
    args = [cycle.pk] if endpoint == "need_agreement" else [cycle.pk, point.pk]
    client.force_login(world.union_rep)
    response = client.post(reverse(endpoint, args=args), {"agrees": "maybe", "text": ""})
    # Sent back to the read-only cycle page their role gives them.
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle_detail", args=[cycle.pk])
    assert "Hemmelig forslag om lys" not in text(response)
    assert "Hemmelig forslag om lys" not in text(client.get(response["Location"]))


# Task status and history ---------------------------------------------------------------


@pytest.fixture
def staff_task(world, cycle) -> Task:
    task = cycle.tasks.get(phase=1, position=1)
    Task.objects.filter(pk=task.pk).update(responsible=world.staff)
    task.refresh_from_db()
    return task


def test_the_responsible_staff_member_marks_their_task_done(client, world, cycle, staff_task):
    client.force_login(world.staff)
    page = client.get(reverse("cycle_detail", args=[cycle.pk]))
    assert reverse("task_status", args=[staff_task.pk]) in section(text(page), "my-tasks-heading")
    assert reverse("task_edit", args=[staff_task.pk]) not in text(page)

    response = client.post(
        reverse("task_status", args=[staff_task.pk]), {"status": Task.Status.DONE}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle_detail", args=[cycle.pk])
    staff_task.refresh_from_db()
    assert staff_task.status == Task.Status.DONE
    change = TaskChange.objects.get(task=staff_task)
    assert (change.field, change.actor) == (TaskChange.Field.STATUS, world.staff)
    assert (change.old_value, change.new_value) == (Task.Status.NOT_STARTED, Task.Status.DONE)
    assert change.new_display == Task.Status.DONE.label


def test_marking_a_task_with_htmx_returns_the_task(client, world, cycle, staff_task):
    client.force_login(world.staff)
    response = client.post(
        reverse("task_status", args=[staff_task.pk]), {"status": Task.Status.DONE}, **HTMX
    )
    assert response.status_code == 200
    assert is_fragment(response)
    assert text(response).startswith(f'<li class="task task--done" id="task-{staff_task.pk}"')
    assert 'value="in_progress"' in text(response)  # offers to open it again
    response = client.post(
        reverse("task_status", args=[staff_task.pk]), {"status": Task.Status.IN_PROGRESS}, **HTMX
    )
    assert text(response).startswith(
        f'<li class="task task--in_progress" id="task-{staff_task.pk}"'
    )
    assert TaskChange.objects.filter(task=staff_task, field="status").count() == 2


@pytest.mark.parametrize("person", ["colleague", "union_rep", "safety_rep"])
def test_another_staff_member_may_not_change_the_task(client, world, cycle, staff_task, person):
    user = colleague(world) if person == "colleague" else world.person(person)
    client.force_login(user)
    response = client.post(
        reverse("task_status", args=[staff_task.pk]), {"status": Task.Status.DONE}
    )
    assert response.status_code == 403
    staff_task.refresh_from_db()
    assert staff_task.status == Task.Status.NOT_STARTED
    assert not TaskChange.objects.exists()


def test_the_responsible_staff_member_may_not_edit_the_task(client, world, cycle, staff_task):
    client.force_login(world.staff)
    response = client.post(
        reverse("task_edit", args=[staff_task.pk]), task_data(description="Min egen tekst")
    )
    assert response.status_code == 403
    staff_task.refresh_from_db()
    assert staff_task.description != "Min egen tekst"


def test_an_unknown_status_is_refused(client, world, cycle, staff_task):
    client.force_login(world.staff)
    for status in ["", "finished", "DONE"]:
        response = client.post(reverse("task_status", args=[staff_task.pk]), {"status": status})
        assert response.status_code == 422
    staff_task.refresh_from_db()
    assert staff_task.status == Task.Status.NOT_STARTED
    assert not TaskChange.objects.exists()


def test_a_supporter_may_mark_any_task(client, world, cycle, staff_task):
    client.force_login(world.supporter)
    response = client.post(
        reverse("task_status", args=[staff_task.pk]), {"status": Task.Status.IN_PROGRESS}
    )
    assert response.status_code == 302
    assert TaskChange.objects.get().actor == world.supporter


def test_task_edit_records_a_new_responsible_and_status(client, world, cycle, staff_task):
    client.force_login(world.leader)
    response = client.post(
        reverse("task_edit", args=[staff_task.pk]),
        task_data(
            description=staff_task.description,
            responsible=world.supporter.pk,
            status=Task.Status.IN_PROGRESS,
        ),
    )
    assert response.status_code == 302
    changes = {c.field: c for c in TaskChange.objects.filter(task=staff_task)}
    assert set(changes) == {TaskChange.Field.RESPONSIBLE, TaskChange.Field.STATUS}
    responsible = changes[TaskChange.Field.RESPONSIBLE]
    assert (responsible.old_value, responsible.new_value, responsible.actor) == (
        world.staff.full_name,
        world.supporter.full_name,
        world.leader,
    )

    # Nobody responsible any more is a change too; an unchanged save records nothing
    client.post(
        reverse("task_edit", args=[staff_task.pk]),
        task_data(description=staff_task.description, status=Task.Status.IN_PROGRESS),
    )
    last = TaskChange.objects.filter(task=staff_task, field="responsible").first()
    assert (last.old_value, last.new_value) == (world.supporter.full_name, "")
    count = TaskChange.objects.count()
    client.post(
        reverse("task_edit", args=[staff_task.pk]),
        task_data(description="Bare ny tekst", status=Task.Status.IN_PROGRESS),
    )
    assert TaskChange.objects.count() == count


def test_the_plan_shows_the_task_history_to_the_leader(client, world, cycle, staff_task):
    client.force_login(world.leader)
    client.post(
        reverse("task_edit", args=[staff_task.pk]),
        task_data(description=staff_task.description, responsible=world.supporter.pk),
    )
    page = client.get(reverse("plan", args=[cycle.pk]))
    history = re.search(
        rf'id="task-{staff_task.pk}".*?<details class="task__history">(.*?)</details>',
        text(page),
        re.S,
    )
    assert history, "no history for the task"
    assert world.staff.full_name in history.group(1)
    assert world.supporter.full_name in history.group(1)


# Query counts ----------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def busy(world, cycle):
    """A cycle in phase 3 with one of each kind of record, so every prefetch runs already."""
    set_phase(cycle, 3)
    Cycle.objects.filter(pk=cycle.pk).update(learning_need="Roligere måltider")
    idea = Idea.objects.create(cycle=cycle, author=world.staff, text="Idé 0")
    IdeaVote.objects.create(idea=idea, user=world.staff)
    point = add_learning_point(cycle, "Punkt 0")
    PersonalGoal.objects.create(learning_point=point, user=world.staff, text="Mål 0")
    meeting = IntroductionMeeting.objects.create(cycle=cycle, held_on=today())
    meeting.attendees.set([world.staff])
    NeedAgreement.objects.create(cycle=cycle, user=world.staff, agrees=True)
    Obstacle.objects.create(cycle=cycle, description="Sykdom", occurred_on=today())
    task = cycle.tasks.get(phase=3, position=0)
    TaskChange.objects.create(task=task, field="status", old_value="a", new_value="b")
    Task.objects.filter(pk=task.pk).update(responsible=world.staff)
    return cycle


def grow(world, cycle) -> None:
    """Much more of everything, none of it given to the person looking (see the N+1 tests
    below for that)."""
    people = [world.staff, world.supporter, world.union_rep, world.leader] + [
        colleague(world, f"Kollega {n}") for n in range(4)
    ]
    for number in range(5):
        start(world, title=f"Eldre syklus {number}", start_date=today() - (number + 1) * 60 * DAY)
    for number in range(20):
        idea = Idea.objects.create(cycle=cycle, author=people[number % 8], text=f"Idé {number + 1}")
        for voter in people[: number % 5 + 1]:
            IdeaVote.objects.create(idea=idea, user=voter)
        if number % 3 == 0:
            Idea.objects.filter(pk=idea.pk).update(response="valued", responded_by=world.leader)
    for number in range(20):
        task = Task.objects.create(
            cycle=cycle,
            phase=number % 7 + 1,
            description=f"Ekstra oppgave {number}",
            responsible=people[-1] if number % 2 else None,
            start_date=today(),
            due_date=today() + 10 * DAY,
            position=50 + number,
        )
        TaskChange.objects.create(task=task, field="status", old_value="a", new_value="b")
    for number in range(10):
        point = add_learning_point(cycle, f"Punkt {number + 1}")
        for person in people[:6]:
            PersonalGoal.objects.create(learning_point=point, user=person, text=f"Mål {number}")
    for number in range(5):
        meeting = IntroductionMeeting.objects.create(cycle=cycle, held_on=today())
        meeting.attendees.set(people)
        Obstacle.objects.create(cycle=cycle, description=f"Hinder {number}", occurred_on=today())
    for person in people[1:]:
        NeedAgreement.objects.create(cycle=cycle, user=person, agrees=True)
    for phase in (1, 2):
        CycleEvent.objects.create(
            cycle=cycle, kind="reopened", from_phase=3, to_phase=phase, actor=world.leader
        )


PAGES = {
    "dashboard-leader": ("leader", lambda c: reverse("cycle_dashboard")),
    "dashboard-cycle-leader": ("leader", lambda c: reverse("cycle_dashboard") + f"?cycle={c.pk}"),
    "cycle_detail-leader": ("leader", lambda c: reverse("cycle_detail", args=[c.pk])),
    "cycle_detail-supporter": ("supporter", lambda c: reverse("cycle_detail", args=[c.pk])),
    "cycle_detail-staff": ("staff", lambda c: reverse("cycle_detail", args=[c.pk])),
    "cycle_detail-senior": ("senior", lambda c: reverse("cycle_detail", args=[c.pk])),
    "cycle_detail-union_rep": ("union_rep", lambda c: reverse("cycle_detail", args=[c.pk])),
    "plan-leader": ("leader", lambda c: reverse("plan", args=[c.pk])),
    "plan-staff": ("staff", lambda c: reverse("plan", args=[c.pk])),
    "phase_1-leader": ("leader", lambda c: reverse("phase_detail", args=[c.pk, 1])),
    "phase_2-leader": ("leader", lambda c: reverse("phase_detail", args=[c.pk, 2])),
    "phase_3-leader": ("leader", lambda c: reverse("phase_detail", args=[c.pk, 3])),
}


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_the_data(client, world, busy, page):
    person, url = PAGES[page]
    client.force_login(world.person(person))
    url = url(busy)
    count_queries(client, url)  # warm up (content types, session)
    small = count_queries(client, url)
    grow(world, busy)
    large = count_queries(client, url)
    assert large == small, f"{page}: {small} queries before, {large} after"


# Observed with the grown data (small data gives the same): 16 for the leader's dashboard
# and cycle page, 13 for a supporter's, 13 for the staff page, 10 for the read-only page,
# 12/9 for the plan (leader/staff), 16, 13 and 11 for the pages of phases 1, 2 and 3.
# Bounds are these plus two, as in test_query_counts.py.
MAX_QUERIES = {
    "dashboard-leader": 18,
    "dashboard-cycle-leader": 18,
    "cycle_detail-leader": 18,
    "cycle_detail-supporter": 15,
    "cycle_detail-staff": 15,
    "cycle_detail-senior": 12,
    "cycle_detail-union_rep": 12,
    "plan-leader": 14,
    "plan-staff": 11,
    "phase_1-leader": 18,
    "phase_2-leader": 15,
    "phase_3-leader": 13,
}


def test_every_page_has_a_bound():
    assert set(MAX_QUERIES) == set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_query_count_upper_bound(client, world, busy, django_assert_max_num_queries, page):
    person, url = PAGES[page]
    grow(world, busy)
    client.force_login(world.person(person))
    url = url(busy)
    client.get(url)  # warm up
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        response = client.get(url)
    assert response.status_code == 200


def test_grown_data_is_on_the_pages(client, world, busy):
    """The bigger data set is really rendered, so the equal counts above mean something."""
    grow(world, busy)
    client.force_login(world.leader)
    dashboard = client.get(reverse("cycle_detail", args=[busy.pk]))
    assert sum(len(unit.cycle_list) for unit in dashboard.context["units"]) == 6
    assert len(dashboard.context["awaiting_ideas"]) == 5
    assert len(dashboard.context["events"]) == 3
    phase_2 = client.get(reverse("phase_detail", args=[busy.pk, 2]))
    assert len(phase_2.context["ideas"]) == 21
    assert sum(idea.vote_count for idea in phase_2.context["ideas"]) == 1 + 60
    phase_1 = client.get(reverse("phase_detail", args=[busy.pk, 1]))
    assert text(phase_1).count("Kollega 3") >= 6  # meeting attendees
    phase_3 = client.get(reverse("phase_detail", args=[busy.pk, 3]))
    assert [p.goal_count for p in phase_3.context["learning_points"]] == [1] + [6] * 10
    plan = client.get(reverse("plan", args=[busy.pk]))
    assert text(plan).count("Ekstra oppgave") >= 20
    assert text(plan).count('class="task__history"') == 21
    assert text(plan).count("Hinder") == 5
    client.force_login(world.staff)
    staff_page = client.get(reverse("cycle_detail", args=[busy.pk]))
    assert len(staff_page.context["other_ideas"]) == 17  # 21 ideas, 4 of them the staff's
    assert [len(p.my_goals) for p, _form in staff_page.context["learning_points"]] == [1] * 11
    client.force_login(world.senior)
    readonly = client.get(reverse("cycle_detail", args=[busy.pk]))
    assert len(readonly.context["learning_points"]) == 11


# A person's own tasks: one query each for the responsible person


def _own_task_counts(client, world, cycle, person: str, url: str) -> tuple[int, int]:
    user = world.person(person)
    Task.objects.filter(cycle=cycle).update(responsible=None)
    client.force_login(user)
    count_queries(client, url)
    Task.objects.filter(pk=cycle.tasks.filter(phase=1).first().pk).update(responsible=user)
    one = count_queries(client, url)
    Task.objects.filter(cycle=cycle, phase__lte=3).update(responsible=user)
    return one, count_queries(client, url)


def test_my_open_tasks_on_the_dashboard_cost_no_query_each(client, world, busy):
    url = reverse("cycle_detail", args=[busy.pk])
    one, many = _own_task_counts(client, world, busy, "leader", url)
    assert many == one


def test_my_tasks_on_the_staff_page_cost_no_query_each(client, world, busy):
    url = reverse("cycle_detail", args=[busy.pk])
    one, many = _own_task_counts(client, world, busy, "staff", url)
    assert many == one
