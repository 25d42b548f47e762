"""Phase 7 (the evaluation, the decision, the check-in a year later), indicators with a
baseline, the practice card published from an evaluation, and the two reminder kinds that
come with them (unanswered surveys, the check-in).

1. Who may open and post to every phase 7 and indicator URL (a table, as in
   tests/test_cycle_views.py), and 405 for the wrong method.
2. The phase 7 page: requirements met by the work, htmx fragments with the checklist out of
   band, plain posts that redirect, bad input that keeps what was typed.
3. The decision books the check-in a year later; the check-in needs a decision.
4. Indicators: what a summary says, whether the baseline came in time, the page with its
   SVG chart and table, values added inline, and SQL queries that do not grow.
5. The practice card from the evaluation.
6. Reminders: unanswered surveys, the check-in, and no "evaluation due" once decided.
7. Languages: the phase 7 page in bokmål and nynorsk.

Texts from the code are looked up in the response's language, so the tests hold whether or
not a text is translated yet."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext

from evaluation import services
from evaluation import urls as evaluation_urls
from evaluation.models import Evaluation, Indicator, IndicatorValue, Respondent, Survey
from learning import phases
from learning.models import (
    Cycle,
    CycleEvent,
    Membership,
    Phase,
    PhasePlan,
    Practice,
    User,
)
from programmes import outbox, reminders
from programmes.models import Enrolment, Kind, Notification, Programme
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
OSLO = ZoneInfo("Europe/Oslo")
DAY = datetime.timedelta(days=1)
D = datetime.date(2026, 3, 10)  # a Tuesday
S = Notification.Status
EVALUATION = Phase.EVALUATION


# Helpers: pages -----------------------------------------------------------------------


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
    """The ``<section>`` or ``<article>`` with ``id="element_id"``."""
    match = re.search(rf'<(section|article)[^>]*\bid="{re.escape(element_id)}".*?</\1>', html, re.S)
    assert match, f"no section {element_id!r} on the page"
    return match.group(0)


def field_error(html: str, field_id: str) -> str:
    """The errors shown at the field with ``field_id`` (its ``<div id="..._error">``)."""
    match = re.search(
        rf'<div class="field__errors" id="{re.escape(field_id)}_error">(.*?)</div>', html, re.S
    )
    assert match, f"no error at the field {field_id!r}"
    return match.group(1)


def is_fragment(response) -> bool:
    return "<html" not in text(response)


def requirement(phase: int, index: int) -> Promise:
    return phases.REQUIREMENTS[phase][index].label


def done_and_missing(response, html: str) -> tuple[str, str]:
    """The checklist's "done" part and its "missing" part (empty when nothing is missing)."""
    marker = shown(response, "Missing before the phase is complete")
    done, _sep, missing = html.partition(marker)
    return done, missing


# Helpers: cycles, evaluations, indicators, programmes ---------------------------------


def start(world, *, title="Gode måltider", start_date=None) -> Cycle:
    return phases.start_cycle(
        unit=world.unit,
        owner=world.leader,
        title=title,
        start_date=start_date or today(),
        actor=world.leader,
    )


def move_to(cycle: Cycle, phase: int, actor: User) -> None:
    """Move the cycle on, phase by phase, as the leader does (with a reason: work is missing)."""
    while Cycle.objects.get(pk=cycle.pk).current_phase < phase:
        phases.advance(cycle, actor=actor, reason="Vi går videre")


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def loaded(cycle: Cycle) -> Cycle:
    return Cycle.objects.with_progress().get(pk=cycle.pk)


ANSWERS = {
    "experience": "Vi har lært mye av hverandre",
    "achieved": "partly",
    "why": "Vi fikk øvd, men ikke alle var med",
    "evidence": "Nattevaktene bruker nå samme sjekkliste",
    "lessons": "Sett av tid til deling rett etter besøket",
}
DECISION = {"decision": "continue", "decision_reason": "Det nye måltidet virker"}


def decided(cycle: Cycle, user: User, *, decision=Evaluation.Decision.CONTINUE, on=None):
    """The cycle's evaluation, answered and decided on ``on`` (today by default)."""
    evaluation = services.evaluation_for(cycle)
    for name in ("experience", "achieved", "why"):
        setattr(evaluation, name, ANSWERS[name])
    evaluation.decision = decision
    evaluation.decision_reason = DECISION["decision_reason"]
    return services.decide(evaluation, user, on or today())


def make_indicator(
    *,
    cycle=None,
    programme=None,
    name="Sykefravær",
    baseline_on=None,
    baseline=Decimal("8.00"),
    target=Decimal("6.00"),
    direction=Indicator.Direction.DOWN,
    unit_of_measure="%",
) -> Indicator:
    return Indicator.objects.create(
        cycle=cycle,
        programme=programme,
        name=name,
        unit_of_measure=unit_of_measure,
        direction=direction,
        baseline_on=baseline_on or today() - 60 * DAY,
        baseline_value=baseline,
        target_value=target,
    )


def add_value(indicator: Indicator, on: datetime.date, value, note="") -> IndicatorValue:
    return IndicatorValue.objects.create(
        indicator=indicator, measured_on=on, value=Decimal(str(value)), note=note
    )


def make_programme(world, *, coordinators=()) -> Programme:
    programme = Programme.objects.create(
        municipality=world.unit.municipality,
        title="Nettverk for gode måltider",
        purpose="Lære av hverandre",
        commissioned_by="Kommunalsjef helse og omsorg",
        starts_on=today() - 90 * DAY,
        ends_on=today() + 200 * DAY,
        status=Programme.Status.RUNNING,
    )
    programme.coordinators.set(coordinators)
    return programme


@pytest.fixture
def cycle(world) -> Cycle:
    """A new cycle of world.unit, owned by world.leader, moved on to phase 7."""
    cycle = start(world)
    move_to(cycle, EVALUATION, world.leader)
    return fresh(cycle)


# 1. Permission matrix -----------------------------------------------------------------

OK, DENIED, HIDDEN, LOGIN = "ok", 403, 404, "login"

# What each view checks: the unit's view and contribute, the programme's follow and manage.
LEVELS = ["view", "contribute", "follow", "manage"]

# person -> outcome at each of LEVELS, written out by hand. world.unit is admitted to the
# programme, so its people are participants (403 in the programme, not 404).
ROLE_TABLE = {
    #                    view    contribute follow  manage
    "leader":            (OK,     OK,       DENIED, DENIED),
    "enterprise_leader": (OK,     OK,       DENIED, DENIED),
    "supporter":         (OK,     OK,       DENIED, DENIED),
    "staff":             (OK,     DENIED,   DENIED, DENIED),
    "union_rep":         (OK,     DENIED,   DENIED, DENIED),
    "safety_rep":        (OK,     DENIED,   DENIED, DENIED),
    "hr":                (OK,     DENIED,   OK,     DENIED),
    "senior":            (OK,     DENIED,   OK,     DENIED),
    "sibling_leader":    (HIDDEN, HIDDEN,   HIDDEN, HIDDEN),
    "outsider_leader":   (HIDDEN, HIDDEN,   HIDDEN, HIDDEN),
    "outsider_hr":       (HIDDEN, HIDDEN,   HIDDEN, HIDDEN),
    "no_role":           (HIDDEN, HIDDEN,   HIDDEN, HIDDEN),
    "superuser":         (OK,     OK,       OK,     OK),
    "coordinator":       (HIDDEN, HIDDEN,   OK,     OK),
    "anonymous":         (LOGIN,  LOGIN,    LOGIN,  LOGIN),
}  # fmt: skip


@dataclass
class Scene:
    """A phase 7 cycle of world.unit with a decided evaluation and an indicator, and a
    programme (world.unit admitted) with its own indicator and a coordinator."""

    world: object
    cycle: Cycle
    evaluation: Evaluation
    indicator: Indicator
    programme: Programme
    programme_indicator: Indicator
    coordinator: User

    def person(self, name: str) -> User | None:
        if name == "anonymous":
            return None
        if name == "coordinator":
            return self.coordinator
        return self.world.person(name)


@pytest.fixture
def scene(world) -> Scene:
    cycle = start(world)
    Cycle.objects.filter(pk=cycle.pk).update(current_phase=EVALUATION)
    cycle = fresh(cycle)
    coordinator = UserFactory(municipality=world.unit.municipality, full_name="Kora Koordinator")
    programme = make_programme(world, coordinators=[coordinator])
    Enrolment.objects.create(
        programme=programme,
        unit=world.unit,
        cycle=cycle,
        status=Enrolment.Status.ADMITTED,
        goals="Bedre måltider",
        anchoring="Personalmøter",
    )
    return Scene(
        world=world,
        cycle=cycle,
        evaluation=decided(cycle, world.leader),
        indicator=make_indicator(cycle=cycle),
        programme=programme,
        programme_indicator=make_indicator(programme=programme, name="Deltakelse"),
        coordinator=coordinator,
    )


@dataclass(frozen=True)
class Endpoint:
    id: str
    method: str
    level: str
    ok_status: int
    url: Callable[[Scene], str]
    data: dict | None = None


def _cycle_url(name: str) -> Callable[[Scene], str]:
    return lambda s: reverse(name, args=[s.cycle.pk])


INDICATOR_DATA = {
    "name": "Avvik per måned",
    "unit_of_measure": "avvik",
    "direction": "down",
    "baseline_on": "2026-01-05",
    "baseline_value": "12",
    "target_value": "4",
}
VALUE_DATA = {"measured_on": "2030-01-01", "value": "7.5", "note": "Etter besøket"}

ENDPOINTS = [
    Endpoint("evaluation_save", "POST", "contribute", 302, _cycle_url("evaluation_save"), ANSWERS),
    Endpoint(
        "decision_save_evaluation",
        "POST",
        "contribute",
        302,
        _cycle_url("decision_save_evaluation"),
        DECISION,
    ),
    Endpoint(
        "check_in_save",
        "POST",
        "contribute",
        302,
        _cycle_url("check_in_save"),
        {"check_in_note": "Fortsatt i bruk"},
    ),
    Endpoint("cycle_indicators-get", "GET", "view", 200, _cycle_url("cycle_indicators")),
    Endpoint(
        "cycle_indicators-post",
        "POST",
        "contribute",
        302,
        _cycle_url("cycle_indicators"),
        INDICATOR_DATA,
    ),
    Endpoint(
        "indicator_value_add-cycle",
        "POST",
        "contribute",
        302,
        lambda s: reverse("indicator_value_add", args=[s.indicator.pk]),
        VALUE_DATA,
    ),
    Endpoint(
        "indicator_delete-cycle",
        "POST",
        "contribute",
        302,
        lambda s: reverse("indicator_delete", args=[s.indicator.pk]),
    ),
    Endpoint(
        "programme_indicators-get",
        "GET",
        "follow",
        200,
        lambda s: reverse("programme_indicators", args=[s.programme.pk]),
    ),
    Endpoint(
        "programme_indicators-post",
        "POST",
        "manage",
        302,
        lambda s: reverse("programme_indicators", args=[s.programme.pk]),
        INDICATOR_DATA,
    ),
    Endpoint(
        "indicator_value_add-programme",
        "POST",
        "manage",
        302,
        lambda s: reverse("indicator_value_add", args=[s.programme_indicator.pk]),
        VALUE_DATA,
    ),
    Endpoint(
        "indicator_delete-programme",
        "POST",
        "manage",
        302,
        lambda s: reverse("indicator_delete", args=[s.programme_indicator.pk]),
    ),
]

MATRIX = [
    pytest.param(endpoint, person, id=f"{endpoint.id}-{person}")
    for endpoint in ENDPOINTS
    for person in ROLE_TABLE
]


def state() -> tuple:
    """Everything a post could change, to show that a refused one changed nothing."""
    return (
        list(Evaluation.objects.order_by("pk").values()),
        list(Indicator.objects.order_by("pk").values_list("pk", "name", "baseline_value")),
        list(IndicatorValue.objects.order_by("pk").values_list("pk", "measured_on", "value")),
    )


def test_matrix_covers_every_person_and_every_phase_7_and_indicator_url(world):
    people = set(world.__dataclass_fields__) - {"unit", "sibling", "other_unit"}
    assert set(ROLE_TABLE) == people | {"coordinator", "anonymous"}
    names = {
        pattern.name
        for pattern in evaluation_urls.urlpatterns
        if pattern.callback.__module__ == "evaluation.views.evaluation"
    }
    assert len(names) == 7
    assert {endpoint.id.split("-")[0] for endpoint in ENDPOINTS} == names


@pytest.mark.parametrize(("endpoint", "person"), MATRIX)
def test_permission_matrix(client, scene, endpoint, person):
    user = scene.person(person)
    if user is not None:
        client.force_login(user)
    before = state()
    url = endpoint.url(scene)
    if endpoint.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, endpoint.data or {})

    expected = ROLE_TABLE[person][LEVELS.index(endpoint.level)]
    if expected == OK:
        assert response.status_code == endpoint.ok_status, text(response)[:2000]
        if endpoint.method == "POST":
            assert state() != before, "an allowed post changed nothing"
        return
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    else:
        assert response.status_code == expected
    assert state() == before, "a refused request changed something"


POST_ONLY = [e for e in ENDPOINTS if e.method == "POST" and not e.id.endswith("-post")]


@pytest.mark.parametrize("endpoint", POST_ONLY, ids=[e.id for e in POST_ONLY])
def test_get_on_a_post_only_url_is_405(client, scene, endpoint):
    client.force_login(scene.world.superuser)
    before = state()
    assert client.get(endpoint.url(scene)).status_code == 405
    assert state() == before


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
@pytest.mark.parametrize("name", ["cycle_indicators", "programme_indicators"])
def test_other_methods_on_the_indicator_pages_are_405(client, scene, method, name):
    client.force_login(scene.world.superuser)
    subject = scene.cycle if name == "cycle_indicators" else scene.programme
    assert getattr(client, method)(reverse(name, args=[subject.pk])).status_code == 405


@pytest.mark.parametrize(
    "name", ["evaluation_save", "decision_save_evaluation", "check_in_save", "cycle_indicators"]
)
def test_a_cycle_that_does_not_exist_is_404(client, scene, name):
    client.force_login(scene.world.superuser)
    url = reverse(name, args=[999999])
    response = client.get(url) if name == "cycle_indicators" else client.post(url, {})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["indicator_value_add", "indicator_delete"])
def test_an_indicator_that_does_not_exist_is_404(client, scene, name):
    client.force_login(scene.world.superuser)
    assert client.post(reverse(name, args=[999999]), VALUE_DATA).status_code == 404


# 2. The phase 7 page ------------------------------------------------------------------


def phase_7(cycle: Cycle) -> str:
    return reverse("phase_detail", args=[cycle.pk, EVALUATION])


def test_answers_and_a_decision_meet_phase_7_and_the_cycle_can_complete(client, world, cycle):
    client.force_login(world.leader)
    page = client.get(phase_7(cycle))
    done, missing = done_and_missing(page, section(text(page), "requirements"))
    assert shown(page, requirement(EVALUATION, 0)) in missing
    assert shown(page, requirement(EVALUATION, 1)) in missing
    assert not loaded(cycle).evaluation_answered

    response = client.post(reverse("evaluation_save", args=[cycle.pk]), ANSWERS, **HTMX)
    assert response.status_code == 200
    html = text(response)
    assert is_fragment(response)
    assert html.lstrip().startswith('<section class="section" id="evaluation"')
    assert shown(response, "Saved.") in section(html, "evaluation")
    requirements = section(html, "requirements")
    assert 'hx-swap-oob="true"' in requirements
    done, missing = done_and_missing(response, requirements)
    assert shown(response, requirement(EVALUATION, 0)) in done
    assert shown(response, requirement(EVALUATION, 1)) in missing
    assert "HX-Request" in response["Vary"]
    evaluation = Evaluation.objects.get(cycle=cycle)
    assert evaluation.has_answers
    assert evaluation.evidence == ANSWERS["evidence"]
    assert (loaded(cycle).evaluation_answered, loaded(cycle).evaluation_decided) == (True, False)

    response = client.post(reverse("decision_save_evaluation", args=[cycle.pk]), DECISION, **HTMX)
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith('<section class="section" id="continuation"')
    continuation = section(html, "continuation")
    assert shown(response, "Saved.") in continuation
    assert shown(response, Evaluation.Decision.CONTINUE.label) in continuation
    requirements = section(html, "requirements")
    assert 'hx-swap-oob="true"' in requirements
    assert shown(response, "Everything this phase needs is in place.") in requirements
    assert shown(response, "Missing before the phase is complete") not in requirements
    assert phases.missing_for(loaded(cycle), EVALUATION) == []

    response = client.post(reverse("cycle_advance", args=[cycle.pk]), {"reason": ""})
    assert response.status_code == 302
    assert fresh(cycle).status == Cycle.Status.COMPLETED
    event = cycle.events.order_by("-pk").first()
    assert (event.kind, event.missing) == (CycleEvent.Kind.COMPLETED, "")


@pytest.mark.parametrize("left_out", ["experience", "achieved", "why"])
def test_the_answers_need_all_three_questions(client, world, cycle, left_out):
    client.force_login(world.leader)
    data = {**ANSWERS, left_out: ""}
    response = client.post(reverse("evaluation_save", args=[cycle.pk]), data, **HTMX)
    assert response.status_code == 200
    _done, missing = done_and_missing(response, section(text(response), "requirements"))
    assert shown(response, requirement(EVALUATION, 0)) in missing
    assert not loaded(cycle).evaluation_answered
    assert not Evaluation.objects.get(cycle=cycle).has_answers


@pytest.mark.parametrize(
    "name, data, anchor, message",
    [
        ("evaluation_save", ANSWERS, "evaluation", "The evaluation is saved."),
        ("decision_save_evaluation", DECISION, "continuation", "The decision is saved."),
    ],
)
def test_plain_posts_redirect_to_the_section(client, world, cycle, name, data, anchor, message):
    client.force_login(world.leader)
    response = client.post(reverse(name, args=[cycle.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == phase_7(cycle) + f"#{anchor}"
    page = client.get(response["Location"])
    assert shown(page, message) in text(page)


def test_the_check_in_after_a_decision_is_recorded(client, world, cycle):
    decided(cycle, world.leader)
    client.force_login(world.supporter)
    note = "Sjekklisten brukes fortsatt hver kveld"
    response = client.post(
        reverse("check_in_save", args=[cycle.pk]), {"check_in_note": note}, **HTMX
    )
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith('<section id="check-in"')
    check_in = section(html, "check-in")
    assert note in check_in
    assert shown(response, "Saved.") in check_in
    assert 'hx-swap-oob="true"' in section(html, "requirements")
    evaluation = Evaluation.objects.get(cycle=cycle)
    assert (evaluation.check_in_note, evaluation.check_in_done_on) == (note, today())

    response = client.post(reverse("check_in_save", args=[cycle.pk]), {"check_in_note": note})
    assert response.status_code == 302
    assert response["Location"] == phase_7(cycle) + "#check-in"


def test_a_decision_without_a_choice_keeps_the_reason_in_the_fragment(client, world, cycle):
    client.force_login(world.leader)
    reason = "Vi vil fortsette med måltidsvertene"
    response = client.post(
        reverse("decision_save_evaluation", args=[cycle.pk]),
        {"decision": "", "decision_reason": reason},
        **HTMX,
    )
    assert response.status_code == 422
    assert is_fragment(response)
    html = text(response)
    continuation = section(html, "continuation")
    assert shown(response, "Choose how the unit goes on.") in field_error(
        continuation, "id_decision"
    )
    assert reason in continuation
    assert 'hx-swap-oob="true"' in section(html, "requirements")
    assert not Evaluation.objects.filter(cycle=cycle).exists()


def test_a_decision_without_a_reason_is_refused_on_the_page(client, world, cycle):
    client.force_login(world.leader)
    response = client.post(
        reverse("decision_save_evaluation", args=[cycle.pk]),
        {"decision": "new_cycle", "decision_reason": "  "},
    )
    assert response.status_code == 422
    assert not is_fragment(response)
    continuation = section(text(response), "continuation")
    error = field_error(continuation, "id_decision_reason")
    assert shown(response, "Write why, so others can learn from the decision.") in error
    assert re.search(r'<input[^>]*value="new_cycle"[^>]*checked', continuation)
    assert not Evaluation.objects.filter(cycle=cycle).exists()


def test_an_answer_that_is_not_a_choice_keeps_what_was_typed(client, world, cycle):
    client.force_login(world.leader)
    data = {**ANSWERS, "achieved": "kanskje"}
    response = client.post(reverse("evaluation_save", args=[cycle.pk]), data, **HTMX)
    assert response.status_code == 422
    evaluation = section(text(response), "evaluation")
    expected = shown(
        response,
        "Select a valid choice. %(value)s is not one of the available choices.",
        value="kanskje",
    )
    assert expected in field_error(evaluation, "id_achieved")
    for name in ("experience", "why", "evidence", "lessons"):
        assert escape(ANSWERS[name]) in evaluation
    assert not Evaluation.objects.filter(cycle=cycle).exists()


def test_an_empty_check_in_is_refused(client, world, cycle):
    decided(cycle, world.leader)
    client.force_login(world.leader)
    response = client.post(reverse("check_in_save", args=[cycle.pk]), {"check_in_note": ""}, **HTMX)
    assert response.status_code == 422
    check_in = section(text(response), "check-in")
    assert shown(response, "This field is required.") in field_error(check_in, "id_check_in_note")
    assert Evaluation.objects.get(cycle=cycle).check_in_done_on is None


# 3. The decision and the check-in -----------------------------------------------------


@contextmanager
def travel(moment: datetime.date | datetime.datetime, hour: int = 12):
    """Stand still at ``moment`` (a datetime, or ``hour`` o'clock on a date, Oslo time)."""
    if not isinstance(moment, datetime.datetime):
        moment = at(moment, hour)
    with time_machine.travel(moment, tick=False):
        yield


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=OSLO)


@pytest.mark.parametrize(
    "day, check_in",
    [
        (datetime.date(2026, 5, 12), datetime.date(2027, 5, 12)),
        (datetime.date(2028, 2, 29), datetime.date(2029, 2, 28)),
        (datetime.date(2026, 12, 31), datetime.date(2027, 12, 31)),
    ],
)
def test_the_decision_books_the_check_in_a_year_later(client, world, cycle, day, check_in):
    with travel(day):
        client.force_login(world.leader)  # a session from today would have expired by then
        response = client.post(reverse("decision_save_evaluation", args=[cycle.pk]), DECISION)
        assert response.status_code == 302
        assert response["Location"] == phase_7(cycle) + "#continuation"
        page = client.get(phase_7(cycle))
    evaluation = Evaluation.objects.get(cycle=cycle)
    assert evaluation.decision == Evaluation.Decision.CONTINUE
    assert evaluation.decision_reason == DECISION["decision_reason"]
    assert (evaluation.decided_on, evaluation.decided_by) == (day, world.leader)
    assert evaluation.check_in_on == check_in
    assert check_in.strftime("%-d.%-m.%Y") in section(text(page), "continuation")
    assert shown(page, "Check-in one year later") in section(text(page), "check-in")


def test_changing_the_decision_keeps_the_check_in_booked(client, world, cycle):
    with travel(D):
        client.force_login(world.leader)
        client.post(reverse("decision_save_evaluation", args=[cycle.pk]), DECISION)
    with travel(D + 30 * DAY):
        client.force_login(world.leader)
        response = client.post(
            reverse("decision_save_evaluation", args=[cycle.pk]),
            {"decision": "new_cycle", "decision_reason": "Vi tar neste tema"},
        )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(cycle=cycle)
    assert evaluation.decision == Evaluation.Decision.NEW_CYCLE
    assert evaluation.decided_on == D + 30 * DAY
    assert evaluation.check_in_on == datetime.date(2027, 3, 10)


def test_the_page_has_no_check_in_before_a_decision(client, world, cycle):
    client.force_login(world.leader)
    page = text(client.get(phase_7(cycle)))
    assert 'id="check-in"' not in page
    assert reverse("check_in_save", args=[cycle.pk]) not in page


@pytest.mark.parametrize("answered", [False, True])
def test_a_check_in_before_a_decision_is_404(client, world, cycle, answered):
    if answered:
        Evaluation.objects.create(
            cycle=cycle, experience="Godt", achieved="yes", why="Øving", decision=""
        )
    client.force_login(world.leader)
    before = state()
    response = client.post(
        reverse("check_in_save", args=[cycle.pk]), {"check_in_note": "Går fint"}, **HTMX
    )
    assert response.status_code == 404
    assert state() == before


# 4. Indicators ------------------------------------------------------------------------


def summary_of(indicator: Indicator) -> services.IndicatorSummary:
    (summary,) = services.indicator_summaries(Indicator.objects.filter(pk=indicator.pk))
    return summary


@pytest.mark.parametrize(
    "direction, values, change, improved, reached",
    [
        # Higher is better: baseline 50, target 70.
        ("up", [], None, None, None),
        ("up", [55], Decimal("5"), True, False),
        ("up", [60, 70], Decimal("20"), True, True),
        ("up", [75, 45], Decimal("-5"), False, False),
        ("up", [50], Decimal("0"), None, False),
        # Lower is better: baseline 50, target 30.
        ("down", [45], Decimal("-5"), True, False),
        ("down", [40, 30], Decimal("-20"), True, True),
        ("down", [25], Decimal("-25"), True, True),
        ("down", [55], Decimal("5"), False, False),
    ],
)
def test_an_indicator_summary(world, cycle, direction, values, change, improved, reached):
    target = Decimal("70") if direction == "up" else Decimal("30")
    indicator = make_indicator(
        cycle=cycle, direction=direction, baseline=Decimal("50"), target=target
    )
    for number, value in enumerate(values, start=1):
        add_value(indicator, indicator.baseline_on + number * 7 * DAY, value)
    summary = summary_of(indicator)
    assert summary.change == change
    assert summary.improved is improved
    assert summary.target_reached is reached
    if values:
        assert summary.latest.value == Decimal(str(values[-1]))
    else:
        assert summary.latest is None


def test_the_latest_value_is_the_last_measured_not_the_last_entered(world, cycle):
    indicator = make_indicator(cycle=cycle, baseline=Decimal("10"))
    add_value(indicator, indicator.baseline_on + 20 * DAY, 7)
    add_value(indicator, indicator.baseline_on + 10 * DAY, 9)  # entered late
    summary = summary_of(indicator)
    assert [v.value for v in summary.values] == [Decimal("9"), Decimal("7")]
    assert summary.latest.value == Decimal("7")


def test_without_a_target_the_target_is_neither_reached_nor_missed(world, cycle):
    indicator = make_indicator(cycle=cycle, target=None)
    add_value(indicator, today(), 1)
    assert summary_of(indicator).target_reached is None


def test_the_baseline_is_in_time_when_measured_before_the_implementation_started(world):
    cycle = start(world, start_date=D - 120 * DAY)
    with travel(D - 90 * DAY):
        move_to(cycle, Phase.OBSERVATION, world.leader)
    with travel(D):
        move_to(cycle, Phase.IMPLEMENTATION, world.leader)
    with travel(D + 40 * DAY):
        move_to(cycle, EVALUATION, world.leader)
    before = make_indicator(cycle=cycle, name="Før", baseline_on=D - DAY)
    same_day = make_indicator(cycle=cycle, name="Samme dag", baseline_on=D)
    late = make_indicator(cycle=cycle, name="Etterpå", baseline_on=D + DAY)

    assert services.implementation_started(cycle) == D
    in_time = {s.indicator.pk: s.baseline_in_time for s in services.cycle_indicators(cycle)}
    assert in_time == {before.pk: True, same_day.pk: True, late.pk: False}

    # Reopening phase 3 and coming back does not move the start of the implementation.
    with travel(D + 50 * DAY):
        phases.reopen(cycle, phase=Phase.LEARNING_POINTS, actor=world.leader, reason="Mer")
        move_to(cycle, EVALUATION, world.leader)
    assert services.implementation_started(cycle) == D


def test_the_pages_say_which_baseline_came_late(client, world):
    cycle = start(world, start_date=D - 120 * DAY)
    with travel(D):
        move_to(cycle, EVALUATION, world.leader)
    make_indicator(cycle=cycle, name="I tide", baseline_on=D - 30 * DAY)
    late = make_indicator(cycle=cycle, name="For sent", baseline_on=D + 10 * DAY)
    client.force_login(world.leader)

    page = client.get(reverse("cycle_indicators", args=[cycle.pk]))
    html = text(page)
    late_text = shown(page, "registered after the implementation started")
    assert late_text in section(html, f"indicator-{late.pk}")
    assert html.count(late_text) == 1

    page = client.get(phase_7(cycle))
    indicators = section(text(page), "indicators")
    assert indicators.count(shown(page, "baseline registered late")) == 1
    assert "I tide" in indicators and "For sent" in indicators


def test_a_cycle_that_never_reached_phase_6_has_no_verdict_on_its_baselines(world):
    cycle = start(world)
    make_indicator(cycle=cycle)
    assert services.implementation_started(cycle) is None
    assert [s.baseline_in_time for s in services.cycle_indicators(cycle)] == [None]


def test_the_indicators_page_shows_a_chart_and_a_table(client, world, cycle):
    with_values = make_indicator(cycle=cycle, name="Sykefravær", baseline_on=D - 90 * DAY)
    add_value(with_values, D - 30 * DAY, "7.5", note="Etter delingsmøtet")
    add_value(with_values, D, "6.0")
    without = make_indicator(cycle=cycle, name="Avvik", baseline_on=D - 90 * DAY)
    client.force_login(world.staff)

    response = client.get(reverse("cycle_indicators", args=[cycle.pk]))
    assert response.status_code == 200
    html = text(response)
    article = section(html, f"indicator-{with_values.pk}")
    chart = re.search(r'<figure class="chart">(.*?)</figure>', article, re.S)
    assert chart and chart.group(1).lstrip().startswith("<svg")
    assert 'aria-hidden="true"' in chart.group(1)
    assert "<script" not in chart.group(1)
    table = re.search(r"<table>.*?</table>", article, re.S).group(0)
    assert shown(response, "Values for %(name)s", name="Sykefravær") in table
    rows = re.findall(r"<tr><td>(.*?)</td>", table)
    assert rows == [
        (D - 90 * DAY).strftime("%-d.%-m.%Y"),
        (D - 30 * DAY).strftime("%-d.%-m.%Y"),
        D.strftime("%-d.%-m.%Y"),
    ]
    assert "Etter delingsmøtet" in table
    assert shown(response, "Baseline") in table
    assert shown(response, "better") in article  # 8 → 6, lower is better
    assert shown(response, "target reached") in article  # the target is 6

    empty = section(html, f"indicator-{without.pk}")
    assert "<svg" not in empty
    assert shown(response, "No follow-up value yet.") in empty
    # Staff may look, not change.
    assert reverse("indicator_value_add", args=[with_values.pk]) not in html
    assert 'id="new-indicator"' not in html


def test_contributors_get_the_forms(client, world, cycle):
    indicator = make_indicator(cycle=cycle)
    client.force_login(world.supporter)
    html = text(client.get(reverse("cycle_indicators", args=[cycle.pk])))
    assert reverse("indicator_value_add", args=[indicator.pk]) in html
    assert reverse("indicator_delete", args=[indicator.pk]) in html
    assert f'id="indicator{indicator.pk}_measured_on"' in html
    assert 'id="new-indicator"' in html


def test_an_indicators_name_is_escaped_in_the_heading_and_the_chart(client, world, cycle):
    indicator = make_indicator(cycle=cycle, name='<img src=x onerror="alert(1)">')
    add_value(indicator, today(), 5)
    client.force_login(world.leader)
    html = text(client.get(reverse("cycle_indicators", args=[cycle.pk])))
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_creating_an_indicator(client, world, cycle):
    client.force_login(world.leader)
    response = client.post(reverse("cycle_indicators", args=[cycle.pk]), INDICATOR_DATA)
    indicator = Indicator.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle_indicators", args=[cycle.pk]) + (
        f"#indicator-{indicator.pk}"
    )
    assert (indicator.cycle, indicator.programme, indicator.created_by) == (
        cycle,
        None,
        world.leader,
    )
    assert (indicator.baseline_value, indicator.target_value) == (Decimal("12"), Decimal("4"))
    assert indicator.direction == Indicator.Direction.DOWN


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("baseline_value", "", "This field is required."),
        ("baseline_value", "tolv", "Enter a number."),
        ("baseline_on", "", "This field is required."),
        ("name", "", "This field is required."),
    ],
)
def test_a_bad_indicator_is_refused_and_keeps_what_was_typed(
    client, world, cycle, field, value, message
):
    client.force_login(world.leader)
    data = {**INDICATOR_DATA, field: value}
    response = client.post(reverse("cycle_indicators", args=[cycle.pk]), data)
    assert response.status_code == 422
    new = section(text(response), "new-indicator")
    assert shown(response, message) in field_error(new, f"id_{field}")
    for name, typed in data.items():
        if typed and name != "direction":
            assert f'value="{typed}"' in new
    assert not Indicator.objects.exists()


def value_url(indicator: Indicator) -> str:
    return reverse("indicator_value_add", args=[indicator.pk])


def test_a_value_with_htmx_returns_the_indicator_with_its_chart(client, world, cycle):
    indicator = make_indicator(cycle=cycle, baseline_on=D - 30 * DAY)
    client.force_login(world.leader)
    response = client.post(
        value_url(indicator), {"measured_on": D.isoformat(), "value": "6.5", "note": "Bra"}, **HTMX
    )
    assert response.status_code == 200
    html = text(response)
    assert is_fragment(response)
    assert html.lstrip().startswith(
        f'<article class="section indicator" id="indicator-{indicator.pk}"'
    )
    assert shown(response, "The value is saved.") in html
    assert "<svg" in html
    assert D.strftime("%-d.%-m.%Y") in html
    value = IndicatorValue.objects.get()
    assert (value.indicator, value.measured_on, value.value, value.note) == (
        indicator,
        D,
        Decimal("6.5"),
        "Bra",
    )


def test_a_value_without_htmx_redirects_to_the_indicator(client, world, cycle):
    indicator = make_indicator(cycle=cycle, baseline_on=D - 30 * DAY)
    client.force_login(world.leader)
    response = client.post(value_url(indicator), {"measured_on": D.isoformat(), "value": "6"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle_indicators", args=[cycle.pk]) + (
        f"#indicator-{indicator.pk}"
    )
    page = client.get(response["Location"])
    assert shown(page, "The value is saved.") in text(page)


def bad_values(indicator: Indicator):
    """(data, field, message, params) for each way a follow-up value can be wrong."""
    baseline = indicator.baseline_on
    return [
        (
            {"measured_on": (baseline - DAY).isoformat(), "value": "6.5"},
            "measured_on",
            "A follow-up value cannot be measured before the baseline date (%(date)s).",
            {"date": baseline.strftime("%d.%m.%Y")},
        ),
        (
            {"measured_on": (baseline + 10 * DAY).isoformat(), "value": "6.5"},
            "measured_on",
            "There is already a value for this date.",
            {},
        ),
        (
            {"measured_on": (baseline + 20 * DAY).isoformat(), "value": "mange"},
            "value",
            "Enter a number.",
            {},
        ),
        ({"measured_on": "", "value": "6.5"}, "measured_on", "This field is required.", {}),
    ]


@pytest.mark.parametrize("case", range(4), ids=["before-baseline", "same-day", "nan", "no-date"])
@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_a_bad_value_is_refused_at_its_field_and_keeps_what_was_typed(
    client, world, cycle, case, headers
):
    indicator = make_indicator(cycle=cycle, baseline_on=D - 30 * DAY)
    add_value(indicator, indicator.baseline_on + 10 * DAY, 7)
    data, field, message, params = bad_values(indicator)[case]
    data = {**data, "note": "Skrevet inn av Siv"}
    client.force_login(world.leader)
    before = state()

    response = client.post(value_url(indicator), data, **headers)
    assert response.status_code == 422
    assert is_fragment(response) == bool(headers)
    article = section(text(response), f"indicator-{indicator.pk}")
    assert shown(response, message, **params) in field_error(
        article, f"indicator{indicator.pk}_{field}"
    )
    for typed in data.values():
        if typed:
            assert f'value="{typed}"' in article
    assert "<details open>" in article
    assert state() == before


def test_deleting_an_indicator(client, world, cycle):
    first = make_indicator(cycle=cycle)
    add_value(first, today(), 5)
    second = make_indicator(cycle=cycle, name="Avvik")
    client.force_login(world.leader)

    response = client.post(reverse("indicator_delete", args=[first.pk]), **HTMX)
    assert (response.status_code, text(response)) == (200, "")
    assert not IndicatorValue.objects.exists()

    response = client.post(reverse("indicator_delete", args=[second.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cycle_indicators", args=[cycle.pk])
    assert not Indicator.objects.exists()


def test_a_programmes_indicators(client, world):
    coordinator = UserFactory(municipality=world.unit.municipality)
    programme = make_programme(world, coordinators=[coordinator])
    client.force_login(coordinator)
    url = reverse("programme_indicators", args=[programme.pk])

    response = client.post(url, {**INDICATOR_DATA, "name": "Oppmøte på samlinger"})
    indicator = Indicator.objects.get()
    assert response["Location"] == url + f"#indicator-{indicator.pk}"
    assert (indicator.programme, indicator.cycle) == (programme, None)
    response = client.post(
        value_url(indicator), {"measured_on": "2026-03-01", "value": "9"}, **HTMX
    )
    assert response.status_code == 200
    assert "<svg" in text(response)

    client.force_login(world.hr)
    page = client.get(url)
    html = text(page)
    assert "Oppmøte på samlinger" in html
    assert reverse("programme_detail", args=[programme.pk]) in html
    assert value_url(indicator) not in html  # follows, does not manage
    assert summary_of(indicator).baseline_in_time is None


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["cycle_indicators", "phase_detail"])
def test_query_counts_do_not_grow_with_the_indicators(client, world, cycle, page):
    args = [cycle.pk] if page == "cycle_indicators" else [cycle.pk, EVALUATION]
    url = reverse(page, args=args)

    def indicator(number: int) -> None:
        made = make_indicator(cycle=cycle, name=f"Indikator {number}", baseline_on=D - 90 * DAY)
        for week in range(3):
            add_value(made, D - (10 - week) * 7 * DAY, 5 + week)

    indicator(1)
    client.force_login(world.leader)
    client.get(url)
    one = count_queries(client, url)
    for number in range(2, 7):
        indicator(number)
    six = count_queries(client, url)
    assert one == six
    assert text(client.get(url)).count("Indikator ") >= 6


# 5. The practice card from the evaluation ---------------------------------------------


def test_publishing_the_practice_card_from_the_evaluation(client, world, cycle):
    Cycle.objects.filter(pk=cycle.pk).update(focus_question="Hvordan skaper vi ro ved måltidet?")
    decided(cycle, world.leader)
    Evaluation.objects.filter(cycle=cycle).update(evidence="Alle spiser nå sammen med beboerne")
    client.force_login(world.leader)

    page = client.get(phase_7(cycle))
    create = reverse("practice_create", args=[world.unit.pk]) + f"?cycle={cycle.pk}"
    continuation = section(text(page), "continuation")
    assert create in continuation

    form = client.get(create)
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["title"] == cycle.title
    assert initial["description"] == (
        "Hvordan skaper vi ro ved måltidet?\n\nAlle spiser nå sammen med beboerne"
    )

    response = client.post(
        create,
        {
            "title": "Ro ved måltidet",
            "description": "Vi spiser sammen med beboerne, med dempet lys.",
            "themes": "måltid",
            "contact": "",
            "visits_per_month": "2",
            "is_published": "on",
        },
    )
    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("practice_detail", args=[practice.pk])
    assert (practice.cycle, practice.unit, practice.created_by) == (cycle, world.unit, world.leader)
    assert Evaluation.objects.get(cycle=cycle).practice == practice

    page = client.get(phase_7(cycle))
    continuation = section(text(page), "continuation")
    assert shown(page, "Published in the practice register:") in continuation
    assert reverse("practice_detail", args=[practice.pk]) in continuation
    assert create not in continuation


def test_a_cycle_of_another_unit_is_not_linked_to_the_practice(client, world, cycle):
    other = phases.start_cycle(
        unit=world.sibling,
        owner=world.sibling_leader,
        title="Naboens løp",
        start_date=today(),
        actor=world.sibling_leader,
    )
    decided(other, world.sibling_leader)
    client.force_login(world.leader)
    create = reverse("practice_create", args=[world.unit.pk]) + f"?cycle={other.pk}"
    assert client.get(create).context["form"].initial["title"] == ""
    client.post(
        create,
        {
            "title": "Vår praksis",
            "description": "Slik gjør vi det",
            "themes": "",
            "contact": "",
            "visits_per_month": "1",
            "is_published": "on",
        },
    )
    practice = Practice.objects.get()
    assert practice.cycle is None
    assert Evaluation.objects.get(cycle=other).practice is None


# 6. Reminders -------------------------------------------------------------------------


def sweep(day: datetime.date, hour: int = 12) -> int:
    with travel(day, hour):
        return reminders.sweep()


def written(day: datetime.date, kind: str, hour: int = 12) -> set[tuple[int, int]]:
    """Sweep on ``day``: the (recipient, object) pairs of ``kind`` that sweep wrote."""
    before = list(Notification.objects.values_list("pk", flat=True))
    sweep(day, hour)
    new = Notification.objects.filter(kind=kind).exclude(pk__in=before)
    return set(new.values_list("recipient_id", "object_id"))


def to(obj, *people: User) -> set[tuple[int, int]]:
    return {(person.pk, obj.pk) for person in people}


def occasions(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("occasion", flat=True))


def send_due(moment: datetime.datetime) -> int:
    with travel(moment):
        return outbox.send_due(moment)


def open_survey(world, *, opened=None, status=Survey.Status.OPEN, closes_on=None) -> Survey:
    """An open survey of world.unit asking staff, the supporter and the leader."""
    return Survey.objects.create(
        municipality=world.unit.municipality,
        unit=world.unit,
        title="Hvordan gikk kollegalæringen?",
        audiences=["unit_staff"],
        status=status,
        opened_at=opened or at(D, 9),
        closes_on=closes_on,
    )


def ask(survey: Survey, *people: User, answered=()) -> dict[int, Respondent]:
    return {
        person.pk: Respondent.objects.create(
            survey=survey, user=person, has_answered=person in answered
        )
        for person in people
    }


class TestSurveyUnanswered:
    def test_on_the_day_it_opens_and_four_days_later_to_those_who_have_not_answered(self, world):
        survey = open_survey(world)
        asked = ask(survey, world.staff, world.supporter, world.leader, answered=[world.leader])
        staff, supporter = asked[world.staff.pk], asked[world.supporter.pk]

        assert written(D - DAY, Kind.SURVEY_UNANSWERED) == set()
        assert written(D, Kind.SURVEY_UNANSWERED) == to(staff, world.staff) | to(
            supporter, world.supporter
        )
        for day in (1, 2, 3):
            assert written(D + day * DAY, Kind.SURVEY_UNANSWERED) == set()
        Respondent.objects.filter(pk=supporter.pk).update(has_answered=True)
        assert written(D + 4 * DAY, Kind.SURVEY_UNANSWERED) == to(staff, world.staff)
        assert written(D + 5 * DAY, Kind.SURVEY_UNANSWERED) == set()
        assert occasions(Kind.SURVEY_UNANSWERED) == {f"{D}+0", f"{D}+4"}

    def test_the_reminder_names_the_survey_and_its_last_day(self, world):
        survey = open_survey(world, closes_on=D + 14 * DAY)
        ask(survey, world.staff)
        sweep(D)
        row = Notification.objects.get(kind=Kind.SURVEY_UNANSWERED)
        assert row.params == {
            "survey": survey.title,
            "date": D.isoformat(),  # the day it opened: the reminders' anchor
            "closes_date": (D + 14 * DAY).isoformat(),
        }
        assert row.url == reverse("survey_answer", args=[survey.pk])

    def test_a_survey_opened_after_midnight_counts_from_the_local_date(self, world):
        survey = open_survey(world, opened=at(D, 0, 30))  # 23:30 the day before in UTC
        respondent = ask(survey, world.staff)[world.staff.pk]
        assert written(D - DAY, Kind.SURVEY_UNANSWERED) == set()
        assert written(D, Kind.SURVEY_UNANSWERED) == to(respondent, world.staff)

    @pytest.mark.parametrize("late, found", [(11, True), (12, False)])
    def test_a_missed_reminder_is_found_for_seven_days_after_day_four(self, world, late, found):
        survey = open_survey(world, opened=at(D - late * DAY, 9))
        respondent = ask(survey, world.staff)[world.staff.pk]
        expected = to(respondent, world.staff) if found else set()
        assert written(D, Kind.SURVEY_UNANSWERED) == expected

    @pytest.mark.parametrize("status", [Survey.Status.DRAFT, Survey.Status.CLOSED])
    def test_only_open_surveys(self, world, status):
        ask(open_survey(world, status=status), world.staff)
        assert written(D, Kind.SURVEY_UNANSWERED) == set()

    def test_people_switched_off_get_none(self, world):
        survey = open_survey(world)
        ask(survey, world.staff)
        User.objects.filter(pk=world.staff.pk).update(is_active=False)
        assert written(D, Kind.SURVEY_UNANSWERED) == set()

    @pytest.mark.parametrize("change", ["answered", "closed"])
    def test_withdrawn_when_answered_or_closed_before_it_goes(self, world, change):
        survey = open_survey(world)
        respondent = ask(survey, world.staff)[world.staff.pk]
        sweep(D)  # a daily digest: it waits for the next morning
        row = Notification.objects.get(kind=Kind.SURVEY_UNANSWERED)
        if change == "answered":
            Respondent.objects.filter(pk=respondent.pk).update(has_answered=True)
        else:
            Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)

        assert send_due(at(D + DAY, 7)) == 0
        assert mail.outbox == []
        assert fresh(row).status == S.WITHDRAWN

    def test_sent_when_still_unanswered(self, world):
        survey = open_survey(world)
        ask(survey, world.staff)
        sweep(D)
        assert send_due(at(D + DAY, 7)) == 1
        assert [message.to[0] for message in mail.outbox] == [world.staff.email]

    def test_no_reminder_after_the_last_day_to_answer(self, world):
        survey = open_survey(world, closes_on=D + 2 * DAY)
        ask(survey, world.staff)
        sweep(D + 4 * DAY)
        send_due(at(D + 5 * DAY, 7))
        assert not Notification.objects.filter(
            kind=Kind.SURVEY_UNANSWERED, status__in=[S.PENDING, S.SENT]
        ).exists()
        assert mail.outbox == []


class TestCheckIn:
    @pytest.fixture
    def evaluation(self, world) -> Evaluation:
        cycle = start(world, start_date=D - 400 * DAY)
        return decided(cycle, world.leader, on=D - 365 * DAY)

    def test_on_the_check_in_day_to_the_owner_and_the_units_leaders(self, world, evaluation):
        second_leader = MembershipFactory(unit=world.unit, role=Membership.Role.LEADER).user
        assert evaluation.check_in_on == D

        assert written(D - DAY, Kind.EVALUATION_CHECK_IN) == set()
        assert written(D, Kind.EVALUATION_CHECK_IN) == to(evaluation, world.leader, second_leader)
        assert written(D + DAY, Kind.EVALUATION_CHECK_IN) == set()
        assert occasions(Kind.EVALUATION_CHECK_IN) == {f"{D}+0"}
        row = Notification.objects.filter(kind=Kind.EVALUATION_CHECK_IN).first()
        assert row.url == phase_7(evaluation.cycle) + "#check-in"
        assert row.params == {"cycle": evaluation.cycle.title, "date": D.isoformat()}

    def test_an_owner_who_no_longer_leads_the_unit_is_still_told(self, world, evaluation):
        Cycle.objects.filter(pk=evaluation.cycle_id).update(owner=world.enterprise_leader)
        assert written(D, Kind.EVALUATION_CHECK_IN) == to(
            evaluation, world.enterprise_leader, world.leader
        )

    @pytest.mark.parametrize("late, found", [(7, True), (8, False)])
    def test_a_missed_check_in_is_found_for_seven_days(self, world, evaluation, late, found):
        expected = to(evaluation, world.leader) if found else set()
        assert written(D + late * DAY, Kind.EVALUATION_CHECK_IN) == expected

    @pytest.mark.parametrize(
        "decision, found",
        [
            (Evaluation.Decision.CONTINUE, True),
            (Evaluation.Decision.NEW_CYCLE, True),
            (Evaluation.Decision.END, False),
        ],
    )
    def test_only_for_going_on(self, world, evaluation, decision, found):
        Evaluation.objects.filter(pk=evaluation.pk).update(decision=decision)
        expected = to(evaluation, world.leader) if found else set()
        assert written(D, Kind.EVALUATION_CHECK_IN) == expected

    def test_none_once_the_check_in_is_recorded(self, world, evaluation):
        Evaluation.objects.filter(pk=evaluation.pk).update(check_in_done_on=D - DAY)
        assert written(D, Kind.EVALUATION_CHECK_IN) == set()

    def test_withdrawn_when_recorded_before_it_goes(self, client, world, evaluation):
        sweep(D)
        row = Notification.objects.get(kind=Kind.EVALUATION_CHECK_IN)
        with travel(D, 18):
            client.force_login(world.leader)
            response = client.post(
                reverse("check_in_save", args=[evaluation.cycle_id]),
                {"check_in_note": "Fortsatt i bruk"},
            )
        assert response.status_code == 302

        assert send_due(at(D + DAY, 7)) == 0
        assert mail.outbox == []
        assert fresh(row).status == S.WITHDRAWN

    def test_sent_when_not_recorded(self, world, evaluation):
        sweep(D)
        assert send_due(at(D + DAY, 7)) == 1
        assert [message.to[0] for message in mail.outbox] == [world.leader.email]


class TestEvaluationDue:
    @pytest.fixture
    def cycle(self, world) -> Cycle:
        """An active cycle of world.unit in phase 7, due on D."""
        cycle = Cycle.objects.create(
            unit=world.unit,
            owner=world.leader,
            title="Ro ved måltidet",
            start_date=D - 180 * DAY,
            current_phase=EVALUATION,
        )
        PhasePlan.objects.create(cycle=cycle, phase=EVALUATION, due_date=D)
        return cycle

    def test_due_while_there_is_no_decision(self, world, cycle):
        Evaluation.objects.create(cycle=cycle, experience="Godt", achieved="yes", why="Øving")
        assert written(D - 7 * DAY, Kind.EVALUATION_DUE) == to(cycle, world.hr)

    def test_skipped_once_decided(self, world, cycle):
        decided(cycle, world.leader, on=D - 10 * DAY)
        assert written(D - 7 * DAY, Kind.EVALUATION_DUE) == set()

    def test_withdrawn_when_decided_before_it_goes(self, world, cycle):
        sweep(D - 7 * DAY)
        row = Notification.objects.get(kind=Kind.EVALUATION_DUE)
        decided(cycle, world.leader, on=D - 7 * DAY)
        send_due(at(D - 6 * DAY, 7))
        assert fresh(row).status == S.WITHDRAWN
        assert world.hr.email not in [message.to[0] for message in mail.outbox]


# 7. Languages -------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_phase_7_page_in_the_readers_language_form(client, world, cycle, language):
    User.objects.filter(pk=world.leader.pk).update(language=language)
    client.force_login(fresh(world.leader))
    response = client.get(phase_7(cycle))
    html = text(response)
    assert f'<html lang="{language}">' in html
    with translation.override(language):
        heading = gettext("Phase %(number)s: %(name)s") % {
            "number": 7,
            "name": escape(str(Phase.EVALUATION.label)),
        }
        evaluation_heading = escape(gettext("The evaluation questions"))
    assert f"<h1>{heading}</h1>" in html
    assert evaluation_heading in section(html, "evaluation")


def test_deciding_with_htmx_shows_the_check_in_at_once(client, world, cycle):
    client.force_login(world.leader)
    response = client.post(reverse("decision_save_evaluation", args=[cycle.pk]), DECISION, **HTMX)
    assert response.status_code == 200
    assert 'id="check-in"' in section(text(response), "continuation")
