"""A real Celery worker takes an email task from the real Redis broker and sends it."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing import tasks as _testing_tasks  # noqa: F401  (registers celery.ping)
from celery.contrib.testing.worker import start_worker
from django.core import mail

from config.celery import app
from learning.tasks import send_templated_email
from tests.factories import UserFactory

pytestmark = pytest.mark.integration

CONTEXT = {"domain": "x", "site_name": "x", "uid": "MQ", "token": "t", "protocol": "https"}


@pytest.fixture
def broker(redis_url):
    """Point the app at the test Redis for the duration of the test."""
    previous = app.conf.broker_url
    if app.conf.broker_url != redis_url:
        app.conf.broker_url = redis_url
    assert app.conf.broker_url == redis_url
    assert app.conf.task_always_eager is False
    yield redis_url
    app.conf.broker_url = previous


def wait_for_mail(count: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.2)


def test_worker_sends_email_in_recipients_language(broker, transactional_db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    user = UserFactory(
        email="worker.test@elvedal.kommune.no", full_name="Wenche Worker", language="en"
    )

    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        result = send_templated_email.delay(
            user.pk,
            "registration/password_reset_subject.txt",
            "registration/password_reset_email.txt",
            CONTEXT,
        )
        assert result.id
        wait_for_mail(1)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["worker.test@elvedal.kommune.no"]
    assert message.subject == "Set a new password for Kollegalæring"
    assert "Hello Wenche," in message.body
    assert "https://x/password/reset/MQ/t/" in message.body
