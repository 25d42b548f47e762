"""Observation visits and the work of phases 4–6: the visit's state machine (in
``learning/visits.py`` and through the views), who answers for the host, what each side of
a visit sees, the calendar file, late feedback, emails in the recipient's language, the
phase 4–6 pages, a permission matrix over every new URL, and query counts that do not grow
with the data.

The observing unit is world.unit (world.leader's cycle); the host is world.sibling
(world.sibling_leader). Texts from the code are looked up with ``shown()`` in the
response's language, so the tests hold whether or not a text is translated yet."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from icalendar import Calendar

from learning import phases
from learning import urls as learning_urls
from learning import visits as workflow
from learning.models import (
    CandidateSource,
    Conclusion,
    Cycle,
    LearningPoint,
    Membership,
    ObservationNote,
    Phase,
    Practice,
    PracticeLogEntry,
    SharingSession,
    User,
    Visit,
    VisitFeedback,
    VisitReflection,
)
from learning.phases import REQUIREMENTS
from programmes.models import Kind
from programmes.reminders import RULES
from tests.factories import MembershipFactory, UnitFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
S = Visit.Status
LOCALE = Path(__file__).resolve().parents[1] / "locale"


# Helpers ------------------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def local_noon(days: int) -> datetime.datetime:
    """Noon, local time, ``days`` from today (negative: in the past); whole seconds."""
    return timezone.make_aware(
        datetime.datetime.combine(today() + datetime.timedelta(days=days), datetime.time(12))
    )


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


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def progress(cycle: Cycle) -> Cycle:
    return Cycle.objects.with_progress().get(pk=cycle.pk)


def missing(cycle: Cycle, phase: int) -> list[str]:
    return phases.missing_for(progress(cycle), phase)


def add_learning_point(cycle: Cycle, title="Rolig start") -> LearningPoint:
    return LearningPoint.objects.create(
        cycle=cycle, title=title, observe="Hvordan de starter måltidet", learn="Ro", train="Øving"
    )


def start(world, *, host=True, title="Gode måltider") -> Cycle:
    """A cycle of world.unit in phase 5 with a focus question, two learning points and
    (unless ``host`` is false) world.sibling chosen as host."""
    cycle = phases.start_cycle(
        unit=world.unit, owner=world.leader, title=title, start_date=today(), actor=world.leader
    )
    Cycle.objects.filter(pk=cycle.pk).update(
        current_phase=Phase.OBSERVATION,
        learning_need="Roligere måltider",
        focus_question="Hvordan skaper de ro rundt måltidet?",
        host_unit=world.sibling if host else None,
    )
    add_learning_point(cycle, "Rolig start")
    add_learning_point(cycle, "Dempet lys")
    return fresh(cycle)


def make_visit(
    cycle: Cycle,
    *,
    starts: datetime.datetime | None = None,
    status: str = S.CONFIRMED,
    observers=(),
    contact: User | None = None,
    host_unit="chosen",
    host_external: str = "",
    purpose: str = "Se hvordan måltidet starter",
) -> Visit:
    """A visit written straight to the database (``starts`` defaults to a week ahead)."""
    starts = starts or local_noon(7)
    visit = Visit.objects.create(
        cycle=cycle,
        host_unit=cycle.host_unit if host_unit == "chosen" else host_unit,
        host_external=host_external,
        host_contact=contact,
        starts_at=starts,
        ends_at=starts + 2 * HOUR,
        purpose=purpose,
        status=status,
        requested_by=cycle.owner,
    )
    visit.observers.set(observers)
    return visit


def held(cycle: Cycle, **fields) -> Visit:
    """A confirmed visit that started an hour ago."""
    return make_visit(cycle, starts=timezone.now() - HOUR, **fields)


def move(visit: Visit, starts: datetime.datetime) -> Visit:
    """Move the visit in time, keeping two hours' length."""
    Visit.objects.filter(pk=visit.pk).update(starts_at=starts, ends_at=starts + 2 * HOUR)
    return fresh(visit)


def ask(world, cycle: Cycle, **fields) -> Visit:
    """A request from world.leader to the cycle's host, through the workflow."""
    fields.setdefault("host_unit", cycle.host_unit)
    return workflow.request_visit(
        cycle=cycle,
        starts_at=fields.pop("starts_at", local_noon(7)),
        ends_at=fields.pop("ends_at", local_noon(7) + 2 * HOUR),
        observers=[world.staff, world.leader],
        purpose="Se hvordan måltidet starter",
        actor=world.leader,
        **fields,
    )


def feedback_for(visit: Visit, *, sent_at=None, writer=None, works="De hilser på hver beboer"):
    return VisitFeedback.objects.create(
        visit=visit,
        works=works,
        learned="Ro smitter",
        written_by=writer or visit.cycle.owner,
        sent_at=sent_at,
    )


def host_staff(world) -> User:
    return MembershipFactory(
        unit=world.sibling, role=Membership.Role.STAFF, user__full_name="Hilde Vertsansatt"
    ).user


def third_unit_leader(world) -> User:
    """The leader of a third unit in the same municipality, on neither side of the visits."""
    third = UnitFactory(municipality=world.unit.municipality, name="Avdeling 3")
    return MembershipFactory(
        unit=third, role=Membership.Role.LEADER, user__full_name="Tredje Leder"
    ).user


def post_as(client, user, url, data=None, **kwargs):
    client.force_login(user)
    return client.post(url, data or {}, **kwargs)


def get_as(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def url_for(name: str, obj) -> str:
    return reverse(name, args=[obj.pk])


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.fixture
def cycle(world) -> Cycle:
    return start(world)


FEEDBACK = {"works": "De hilser på hver beboer", "learned": "Ro smitter", "questions": ""}


# 1. The state machine, in the workflow --------------------------------------------------


def test_a_request_waits_for_the_host_and_accepting_confirms_it(world, cycle):
    visit = ask(world, cycle)
    assert visit.status == S.REQUESTED
    assert set(visit.observers.all()) == {world.staff, world.leader}
    visit = workflow.accept(visit, actor=world.sibling_leader, message="  Velkommen  ")
    visit = fresh(visit)
    assert visit.status == S.CONFIRMED
    assert visit.host_message == "Velkommen"
    assert visit.responded_by == world.sibling_leader
    assert visit.responded_at is not None


NOT_REQUESTED = [S.HOST_PROPOSED, S.CONFIRMED, S.DECLINED, S.CANCELLED]


@pytest.mark.parametrize("status", NOT_REQUESTED)
def test_only_a_request_can_be_accepted(world, cycle, status):
    visit = make_visit(cycle, status=status)
    with pytest.raises(ValidationError):
        workflow.accept(visit, actor=world.sibling_leader)
    assert fresh(visit).status == status


@pytest.mark.parametrize("status", NOT_REQUESTED)
def test_only_a_request_can_get_a_new_time(world, cycle, status):
    visit = make_visit(cycle, status=status)
    with pytest.raises(ValidationError):
        workflow.propose_time(
            visit,
            actor=world.sibling_leader,
            starts_at=local_noon(9),
            ends_at=local_noon(9) + HOUR,
        )
    unchanged = fresh(visit)
    assert (unchanged.status, unchanged.starts_at, unchanged.sequence) == (status, local_noon(7), 0)


def test_a_new_time_moves_the_visit_and_counts_a_calendar_revision(world, cycle):
    visit = ask(world, cycle)
    workflow.propose_time(
        visit,
        actor=world.sibling_leader,
        starts_at=local_noon(9),
        ends_at=local_noon(9) + HOUR,
        message="Vi har tid torsdag",
    )
    visit = fresh(visit)
    assert visit.status == S.HOST_PROPOSED
    assert (visit.starts_at, visit.ends_at) == (local_noon(9), local_noon(9) + HOUR)
    assert visit.sequence == 1
    assert visit.host_message == "Vi har tid torsdag"


def test_a_new_time_must_end_after_it_starts(world, cycle):
    visit = ask(world, cycle)
    with pytest.raises(ValidationError) as error:
        workflow.propose_time(
            visit, actor=world.sibling_leader, starts_at=local_noon(9), ends_at=local_noon(9)
        )
    assert "ends_at" in error.value.message_dict
    assert fresh(visit).status == S.REQUESTED


def test_declining_needs_a_reason(world, cycle):
    visit = ask(world, cycle)
    for reason in ["", "   \n "]:
        with pytest.raises(ValidationError) as error:
            workflow.decline(visit, actor=world.sibling_leader, reason=reason)
        assert "reason" in error.value.message_dict
    assert fresh(visit).status == S.REQUESTED
    workflow.decline(visit, actor=world.sibling_leader, reason=" Vi har ombygging ")
    visit = fresh(visit)
    assert (visit.status, visit.decline_reason) == (S.DECLINED, "Vi har ombygging")


@pytest.mark.parametrize("status", [S.CONFIRMED, S.DECLINED, S.CANCELLED])
def test_an_answered_visit_cannot_be_declined(world, cycle, status):
    visit = make_visit(cycle, status=status)
    with pytest.raises(ValidationError):
        workflow.decline(visit, actor=world.sibling_leader, reason="Likevel ikke")
    assert fresh(visit).status == status


def test_the_host_cannot_decline_once_it_has_proposed_a_time(world, cycle):
    visit = make_visit(cycle, status=S.HOST_PROPOSED)
    with pytest.raises(ValidationError):
        workflow.decline(visit, actor=world.sibling_leader, reason="Likevel ikke")
    assert fresh(visit).status == S.HOST_PROPOSED


def test_the_observers_accept_a_proposed_time(world, cycle):
    visit = ask(world, cycle)
    workflow.propose_time(
        visit, actor=world.sibling_leader, starts_at=local_noon(9), ends_at=local_noon(9) + HOUR
    )
    workflow.accept_proposed_time(visit, actor=world.leader)
    visit = fresh(visit)
    assert visit.status == S.CONFIRMED
    assert visit.starts_at == local_noon(9)


@pytest.mark.parametrize("status", [S.REQUESTED, S.CONFIRMED, S.DECLINED, S.CANCELLED])
def test_only_a_proposed_time_can_be_accepted_by_the_observers(world, cycle, status):
    visit = make_visit(cycle, status=status)
    with pytest.raises(ValidationError):
        workflow.accept_proposed_time(visit, actor=world.leader)
    assert fresh(visit).status == status


@pytest.mark.parametrize("status", [S.REQUESTED, S.HOST_PROPOSED, S.CONFIRMED])
def test_a_visit_can_be_cancelled_until_it_starts(world, cycle, status):
    visit = make_visit(cycle, status=status, starts=timezone.now() + HOUR)
    workflow.cancel(visit, actor=world.leader)
    visit = fresh(visit)
    assert (visit.status, visit.sequence) == (S.CANCELLED, 1)


@pytest.mark.parametrize(
    ("status", "starts_in"),
    [
        (S.CONFIRMED, -HOUR),  # it has started
        (S.CONFIRMED, -3 * DAY),  # it has been held
        (S.DECLINED, 7 * DAY),
        (S.CANCELLED, 7 * DAY),
    ],
)
def test_a_started_declined_or_cancelled_visit_cannot_be_cancelled(world, cycle, status, starts_in):
    visit = make_visit(cycle, status=status, starts=timezone.now() + starts_in)
    with pytest.raises(ValidationError):
        workflow.cancel(visit, actor=world.leader)
    assert (fresh(visit).status, fresh(visit).sequence) == (status, 0)


def test_no_feedback_is_sent_before_the_visit(world, cycle):
    for visit in [
        make_visit(cycle, starts=timezone.now() + HOUR),  # confirmed, later today
        make_visit(cycle, starts=local_noon(3)),
        make_visit(cycle, starts=timezone.now() - DAY, status=S.REQUESTED),  # never confirmed
    ]:
        feedback = feedback_for(visit)
        with pytest.raises(ValidationError):
            workflow.send_feedback(feedback, actor=world.leader)
        assert fresh(feedback).sent_at is None


def test_feedback_is_sent_once(world, cycle):
    feedback = feedback_for(held(cycle))
    workflow.send_feedback(feedback, actor=world.leader)
    sent_at = fresh(feedback).sent_at
    assert sent_at is not None
    with pytest.raises(ValidationError):
        workflow.send_feedback(feedback, actor=world.leader)
    assert fresh(feedback).sent_at == sent_at


def test_feedback_is_acknowledged_only_once_it_is_sent_and_only_once(world, cycle):
    feedback = feedback_for(held(cycle))
    with pytest.raises(ValidationError):
        workflow.acknowledge_feedback(feedback, actor=world.sibling_leader)
    assert fresh(feedback).acknowledged_at is None
    workflow.send_feedback(feedback, actor=world.leader)
    workflow.acknowledge_feedback(feedback, actor=world.sibling_leader, reply=" Tusen takk ")
    acknowledged = fresh(feedback)
    assert acknowledged.acknowledged_by == world.sibling_leader
    assert acknowledged.host_reply == "Tusen takk"
    with pytest.raises(ValidationError):
        workflow.acknowledge_feedback(feedback, actor=world.sibling_leader, reply="Igjen")
    assert fresh(feedback).host_reply == "Tusen takk"
    assert fresh(feedback).acknowledged_at == acknowledged.acknowledged_at


def test_a_visit_to_an_external_host_is_confirmed_at_once_and_emails_nobody(
    world, django_capture_on_commit_callbacks
):
    cycle = start(world, host=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        visit = ask(world, cycle, host_unit=None, host_external="  Nabokommunens sykehjem ")
    assert visit.status == S.CONFIRMED
    assert visit.host_external == "Nabokommunens sykehjem"
    assert callbacks == []
    assert mail.outbox == []


def test_a_unit_cannot_visit_itself(world, cycle):
    with pytest.raises(ValidationError):
        ask(world, cycle, host_unit=world.unit)
    assert not Visit.objects.exists()


def test_a_visit_needs_a_host(world, cycle):
    with pytest.raises(ValidationError):
        ask(world, cycle, host_unit=None, host_external="   ")
    assert not Visit.objects.exists()


# 1b. The state machine, through the views ----------------------------------------------


def answer(client, user, visit, **data):
    return post_as(client, user, url_for("visit_answer", visit), data, follow=True)


def test_the_host_accepts_through_the_page(client, world, cycle):
    visit = ask(world, cycle)
    page = get_as(client, world.sibling_leader, url_for("visit_detail", visit))
    form_action = f'action="{url_for("visit_answer", visit)}"'
    assert form_action in text(page)
    response = answer(client, world.sibling_leader, visit, answer="accept", message="Velkommen")
    assert response.redirect_chain[-1][0] == url_for("visit_detail", visit)
    assert shown(response, "You have accepted the visit.") in text(response)
    assert fresh(visit).status == S.CONFIRMED
    # answered: no answer form any more, and a second answer is refused
    assert form_action not in text(response)
    again = answer(client, world.sibling_leader, visit, answer="decline", message="Likevel ikke")
    assert shown(again, "Only a request waiting for an answer can be declined.") in text(again)
    assert fresh(visit).status == S.CONFIRMED


def test_declining_without_a_reason_is_refused_on_the_page(client, world, cycle):
    visit = ask(world, cycle)
    response = answer(client, world.sibling_leader, visit, answer="decline", message="  ")
    assert response.status_code == 422
    assert 'id="id_message_error"' in text(response)
    assert shown(response, "Tell the unit why, so it can look elsewhere.") in text(response)
    assert fresh(visit).status == S.REQUESTED


def test_proposing_a_time_needs_both_times_in_order(client, world, cycle):
    visit = ask(world, cycle)
    response = answer(client, world.sibling_leader, visit, answer="propose", message="")
    assert response.status_code == 422
    assert 'id="id_starts_at_error"' in text(response)
    assert 'id="id_ends_at_error"' in text(response)
    backwards = answer(
        client,
        world.sibling_leader,
        visit,
        answer="propose",
        starts_at="2031-05-06T12:00",
        ends_at="2031-05-06T10:00",
    )
    assert backwards.status_code == 422
    assert shown(backwards, "The visit must end after it starts.") in text(backwards)
    assert fresh(visit).status == S.REQUESTED
    ok = answer(
        client,
        world.sibling_leader,
        visit,
        answer="propose",
        starts_at="2031-05-06T10:00",
        ends_at="2031-05-06T12:00",
        message="Passer tirsdag?",
    )
    assert ok.status_code == 200
    visit = fresh(visit)
    assert visit.status == S.HOST_PROPOSED
    assert timezone.localtime(visit.starts_at).strftime("%Y-%m-%d %H:%M") == "2031-05-06 10:00"


def test_the_observers_accept_the_new_time_on_the_page(client, world, cycle):
    visit = make_visit(cycle, status=S.HOST_PROPOSED)
    page = get_as(client, world.leader, url_for("visit_detail", visit))
    assert url_for("visit_accept_time", visit) in text(page)
    response = client.post(url_for("visit_accept_time", visit), follow=True)
    assert shown(response, "The visit is confirmed.") in text(response)
    assert fresh(visit).status == S.CONFIRMED
    again = client.post(url_for("visit_accept_time", visit), follow=True)
    assert shown(again, "The host has not proposed another time.") in text(again)
    assert fresh(visit).status == S.CONFIRMED


def test_a_started_visit_cannot_be_cancelled_on_the_page(client, world, cycle):
    visit = held(cycle)
    page = get_as(client, world.leader, url_for("visit_detail", visit))
    assert url_for("visit_cancel", visit) not in text(page)
    response = client.post(url_for("visit_cancel", visit), follow=True)
    assert shown(response, "This visit can no longer be cancelled.") in text(response)
    assert fresh(visit).status == S.CONFIRMED


def test_a_declined_visit_cannot_be_cancelled_on_the_page(client, world, cycle):
    visit = make_visit(cycle, status=S.DECLINED)
    response = post_as(client, world.leader, url_for("visit_cancel", visit), follow=True)
    assert shown(response, "This visit can no longer be cancelled.") in text(response)
    assert fresh(visit).status == S.DECLINED


def test_an_upcoming_visit_is_cancelled_on_the_page(client, world, cycle):
    visit = make_visit(cycle)
    page = get_as(client, world.supporter, url_for("visit_detail", visit))
    assert url_for("visit_cancel", visit) in text(page)
    response = client.post(url_for("visit_cancel", visit), follow=True)
    assert shown(response, "The visit is cancelled. The host has been told.") in text(response)
    assert fresh(visit).status == S.CANCELLED


def test_feedback_cannot_be_sent_before_the_visit_date(
    client, world, cycle, django_capture_on_commit_callbacks
):
    visit = make_visit(cycle, starts=local_noon(2))
    page = get_as(client, world.leader, url_for("visit_detail", visit))
    assert 'name="send"' not in section(text(page), "feedback")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url_for("feedback_save", visit), {**FEEDBACK, "send": "1"})
    assert response.status_code == 422
    assert shown(response, "Feedback can be sent once the visit has taken place.") in text(response)
    assert FEEDBACK["works"] in text(response)  # what was typed is kept
    assert not VisitFeedback.objects.exists()
    assert mail.outbox == []


def test_feedback_is_saved_as_a_draft_then_sent_once(
    client, world, cycle, django_capture_on_commit_callbacks
):
    visit = held(cycle)
    client.force_login(world.leader)
    draft = client.post(url_for("feedback_save", visit), {**FEEDBACK, "save": ""}, follow=True)
    assert shown(draft, "The feedback is saved as a draft.") in text(draft)
    feedback = VisitFeedback.objects.get(visit=visit)
    assert (feedback.sent_at, feedback.written_by) == (None, world.leader)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            url_for("feedback_save", visit), {**FEEDBACK, "works": "Rolig", "send": "1"}
        )
    assert sent.status_code == 302
    feedback = fresh(feedback)
    assert (feedback.works, feedback.sent_at is not None) == ("Rolig", True)
    assert [m.to for m in mail.outbox] == [[world.sibling_leader.email]]
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            url_for("feedback_save", visit),
            {**FEEDBACK, "works": "Endret", "send": "1"},
            follow=True,
        )
    assert shown(again, "The feedback is already sent.") in text(again)
    assert fresh(feedback).works == "Rolig"
    assert fresh(feedback).sent_at == feedback.sent_at
    assert len(mail.outbox) == 1


def test_feedback_is_acknowledged_on_the_page_once_it_is_sent(client, world, cycle):
    visit = held(cycle)
    client.force_login(world.sibling_leader)
    assert client.post(url_for("feedback_acknowledge", visit), {"reply": ""}).status_code == 404
    feedback = feedback_for(visit)
    early = client.post(url_for("feedback_acknowledge", visit), {"reply": "Takk"}, follow=True)
    assert shown(early, "The feedback has not been sent yet.") in text(early)
    assert fresh(feedback).acknowledged_at is None
    VisitFeedback.objects.filter(pk=feedback.pk).update(sent_at=timezone.now())
    page = client.get(url_for("visit_detail", visit))
    assert url_for("feedback_acknowledge", visit) in text(page)
    done = client.post(url_for("feedback_acknowledge", visit), {"reply": "Takk!"}, follow=True)
    assert shown(done, "Thank you! The unit sees that you have read it.") in text(done)
    assert url_for("feedback_acknowledge", visit) not in text(done)
    assert fresh(feedback).host_reply == "Takk!"
    again = client.post(url_for("feedback_acknowledge", visit), {"reply": "Igjen"}, follow=True)
    assert shown(again, "The feedback is already acknowledged.") in text(again)
    assert fresh(feedback).host_reply == "Takk!"


def test_a_visit_to_an_external_host_is_recorded_as_confirmed(client, world):
    cycle = start(world, host=False)
    Cycle.objects.filter(pk=cycle.pk).update(host_external="Nabokommunens sykehjem")
    client.force_login(world.leader)
    page = client.get(url_for("visit_request", cycle))
    assert page.status_code == 200
    assert shown(page, "Record the visit") in text(page)
    response = client.post(
        url_for("visit_request", cycle),
        {
            "starts_at": "2031-05-06T10:00",
            "ends_at": "2031-05-06T12:00",
            "observers": [world.staff.pk],
            "purpose": "Se måltidet",
        },
        follow=True,
    )
    visit = Visit.objects.get()
    assert (visit.status, visit.host_unit, visit.host_external) == (
        S.CONFIRMED,
        None,
        "Nabokommunens sykehjem",
    )
    assert shown(response, "The visit is recorded.") in text(response)


def test_asking_for_a_visit_before_a_host_is_chosen_leads_to_phase_4(client, world):
    cycle = start(world, host=False)
    response = get_as(client, world.leader, url_for("visit_request", cycle))
    assert response.status_code == 302
    assert response["Location"] == reverse("phase_detail", args=[cycle.pk, Phase.BEST_PRACTICE])


def test_a_request_ending_before_it_starts_is_refused_and_keeps_the_purpose(client, world, cycle):
    response = post_as(
        client,
        world.leader,
        url_for("visit_request", cycle),
        {
            "starts_at": "2031-05-06T12:00",
            "ends_at": "2031-05-06T10:00",
            "observers": [world.staff.pk],
            "purpose": "Se måltidet",
        },
    )
    assert response.status_code == 422
    assert 'id="id_ends_at_error"' in text(response)
    assert "Se måltidet" in text(response)
    assert not Visit.objects.exists()


def test_observers_come_from_the_observing_unit(client, world, cycle):
    response = post_as(
        client,
        world.leader,
        url_for("visit_request", cycle),
        {
            "starts_at": "2031-05-06T10:00",
            "ends_at": "2031-05-06T12:00",
            "observers": [world.sibling_leader.pk],
            "purpose": "Se måltidet",
        },
    )
    assert response.status_code == 422
    assert 'id="id_observers_error"' in text(response)
    assert not Visit.objects.exists()


# 2. Only the host's leader or contact person answers ----------------------------------


def test_the_observing_units_leader_cannot_answer_for_the_host(client, world, cycle):
    visit = ask(world, cycle)
    response = answer(client, world.leader, visit, answer="accept")
    assert response.status_code == 403
    assert fresh(visit).status == S.REQUESTED


def test_host_staff_cannot_answer(client, world, cycle):
    visit = ask(world, cycle)
    staff = host_staff(world)
    assert get_as(client, staff, url_for("visit_detail", visit)).status_code == 200
    assert answer(client, staff, visit, answer="accept").status_code == 403
    assert fresh(visit).status == S.REQUESTED


def test_the_practice_contact_person_answers_without_leading_the_host(client, world, cycle):
    contact = host_staff(world)
    visit = ask(world, cycle)
    Visit.objects.filter(pk=visit.pk).update(host_contact=contact)
    response = answer(client, contact, visit, answer="accept", message="Velkommen")
    assert response.status_code == 200
    visit = fresh(visit)
    assert (visit.status, visit.responded_by) == (S.CONFIRMED, contact)


def test_a_request_for_a_practice_goes_to_its_contact_person(world, cycle):
    contact = host_staff(world)
    practice = Practice.objects.create(
        unit=world.sibling, title="Rolige måltider", description="Vi spiser sammen", contact=contact
    )
    visit = ask(world, cycle, practice=practice)
    assert visit.host_contact == contact


def test_the_host_units_leader_answers(client, world, cycle):
    visit = ask(world, cycle)
    response = answer(client, world.sibling_leader, visit, answer="decline", message="Ombygging")
    assert response.status_code == 200
    assert fresh(visit).status == S.DECLINED


VISIT_URLS = {
    "visit_detail": ("GET", {}),
    "visit_calendar": ("GET", {}),
    "visit_answer": ("POST", {"answer": "accept"}),
    "visit_accept_time": ("POST", {}),
    "visit_cancel": ("POST", {}),
    "note_create": ("POST", {"text": "Rolig"}),
    "reflection_create": ("POST", {"observed": "Ro", "take_home": "Ro"}),
    "feedback_save": ("POST", FEEDBACK),
    "feedback_acknowledge": ("POST", {"reply": "Takk"}),
}


@pytest.mark.parametrize("person", ["outsider_leader", "third_unit_leader", "no_role"])
def test_people_on_neither_side_do_not_learn_that_the_visit_exists(client, world, cycle, person):
    user = third_unit_leader(world) if person == "third_unit_leader" else world.person(person)
    visit = held(cycle)
    feedback_for(visit, sent_at=timezone.now())
    client.force_login(user)
    for name, (method, data) in VISIT_URLS.items():
        url = url_for(name, visit)
        response = client.get(url) if method == "GET" else client.post(url, data)
        assert response.status_code == 404, name
    assert not ObservationNote.objects.exists()
    assert fresh(visit).feedback.acknowledged_at is None


# 3. Each side sees only what concerns it ------------------------------------------------


def test_the_host_sees_neither_notes_nor_reflections(client, world, cycle):
    visit = held(cycle)
    ObservationNote.objects.create(visit=visit, author=world.staff, text="Hemmelig notat")
    VisitReflection.objects.create(
        visit=visit, author=world.staff, observed="Intern refleksjon", take_home="Ta med hjem"
    )
    mine = get_as(client, world.staff, url_for("visit_detail", visit))
    assert "Hemmelig notat" in text(mine)
    assert "Intern refleksjon" in text(mine)
    for user in [world.sibling_leader, host_staff(world), world.hr]:
        page = get_as(client, user, url_for("visit_detail", visit))
        assert page.status_code == 200
        assert "Hemmelig notat" not in text(page), user
        assert "Intern refleksjon" not in text(page), user
        assert "Ta med hjem" not in text(page), user
        assert 'id="notes"' not in text(page)
        assert 'id="reflections"' not in text(page)


def test_the_back_link_for_the_leader_and_the_host_opens(client, world, cycle):
    visit = held(cycle)
    for user, target in [
        (world.leader, reverse("phase_detail", args=[cycle.pk, Phase.OBSERVATION])),
        (world.sibling_leader, reverse("host_visits", args=[world.sibling.pk])),
    ]:
        page = get_as(client, user, url_for("visit_detail", visit))
        assert f'href="{target}"' in text(page)
        assert client.get(target).status_code == 200


@pytest.mark.parametrize("person", ["staff", "union_rep"])
def test_the_back_link_for_observing_staff_opens(client, world, cycle, person):
    visit = held(cycle, observers=[world.staff])
    page = get_as(client, world.person(person), url_for("visit_detail", visit))
    back = re.search(r'<main[^>]*>.*?<p><a href="([^"]+)"', text(page), re.S)
    assert back, "no back link on the page"
    assert client.get(back.group(1)).status_code == 200


def test_the_host_sees_the_focus_question_and_learning_points(client, world, cycle):
    visit = ask(world, cycle)
    page = get_as(client, world.sibling_leader, url_for("visit_detail", visit))
    assert escape(cycle.focus_question) in text(page)
    assert "Rolig start" in text(page) and "Dempet lys" in text(page)


def test_the_host_sees_feedback_only_once_sent(client, world, cycle):
    visit = held(cycle)
    feedback = feedback_for(visit, works="Utkast om lunsjen")
    page = get_as(client, world.sibling_leader, url_for("visit_detail", visit))
    assert "Utkast om lunsjen" not in text(page)
    assert shown(page, "No feedback has been sent yet.") in text(page)
    VisitFeedback.objects.filter(pk=feedback.pk).update(sent_at=timezone.now())
    page = client.get(url_for("visit_detail", visit))
    assert "Utkast om lunsjen" in section(text(page), "feedback")


@pytest.mark.parametrize("name", ["note_create", "reflection_create"])
def test_notes_and_reflections_wait_until_the_visit_starts(client, world, cycle, name):
    visit = make_visit(cycle, starts=timezone.now() + HOUR)
    page = get_as(client, world.staff, url_for("visit_detail", visit))
    assert url_for(name, visit) not in text(page)
    data = {"text": "For tidlig", "observed": "For tidlig", "take_home": "For tidlig"}
    response = client.post(url_for(name, visit), data, follow=True)
    assert response.redirect_chain[-1][0] == url_for("visit_detail", visit)
    message = "Notes and reflections can be written once the visit has started."
    assert shown(response, message) in text(response)
    assert not ObservationNote.objects.exists()
    assert not VisitReflection.objects.exists()


def test_staff_write_notes_and_a_reflection_once_the_visit_has_started(client, world, cycle):
    visit = held(cycle)
    point = cycle.learning_points.first()
    client.force_login(world.staff)
    page = client.get(url_for("visit_detail", visit))
    assert url_for("note_create", visit) in text(page)
    assert url_for("reflection_create", visit) in text(page)
    response = client.post(
        url_for("note_create", visit), {"learning_point": point.pk, "text": "Musikk"}, **HTMX
    )
    assert response.status_code == 200
    assert is_fragment(response)
    assert "Musikk" in section(text(response), "notes")
    note = ObservationNote.objects.get()
    assert (note.author, note.learning_point, note.visit) == (world.staff, point, visit)
    response = client.post(
        url_for("reflection_create", visit),
        {"observed": "De hilste", "take_home": "Hilse mer"},
        follow=True,
    )
    assert "Hilse mer" in section(text(response), "reflections")
    reflection = VisitReflection.objects.get()
    assert reflection.author == world.staff
    assert reflection.within_a_day
    assert shown(response, "within 24 hours") in text(response)


def test_an_empty_note_is_refused_in_the_fragment(client, world, cycle):
    visit = held(cycle)
    response = post_as(client, world.staff, url_for("note_create", visit), {"text": ""}, **HTMX)
    assert response.status_code == 422
    assert is_fragment(response)
    assert 'id="id_text_error"' in text(response)
    assert not ObservationNote.objects.exists()


def test_a_reflection_written_days_later_is_marked_late(client, world, cycle):
    visit = make_visit(cycle, starts=local_noon(-3))
    reflection = VisitReflection.objects.create(
        visit=visit, author=world.staff, observed="Ro", take_home="Ro"
    )
    assert not reflection.within_a_day
    page = get_as(client, world.staff, url_for("visit_detail", visit))
    assert shown(page, "later than 24 hours after the visit") in text(page)


def test_a_note_for_a_learning_point_of_another_cycle_is_refused(client, world, cycle):
    other = start(world, title="Annen syklus")
    visit = held(cycle)
    foreign = other.learning_points.first()
    response = post_as(
        client,
        world.staff,
        url_for("note_create", visit),
        {"learning_point": foreign.pk, "text": "x"},
    )
    assert response.status_code == 422
    assert not ObservationNote.objects.exists()


# 4. The calendar file -----------------------------------------------------------------


def test_the_calendar_file_of_a_confirmed_visit(client, world, cycle):
    visit = make_visit(cycle, starts=local_noon(10), purpose="Se frokosten")
    Visit.objects.filter(pk=visit.pk).update(sequence=2)
    for user in [world.staff, world.sibling_leader]:
        response = get_as(client, user, url_for("visit_calendar", visit))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert response["Content-Disposition"] == f'attachment; filename="visit-{visit.pk}.ics"'
        calendar = Calendar.from_ical(response.content)
        (event,) = calendar.walk("VEVENT")
        assert str(event["uid"]) == f"{visit.uid}@kollegalaering"
        assert event.decoded("dtstart") == visit.starts_at
        assert event.decoded("dtend") == visit.ends_at
        summary = str(event["summary"])
        assert world.unit.name in summary and world.sibling.name in summary
        description = str(event["description"])
        assert "Se frokosten" in description
        assert cycle.focus_question in description
        assert "Rolig start" in description and "Dempet lys" in description
        assert int(event["sequence"]) == 2
        assert str(event["status"]) == "CONFIRMED"
        assert str(event["location"]) == world.sibling.name


@pytest.mark.parametrize("status", [S.REQUESTED, S.HOST_PROPOSED, S.DECLINED])
def test_an_unconfirmed_visit_has_no_calendar_file(client, world, cycle, status):
    visit = make_visit(cycle, status=status)
    page = get_as(client, world.leader, url_for("visit_detail", visit))
    assert url_for("visit_calendar", visit) not in text(page)
    assert client.get(url_for("visit_calendar", visit)).status_code == 404


# 5. Late feedback ---------------------------------------------------------------------


def test_feedback_is_late_eight_days_after_the_visit(client, world, cycle):
    visit = move(held(cycle), local_noon(-8))
    assert visit.is_held
    assert visit.feedback_due == today() - DAY
    assert visit.feedback_is_late
    page = get_as(client, world.leader, url_for("visit_detail", visit))
    assert shown(page, "The feedback is late.") in section(text(page), "feedback")
    phase = client.get(reverse("phase_detail", args=[cycle.pk, Phase.OBSERVATION]))
    assert shown(phase, "Feedback is late") in section(text(phase), "visits")


def test_feedback_is_not_late_six_days_after_the_visit(client, world, cycle):
    visit = move(held(cycle), local_noon(-6))
    assert not visit.feedback_is_late
    page = get_as(client, world.leader, url_for("visit_detail", visit))
    assert shown(page, "The feedback is late.") not in text(page)
    phase = client.get(reverse("phase_detail", args=[cycle.pk, Phase.OBSERVATION]))
    assert shown(phase, "Feedback is late") not in text(phase)
    due = formats.date_format(visit.feedback_due, "j.n.Y")
    assert shown(phase, "Feedback due by %(date)s", date=due) in text(phase)


def test_an_unsent_draft_is_late_too(world, cycle):
    visit = move(held(cycle), local_noon(-8))
    feedback_for(visit)
    assert fresh(visit).feedback_is_late


@pytest.mark.parametrize(("sent_on_day", "late"), [(9, True), (8, True), (7, False), (3, False)])
def test_feedback_sent_after_seven_days_is_late(client, world, cycle, sent_on_day, late):
    visit = move(held(cycle), local_noon(-12))
    feedback = feedback_for(visit, sent_at=visit.starts_at + sent_on_day * DAY)
    assert fresh(feedback).is_late is late
    assert fresh(visit).feedback_is_late is late
    for user in [world.leader, world.sibling_leader]:
        page = get_as(client, user, url_for("visit_detail", visit))
        mark = shown(page, "Sent late (more than seven days after the visit).")
        assert (mark in text(page)) is late


def test_nothing_is_late_before_the_visit_or_when_it_was_not_held(world, cycle):
    assert not make_visit(cycle, starts=timezone.now() + HOUR).feedback_is_late
    assert not make_visit(cycle, starts=local_noon(-20), status=S.CANCELLED).feedback_is_late
    assert not make_visit(cycle, starts=local_noon(-20), status=S.DECLINED).feedback_is_late


# 6. Emails ----------------------------------------------------------------------------


def only_email(to: User):
    assert [message.to for message in mail.outbox] == [[to.email]]
    return mail.outbox[0]


def visit_link(visit: Visit) -> str:
    return settings.SITE_URL + reverse("visit_detail", args=[visit.pk])


def test_a_request_emails_the_host_leader_a_link_to_the_visit(
    client, world, cycle, django_capture_on_commit_callbacks
):
    client.force_login(world.leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url_for("visit_request", cycle),
            {
                "starts_at": "2031-05-06T10:00",
                "ends_at": "2031-05-06T12:00",
                "observers": [world.staff.pk, world.leader.pk],
                "purpose": "Se måltidet",
            },
        )
    visit = Visit.objects.get()
    assert response["Location"] == url_for("visit_detail", visit)
    assert visit.status == S.REQUESTED
    email = only_email(world.sibling_leader)
    assert visit_link(visit) in email.body
    assert world.unit.name in email.subject


def test_a_request_for_a_practice_emails_only_its_contact_person(
    world, cycle, django_capture_on_commit_callbacks
):
    contact = host_staff(world)
    practice = Practice.objects.create(
        unit=world.sibling, title="Rolige måltider", description="Vi spiser sammen", contact=contact
    )
    with django_capture_on_commit_callbacks(execute=True):
        visit = ask(world, cycle, practice=practice)
    assert visit_link(visit) in only_email(contact).body


def asked(world, cycle, capture) -> Visit:
    """A request whose email to the host has gone already, so the next email stands alone.

    Emails go through the outbox: a request written outside ``capture`` would wait there
    and go out together with the next event's email."""
    with capture(execute=True):
        visit = ask(world, cycle)
    only_email(world.sibling_leader)
    mail.outbox.clear()
    return visit


def test_accepting_emails_the_person_who_asked(
    client, world, cycle, django_capture_on_commit_callbacks
):
    visit = asked(world, cycle, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, world.sibling_leader, visit, answer="accept", message="Velkommen")
    email = only_email(world.leader)
    assert visit_link(visit) in email.body
    assert "Velkommen" in email.body
    assert world.sibling.name in email.subject


def test_declining_emails_the_person_who_asked_with_the_reason(
    client, world, cycle, django_capture_on_commit_callbacks
):
    visit = asked(world, cycle, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, world.sibling_leader, visit, answer="decline", message="Ombygging")
    email = only_email(world.leader)
    assert "Ombygging" in email.body
    assert settings.SITE_URL + reverse("practice_list") in email.body


def test_a_proposed_time_emails_the_person_who_asked(
    client, world, cycle, django_capture_on_commit_callbacks
):
    visit = asked(world, cycle, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        answer(
            client,
            world.sibling_leader,
            visit,
            answer="propose",
            starts_at="2031-05-07T10:00",
            ends_at="2031-05-07T12:00",
        )
    email = only_email(world.leader)
    assert visit_link(visit) in email.body
    assert "2031 10:00" in email.body


def test_accepting_a_new_time_or_cancelling_emails_the_host(
    client, world, cycle, django_capture_on_commit_callbacks
):
    visit = make_visit(cycle, status=S.HOST_PROPOSED)
    client.force_login(world.leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url_for("visit_accept_time", visit))
    only_email(world.sibling_leader)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url_for("visit_cancel", visit))
    assert fresh(visit).status == S.CANCELLED
    only_email(world.sibling_leader)


def test_sent_feedback_emails_the_host_and_the_acknowledgement_emails_the_writer(
    client, world, cycle, django_capture_on_commit_callbacks
):
    visit = held(cycle)
    client.force_login(world.supporter)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url_for("feedback_save", visit), {**FEEDBACK, "send": "1"})
    email = only_email(world.sibling_leader)
    assert visit_link(visit) in email.body
    assert world.unit.name in email.subject
    mail.outbox.clear()
    client.force_login(world.sibling_leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url_for("feedback_acknowledge", visit), {"reply": "Tusen takk"})
    assert "Tusen takk" in only_email(world.supporter).body


def month_in(language: str, moment: datetime.datetime) -> str:
    with translation.override(language):
        return formats.date_format(timezone.localtime(moment), "F")


def test_emails_are_in_the_recipients_language_not_the_senders(
    client, world, cycle, django_capture_on_commit_callbacks
):
    """The month name comes from Django's own catalogs, so this holds while the project's
    catalog lacks the visit texts."""
    User.objects.filter(pk=world.leader.pk).update(language="en")
    User.objects.filter(pk=world.sibling_leader.pk).update(language="nn")
    client.force_login(world.leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url_for("visit_request", cycle),
            {
                "starts_at": "2031-12-02T10:00",
                "ends_at": "2031-12-02T12:00",
                "observers": [world.staff.pk],
                "purpose": "Se måltidet",
            },
        )
    visit = Visit.objects.get()
    to_host = only_email(world.sibling_leader)
    assert month_in("nn", visit.starts_at) == "desember"
    assert "desember" in to_host.body and "December" not in to_host.body
    hello = catalog("nn").find("Hello %(name)s,").msgstr % {"name": "Sverre"}
    assert to_host.body.startswith(hello)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, world.sibling_leader, visit, answer="accept")
    to_leader = only_email(world.leader)
    assert "December" in to_leader.body and "desember" not in to_leader.body
    assert to_leader.body.startswith("Hello Lars,")


def test_the_request_subject_is_in_nynorsk(world, cycle, django_capture_on_commit_callbacks):
    """The subject is the notification's line (programmes/reminders.py, RULES[visit_update])."""
    User.objects.filter(pk=world.sibling_leader.pk).update(language="nn")
    with django_capture_on_commit_callbacks(execute=True):
        visit = ask(world, cycle)
    subject = only_email(world.sibling_leader).subject
    msgid = "%(unit)s asks to visit %(host)s on %(date)s."
    with translation.override("en"):
        assert str(RULES[Kind.VISIT_UPDATE].messages["visit_requested"]) == msgid
        english = msgid % {
            "unit": world.unit.name,
            "host": world.sibling.name,
            "date": formats.date_format(visit.visit_date, "j. F Y"),
        }
    entry = catalog("nn").find(msgid)
    assert entry is not None and entry.msgstr, "the subject is not in the nynorsk catalog"
    assert not entry.fuzzy, "the nynorsk subject is still marked fuzzy"
    with translation.override("nn"):
        values = {
            "unit": world.unit.name,
            "host": world.sibling.name,
            "date": formats.date_format(visit.visit_date, "j. F Y"),
        }
    assert subject == entry.msgstr % values
    assert subject != english


def test_a_refused_answer_sends_no_email(client, world, cycle, django_capture_on_commit_callbacks):
    visit = ask(world, cycle)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, world.leader, visit, answer="accept")
        answer(client, world.sibling_leader, visit, answer="decline", message="")
    assert mail.outbox == []


# 7. The phase 4–6 pages ---------------------------------------------------------------


def host_data(**changes) -> dict:
    data = {"host_practice": "", "host_unit": "", "host_external": ""}
    data.update(changes)
    return data


@pytest.mark.parametrize("person", ["supporter", "staff"])
def test_only_the_leader_chooses_the_host(client, world, person):
    cycle = start(world, host=False)
    response = post_as(
        client,
        world.person(person),
        url_for("host_choose", cycle),
        host_data(host_unit=world.sibling.pk),
    )
    assert response.status_code == 403
    assert fresh(cycle).host_unit is None


def test_choosing_a_host_completes_phase_4(client, world):
    cycle = start(world, host=False)
    assert missing(cycle, Phase.BEST_PRACTICE) == [str(REQUIREMENTS[4][0].label)]
    client.force_login(world.leader)
    response = client.post(
        url_for("host_choose", cycle), host_data(host_unit=world.sibling.pk), **HTMX
    )
    assert response.status_code == 200
    assert is_fragment(response)
    assert world.sibling.name in section(text(response), "host")
    requirements = section(text(response), "requirements")
    assert 'hx-swap-oob="true"' in requirements
    assert shown(response, "Everything this phase needs is in place.") in requirements
    assert fresh(cycle).host_unit == world.sibling
    assert missing(cycle, Phase.BEST_PRACTICE) == []


def test_choosing_a_practice_chooses_its_unit(client, world):
    cycle = start(world, host=False)
    practice = Practice.objects.create(
        unit=world.sibling, title="Rolige måltider", description="Vi spiser sammen"
    )
    post_as(
        client, world.leader, url_for("host_choose", cycle), host_data(host_practice=practice.pk)
    )
    cycle = fresh(cycle)
    assert (cycle.host_practice, cycle.host_unit) == (practice, world.sibling)


def test_an_external_host_replaces_the_unit(client, world, cycle):
    response = post_as(
        client,
        world.leader,
        url_for("host_choose", cycle),
        host_data(host_external=" Nabokommunen "),
    )
    assert response.status_code == 302
    cycle = fresh(cycle)
    assert (cycle.host_unit, cycle.host_external) == (None, "Nabokommunen")
    assert missing(cycle, Phase.BEST_PRACTICE) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (host_data(), "Choose a practice or a unit, or describe the host."),
        (
            host_data(host_unit="sibling", host_external="Nabokommunen"),
            "Choose either a unit in the municipality or an external host, not both.",
        ),
        (host_data(host_unit="own"), None),
        (host_data(host_practice="own"), None),
        (host_data(host_unit="sibling", host_practice="other"), "practice-unit"),
    ],
    ids=["neither", "both", "own-unit", "own-practice", "practice-of-another-unit"],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_an_invalid_host_is_refused(client, world, data, message, headers):
    cycle = start(world, host=False)
    third = UnitFactory(municipality=world.unit.municipality, name="Avdeling 3")
    own_practice = Practice.objects.create(unit=world.unit, title="Vår", description="Vår")
    other_practice = Practice.objects.create(unit=third, title="Deres", description="Deres")
    values = {
        "sibling": world.sibling.pk,
        "own": world.unit.pk if data["host_unit"] == "own" else own_practice.pk,
        "other": other_practice.pk,
    }
    data = {key: values.get(value, value) for key, value in data.items()}
    response = post_as(client, world.leader, url_for("host_choose", cycle), data, **headers)
    assert response.status_code == 422
    assert is_fragment(response) == bool(headers)
    if message == "practice-unit":
        message_text = shown(
            response,
            "The practice belongs to %(unit)s. Choose that unit or no unit.",
            unit=third.name,
        )
        assert message_text in text(response)
    elif message:
        assert shown(response, message) in text(response)
    else:
        field = "host_unit" if data["host_unit"] else "host_practice"
        assert f'id="id_{field}_error"' in text(response)
    cycle = fresh(cycle)
    assert (cycle.host_unit, cycle.host_practice, cycle.host_external) == (None, None, "")


def test_the_own_unit_is_not_offered_as_host(client, world):
    cycle = start(world, host=False)
    response = get_as(client, world.leader, reverse("phase_detail", args=[cycle.pk, 4]))
    host = section(text(response), "host")
    assert f'value="{world.sibling.pk}"' in host
    assert f'value="{world.unit.pk}"' not in host
    assert f'value="{world.other_unit.pk}"' not in host


def test_phase_4_suggests_matching_practices(client, world, cycle):
    Practice.objects.create(
        unit=world.sibling,
        title="Rolige måltider med dempet lys",
        description="Vi starter måltidet rolig",
        themes="måltid",
    )
    Practice.objects.create(unit=world.unit, title="Vår egen måltidspraksis", description="måltid")
    response = get_as(client, world.leader, reverse("phase_detail", args=[cycle.pk, 4]))
    assert response.status_code == 200
    suggestions = section(text(response), "suggestions")
    assert "Rolige måltider med dempet lys" in suggestions
    assert "Vår egen måltidspraksis" not in suggestions


def test_sources_are_added_and_deleted_with_htmx(client, world, cycle):
    client.force_login(world.supporter)
    response = client.post(
        url_for("source_create", cycle),
        {"kind": "network", "where": "Fagnettverk for demens", "contact": "Kari", "note": ""},
        **HTMX,
    )
    assert response.status_code == 200
    assert is_fragment(response)
    assert "Fagnettverk for demens" in section(text(response), "sources")
    assert 'hx-swap-oob="true"' in section(text(response), "requirements")
    source = CandidateSource.objects.get()
    assert (source.cycle, source.kind) == (cycle, "network")
    response = client.post(reverse("source_delete", args=[cycle.pk, source.pk]), **HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    assert "Fagnettverk for demens" not in text(response)
    assert 'hx-swap-oob="true"' in section(text(response), "requirements")
    assert not CandidateSource.objects.exists()


def test_a_source_without_where_is_refused_in_the_fragment(client, world, cycle):
    response = post_as(
        client,
        world.leader,
        url_for("source_create", cycle),
        {"kind": "network", "where": ""},
        **HTMX,
    )
    assert response.status_code == 422
    assert 'id="id_where_error"' in section(text(response), "sources")
    assert not CandidateSource.objects.exists()


def test_a_source_of_another_cycle_cannot_be_deleted_through_this_one(client, world, cycle):
    other = start(world, title="Annen syklus")
    source = CandidateSource.objects.create(cycle=other, kind="intranet", where="Intranett")
    response = post_as(client, world.leader, reverse("source_delete", args=[cycle.pk, source.pk]))
    assert response.status_code == 404
    assert CandidateSource.objects.filter(pk=source.pk).exists()


def test_a_sharing_session_needs_attendees(client, world, cycle):
    response = post_as(
        client,
        world.leader,
        url_for("sharing_session_create", cycle),
        {"held_on": today().isoformat(), "other_attendees": "", "note": "Godt møte"},
        **HTMX,
    )
    assert response.status_code == 422
    sessions = section(text(response), "sessions")
    assert shown(response, "Say who attended the session.") in sessions
    assert "Godt møte" in sessions
    assert not SharingSession.objects.exists()


def test_a_sharing_session_counts_days_since_the_visit(client, world, cycle):
    move(held(cycle), local_noon(-5))
    response = post_as(
        client,
        world.leader,
        url_for("sharing_session_create", cycle),
        {"held_on": today().isoformat(), "attendees": [world.staff.pk, world.union_rep.pk]},
        follow=True,
    )
    session = SharingSession.objects.get()
    assert set(session.attendees.all()) == {world.staff, world.union_rep}
    sessions = section(text(response), "sessions")
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        days = ngettext("%(days)s day after the visit", "%(days)s days after the visit", 5)
    assert escape(days % {"days": 5}) in sessions


def test_a_decision_without_a_reason_keeps_the_chosen_decision(client, world, cycle):
    point = cycle.learning_points.first()
    response = post_as(
        client,
        world.leader,
        reverse("decision_save", args=[cycle.pk, point.pk]),
        {"decision": "adjust", "decision_reason": ""},
        **HTMX,
    )
    assert response.status_code == 422
    decisions = section(text(response), "decisions")
    assert re.search(r'<input[^>]*name="decision"[^>]*value="adjust"[^>]*checked', decisions)
    assert not re.search(r'<input[^>]*name="decision"[^>]*value="adopt"[^>]*checked', decisions)
    assert f'id="point{point.pk}_decision_reason_error"' in decisions
    assert shown(response, "Write why, so others can learn from the decision.") in decisions
    assert fresh(point).decision == ""


def test_a_decision_for_a_learning_point_of_another_cycle_is_404(client, world, cycle):
    other = start(world, title="Annen syklus")
    point = other.learning_points.first()
    response = post_as(
        client,
        world.leader,
        reverse("decision_save", args=[cycle.pk, point.pk]),
        {"decision": "adopt", "decision_reason": "Virker"},
    )
    assert response.status_code == 404
    assert fresh(point).decision == ""


def test_phase_5_is_complete_after_a_held_visit_notes_and_sent_feedback(world, cycle):
    labels = [str(r.label) for r in REQUIREMENTS[Phase.OBSERVATION]]
    visit = ask(world, cycle)
    workflow.accept(visit, actor=world.sibling_leader)
    assert missing(cycle, Phase.OBSERVATION) == labels  # confirmed, but not yet held
    visit = move(visit, timezone.now() - 2 * HOUR)
    assert missing(cycle, Phase.OBSERVATION) == labels[1:]
    ObservationNote.objects.create(visit=visit, author=world.staff, text="Rolig")
    assert missing(cycle, Phase.OBSERVATION) == labels[2:]
    feedback = feedback_for(visit)
    assert missing(cycle, Phase.OBSERVATION) == labels[2:]  # a draft is not enough
    workflow.send_feedback(feedback, actor=world.leader)
    assert missing(cycle, Phase.OBSERVATION) == []


def test_a_cancelled_visit_in_the_past_does_not_count_as_held(world, cycle):
    make_visit(cycle, starts=local_noon(-3), status=S.CANCELLED)
    make_visit(cycle, starts=local_noon(-3), status=S.REQUESTED)
    assert progress(cycle).held_visit_count == 0


def test_phase_6_is_complete_after_a_session_and_a_decision_for_every_point(client, world, cycle):
    labels = [str(r.label) for r in REQUIREMENTS[Phase.IMPLEMENTATION]]
    assert missing(cycle, Phase.IMPLEMENTATION) == labels
    client.force_login(world.supporter)
    client.post(
        url_for("sharing_session_create", cycle),
        {"held_on": today().isoformat(), "other_attendees": "Vikarer"},
    )
    assert missing(cycle, Phase.IMPLEMENTATION) == labels[1:]
    first, second = cycle.learning_points.all()
    client.post(
        reverse("decision_save", args=[cycle.pk, first.pk]),
        {"decision": "adopt", "decision_reason": "Virker"},
    )
    assert missing(cycle, Phase.IMPLEMENTATION) == labels[1:]
    response = client.post(
        reverse("decision_save", args=[cycle.pk, second.pk]),
        {"decision": "drop", "decision_reason": "Passer ikke oss"},
        **HTMX,
    )
    assert missing(cycle, Phase.IMPLEMENTATION) == []
    requirements = section(text(response), "requirements")
    assert shown(response, "Everything this phase needs is in place.") in requirements


def test_conclusions_and_the_practice_log_are_recorded(client, world, cycle):
    point = cycle.learning_points.first()
    client.force_login(world.leader)
    response = client.post(
        url_for("conclusion_create", cycle),
        {"learning_point": point.pk, "text": "Vi tar roen"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Vi tar roen" in section(text(response), "conclusions")
    assert Conclusion.objects.get().learning_point == point
    response = client.post(
        url_for("practice_log_create", cycle),
        {"practised_on": today().isoformat(), "what": "Rolig frokost", "who": "Kveldsvakt"},
        follow=True,
    )
    assert "Rolig frokost" in section(text(response), "practice-log")
    assert PracticeLogEntry.objects.get().cycle == cycle
    empty = client.post(url_for("practice_log_create", cycle), {"what": ""}, **HTMX)
    assert empty.status_code == 422
    assert PracticeLogEntry.objects.count() == 1


def test_journey_from_choosing_a_host_to_a_finished_phase_6(
    client, world, django_capture_on_commit_callbacks
):
    cycle = start(world, host=False)
    client.force_login(world.leader)
    client.post(url_for("host_choose", cycle), host_data(host_unit=world.sibling.pk))
    assert missing(cycle, Phase.BEST_PRACTICE) == []
    phase_4 = client.get(reverse("phase_detail", args=[cycle.pk, 4]))
    assert url_for("visit_request", cycle) in section(text(phase_4), "host")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url_for("visit_request", cycle),
            {
                "starts_at": "2031-05-06T10:00",
                "ends_at": "2031-05-06T12:00",
                "observers": [world.staff.pk],
                "purpose": "Se måltidet",
            },
        )
    visit = Visit.objects.get()
    host = Client()
    host.force_login(world.sibling_leader)
    hosted = host.get(reverse("host_visits", args=[world.sibling.pk]))
    assert url_for("visit_detail", visit) in section(text(hosted), "requests-heading")
    with django_capture_on_commit_callbacks(execute=True):
        host.post(url_for("visit_answer", visit), {"answer": "accept"})
    assert fresh(visit).status == S.CONFIRMED
    assert [m.to for m in mail.outbox] == [[world.sibling_leader.email], [world.leader.email]]

    visit = move(visit, timezone.now() - 3 * HOUR)
    staff = Client()
    staff.force_login(world.staff)
    staff.post(url_for("note_create", visit), {"text": "De synger før maten"})
    staff.post(url_for("reflection_create", visit), {"observed": "Sang", "take_home": "Synge"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url_for("feedback_save", visit), {**FEEDBACK, "send": "1"})
    assert missing(cycle, Phase.OBSERVATION) == []
    host.post(url_for("feedback_acknowledge", visit), {"reply": "Takk"})
    hosted = host.get(reverse("host_visits", args=[world.sibling.pk]))
    past = section(text(hosted), "past-heading")
    assert url_for("visit_detail", visit) in past
    assert shown(hosted, "Feedback received and acknowledged") in past

    client.post(
        url_for("sharing_session_create", cycle),
        {"held_on": today().isoformat(), "attendees": [world.staff.pk]},
    )
    for point in cycle.learning_points.all():
        client.post(
            reverse("decision_save", args=[cycle.pk, point.pk]),
            {"decision": "adopt", "decision_reason": "Virker"},
        )
    assert missing(cycle, Phase.IMPLEMENTATION) == []
    phase_6 = client.get(reverse("phase_detail", args=[cycle.pk, 6]))
    assert world.sibling.name in section(text(phase_6), "since-heading")


# 8. Permission matrix -----------------------------------------------------------------

OK, DENIED, HIDDEN, LOGIN = "ok", 403, 404, "login"

# What each view checks: the cycle (contribute, manage), the visit (view, observe, request,
# host), or the host unit's page (host_page).
LEVELS = ["contribute", "manage", "view", "observe", "request", "host", "host_page"]

ROLE_TABLE = {
    #                    contribute manage  view    observe request host    host_page
    "leader":            (OK,       OK,     OK,     OK,     OK,     DENIED, HIDDEN),
    "enterprise_leader": (OK,       OK,     OK,     OK,     OK,     OK,     OK),
    "supporter":         (OK,       DENIED, OK,     OK,     OK,     DENIED, HIDDEN),
    "staff":             (DENIED,   DENIED, OK,     OK,     DENIED, DENIED, HIDDEN),
    "union_rep":         (DENIED,   DENIED, OK,     OK,     DENIED, DENIED, HIDDEN),
    "safety_rep":        (DENIED,   DENIED, OK,     OK,     DENIED, DENIED, HIDDEN),
    "hr":                (DENIED,   DENIED, OK,     DENIED, DENIED, DENIED, OK),
    "senior":            (DENIED,   DENIED, OK,     DENIED, DENIED, DENIED, OK),
    "sibling_leader":    (HIDDEN,   HIDDEN, OK,     DENIED, DENIED, OK,     OK),
    "outsider_leader":   (HIDDEN,   HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "outsider_hr":       (HIDDEN,   HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "no_role":           (HIDDEN,   HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "superuser":         (OK,       OK,     OK,     OK,     OK,     OK,     OK),
    "anonymous":         (LOGIN,    LOGIN,  LOGIN,  LOGIN,  LOGIN,  LOGIN,  LOGIN),
}  # fmt: skip


@dataclass
class Scene:
    """A cycle of world.unit hosted by world.sibling, with a visit in every state."""

    world: object
    cycle: Cycle
    point: LearningPoint
    source: CandidateSource
    requested: Visit
    proposed: Visit
    upcoming: Visit
    started: Visit
    sent: Visit  # held two days ago, feedback sent


@pytest.fixture
def scene(world, cycle) -> Scene:
    return Scene(
        world=world,
        cycle=cycle,
        point=cycle.learning_points.first(),
        source=CandidateSource.objects.create(cycle=cycle, kind="intranet", where="Intranett"),
        requested=make_visit(cycle, status=S.REQUESTED, observers=[world.staff]),
        proposed=make_visit(cycle, status=S.HOST_PROPOSED, observers=[world.staff]),
        upcoming=make_visit(cycle, observers=[world.staff]),
        started=held(cycle, observers=[world.staff]),
        sent=make_visit(cycle, starts=local_noon(-2), observers=[world.staff]),
    )


@dataclass(frozen=True)
class Endpoint:
    id: str
    method: str
    level: str
    ok_status: int  # what a person allowed to do it gets with the data below
    url: Callable[[Scene], str]
    data: Callable[[Scene], dict] | None = None


def _cycle(name: str, *extra) -> Callable[[Scene], str]:
    return lambda s: reverse(name, args=[s.cycle.pk, *extra])


def _visit(name: str, which: str) -> Callable[[Scene], str]:
    return lambda s: reverse(name, args=[getattr(s, which).pk])


def request_data(s: Scene) -> dict:
    return {
        "starts_at": "2031-05-06T10:00",
        "ends_at": "2031-05-06T12:00",
        "observers": [s.world.staff.pk],
        "purpose": "Se måltidet",
    }


ENDPOINTS = [
    # Phase pages
    *(
        Endpoint(f"phase_detail-{phase}", "GET", "contribute", 200, _cycle("phase_detail", phase))
        for phase in (4, 5, 6)
    ),
    # Phase 4
    Endpoint(
        "source_create",
        "POST",
        "contribute",
        302,
        _cycle("source_create"),
        lambda s: {"kind": "colleagues", "where": "Kollegaer på nabobasen"},
    ),
    Endpoint(
        "source_delete",
        "POST",
        "contribute",
        302,
        lambda s: reverse("source_delete", args=[s.cycle.pk, s.source.pk]),
    ),
    Endpoint(
        "host_choose",
        "POST",
        "manage",
        302,
        _cycle("host_choose"),
        lambda s: host_data(host_external="Nabokommunen"),
    ),
    # Phase 5, the observing side
    Endpoint("visit_request-get", "GET", "contribute", 200, _cycle("visit_request")),
    Endpoint(
        "visit_request-post", "POST", "contribute", 302, _cycle("visit_request"), request_data
    ),
    Endpoint("visit_accept_time", "POST", "request", 302, _visit("visit_accept_time", "proposed")),
    Endpoint("visit_cancel", "POST", "request", 302, _visit("visit_cancel", "upcoming")),
    Endpoint(
        "note_create",
        "POST",
        "observe",
        302,
        _visit("note_create", "started"),
        lambda s: {"learning_point": s.point.pk, "text": "Rolig start"},
    ),
    Endpoint(
        "reflection_create",
        "POST",
        "observe",
        302,
        _visit("reflection_create", "started"),
        lambda s: {"observed": "Ro", "take_home": "Mer ro"},
    ),
    Endpoint(
        "feedback_save",
        "POST",
        "request",
        302,
        _visit("feedback_save", "started"),
        lambda s: {**FEEDBACK, "save": ""},
    ),
    # Phase 5, the host side
    Endpoint(
        "visit_answer",
        "POST",
        "host",
        302,
        _visit("visit_answer", "requested"),
        lambda s: {"answer": "accept", "message": "Velkommen"},
    ),
    Endpoint(
        "feedback_acknowledge",
        "POST",
        "host",
        302,
        _visit("feedback_acknowledge", "sent"),
        lambda s: {"reply": "Takk"},
    ),
    Endpoint(
        "host_visits",
        "GET",
        "host_page",
        200,
        lambda s: reverse("host_visits", args=[s.world.sibling.pk]),
    ),
    # Phase 5, both sides
    Endpoint("visit_detail-started", "GET", "view", 200, _visit("visit_detail", "started")),
    Endpoint("visit_detail-requested", "GET", "view", 200, _visit("visit_detail", "requested")),
    Endpoint("visit_detail-sent", "GET", "view", 200, _visit("visit_detail", "sent")),
    Endpoint("visit_calendar", "GET", "view", 200, _visit("visit_calendar", "upcoming")),
    # Phase 6
    Endpoint(
        "sharing_session_create",
        "POST",
        "contribute",
        302,
        _cycle("sharing_session_create"),
        lambda s: {"held_on": today().isoformat(), "attendees": [s.world.staff.pk]},
    ),
    Endpoint(
        "conclusion_create",
        "POST",
        "contribute",
        302,
        _cycle("conclusion_create"),
        lambda s: {"learning_point": "", "text": "Vi tar med oss roen"},
    ),
    Endpoint(
        "practice_log_create",
        "POST",
        "contribute",
        302,
        _cycle("practice_log_create"),
        lambda s: {"practised_on": today().isoformat(), "what": "Rolig start", "who": "Alle"},
    ),
    Endpoint(
        "decision_save",
        "POST",
        "contribute",
        302,
        lambda s: reverse("decision_save", args=[s.cycle.pk, s.point.pk]),
        lambda s: {"decision": "adopt", "decision_reason": "Det virker"},
    ),
]

MATRIX = [
    pytest.param(endpoint, person, id=f"{endpoint.id}-{person}")
    for endpoint in ENDPOINTS
    for person in ROLE_TABLE
]

# URL names of phases 4–6: these words, or a route under visits/.
GUARDED_WORDS = ("visit", "source", "host", "sharing", "conclusion", "practice_log", "decision")


def guarded_url_names() -> set[str]:
    return {
        pattern.name
        for pattern in learning_urls.urlpatterns
        if any(word in (pattern.name or "") for word in GUARDED_WORDS)
        or str(pattern.pattern).startswith("visits/")
    }


def state(scene: Scene) -> tuple:
    """Everything a post could change, to show that a refused one changed nothing."""
    models = [
        Visit,
        ObservationNote,
        VisitReflection,
        VisitFeedback,
        CandidateSource,
        SharingSession,
        Conclusion,
        PracticeLogEntry,
        LearningPoint,
    ]
    return (
        Cycle.objects.filter(pk=scene.cycle.pk).values().get(),
        {model.__name__: model.objects.count() for model in models},
        list(Visit.objects.values_list("pk", "status", "starts_at", "sequence", "host_message")),
        list(VisitFeedback.objects.values_list("pk", "works", "sent_at", "acknowledged_at")),
        list(LearningPoint.objects.values_list("pk", "decision", "decision_reason")),
    )


def test_matrix_covers_every_person_and_every_visit_and_phase_url(world):
    people = set(world.__dataclass_fields__) - {"unit", "sibling", "other_unit"}
    assert set(ROLE_TABLE) == people | {"anonymous"}
    names = guarded_url_names()
    assert {"visit_request", "note_create", "feedback_save", "source_delete"} <= names
    covered = {endpoint.id.split("-")[0] for endpoint in ENDPOINTS} - {"phase_detail"}
    assert covered == names, f"rows missing for {names - covered}, stale rows {covered - names}"


@pytest.mark.parametrize(("endpoint", "person"), MATRIX)
def test_permission_matrix(
    client, world, scene, endpoint, person, django_capture_on_commit_callbacks
):
    user = None if person == "anonymous" else world.person(person)
    # The sent feedback is created here so the fixture stays cheap for the other rows.
    feedback_for(scene.sent, sent_at=timezone.now() - DAY)
    url = endpoint.url(scene)
    if user is not None:
        client.force_login(user)
    before = state(scene)
    with django_capture_on_commit_callbacks() as callbacks:
        if endpoint.method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, endpoint.data(scene) if endpoint.data else {})

    expected = ROLE_TABLE[person][LEVELS.index(endpoint.level)]
    if expected == OK:
        assert response.status_code == endpoint.ok_status, text(response)[:2000]
        if endpoint.method == "POST":
            assert state(scene) != before, "an allowed post changed nothing"
        return
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    else:
        assert response.status_code == expected
    assert state(scene) == before, "a refused request changed something"
    assert callbacks == [], "a refused request queued an email"


POST_ONLY = [e for e in ENDPOINTS if e.method == "POST" and not e.id.endswith("-post")]
GET_ONLY = [e for e in ENDPOINTS if e.method == "GET" and not e.id.endswith("-get")]


@pytest.mark.parametrize("endpoint", POST_ONLY, ids=[e.id for e in POST_ONLY])
def test_get_on_a_post_only_url_is_405(client, world, scene, endpoint):
    client.force_login(world.superuser)
    before = state(scene)
    assert client.get(endpoint.url(scene)).status_code == 405
    assert state(scene) == before


@pytest.mark.parametrize("endpoint", GET_ONLY, ids=[e.id for e in GET_ONLY])
def test_post_on_a_read_only_url_is_405(client, world, scene, endpoint):
    client.force_login(world.superuser)
    assert client.post(endpoint.url(scene)).status_code == 405


def test_a_visit_that_does_not_exist_is_404(client, world, scene):
    client.force_login(world.superuser)
    missing_pk = Visit.objects.order_by("-pk").first().pk + 100
    for name in ["visit_detail", "visit_calendar"]:
        assert client.get(reverse(name, args=[missing_pk])).status_code == 404
    for name in ["visit_answer", "visit_cancel", "note_create", "feedback_save"]:
        assert client.post(reverse(name, args=[missing_pk])).status_code == 404


# 9. Query counts ----------------------------------------------------------------------


def count_queries(client, url) -> int:
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def observers(world, count=2) -> list[User]:
    return [
        MembershipFactory(unit=world.unit, role=Membership.Role.STAFF).user for _ in range(count)
    ]


def host_visits_for(world, cycle, number: int, people: list[User], contact: User) -> None:
    """``number`` visits of each status, with observers, a contact person and feedback
    (acknowledged for every other past visit)."""
    for index in range(number):
        for status, starts in [
            (S.REQUESTED, local_noon(5 + index)),
            (S.HOST_PROPOSED, local_noon(6 + index)),
            (S.CONFIRMED, local_noon(7 + index)),
            (S.CONFIRMED, local_noon(-2 - index)),
            (S.DECLINED, local_noon(3 + index)),
            (S.CANCELLED, local_noon(-1 - index)),
        ]:
            visit = make_visit(
                cycle, status=status, starts=starts, observers=people, contact=contact
            )
            if status == S.CONFIRMED and starts < timezone.now():
                feedback = feedback_for(visit, sent_at=timezone.now())
                if index % 2 == 0:
                    VisitFeedback.objects.filter(pk=feedback.pk).update(
                        acknowledged_at=timezone.now(), acknowledged_by=world.sibling_leader
                    )


def test_host_visits_costs_the_same_for_1_and_10_visits_of_each_kind(
    client, world, cycle, record_property
):
    people, contact = observers(world), host_staff(world)
    url = reverse("host_visits", args=[world.sibling.pk])
    client.force_login(world.sibling_leader)
    host_visits_for(world, cycle, 1, people, contact)
    small = count_queries(client, url)
    host_visits_for(world, cycle, 9, people, contact)
    response = client.get(url)
    assert len(response.context["past"]) == 10
    assert len(response.context["requests"]) == 20
    large = count_queries(client, url)
    record_property("host_visits", (small, large))
    assert large == small, f"{small} queries for 1 visit of each kind, {large} for 10"


def notes_for(visit: Visit, number: int, author: User) -> None:
    points = list(visit.cycle.learning_points.all()) + [None]
    ObservationNote.objects.bulk_create(
        ObservationNote(visit=visit, author=author, learning_point=points[i % 3], text=f"Notat {i}")
        for i in range(number)
    )


def reflections_for(visit: Visit, number: int, author: User) -> None:
    for i in range(number):
        VisitReflection.objects.create(
            visit=visit, author=author, observed=f"Så {i}", take_home=f"Ta med {i}"
        )


def test_visit_detail_costs_the_same_for_1_and_10_notes(client, world, cycle, record_property):
    visit = held(cycle, observers=observers(world))
    feedback_for(visit)
    reflections_for(visit, 1, world.staff)
    authors = observers(world, 3)
    url = url_for("visit_detail", visit)
    client.force_login(world.leader)
    notes_for(visit, 1, authors[0])
    small = count_queries(client, url)
    for author in authors:
        notes_for(visit, 3, author)
    assert client.get(url).content.decode().count("Notat ") == 10
    large = count_queries(client, url)
    record_property("visit_detail_notes", (small, large))
    assert large == small, f"{small} queries for 1 note, {large} for 10"


def test_visit_detail_costs_the_same_for_1_and_10_reflections(
    client, world, cycle, record_property
):
    visit = held(cycle, observers=observers(world))
    notes_for(visit, 1, world.staff)
    url = url_for("visit_detail", visit)
    client.force_login(world.leader)
    reflections_for(visit, 1, world.staff)
    small = count_queries(client, url)
    reflections_for(visit, 9, world.supporter)
    assert client.get(url).content.decode().count("Ta med ") == 10
    large = count_queries(client, url)
    record_property("visit_detail_reflections", (small, large))
    assert large == small, f"{small} queries for 1 reflection, {large} for 10"


def test_the_hosts_visit_page_costs_the_same_for_1_and_10_observers(
    client, world, cycle, record_property
):
    visit = move(held(cycle), local_noon(-2))
    feedback_for(visit, sent_at=timezone.now())
    url = url_for("visit_detail", visit)
    client.force_login(world.sibling_leader)
    visit.observers.set(observers(world, 1))
    small = count_queries(client, url)
    visit.observers.set(observers(world, 10))
    large = count_queries(client, url)
    record_property("visit_detail_host", (small, large))
    assert large == small, f"{small} queries for 1 observer, {large} for 10"


def phase_5_visits(world, cycle, number: int) -> None:
    for index in range(number):
        make_visit(cycle, starts=local_noon(10 + index))  # upcoming
        make_visit(cycle, starts=local_noon(-30 - index), status=S.CANCELLED)
        make_visit(cycle, starts=local_noon(-10 - index))  # late, no feedback
        draft = make_visit(cycle, starts=local_noon(-20 - index))
        feedback_for(draft)  # late, a draft
        sent = make_visit(cycle, starts=local_noon(-3 - index))
        feedback = feedback_for(sent, sent_at=timezone.now())
        if index % 2 == 0:
            VisitFeedback.objects.filter(pk=feedback.pk).update(acknowledged_at=timezone.now())


def test_phase_5_costs_the_same_for_1_and_10_visits_of_each_kind(
    client, world, cycle, record_property
):
    url = reverse("phase_detail", args=[cycle.pk, Phase.OBSERVATION])
    client.force_login(world.leader)
    phase_5_visits(world, cycle, 1)
    small = count_queries(client, url)
    phase_5_visits(world, cycle, 9)
    response = client.get(url)
    assert len(response.context["visits"]) == 50
    assert text(response).count(shown(response, "Feedback is late")) == 20
    large = count_queries(client, url)
    record_property("phase_5", (small, large))
    assert large == small, f"{small} queries for 1 visit of each kind, {large} for 10"


def phase_6_records(world, cycle, number: int, people: list[User]) -> None:
    for index in range(number):
        make_visit(cycle, starts=local_noon(-10 - index))
        session = SharingSession.objects.create(cycle=cycle, held_on=today() - index * DAY)
        session.attendees.set(people)
        point = add_learning_point(cycle, f"Punkt {index}")
        LearningPoint.objects.filter(pk=point.pk).update(decision="adopt", decision_reason="Ja")
        Conclusion.objects.create(cycle=cycle, learning_point=point, text=f"Konklusjon {index}")
        PracticeLogEntry.objects.create(
            cycle=cycle, practised_on=today(), what=f"Øving {index}", who="Alle"
        )


def test_phase_6_costs_the_same_for_1_and_10_sessions(client, world, cycle, record_property):
    people = observers(world, 3)
    url = reverse("phase_detail", args=[cycle.pk, Phase.IMPLEMENTATION])
    client.force_login(world.leader)
    phase_6_records(world, cycle, 1, people)
    small = count_queries(client, url)
    phase_6_records(world, cycle, 9, people)
    response = client.get(url)
    assert len(response.context["sessions"]) == 10
    assert len(response.context["decision_points"]) == 12
    large = count_queries(client, url)
    record_property("phase_6", (small, large))
    assert large == small, f"{small} queries for 1 session, {large} for 10"


def test_phase_4_costs_the_same_for_1_and_10_sources_and_practices(
    client, world, cycle, record_property
):
    url = reverse("phase_detail", args=[cycle.pk, Phase.BEST_PRACTICE])
    client.force_login(world.leader)

    def grow(number):
        for index in range(number):
            CandidateSource.objects.create(cycle=cycle, kind="network", where=f"Nettverk {index}")
            Practice.objects.create(
                unit=world.sibling, title=f"Måltid {index}", description="Rolig måltid"
            )

    grow(1)
    small = count_queries(client, url)
    grow(9)
    assert text(client.get(url)).count("Nettverk ") >= 10
    large = count_queries(client, url)
    record_property("phase_4", (small, large))
    assert large == small, f"{small} queries for 1 source, {large} for 10"
