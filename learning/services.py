"""Operations that views, tasks and commands share."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from celery import Task

    from learning.models import User

logger = logging.getLogger(__name__)


def queue_after_commit(task: Task, *args) -> None:
    """Queue a task once the transaction commits; if the broker is down, run it here instead.

    The change the person made is already saved, so a Redis outage must not turn it into an
    error page, nor lose the email: it is sent from this process, a little slower.
    """

    def queue():
        try:
            task.apply_async(args, retry=False)
        except Exception:
            logger.warning("Task broker unreachable; running %s in the web process", task.name)
            task.apply(args, throw=False)

    transaction.on_commit(queue)


def send_email_to_user(
    user: User, *, subject_template: str, body_template: str, context: dict
) -> None:
    """Queue an email to one person once the current transaction commits.

    The task renders the templates in the recipient's language, so the email
    reads right whoever triggered it. ``context`` must be JSON-serialisable.
    """
    from learning.tasks import send_templated_email

    queue_after_commit(send_templated_email, user.pk, subject_template, body_template, context)
