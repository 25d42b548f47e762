"""Surveys (evaluation/surveys.py, evaluation/permissions.py, evaluation/views/surveys.py):
the question bank, building a survey, whom it asks, answering it, the results and their
percentages, who may open and post to every survey URL, the htmx fragments, bad input,
and query counts that do not grow with the data.

Anonymity and the suppression of small groups are tested in test_survey_anonymity.py.
Texts from the code are looked up with ``shown()`` in the response's language."""

from __future__ import annotations

import datetime
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from evaluation import surveys
from evaluation import urls as evaluation_urls
from evaluation.models import (
    Answer,
    Audience,
    Instrument,
    Question,
    Respondent,
    Response,
    Scale,
    Survey,
    SurveyQuestion,
)
from evaluation.permissions import authorize_survey, can_create_for
from learning.models import Phase
from programmes.models import Attendance, TeamMember
from tests.factories import MembershipFactory, UnitFactory
from tests.test_programme_views import (
    admit,
    enrol,
    make_gathering,
    make_programme,
    shown,
    text,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
DAY = datetime.timedelta(days=1)


# Helpers ------------------------------------------------------------------------------


def bank_question(key: str, scale=Scale.AGREE5, **fields) -> Question:
    fields.setdefault("text_nb", f"Bokmål {key}")
    fields.setdefault("text_nn", f"Nynorsk {key}")
    fields.setdefault("text_en", f"English {key}")
    fields.setdefault("instrument", Instrument.OUTCOME)
    return Question.objects.create(key=key, scale=scale, **fields)


def unit_survey(world, *questions, audiences=(Audience.UNIT_STAFF,), anonymous=True, opened=True):
    survey = surveys.create_survey(
        created_by=world.leader,
        unit=world.unit,
        title="Hvordan går kollegalæringen?",
        audiences=audiences,
        is_anonymous=anonymous,
    )
    surveys.add_questions(survey, questions)
    if opened:
        surveys.open_survey(survey, timezone.now())
    return Survey.objects.get(pk=survey.pk)


def answer(survey, user, **answers) -> Response:
    """Answers by question pk given as q<pk>=value."""
    return surveys.submit_response(
        survey, user, {int(name[1:]): value for name, value in answers.items()}
    )


def asked(survey) -> set[str]:
    return set(survey.respondents.values_list("user__full_name", flat=True))


# The question bank ---------------------------------------------------------------------

BANK = [
    {
        "key": "test-goals",
        "instrument": "outcome",
        "scale": "agree5",
        "nb": "Deltakelsen har bidratt til bedre måloppnåelse.",
        "nn": "Deltakinga har bidrege til betre måloppnåing.",
        "en": "Taking part has helped us reach our goals.",
        "options": [],
        "source": "004:7050",
    },
    {
        "key": "test-role",
        "instrument": "participation",
        "scale": "single",
        "nb": "Hva er din rolle?",
        "nn": "Kva er rolla di?",
        "en": "What is your role?",
        "options": [
            {"nb": "Ansatt", "nn": "Tilsett", "en": "Employee"},
            {"nb": "Leder", "nn": "Leiar", "en": "Leader"},
        ],
        "source": "004:6477",
    },
]


@pytest.fixture
def fake_bank(monkeypatch):
    module = types.ModuleType("evaluation.question_bank")
    module.QUESTIONS = [dict(entry) for entry in BANK]
    monkeypatch.setitem(sys.modules, "evaluation.question_bank", module)
    return module


def test_the_bank_is_loaded_updated_and_pruned_by_key(db, fake_bank):
    loaded = Question.objects.filter(key__isnull=False, is_active=True).count()  # by migration
    assert surveys.sync_question_bank() == {"created": 2, "updated": 0, "deactivated": loaded}
    goals = Question.objects.get(key="test-goals")
    assert (goals.text_nn, goals.scale, goals.instrument, goals.source) == (
        "Deltakinga har bidrege til betre måloppnåing.",
        "agree5",
        "outcome",
        "004:7050",
    )
    role = Question.objects.get(key="test-role")
    assert role.options[1] == {"nb": "Leder", "nn": "Leiar", "en": "Leader"}
    assert role.municipality is None and role.is_active

    # Running it again changes nothing.
    assert surveys.sync_question_bank() == {"created": 0, "updated": 0, "deactivated": 0}
    assert Question.objects.filter(key__startswith="test-").count() == 2

    # A changed text is updated in place; a question no longer listed is switched off but
    # stays in the surveys that used it.
    survey = surveys.create_survey(
        created_by=None, unit=UnitFactory(), title="T", audiences=["unit_staff"]
    )
    surveys.add_questions(survey, [role])
    fake_bank.QUESTIONS = [{**BANK[0], "en": "Taking part helped us reach our goals."}]
    assert surveys.sync_question_bank() == {"created": 0, "updated": 1, "deactivated": 1}
    goals.refresh_from_db()
    role.refresh_from_db()
    assert goals.pk == Question.objects.get(key="test-goals").pk
    assert goals.text_en == "Taking part helped us reach our goals."
    assert not role.is_active
    assert survey.survey_questions.filter(question=role).exists()
    assert role not in surveys.offered_questions(survey)

    # Listed again, it comes back (and the English text goes back).
    fake_bank.QUESTIONS = BANK
    assert surveys.sync_question_bank() == {"created": 0, "updated": 2, "deactivated": 0}
    role.refresh_from_db()
    assert role.is_active


def test_the_bank_refuses_unknown_scales_and_duplicate_keys(db):
    with pytest.raises(ValueError):
        surveys.sync_question_bank([{**BANK[0], "scale": "agree7"}])
    with pytest.raises(ValueError):
        surveys.sync_question_bank([BANK[0], BANK[0]])
    assert not Question.objects.filter(key="test-goals").exists()


def test_the_real_bank_loads(db):
    from evaluation.question_bank import QUESTIONS

    surveys.sync_question_bank()
    keys = {entry["key"] for entry in QUESTIONS}
    assert (
        set(
            Question.objects.filter(is_active=True, key__isnull=False).values_list("key", flat=True)
        )
        == keys
    )
    assert Question.objects.get(key="outcome-goals").scale == Scale.AGREE5


# Whom a survey asks -----------------------------------------------------------------------


def test_unit_audiences(world):
    question = bank_question("test-q")
    gone = MembershipFactory(unit=world.unit, user__full_name="Sluttet Ansatt").user
    gone.is_active = False
    gone.save()
    staff = unit_survey(world, question)
    assert asked(staff) == {
        "Stine Ansatt",
        "Lars Avdelingsleder",
        "Siv Støtte",
        "Tor Tillitsvalgt",
        "Vera Verneombud",
    }
    leaders = unit_survey(world, question, audiences=[Audience.UNIT_LEADERS])
    assert asked(leaders) == {"Lars Avdelingsleder"}
    reps = unit_survey(world, question, audiences=[Audience.UNION_REPS])
    assert asked(reps) == {"Tor Tillitsvalgt", "Vera Verneombud"}
    assert not Respondent.objects.filter(is_participant=True).exists()


@pytest.fixture
def programme_scene(world):
    """A programme with world.unit admitted (its leader and a resource person in the team),
    the sibling only applied, and a gathering that world.staff attended."""
    programme = make_programme(world)
    enrolment = admit(programme, world.unit, world.leader, decider=world.hr)
    resource = MembershipFactory(unit=world.unit, user__full_name="Rut Ressurs").user
    TeamMember.objects.create(enrolment=enrolment, user=resource, role=TeamMember.Role.RESOURCE)
    retired = MembershipFactory(unit=world.unit, user__full_name="Pensjonert Person").user
    TeamMember.objects.create(enrolment=enrolment, user=retired, role=TeamMember.Role.RESOURCE)
    retired.is_active = False
    retired.save()
    enrol(programme, world.sibling, world.sibling_leader)  # applied, not admitted
    gathering = make_gathering(programme, "Oppstart", timezone.now() - 2 * DAY)
    Attendance.objects.create(
        gathering=gathering, enrolment=enrolment, user=world.staff, role=TeamMember.Role.RESOURCE
    )
    return types.SimpleNamespace(programme=programme, enrolment=enrolment, gathering=gathering)


def test_a_survey_for_the_programmes_participants_asks_the_teams_and_the_attendees(
    world, programme_scene
):
    question = bank_question("test-q")
    survey = surveys.create_survey(
        created_by=world.hr,
        programme=programme_scene.programme,
        title="Utbytte",
        audiences=[Audience.PROGRAMME_PARTICIPANTS],
    )
    surveys.add_questions(survey, [question])
    assert surveys.open_survey(survey) == 3
    assert asked(survey) == {"Lars Avdelingsleder", "Rut Ressurs", "Stine Ansatt"}
    assert set(survey.respondents.values_list("is_participant", flat=True)) == {True}


def test_a_survey_for_the_programmes_units_marks_who_took_part(world, programme_scene):
    survey = surveys.create_survey(
        created_by=world.hr,
        programme=programme_scene.programme,
        title="Alle ansatte",
        audiences=[Audience.PROGRAMME_UNITS],
    )
    surveys.add_questions(survey, [bank_question("test-q")])
    surveys.open_survey(survey)
    flags = dict(survey.respondents.values_list("user__full_name", "is_participant"))
    assert flags == {
        "Lars Avdelingsleder": True,
        "Rut Ressurs": True,
        "Stine Ansatt": True,
        "Siv Støtte": False,
        "Tor Tillitsvalgt": False,
        "Vera Verneombud": False,
    }


def test_a_gathering_survey_asks_those_who_attended(world, programme_scene):
    survey = surveys.create_survey(
        created_by=world.hr,
        gathering=programme_scene.gathering,
        title="Hvordan var samlingen?",
        audiences=[Audience.GATHERING_ATTENDEES],
    )
    assert survey.programme == programme_scene.programme
    surveys.add_questions(survey, [bank_question("test-q")])
    surveys.open_survey(survey)
    assert asked(survey) == {"Stine Ansatt"}


def test_a_survey_refuses_groups_that_do_not_fit_what_it_is_for(world, programme_scene):
    with pytest.raises(ValidationError):
        surveys.create_survey(
            created_by=world.leader,
            unit=world.unit,
            title="T",
            audiences=[Audience.PROGRAMME_PARTICIPANTS],
        )
    with pytest.raises(ValidationError):
        surveys.create_survey(created_by=world.leader, title="T", audiences=[Audience.UNIT_STAFF])
    with pytest.raises(ValidationError):
        surveys.create_survey(
            created_by=world.leader,
            unit=world.unit,
            title="T",
            audiences=[Audience.UNIT_STAFF],
            min_group=4,
        )


@translation.override("en")  # the messages are matched in English
def test_opening_refuses_an_empty_survey_and_one_that_asks_nobody(world):
    empty = unit_survey(world, opened=False)
    with pytest.raises(ValidationError) as error:
        surveys.open_survey(empty)
    assert "Add at least one question" in str(error.value)
    nobody = surveys.create_survey(
        created_by=world.sibling_leader,
        unit=world.sibling,
        title="T",
        audiences=[Audience.UNION_REPS],
    )
    surveys.add_questions(nobody, [bank_question("test-q")])
    with pytest.raises(ValidationError) as error:
        surveys.open_survey(nobody)
    assert "Nobody is asked" in str(error.value)
    nobody.refresh_from_db()
    assert nobody.status == Survey.Status.DRAFT and not nobody.respondents.exists()


def test_opening_twice_and_closing_a_draft_are_refused(world):
    survey = unit_survey(world, bank_question("test-q"))
    assert survey.status == Survey.Status.OPEN and survey.opened_at
    with pytest.raises(ValidationError):
        surveys.open_survey(survey)
    assert survey.respondents.count() == 5
    surveys.close_survey(survey)
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED and survey.closed_at
    with pytest.raises(ValidationError):
        surveys.close_survey(survey)


def test_questions_change_only_in_draft(world):
    first, second = bank_question("test-a"), bank_question("test-b")
    survey = unit_survey(world, first, opened=False)
    added = surveys.add_questions(survey, [first, second])  # the first is there already
    assert [sq.question for sq in added] == [second]
    assert list(survey.survey_questions.values_list("position", flat=True)) == [1, 2]
    surveys.open_survey(survey)
    survey.refresh_from_db()
    with pytest.raises(ValidationError):
        surveys.add_questions(survey, [bank_question("test-c")])
    with pytest.raises(ValidationError):
        surveys.add_own_question(survey, world.leader, text_nb="Ny?", scale=Scale.TEXT)
    with pytest.raises(ValidationError):
        surveys.remove_question(survey, survey.survey_questions.first())
    assert survey.survey_questions.count() == 2


def test_own_questions_belong_to_the_municipality(world):
    survey = unit_survey(world, opened=False)
    sq = surveys.add_own_question(
        survey,
        world.leader,
        text_nb="Hvor fikk du vite om prosjektet?",
        scale=Scale.MULTIPLE,
        options=[{"nb": "Personalmøte"}, {"nb": "E-post", "en": "Email"}],
        is_required=True,
    )
    question = sq.question
    assert question.instrument == Instrument.OWN
    assert question.municipality == world.unit.municipality
    assert question.options[1] == {"nb": "E-post", "nn": "", "en": "Email"}
    assert sq.is_required
    other = surveys.create_survey(
        created_by=world.outsider_leader,
        unit=world.other_unit,
        title="T",
        audiences=[Audience.UNIT_STAFF],
    )
    assert question not in surveys.offered_questions(other)
    with pytest.raises(ValidationError):
        surveys.add_questions(other, [question])
    with pytest.raises(ValidationError):
        surveys.add_own_question(
            survey, world.leader, text_nb="Én?", scale=Scale.SINGLE, options=[{"nb": "Ja"}]
        )


# Answering --------------------------------------------------------------------------------


def test_a_named_answer_keeps_the_person_and_the_time(world):
    question = bank_question("test-q")
    survey = unit_survey(world, question, anonymous=False)
    response = answer(survey, world.staff, **{f"q{question.pk}": 4})
    assert response.respondent.user == world.staff
    assert response.submitted_at is not None
    assert response.answers.get().number == 4
    assert Respondent.objects.get(survey=survey, user=world.staff).has_answered


@translation.override("en")  # the messages are matched in English
def test_an_answer_is_refused_twice_when_closed_and_when_not_asked(world):
    question = bank_question("test-q")
    survey = unit_survey(world, question)
    answer(survey, world.staff, **{f"q{question.pk}": 5})
    with pytest.raises(ValidationError, match="answered this survey already"):
        answer(survey, world.staff, **{f"q{question.pk}": 1})
    with pytest.raises(ValidationError, match="not asked"):
        answer(survey, world.hr, **{f"q{question.pk}": 1})
    surveys.close_survey(survey)
    survey.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        answer(survey, world.leader, **{f"q{question.pk}": 1})
    assert Response.objects.count() == 1 and Answer.objects.count() == 1


@translation.override("en")  # the messages are matched in English
def test_an_answer_past_the_last_day_is_refused(world):
    question = bank_question("test-q")
    survey = unit_survey(world, question)
    Survey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate() - DAY)
    survey.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        answer(survey, world.staff, **{f"q{question.pk}": 5})


@pytest.mark.parametrize(
    ("scale", "value"),
    [
        (Scale.AGREE5, 6),
        (Scale.AGREE5, "mye"),
        (Scale.EXTENT6, 0),
        (Scale.YES_NO, 4),
        (Scale.SCALE10, 11),
        (Scale.SINGLE, 2),
        (Scale.MULTIPLE, [0, 5]),
        (Scale.MULTIPLE, 1),
        (Scale.TEXT, "x" * 3001),
    ],
)
def test_answers_outside_the_scale_are_refused(world, scale, value):
    options = [{"nb": "A"}, {"nb": "B"}] if scale in (Scale.SINGLE, Scale.MULTIPLE) else []
    question = bank_question("test-q", scale=scale, options=options)
    survey = unit_survey(world, question)
    with pytest.raises(ValidationError):
        answer(survey, world.staff, **{f"q{question.pk}": value})
    assert not Response.objects.exists()
    assert not Respondent.objects.filter(has_answered=True).exists()


def test_a_required_question_must_be_answered(world):
    question = bank_question("test-q")
    survey = unit_survey(world, opened=False)
    surveys.add_questions(survey, [question])
    survey.survey_questions.update(is_required=True)
    surveys.open_survey(survey)
    with pytest.raises(ValidationError):
        surveys.submit_response(survey, world.staff, {})


# Percentages -----------------------------------------------------------------------------


def test_percentages_match_the_hand_computed_ones(client, world):
    """Seven people answer an agreement statement 5, 5, 4, 3, 2, 1, 4 and choose among
    three options of a multiple-choice question."""
    statement = bank_question("test-statement")
    several = bank_question(
        "test-several",
        scale=Scale.MULTIPLE,
        options=[{"nb": "Samling"}, {"nb": "Hospitering"}, {"nb": "Delingsmøte"}],
    )
    for index in range(2):
        MembershipFactory(unit=world.unit, user__full_name=f"Ekstra {index}")
    survey = unit_survey(world, statement, several)
    people = list(survey.respondents.select_related("user").order_by("user__full_name"))
    assert len(people) == 7
    values = [5, 5, 4, 3, 2, 1, 4]
    chosen = [[0], [0, 1], [1], [0, 2], [2], [0], [0, 1, 2]]
    for respondent, value, choices in zip(people, values, chosen, strict=True):
        answer(survey, respondent.user, **{f"q{statement.pk}": value, f"q{several.pk}": choices})

    from evaluation.results import survey_results

    results = survey_results(survey)
    first, second = results.questions
    assert [(o.value, o.count, o.percent) for o in first.options] == [
        (5, 2, 28.6),  # 2/7
        (4, 2, 28.6),
        (3, 1, 14.3),  # 1/7
        (2, 1, 14.3),
        (1, 1, 14.3),
    ]
    assert first.positive_percent == 57.1  # 4/7 agree or strongly agree
    assert first.mean == 3.4  # 24/7
    assert [(o.count, o.percent) for o in second.options] == [
        (5, 71.4),  # 5 of 7 chose "Samling"
        (3, 42.9),  # 3/7
        (3, 42.9),
    ]

    client.force_login(world.leader)
    page = text(client.get(reverse("survey_results", args=[survey.pk])))
    assert "28.6 %" in page or "28,6 %" in page
    assert "57.1" in page or "57,1" in page


# Permissions ------------------------------------------------------------------------------


@dataclass
class Scene:
    world: object
    question: Question  # a bank question, in both surveys
    extra: Question  # a bank question in neither
    survey: Survey  # world.unit's anonymous survey to its staff, open
    draft: Survey  # world.unit's survey, still a draft
    item: SurveyQuestion  # the draft's question


@pytest.fixture
def scene(world) -> Scene:
    question = bank_question("test-q")
    extra = bank_question("test-extra", scale=Scale.SCALE10)
    survey = unit_survey(world, question)
    draft = unit_survey(world, question, opened=False)
    return Scene(
        world=world,
        question=question,
        extra=extra,
        survey=survey,
        draft=draft,
        item=draft.survey_questions.get(),
    )


OK, DENIED, HIDDEN, LOGIN = "ok", 403, 404, "login"
Y, D, H, L = OK, DENIED, HIDDEN, LOGIN

# signed_in: any signed-in person; create: a survey for world.unit (?unit=);
# d_manage / d_results: run the draft / read it (nobody is asked yet, so staff see nothing);
# manage / results / answer: the open survey, which asks everyone in world.unit.
LEVELS = ["signed_in", "create", "d_manage", "d_results", "manage", "results", "answer"]

ROLE_TABLE = {
    #                     sign cre  d_man d_res man  res  answer
    "anonymous":         (L,   L,   L,    L,    L,   L,   L),
    "no_role":           (Y,   H,   H,    H,    H,   H,   H),
    "outsider_leader":   (Y,   H,   H,    H,    H,   H,   H),
    "outsider_hr":       (Y,   H,   H,    H,    H,   H,   H),
    # asked to answer; the unit's page is theirs to read but not its surveys' results
    "staff":             (Y,   D,   H,    H,    D,   D,   Y),
    "union_rep":         (Y,   D,   H,    H,    D,   D,   Y),
    "safety_rep":        (Y,   D,   H,    H,    D,   D,   Y),
    "supporter":         (Y,   D,   H,    H,    D,   D,   Y),
    # the unit's leader runs it and is asked too
    "leader":            (Y,   Y,   Y,    Y,    Y,   Y,   Y),
    # leads the enterprise above: runs it, is not asked
    "enterprise_leader": (Y,   Y,   Y,    Y,    Y,   Y,   D),
    "sibling_leader":    (Y,   H,   H,    H,    H,   H,   H),
    "hr":                (Y,   Y,   Y,    Y,    Y,   Y,   D),
    # reads results, changes nothing
    "senior":            (Y,   D,   D,    Y,    D,   Y,   D),
    "superuser":         (Y,   Y,   Y,    Y,    Y,   Y,   D),
}  # fmt: skip


@dataclass(frozen=True)
class Endpoint:
    id: str
    method: str
    level: str
    ok_status: int
    url: Callable[[Scene], str]
    data: Callable[[Scene], dict] | None = None


def _url(name: str, *attributes: str) -> Callable[[Scene], str]:
    return lambda s: reverse(name, args=[getattr(s, a).pk for a in attributes])


def survey_data(**changes) -> dict:
    return {
        "title": "Trivsel etter hospitering",
        "introduction": "",
        "audiences": [Audience.UNIT_STAFF],
        "is_anonymous": "on",
        "min_group": 5,
        "closes_on": "",
        **changes,
    }


def own_question_data(**changes) -> dict:
    return {
        "text_nb": "Hva har du lært?",
        "text_nn": "Kva har du lært?",
        "text_en": "",
        "scale": Scale.TEXT,
        "options_nb": "",
        "options_nn": "",
        "options_en": "",
        **changes,
    }


def _create_url(s: Scene) -> str:
    return reverse("survey_create") + f"?unit={s.world.unit.pk}"


ENDPOINTS = [
    Endpoint("survey_list", "GET", "signed_in", 200, lambda s: reverse("survey_list")),
    Endpoint("survey_create-get", "GET", "create", 200, _create_url),
    Endpoint("survey_create-post", "POST", "create", 302, _create_url, lambda s: survey_data()),
    Endpoint("survey_detail", "GET", "results", 200, _url("survey_detail", "survey")),
    Endpoint("survey_detail-draft", "GET", "d_results", 200, _url("survey_detail", "draft")),
    Endpoint("survey_edit-get", "GET", "manage", 200, _url("survey_edit", "survey")),
    Endpoint(
        "survey_edit-post",
        "POST",
        "manage",
        302,
        _url("survey_edit", "survey"),
        lambda s: survey_data(title="Nytt navn"),
    ),
    Endpoint(
        "survey_questions",
        "POST",
        "d_manage",
        302,
        _url("survey_questions", "draft"),
        lambda s: {f"bank_{s.extra.instrument}": [s.extra.pk]},
    ),
    Endpoint(
        "survey_question_create",
        "POST",
        "d_manage",
        302,
        _url("survey_question_create", "draft"),
        lambda s: own_question_data(),
    ),
    Endpoint(
        "survey_question_remove",
        "POST",
        "d_manage",
        302,
        _url("survey_question_remove", "item"),
    ),
    Endpoint("survey_open", "POST", "d_manage", 302, _url("survey_open", "draft")),
    Endpoint("survey_close", "POST", "manage", 302, _url("survey_close", "survey")),
    Endpoint("survey_answer-get", "GET", "answer", 200, _url("survey_answer", "survey")),
    Endpoint(
        "survey_answer-post",
        "POST",
        "answer",
        302,
        _url("survey_answer", "survey"),
        lambda s: {f"q{s.question.pk}": "4"},
    ),
    Endpoint("survey_results", "GET", "results", 200, _url("survey_results", "survey")),
    Endpoint("survey_export", "GET", "results", 200, _url("survey_export", "survey")),
]

MATRIX = [
    pytest.param(endpoint, person, id=f"{endpoint.id}-{person}")
    for endpoint in ENDPOINTS
    for person in ROLE_TABLE
]

SURVEY_URLS = {
    "survey_list",
    "survey_create",
    "survey_detail",
    "survey_edit",
    "survey_questions",
    "survey_question_create",
    "survey_question_remove",
    "survey_open",
    "survey_close",
    "survey_answer",
    "survey_results",
    "survey_export",
}


def state() -> tuple:
    models = [Survey, SurveyQuestion, Question, Respondent, Response, Answer]
    return (
        {model.__name__: model.objects.count() for model in models},
        list(Survey.objects.values_list("pk", "title", "status", "is_anonymous", "min_group")),
        list(Respondent.objects.values_list("pk", "has_answered")),
    )


def test_matrix_covers_every_person_and_every_survey_url(world):
    people = set(world.__dataclass_fields__) - {"unit", "sibling", "other_unit"}
    assert set(ROLE_TABLE) == people | {"anonymous"}
    assert all(len(row) == len(LEVELS) for row in ROLE_TABLE.values())
    assert {endpoint.level for endpoint in ENDPOINTS} == set(LEVELS)
    names = {pattern.name for pattern in evaluation_urls.urlpatterns}
    assert names >= SURVEY_URLS
    assert {endpoint.id.split("-")[0] for endpoint in ENDPOINTS} == SURVEY_URLS


@pytest.mark.parametrize(("endpoint", "person"), MATRIX)
def test_permission_matrix(client, scene, endpoint, person):
    world = scene.world
    if person != "anonymous":
        client.force_login(world.person(person))
    url = endpoint.url(scene)
    before = state()
    if endpoint.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, endpoint.data(scene) if endpoint.data else {})
    expected = ROLE_TABLE[person][LEVELS.index(endpoint.level)]
    if expected == OK:
        assert response.status_code == endpoint.ok_status, text(response)[:3000]
        return
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    else:
        assert response.status_code == expected
    assert state() == before, "a refused request changed something"


POST_ONLY = [
    "survey_questions",
    "survey_question_create",
    "survey_question_remove",
    "survey_open",
    "survey_close",
]
READ_ONLY = ["survey_list", "survey_detail", "survey_results", "survey_export"]


def _endpoint(endpoint_id: str) -> Endpoint:
    return next(e for e in ENDPOINTS if e.id == endpoint_id)


@pytest.mark.parametrize("endpoint_id", POST_ONLY)
def test_get_on_a_post_only_url_is_405(client, scene, endpoint_id):
    client.force_login(scene.world.hr)
    before = state()
    assert client.get(_endpoint(endpoint_id).url(scene)).status_code == 405
    assert state() == before


@pytest.mark.parametrize("endpoint_id", READ_ONLY)
def test_post_on_a_read_only_url_is_405(client, scene, endpoint_id):
    client.force_login(scene.world.hr)
    assert client.post(_endpoint(endpoint_id).url(scene)).status_code == 405


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_405(client, scene, method):
    client.force_login(scene.world.hr)
    for name, pk in [("survey_edit", scene.survey.pk), ("survey_answer", scene.survey.pk)]:
        assert getattr(client, method)(reverse(name, args=[pk])).status_code == 405


@pytest.fixture
def programme_survey(world, programme_scene):
    survey = surveys.create_survey(
        created_by=world.hr,
        programme=programme_scene.programme,
        title="Utbytte av programmet",
        audiences=[Audience.PROGRAMME_PARTICIPANTS],
    )
    surveys.add_questions(survey, [bank_question("test-q")])
    surveys.open_survey(survey)
    return survey


@pytest.mark.parametrize(
    ("person", "detail", "edit"),
    [
        ("hr", 200, 200),  # the coordinator, and HR of the owning municipality
        ("senior", 200, 403),  # follows the programme
        ("outsider_hr", 200, 403),  # HR of a participating municipality follows it
        ("leader", 403, 403),  # asked to answer (in the team), runs nothing here
        ("supporter", 404, 404),  # in an admitted unit, but not asked
        ("sibling_leader", 404, 404),  # an applied unit's leader
        ("outsider_leader", 404, 404),
    ],
)
def test_who_runs_and_follows_a_programmes_survey(
    client, world, programme_scene, programme_survey, person, detail, edit
):
    programme_scene.programme.municipalities.add(world.other_unit.municipality)
    client.force_login(world.person(person))
    assert client.get(reverse("survey_detail", args=[programme_survey.pk])).status_code == detail
    assert client.get(reverse("survey_results", args=[programme_survey.pk])).status_code == detail
    assert client.get(reverse("survey_edit", args=[programme_survey.pk])).status_code == edit


def test_a_coordinator_from_another_municipality_runs_the_programmes_surveys(
    client, world, programme_scene, programme_survey
):
    programme_scene.programme.coordinators.add(world.outsider_hr)
    assert can_create_for(world.outsider_hr, programme_scene.programme)
    assert can_create_for(world.outsider_hr, programme_scene.gathering)
    client.force_login(world.outsider_hr)
    assert client.get(reverse("survey_edit", args=[programme_survey.pk])).status_code == 200


@pytest.mark.parametrize(
    ("person", "programme", "gathering", "cycle"),
    [
        ("hr", 200, 200, 200),
        ("leader", 403, 403, 200),  # takes part in the programme; leads the unit's cycle
        ("staff", 403, 403, 403),
        ("senior", 403, 403, 403),
        ("sibling_leader", 403, 403, 404),  # may apply to the open programme, sees it
        ("outsider_leader", 404, 404, 404),
        ("no_role", 404, 404, 404),
    ],
)
def test_who_may_make_a_survey_for_a_programme_a_gathering_and_a_cycle(
    client, world, programme_scene, person, programme, gathering, cycle
):
    client.force_login(world.person(person))
    base = reverse("survey_create")
    unit_cycle = programme_scene.enrolment.cycle
    assert client.get(f"{base}?programme={programme_scene.programme.pk}").status_code == programme
    assert client.get(f"{base}?gathering={programme_scene.gathering.pk}").status_code == gathering
    assert client.get(f"{base}?cycle={unit_cycle.pk}&phase=7").status_code == cycle


def test_creating_needs_a_valid_target(client, world, programme_scene):
    client.force_login(world.hr)
    base = reverse("survey_create")
    unit_cycle = programme_scene.enrolment.cycle
    for query in ["", "?programme=x", "?programme=999999", f"?cycle={unit_cycle.pk}&phase=8"]:
        assert client.get(base + query).status_code == 404, query


def test_a_survey_for_a_cycles_phase(client, world, programme_scene):
    unit_cycle = programme_scene.enrolment.cycle
    client.force_login(world.leader)
    response = client.post(
        reverse("survey_create") + f"?cycle={unit_cycle.pk}&phase={Phase.EVALUATION}",
        survey_data(title="Evaluering", audiences=[Audience.UNIT_STAFF, Audience.UNION_REPS]),
    )
    assert response.status_code == 302
    survey = Survey.objects.get(title="Evaluering")
    assert response["Location"] == reverse("survey_detail", args=[survey.pk])
    assert (survey.cycle, survey.phase, survey.unit) == (unit_cycle, 7, world.unit)
    assert survey.municipality == world.unit.municipality
    assert survey.created_by == world.leader
    assert survey.audiences == ["unit_staff", "union_reps"]


def test_authorize_survey_raises_404_and_403(world, scene):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(Http404):
        authorize_survey(world.outsider_hr, "survey.results", scene.survey)
    with pytest.raises(PermissionDenied):
        authorize_survey(world.senior, "survey.manage", scene.survey)
    assert authorize_survey(world.staff, "survey.answer", scene.survey)


# Pages ------------------------------------------------------------------------------------


def test_the_list_shows_what_to_answer_and_what_i_run(client, world, scene):
    client.force_login(world.leader)
    page = text(client.get(reverse("survey_list")))
    answer_url = reverse("survey_answer", args=[scene.survey.pk])
    assert answer_url in page
    assert reverse("survey_detail", args=[scene.draft.pk]) in page
    answer(scene.survey, world.leader, **{f"q{scene.question.pk}": 3})
    page = text(client.get(reverse("survey_list")))
    assert answer_url not in page  # answered

    client.force_login(world.staff)
    page = text(client.get(reverse("survey_list")))
    assert reverse("survey_answer", args=[scene.survey.pk]) in page
    assert f'href="{reverse("survey_detail", args=[scene.survey.pk])}"' not in page

    client.force_login(world.outsider_hr)
    page = text(client.get(reverse("survey_list")))
    assert scene.survey.title not in page


def test_the_detail_page_shows_counts_and_the_buttons_for_the_status(client, world, scene):
    answer(scene.survey, world.staff, **{f"q{scene.question.pk}": 3})
    client.force_login(world.leader)
    response = client.get(reverse("survey_detail", args=[scene.survey.pk]))
    page = text(response)
    assert "<dd>5</dd>" in page and "<dd>1</dd>" in page  # asked, answered
    assert reverse("survey_close", args=[scene.survey.pk]) in page
    assert reverse("survey_open", args=[scene.survey.pk]) not in page
    assert "Stine Ansatt" not in page  # counts only, never who
    draft_page = text(client.get(reverse("survey_detail", args=[scene.draft.pk])))
    assert reverse("survey_open", args=[scene.draft.pk]) in draft_page
    assert reverse("survey_question_create", args=[scene.draft.pk]) in draft_page

    client.force_login(world.senior)
    page = text(client.get(reverse("survey_detail", args=[scene.survey.pk])))
    assert reverse("survey_close", args=[scene.survey.pk]) not in page
    assert reverse("survey_edit", args=[scene.survey.pk]) not in page


def test_opening_an_empty_survey_says_why(client, world):
    survey = unit_survey(world, opened=False)
    client.force_login(world.leader)
    response = client.post(reverse("survey_open", args=[survey.pk]))
    assert response.status_code == 422
    assert shown(response, "Add at least one question before opening the survey.") in text(response)


def test_anonymity_cannot_change_after_opening(client, world, scene):
    client.force_login(world.leader)
    data = survey_data(title="Nytt navn", min_group=8)
    del data["is_anonymous"]
    data["audiences"] = [Audience.UNIT_LEADERS]
    response = client.post(reverse("survey_edit", args=[scene.survey.pk]), data)
    assert response.status_code == 302
    scene.survey.refresh_from_db()
    assert scene.survey.is_anonymous
    assert scene.survey.audiences == [Audience.UNIT_STAFF]
    assert (scene.survey.title, scene.survey.min_group) == ("Nytt navn", 8)


def test_questions_cannot_be_added_after_opening(client, world, scene):
    client.force_login(world.leader)
    before = state()
    response = client.post(
        reverse("survey_questions", args=[scene.survey.pk]),
        {f"bank_{scene.extra.instrument}": [scene.extra.pk]},
        **HTMX,
    )
    assert response.status_code == 422
    assert shown(response, "The questions can only be changed before the survey opens.") in text(
        response
    )
    assert state() == before


# htmx fragments and plain forms --------------------------------------------------------------


def test_adding_from_the_bank_with_htmx_returns_the_question_list(client, world, scene):
    client.force_login(world.leader)
    response = client.post(
        reverse("survey_questions", args=[scene.draft.pk]),
        {f"bank_{scene.extra.instrument}": [scene.extra.pk]},
        **HTMX,
    )
    assert response.status_code == 200
    page = text(response)
    assert "<html" not in page
    assert page.lstrip().startswith('<section class="section" id="questions"')
    assert scene.extra.text in page
    assert list(scene.draft.survey_questions.values_list("question", flat=True)) == [
        scene.question.pk,
        scene.extra.pk,
    ]
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_adding_from_the_bank_without_js_redirects(client, world, scene):
    client.force_login(world.leader)
    response = client.post(
        reverse("survey_questions", args=[scene.draft.pk]),
        {f"bank_{scene.extra.instrument}": [scene.extra.pk]},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#questions")


def test_adding_nothing_from_the_bank_is_an_error(client, world, scene):
    client.force_login(world.leader)
    response = client.post(reverse("survey_questions", args=[scene.draft.pk]), {}, **HTMX)
    assert response.status_code == 422
    assert shown(response, "Choose at least one question.") in text(response)


def test_the_bank_is_grouped_by_instrument(client, world, scene):
    bank_question("test-plc", instrument=Instrument.PLC, text_nb="Vi deler ansvaret.")
    client.force_login(world.leader)
    page = text(client.get(reverse("survey_detail", args=[scene.draft.pk])))
    assert shown_label(Instrument.PLC) in page
    assert shown_label(Instrument.OUTCOME) in page
    assert "Vi deler ansvaret." in page
    assert 'name="bank_plc"' in page


def shown_label(choice) -> str:
    with translation.override("nb"):
        return str(choice.label)


def test_removing_a_question_with_htmx(client, world, scene):
    client.force_login(world.leader)
    response = client.post(reverse("survey_question_remove", args=[scene.item.pk]), **HTMX)
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert not scene.draft.survey_questions.exists()


def test_an_own_question_with_one_option_keeps_what_was_typed(client, world, scene):
    client.force_login(world.leader)
    response = client.post(
        reverse("survey_question_create", args=[scene.draft.pk]),
        own_question_data(
            text_nb="Hvilken vakt jobber du?",
            scale=Scale.SINGLE,
            options_nb="Dagvakt",
            options_en="Day\nEvening\nNight",
        ),
        **HTMX,
    )
    assert response.status_code == 422
    page = text(response)
    assert "<html" not in page
    assert "Hvilken vakt jobber du?" in page
    assert "Dagvakt" in page and "Evening" in page
    errors = page.split('id="id_options_nb_error"')[1][:400]
    assert (
        shown(response, "Give between 2 and %(max)s answer options, one per line.", max=10)
        in errors
    )
    assert not Question.objects.filter(text_nb="Hvilken vakt jobber du?").exists()


def test_an_own_question_with_options_in_three_languages(client, world, scene):
    client.force_login(world.leader)
    response = client.post(
        reverse("survey_question_create", args=[scene.draft.pk]),
        own_question_data(
            text_nb="Hvilken vakt jobber du?",
            text_nn="Kva vakt jobbar du?",
            text_en="Which shift do you work?",
            scale=Scale.SINGLE,
            options_nb="Dag\nKveld\n\nNatt\n",
            options_nn="Dag\nKveld\nNatt",
            options_en="Day\nEvening\nNight",
            is_required="on",
        ),
    )
    assert response.status_code == 302
    sq = scene.draft.survey_questions.select_related("question").last()
    assert sq.is_required and sq.position == 2
    assert sq.question.options == [
        {"nb": "Dag", "nn": "Dag", "en": "Day"},
        {"nb": "Kveld", "nn": "Kveld", "en": "Evening"},
        {"nb": "Natt", "nn": "Natt", "en": "Night"},
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"text_nb": ""}, "text_nb", "This field is required."),
        (
            {"scale": Scale.TEXT, "options_nb": "A\nB"},
            "options_nb",
            "Answer options are only used for one or several choices.",
        ),
        (
            {"scale": Scale.MULTIPLE, "options_nb": "A\nB", "options_nn": "A"},
            "options_nn",
            "Give as many options as in bokmål (%(count)s), in the same order.",
        ),
    ],
)
def test_own_question_errors_are_at_the_field(client, world, scene, changes, field, message):
    client.force_login(world.leader)
    response = client.post(
        reverse("survey_question_create", args=[scene.draft.pk]), own_question_data(**changes)
    )
    assert response.status_code == 422
    page = text(response)
    errors = page.split(f'id="id_{field}_error"')[1][:400]
    assert shown(response, message, count=2) in errors


def test_creating_with_a_too_small_group_keeps_what_was_typed(client, world):
    client.force_login(world.leader)
    response = client.post(
        reverse("survey_create") + f"?unit={world.unit.pk}",
        survey_data(title="Arbeidsmiljø", min_group=4, audiences=[]),
    )
    assert response.status_code == 422
    page = text(response)
    assert 'value="Arbeidsmiljø"' in page
    min_errors = page.split('id="id_min_group_error"')[1][:300]
    assert shown(response, "The smallest group shown cannot be lower than %(min)s.", min=5) in (
        min_errors
    )
    assert 'id="id_audiences_error"' in page
    assert not Survey.objects.filter(title="Arbeidsmiljø").exists()


def test_a_programme_survey_offers_programme_groups(client, world, programme_scene):
    client.force_login(world.hr)
    page = text(client.get(reverse("survey_create") + f"?programme={programme_scene.programme.pk}"))
    assert 'value="participants"' in page and 'value="unit_staff"' not in page
    response = client.post(
        reverse("survey_create") + f"?programme={programme_scene.programme.pk}",
        survey_data(audiences=[Audience.UNIT_STAFF]),
    )
    assert response.status_code == 422


# Answering ----------------------------------------------------------------------------------


def test_the_answer_page_says_it_is_anonymous_and_takes_the_answers(client, world, scene):
    client.force_login(world.staff)
    url = reverse("survey_answer", args=[scene.survey.pk])
    response = client.get(url)
    page = text(response)
    assert (
        shown(
            response,
            "This survey is anonymous. Your answers are stored without your name, so nobody can "
            "see what you answered. We only note that you have answered, so you are not reminded "
            "again.",
        )
        in page
    )
    assert "<fieldset" in page and "<legend>" in page
    assert 'name="viewport"' in page
    response = client.post(url, {f"q{scene.question.pk}": "2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("survey_list")
    response = client.get(url)
    assert shown(response, "You have answered this survey. Thank you!") in text(response)
    assert client.post(url, {f"q{scene.question.pk}": "5"}).status_code == 409
    assert Answer.objects.get().number == 2


def test_a_named_survey_says_so(client, world):
    question = bank_question("test-q")
    survey = unit_survey(world, question, anonymous=False)
    client.force_login(world.staff)
    response = client.get(reverse("survey_answer", args=[survey.pk]))
    assert shown(
        response, "This survey is not anonymous. Your answers are stored with your name."
    ) in text(response)


def test_a_missing_required_answer_is_shown_at_the_question_and_the_rest_is_kept(client, world):
    required = bank_question("test-required")
    several = bank_question(
        "test-several", scale=Scale.MULTIPLE, options=[{"nb": "Samling"}, {"nb": "Besøk"}]
    )
    words = bank_question("test-words", scale=Scale.TEXT)
    survey = unit_survey(world, opened=False)
    surveys.add_questions(survey, [required, several, words])
    survey.survey_questions.filter(question=required).update(is_required=True)
    surveys.open_survey(survey)
    client.force_login(world.staff)
    response = client.post(
        reverse("survey_answer", args=[survey.pk]),
        {f"q{several.pk}": ["1"], f"q{words.pk}": "Mer tid til refleksjon"},
    )
    assert response.status_code == 422
    page = text(response)
    errors = page.split(f'id="id_q{required.pk}_error"')[1][:300]
    assert shown(response, "This field is required.") in errors
    assert "Mer tid til refleksjon" in page
    assert (
        f'name="q{several.pk}" value="1"' in page
        and "checked" in page.split(f'name="q{several.pk}" value="1"')[1][:60]
    )
    assert not Response.objects.exists()


def test_a_value_outside_the_scale_is_an_error_at_the_question(client, world, scene):
    client.force_login(world.staff)
    response = client.post(
        reverse("survey_answer", args=[scene.survey.pk]), {f"q{scene.question.pk}": "9"}
    )
    assert response.status_code == 422
    assert f'id="id_q{scene.question.pk}_error"' in text(response)


def test_a_closed_survey_takes_no_answers(client, world, scene):
    surveys.close_survey(scene.survey)
    client.force_login(world.staff)
    url = reverse("survey_answer", args=[scene.survey.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert shown(response, "The survey is closed, so it no longer takes answers.") in text(response)
    assert client.post(url, {f"q{scene.question.pk}": "5"}).status_code == 409
    assert not Response.objects.exists()


def test_nynorsk_question_text_for_a_nynorsk_user(client, world):
    question = bank_question(
        "test-nn",
        text_nb="Vi har lært mye av hverandre.",
        text_nn="Vi har lært mykje av kvarandre.",
        text_en="We have learned a lot from each other.",
    )
    choice = bank_question(
        "test-nn-choice",
        scale=Scale.SINGLE,
        text_nb="Hvor jobber du?",
        text_nn="Kvar jobbar du?",
        options=[{"nb": "Hjemmetjenesten", "nn": "Heimetenesta"}, {"nb": "Sykehjem", "nn": ""}],
    )
    survey = unit_survey(world, question, choice)
    world.staff.language = "nn"
    world.staff.save()
    client.force_login(world.staff)
    response = client.get(reverse("survey_answer", args=[survey.pk]))
    page = text(response)
    assert response.wsgi_request.LANGUAGE_CODE == "nn"
    assert "Vi har lært mykje av kvarandre." in page
    assert "Vi har lært mye av hverandre." not in page
    assert "Kvar jobbar du?" in page and "Heimetenesta" in page
    assert "Sykehjem" in page  # no nynorsk text: bokmål stands in
    assert shown(response, "Strongly agree") in page

    world.staff.language = "en"
    world.staff.save()
    page = text(client.get(reverse("survey_answer", args=[survey.pk])))
    assert "We have learned a lot from each other." in page
    assert "Strongly agree" in page


# Query counts -------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _more_surveys(world, question, count: int) -> None:
    for index in range(count):
        survey = surveys.create_survey(
            created_by=world.leader,
            unit=world.unit,
            title=f"Ekstra {index}",
            audiences=[Audience.UNIT_STAFF],
        )
        surveys.add_questions(survey, [question])
        surveys.open_survey(survey)


@pytest.mark.parametrize("person", ["leader", "hr", "staff"])
def test_the_list_query_count_does_not_grow(client, world, scene, person):
    client.force_login(world.person(person))
    url = reverse("survey_list")
    _count(client, url)
    small = _count(client, url)
    _more_surveys(world, scene.question, 6)
    for index in range(5):
        MembershipFactory(unit=world.unit, user__full_name=f"Ny {index}")
    large = _count(client, url)
    assert large == small
    assert small <= 12


def test_the_results_query_count_does_not_grow(client, world):
    questions = [
        bank_question("test-a"),
        bank_question("test-b", scale=Scale.MULTIPLE, options=[{"nb": "A"}, {"nb": "B"}]),
        bank_question("test-c", scale=Scale.TEXT),
    ]
    for index in range(15):
        MembershipFactory(unit=world.unit, user__full_name=f"Ansatt {index:02}")
    survey = unit_survey(world, *questions)
    people = list(survey.respondents.select_related("user").order_by("pk"))

    def answer_by(respondents):
        for number, respondent in enumerate(respondents):
            answer(
                survey,
                respondent.user,
                **{
                    f"q{questions[0].pk}": number % 5 + 1,
                    f"q{questions[1].pk}": [number % 2],
                    f"q{questions[2].pk}": f"Svar {number}",
                },
            )

    answer_by(people[:6])
    client.force_login(world.leader)
    url = reverse("survey_results", args=[survey.pk])
    _count(client, url)
    small = _count(client, url)
    answer_by(people[6:])
    large = _count(client, url)
    assert large == small
    assert small <= 16  # 15 observed: session, user, language, survey, access (3), asked?,
    # the results (6) and the header's notifications
