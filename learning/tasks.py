from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from learning.models import User

logger = logging.getLogger(__name__)


RETRY = {
    "autoretry_for": (smtplib.SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": 60,
    "retry_backoff_max": 60 * 30,
    "max_retries": 8,
}


def _render_and_send(user_id: int, subject_template: str, body_template: str, context: dict):
    user = User.objects.select_related("municipality").filter(pk=user_id, is_active=True).first()
    if user is None:
        logger.info("Email to person %s skipped: no active person with that id", user_id)
        return
    context = {**context, "user": user, "site_url": settings.SITE_URL}
    with translation.override(user.preferred_language):
        subject = "".join(render_to_string(subject_template, context).splitlines())
        body = render_to_string(body_template, context)
    send_mail(subject, body, None, [user.email])


@shared_task(**RETRY)
def send_templated_email(user_id: int, subject_template: str, body_template: str, context: dict):
    """Render an email in the recipient's language and send it.

    Temporary mail-server errors are retried with backoff; a person who has
    been removed or switched off meanwhile gets nothing.
    """
    _render_and_send(user_id, subject_template, body_template, context)


@shared_task
def delete_expired_private_reflections() -> int:
    """Daily (Celery beat): delete private reflections kept past the retention period.

    Safe to run twice: a second run finds nothing left to delete.
    """
    from learning.privacy import delete_expired_private_reflections as delete_expired

    deleted = delete_expired()
    logger.info("Deleted %s private reflections past the retention period", deleted)
    return deleted
