"""The reminder machinery end to end: a real Celery worker, the real Redis, PostgreSQL.

Two sweeps run at the same time in the worker; each finds the same due reminders and
wakes the sender. Every reminder must be emailed exactly once, in its recipient's language.
"""

from __future__ import annotations

import datetime
import re
import time
from collections import Counter

import pytest
from celery.contrib.testing import tasks as _testing_tasks  # noqa: F401  (registers celery.ping)
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from config.celery import app
from learning.models import Membership, PhasePlan, Task
from learning.phases import start_cycle
from programmes.models import Delivery, Kind, Notification, NotificationPreference
from programmes.reminders import RULES
from programmes.tasks import sweep_reminders
from tests.factories import MembershipFactory, MunicipalityFactory, UnitFactory

pytestmark = pytest.mark.integration

LANGUAGES = ["nb", "nn", "en"]


@pytest.fixture
def broker(redis_url, settings):
    """The app on the test Redis, with emails kept in memory."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sweeps need PostgreSQL (set DATABASE_URL)")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    previous = app.conf.broker_url
    app.conf.broker_url = redis_url
    assert app.conf.task_always_eager is False
    yield redis_url
    app.conf.broker_url = previous


def leaders_with_due_work(count: int):
    """Units whose leaders (one per language) have phase 1 and its tasks due in three days."""
    municipality = MunicipalityFactory(name="Elvedal kommune")
    due = timezone.localdate() + datetime.timedelta(days=3)
    people = []
    for number in range(count):
        unit = UnitFactory(municipality=municipality, name=f"Avdeling {number}")
        leader = MembershipFactory(
            unit=unit,
            role=Membership.Role.LEADER,
            user__language=LANGUAGES[number % len(LANGUAGES)],
            user__municipality=municipality,
        ).user
        cycle = start_cycle(
            unit=unit,
            owner=leader,
            title=f"Ernæring {number}",
            start_date=due - datetime.timedelta(days=30),
            actor=leader,
        )
        PhasePlan.objects.filter(cycle=cycle, phase=1).update(due_date=due)
        Task.objects.filter(cycle=cycle, phase=1).update(due_date=due)
        NotificationPreference.objects.bulk_create(
            NotificationPreference(user=leader, kind=kind, delivery=Delivery.IMMEDIATELY)
            for kind in (Kind.PHASE_DUE, Kind.TASK_DUE)
        )
        people.append(leader)
    return people


def wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.25)


def test_two_concurrent_sweeps_email_each_reminder_once_in_the_recipients_language(
    broker, transactional_db
):
    people = leaders_with_due_work(6)
    tasks_per_person = Task.objects.filter(cycle__owner=people[0], phase=1).count()
    expected = len(people) * (1 + tasks_per_person)  # the phase, and each of its tasks
    mail.outbox = []

    with start_worker(
        app, pool="threads", concurrency=4, perform_ping_check=False, shutdown_timeout=30
    ):
        first, second = sweep_reminders.delay(), sweep_reminders.delay()
        assert first.id != second.id

        def all_sent():
            return Notification.objects.filter(status=Notification.Status.SENT).count() == expected

        wait_until(all_sent)
        time.sleep(2)  # room for a duplicate to show up, if the claims let one through

    rows = list(Notification.objects.select_related("recipient"))
    assert len(rows) == expected
    assert {row.status for row in rows} == {Notification.Status.SENT}
    assert len(mail.outbox) == expected

    # Exactly once: one email per row, and no (person, line) twice.
    sent = Counter((message.to[0], message.subject) for message in mail.outbox)
    assert max(sent.values()) == 1
    for row in rows:
        with translation.override(row.recipient.preferred_language):
            line = RULES[row.kind].text(row.params)
        assert sent[(row.recipient.email, line)] == 1

    # In the recipient's language: the HTML part says which, and the three languages
    # give three different lines for the same reminder.
    by_language = {}
    for row in rows:
        language = row.recipient.preferred_language
        with translation.override(language):
            line = RULES[row.kind].text(row.params)
        message = next(m for m in mail.outbox if m.subject == line)
        assert f'lang="{language}"' in message.alternatives[0][0]
        if row.kind == Kind.PHASE_DUE:
            by_language.setdefault(language, re.sub(r"\d+", "", line))
    assert set(by_language) == set(LANGUAGES)
    assert len(set(by_language.values())) == len(LANGUAGES), by_language
