"""Anonymity of surveys: no stored value joins an anonymous answer to a person, and no
page or export shows the results of a group smaller than the survey's smallest group
(5 by default, configurable up, never down), neither for everyone nor for the programme's
participants alone."""

from __future__ import annotations

import datetime
import io
import uuid

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from evaluation import surveys
from evaluation.models import Answer, Audience, Question, Respondent, Response, Scale, Survey
from evaluation.scales import SCALE_OPTIONS
from programmes.models import TeamMember
from tests.factories import MembershipFactory
from tests.test_programme_views import admit, in_language, make_programme, shown, text

DAY = datetime.timedelta(days=1)


def make_question(key: str, scale=Scale.AGREE5, **fields) -> Question:
    fields.setdefault("text_nb", f"Påstand {key}")
    return Question.objects.create(key=key, scale=scale, **fields)


@pytest.fixture
def staff_survey(world):
    """An anonymous survey to world.unit and four more people: nine are asked."""
    for index in range(4):
        MembershipFactory(unit=world.unit, user__full_name=f"Ekstra Ansatt {index}")
    statement = make_question("anon-statement")
    words = make_question("anon-words", scale=Scale.TEXT)
    survey = surveys.create_survey(
        created_by=world.leader,
        unit=world.unit,
        title="Arbeidsmiljø",
        audiences=[Audience.UNIT_STAFF],
    )
    surveys.add_questions(survey, [statement, words])
    surveys.open_survey(survey)
    survey.refresh_from_db()
    survey.statement, survey.words = statement, words
    survey.people = [
        r.user for r in survey.respondents.select_related("user").order_by("user__full_name")
    ]
    assert len(survey.people) == 9
    return survey


def answer_all(survey, people, value=4, words="Vi trenger mer tid"):
    for person in people:
        surveys.submit_response(
            survey, person, {survey.statement.pk: value, survey.words.pk: f"{words} ({person.pk})"}
        )


def results_page(client, survey, **params) -> str:
    response = client.get(reverse("survey_results", args=[survey.pk]), params)
    assert response.status_code == 200
    return response


MESSAGE = "Fewer than %(n)s have answered, so the results are hidden to protect anonymity."


def hidden_message(response, n=5) -> str:
    return shown(
        response,
        "Fewer than %(n)s have answered, so the results are hidden to protect anonymity.",
        n=n,
    )


# The tables --------------------------------------------------------------------------------


def test_no_column_joins_an_anonymous_answer_to_a_person(world, staff_survey):
    answer_all(staff_survey, staff_survey.people[:5])
    user_model = get_user_model()

    responses = list(Response.objects.filter(survey=staff_survey))
    assert len(responses) == 5
    for response in responses:
        assert response.respondent_id is None
        assert response.submitted_at is None
        assert isinstance(response.pk, uuid.UUID) and response.pk.version == 4

    # Walk every stored field of Response and Answer: none that points at a person or at
    # the Respondent row is set, and none holds a time.
    for model in (Response, Answer):
        rows = model.objects.filter(
            **({"survey": staff_survey} if model is Response else {"response__in": responses})
        )
        assert rows.exists()
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in (user_model, Respondent):
                assert not rows.filter(**{f"{field.name}__isnull": False}).exists(), field
            if isinstance(field, models.DateTimeField | models.DateField):
                assert not rows.filter(**{f"{field.name}__isnull": False}).exists(), field
        # An answer has no link to a person or a respondent at all.
        if model is Answer:
            assert not [
                f
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model in (user_model, Respondent)
            ]

    # Respondent says who has answered, and keeps no time to match against.
    assert not [
        f
        for f in Respondent._meta.concrete_fields
        if isinstance(f, models.DateTimeField | models.DateField)
    ]
    assert Respondent.objects.filter(survey=staff_survey, has_answered=True).count() == 5

    # No query through the relations finds a person's answers.
    for person in staff_survey.people:
        assert not Answer.objects.filter(response__respondent__user=person).exists()
        assert not Response.objects.filter(respondent__user=person).exists()


def test_the_database_refuses_an_anonymous_response_with_a_time(world, staff_survey):
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=staff_survey, respondent=None, submitted_at=timezone.now())


def test_a_named_survey_keeps_the_person(world):
    question = make_question("named")
    survey = surveys.create_survey(
        created_by=world.leader,
        unit=world.unit,
        title="Navngitt",
        audiences=[Audience.UNIT_LEADERS],
        is_anonymous=False,
    )
    surveys.add_questions(survey, [question])
    surveys.open_survey(survey)
    surveys.submit_response(survey, world.leader, {question.pk: 3})
    response = Response.objects.get()
    assert response.respondent.user == world.leader and response.submitted_at


# Small groups on the results page ------------------------------------------------------------


def test_four_answers_are_hidden_and_five_are_shown(client, world, staff_survey):
    client.force_login(world.hr)
    answer_all(staff_survey, staff_survey.people[:4], words="Hemmelig svar")
    response = results_page(client, staff_survey)
    page = text(response)
    assert hidden_message(response) in page
    assert "<table" not in page and "<svg" not in page
    assert "Hemmelig svar" not in page

    answer_all(staff_survey, staff_survey.people[4:5], words="Hemmelig svar")
    response = results_page(client, staff_survey)
    page = text(response)
    assert hidden_message(response) not in page
    assert "<table" in page and "<svg" in page
    assert "Hemmelig svar" in page
    assert '<td class="numeric">5</td>' in page  # five agree
    assert "100.0 %" in page or "100,0 %" in page


def test_a_larger_smallest_group_hides_more(client, world, staff_survey):
    Survey.objects.filter(pk=staff_survey.pk).update(min_group=8)
    answer_all(staff_survey, staff_survey.people[:7])
    client.force_login(world.leader)
    response = results_page(client, staff_survey)
    assert hidden_message(response, n=8) in text(response)
    assert "<table" not in text(response)


def test_the_smallest_group_cannot_go_below_five(world, staff_survey, settings):
    staff_survey.min_group = 4
    with pytest.raises(IntegrityError), transaction.atomic():
        staff_survey.save()


def test_a_question_few_have_answered_is_hidden_on_its_own(client, world, staff_survey):
    """Six respond, but only three write a free-text answer: that question is hidden."""
    for index, person in enumerate(staff_survey.people[:6]):
        answers = {staff_survey.statement.pk: 5}
        if index < 3:
            answers[staff_survey.words.pk] = f"Få skrev dette {index}"
        surveys.submit_response(staff_survey, person, answers)
    client.force_login(world.hr)
    response = results_page(client, staff_survey)
    page = text(response)
    assert "Få skrev dette" not in page
    assert hidden_message(response) in page
    assert "<table" in page  # the statement everyone answered is shown


# The participants filter ---------------------------------------------------------------------


@pytest.fixture
def programme_survey(world):
    """A programme survey to everyone in world.unit: the leader and four more are in the
    unit's programme team (participants); staff, supporter and the two reps are not."""
    programme = make_programme(world)
    enrolment = admit(programme, world.unit, world.leader, decider=world.hr)
    for index in range(4):
        person = MembershipFactory(unit=world.unit, user__full_name=f"Team {index}").user
        TeamMember.objects.create(enrolment=enrolment, user=person, role=TeamMember.Role.RESOURCE)
    question = make_question("anon-programme")
    survey = surveys.create_survey(
        created_by=world.hr,
        programme=programme,
        title="Utbytte",
        audiences=[Audience.PROGRAMME_UNITS],
    )
    surveys.add_questions(survey, [question])
    surveys.open_survey(survey)
    survey.question = question
    respondents = survey.respondents.select_related("user")
    survey.participants = [r.user for r in respondents if r.is_participant]
    survey.others = [r.user for r in respondents if not r.is_participant]
    assert (len(survey.participants), len(survey.others)) == (5, 4)
    return survey


def test_the_participants_filter_counts_only_the_participants(client, world, programme_survey):
    for person in programme_survey.participants:
        surveys.submit_response(programme_survey, person, {programme_survey.question.pk: 5})
    client.force_login(world.hr)
    response = results_page(client, programme_survey, participants="1")
    participants = text(response)
    assert hidden_message(response) not in participants
    assert "100.0 %" in participants or "100,0 %" in participants


def test_participants_are_hidden_when_the_others_could_be_worked_out(
    client, world, programme_survey
):
    """Everyone's figures minus the participants' would give away three others' answers."""
    for person in programme_survey.participants:
        surveys.submit_response(programme_survey, person, {programme_survey.question.pk: 5})
    for person in programme_survey.others[:3]:
        surveys.submit_response(programme_survey, person, {programme_survey.question.pk: 1})
    assert Response.objects.filter(is_participant=True).count() == 5
    client.force_login(world.hr)

    everyone = text(results_page(client, programme_survey))
    assert "62.5 %" in everyone or "62,5 %" in everyone  # 5 of 8 strongly agree

    response = results_page(client, programme_survey, participants="1")
    participants = text(response)
    assert hidden_message(response) in participants
    assert "100.0" not in participants and "100,0" not in participants


def test_four_participants_are_hidden_while_everyone_is_shown(client, world, programme_survey):
    for person in programme_survey.participants[:4]:
        surveys.submit_response(programme_survey, person, {programme_survey.question.pk: 5})
    for person in programme_survey.others:
        surveys.submit_response(programme_survey, person, {programme_survey.question.pk: 2})
    client.force_login(world.senior)
    response = results_page(client, programme_survey)
    assert hidden_message(response) not in text(response)
    response = results_page(client, programme_survey, participants="1")
    page = text(response)
    assert hidden_message(response) in page
    assert "<table" not in page


def test_a_unit_survey_has_no_participants_filter(client, world, staff_survey):
    answer_all(staff_survey, staff_survey.people[:5])
    client.force_login(world.hr)
    page = text(results_page(client, staff_survey, participants="1"))
    assert 'results/?participants=1"' not in page.split("<main")[1]
    assert "<table" in page  # everyone's results, not an empty participants group


# The export ------------------------------------------------------------------------------------


def workbook(client, survey):
    response = client.get(reverse("survey_export", args=[survey.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    return response, openpyxl.load_workbook(io.BytesIO(response.content))


def cells(sheet) -> list:
    return [
        value for row in sheet.iter_rows(values_only=True) for value in row if value is not None
    ]


def test_the_export_hides_a_small_group(client, world, staff_survey):
    answer_all(staff_survey, staff_survey.people[:4], words="Hemmelig svar")
    client.force_login(world.hr)
    response, book = workbook(client, staff_survey)
    assert len(book.worksheets) == 1  # no participants sheet for a unit's survey
    values = cells(book.worksheets[0])
    assert in_language(response, MESSAGE, n=5) in values
    numbers = [v for v in values if isinstance(v, int | float)]
    assert numbers == [4]  # the number of responses, nothing else
    assert not any("Hemmelig svar" in str(v) for v in values)


def test_the_export_has_counts_and_percents_only(client, world, staff_survey):
    people = staff_survey.people
    for index, person in enumerate(people[:6]):
        surveys.submit_response(
            staff_survey,
            person,
            {
                staff_survey.statement.pk: [5, 5, 4, 3, 2, 1][index],
                staff_survey.words.pk: "Hemmelig tekst",
            },
        )
    client.force_login(world.hr)
    response, book = workbook(client, staff_survey)
    sheet = book.worksheets[0]
    rows = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    figures = {row[1]: row[2:4] for row in rows if row[0] == staff_survey.statement.text and row[1]}
    label = in_language(response, SCALE_OPTIONS[Scale.AGREE5][0][1])  # strongly agree
    assert figures[label] == (2, 33.3)  # 2 of 6
    assert figures[in_language(response, SCALE_OPTIONS[Scale.AGREE5][2][1])] == (1, 16.7)
    counts = [row[2] for row in rows if row[0] == staff_survey.statement.text and row[2]]
    assert sum(counts) == 6
    # The title, the number of responses and the headings; one row per answer option (5),
    # the share agreeing and the average, one for the free text: never a row per person.
    assert len(rows) == 3 + 5 + 2 + 1
    everything = " ".join(str(v) for v in cells(sheet))
    for person in people:
        assert person.full_name not in everything and person.email not in everything
    assert "Hemmelig tekst" not in everything  # the written answers are not exported


def test_the_export_of_a_programme_survey_hides_few_participants(client, world, programme_survey):
    for person in programme_survey.participants[:4]:
        surveys.submit_response(programme_survey, person, {programme_survey.question.pk: 5})
    for person in programme_survey.others:
        surveys.submit_response(programme_survey, person, {programme_survey.question.pk: 2})
    client.force_login(world.hr)
    response, book = workbook(client, programme_survey)
    everyone, participants = book.worksheets
    assert 8 in cells(everyone)
    assert in_language(response, MESSAGE, n=5) not in cells(everyone)
    assert [v for v in cells(participants) if isinstance(v, int | float)] == [4]
    assert in_language(response, MESSAGE, n=5) in cells(participants)
