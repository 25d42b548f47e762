from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from learning.models import User
from learning.tasks import RETRY
from programmes import services
from programmes.models import Gathering

logger = logging.getLogger(__name__)


@shared_task(**RETRY)
def send_gathering_invitation(user_id: int, gathering_id: int):
    """An invitation to a gathering with its calendar file, in the recipient's language."""
    user = User.objects.select_related("municipality").filter(pk=user_id, is_active=True).first()
    gathering = (
        Gathering.objects.select_related("programme", "network").filter(pk=gathering_id).first()
    )
    if user is None or gathering is None:
        logger.info("Invitation skipped: person %s or gathering %s is gone", user_id, gathering_id)
        return
    context = {"user": user, "gathering": gathering, "site_url": settings.SITE_URL}
    with translation.override(user.preferred_language):
        subject = "".join(
            render_to_string("programmes/email/invitation_subject.txt", context).splitlines()
        )
        body = render_to_string("programmes/email/invitation.txt", context)
        ics = services.calendar([gathering], name=gathering.programme.title)
    message = EmailMessage(subject, body, None, [user.email])
    message.attach("invitation.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH")
    message.send()


@shared_task
def sweep_reminders():
    """Celery beat runs this every few minutes: write what is due to the outbox, then send."""
    from programmes import outbox, reminders

    if reminders.sweep():
        outbox.wake_sender()


@shared_task
def send_notifications():
    """Send what is waiting in the outbox. Runs on a schedule and whenever something is written."""
    from programmes import outbox

    outbox.send_due()
