"""Operations that views, tasks and commands share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from learning.models import User


def send_email_to_user(
    user: User, *, subject_template: str, body_template: str, context: dict
) -> None:
    """Queue an email to one person once the current transaction commits.

    The task renders the templates in the recipient's language, so the email
    reads right whoever triggered it. ``context`` must be JSON-serialisable.
    """
    from learning.tasks import send_templated_email

    transaction.on_commit(
        lambda: send_templated_email.delay(user.pk, subject_template, body_template, context)
    )
