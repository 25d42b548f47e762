"""The outbox: writing notifications, and sending them exactly once.

The ``Notification`` table is the truth. Rows are written in the same transaction
as whatever caused them (a visit request, a phase moving on) or by the reminder
sweep, so nothing depends on Redis being up: a worker started later, or the
``send_reminders`` command, sends what is waiting.

Sending claims rows with a conditional UPDATE that stamps a fresh token, so two
workers never take the same row. A claim lasts ``CLAIM_MINUTES``; if the worker
dies, the row becomes claimable again and another worker sends it. Immediate
rows go one per email; daily and weekly rows wait for the digest hour and go to
each person together, as one email. Non-urgent rows wait out a municipality's
quiet periods. Just before sending, a reminder whose matter has been dealt with
(the task done, the visit answered) is withdrawn instead.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import uuid
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from learning.models import User
from programmes.models import Delivery, Kind, Notification, NotificationPreference, QuietPeriod
from programmes.reminders import EVENT, RULES

logger = logging.getLogger(__name__)

S = Notification.Status
CLAIM_MINUTES = 10
MAX_ATTEMPTS = 8
BATCH = 200
DIGESTS = (Delivery.DAILY, Delivery.WEEKLY)


# Writing ------------------------------------------------------------------------------


def delivery_for(user_ids, kind: str) -> dict[int, str]:
    """How each person wants this kind delivered: their choice, or the rule's default."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    default = RULES[kind].default_delivery
    return {user_id: chosen.get(user_id, default) for user_id in user_ids}


def send_after(delivery: str, now: datetime.datetime, *, reminder: bool = False):
    """When a row with this delivery may go: now, or at the next digest hour.

    Daily digests go every morning at ``REMINDER_HOUR``; weekly ones on Monday morning.
    A reminder the night's sweep finds waits for the morning even when wanted at once;
    news (a visit answered) goes straight away.
    """
    local = timezone.localtime(now)
    at = local.replace(hour=settings.REMINDER_HOUR, minute=0, second=0, microsecond=0)
    if delivery == Delivery.IMMEDIATELY:
        return max(now, at) if reminder else now
    if at <= local:
        at += datetime.timedelta(days=1)
    if delivery == Delivery.WEEKLY:
        at += datetime.timedelta(days=(7 - at.weekday()) % 7)
    return at


def write(kind: str, found, now: datetime.datetime | None = None) -> int:
    """Write (Due, occasion) pairs for one kind to the outbox, skipping those written before.

    People who switched the kind off get nothing; inactive people get nothing.
    Returns the number of rows that were new when looked for (a sweep running at the
    same moment may count the same rows; the unique key stores them once).
    """
    now = now or timezone.now()
    found = list(found)
    if not found:
        return 0
    active = set(
        User.objects.filter(
            pk__in={due.recipient_id for due, _key in found}, is_active=True
        ).values_list("pk", flat=True)
    )
    deliveries = delivery_for(active, kind)
    reminder = RULES[kind].timing != EVENT
    rows = {}
    for due, key in found:
        delivery = deliveries.get(due.recipient_id, Delivery.OFF)
        if delivery == Delivery.OFF:
            continue
        rows[(due.recipient_id, due.object_id, key)] = Notification(
            recipient_id=due.recipient_id,
            kind=kind,
            object_id=due.object_id,
            occasion=key,
            params=due.params,
            url=due.url,
            delivery=delivery,
            send_after=send_after(delivery, now, reminder=reminder),
            created_at=now,
        )
    written = set(
        Notification.objects.filter(
            kind=kind,
            recipient_id__in={key[0] for key in rows},
            object_id__in={key[1] for key in rows},
        ).values_list("recipient_id", "object_id", "occasion")
    )
    new = [row for key, row in rows.items() if key not in written]
    # A sweep running at the same time may write the same rows: the unique key keeps one.
    Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(new)


def notify(people, kind: str, *, object_id: int, occasion: str, params: dict, url: str) -> None:
    """Write an event notification (a visit answered, a phase started) and wake the sender.

    Call inside the transaction that made the change: the row commits with it, and
    the sender is woken only after the commit.
    """
    from programmes.reminders import Due

    found = [
        (Due(person.pk, object_id, timezone.localdate(), params, url), occasion)
        for person in people
        if person
    ]
    if write(kind, found):
        transaction.on_commit(wake_sender)


def wake_sender() -> None:
    """Ask a worker to send now. If the broker is down, the rows wait for the next run."""
    from programmes.tasks import send_notifications

    try:
        send_notifications.apply_async(retry=False)
    except Exception:  # the broker is unreachable: beat or send_reminders picks the rows up
        logger.warning("Could not reach the task broker; notifications wait in the outbox")


# Sending ------------------------------------------------------------------------------


def claimable(now: datetime.datetime) -> Q:
    return Q(status=S.PENDING, send_after__lte=now) | Q(status=S.SENDING, claimed_until__lt=now)


def quiet_municipalities(today: datetime.date) -> list[int]:
    return list(
        QuietPeriod.objects.filter(starts_on__lte=today, ends_on__gte=today).values_list(
            "municipality_id", flat=True
        )
    )


def due_rows(now: datetime.datetime):
    """Rows that may be sent now: non-urgent kinds wait while the person's municipality is quiet."""
    rows = Notification.objects.filter(claimable(now))
    quiet = quiet_municipalities(timezone.localdate(now))
    if quiet:
        urgent = [kind for kind, rule in RULES.items() if rule.urgent]
        rows = rows.filter(Q(kind__in=urgent) | ~Q(recipient__municipality_id__in=quiet))
    return rows


def claim(rows, now: datetime.datetime) -> list[Notification]:
    """Take the given rows for this worker. Rows another worker took first are left out."""
    token = uuid.uuid4()
    rows.filter(claimable(now)).update(
        status=S.SENDING,
        claim_token=token,
        claimed_until=now + datetime.timedelta(minutes=CLAIM_MINUTES),
        attempts=F("attempts") + 1,
    )
    return list(
        Notification.objects.filter(claim_token=token).select_related("recipient__municipality")
    )


def send_due(now: datetime.datetime | None = None, limit: int = 2000) -> int:
    """Send what is due: each immediate row on its own, each person's digest rows together.

    Returns the number of emails sent. Safe to run in several workers at once.
    """
    now = now or timezone.now()
    sent = 0
    immediate = due_rows(now).exclude(delivery__in=DIGESTS)
    while sent < limit:
        ids = list(immediate.order_by("send_after", "pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        claimed = claim(Notification.objects.filter(pk__in=ids), now)
        for row in claimed:
            sent += deliver([row], now)
        if not claimed:
            break
    digests = due_rows(now).filter(delivery__in=DIGESTS)  # the quiet periods, looked up once
    people = digests.order_by().values_list("recipient_id", flat=True).distinct()
    for person in list(people[: max(limit - sent, 0)]):
        claimed = claim(digests.filter(recipient_id=person), now)
        if claimed:
            sent += deliver(claimed, now)
    return sent


def still_open(rows: list[Notification], now: datetime.datetime) -> list[Notification]:
    """The rows whose matter has not been dealt with meanwhile; the others are withdrawn."""
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row.kind].append(row)
    keep, withdrawn = [], []
    for kind, kind_rows in by_kind.items():
        rule = RULES[kind]
        if rule.model is None:
            keep += kind_rows
            continue
        open_ids = set(
            rule.model.objects.filter(
                rule.open_condition(now), pk__in=[r.object_id for r in kind_rows]
            ).values_list("pk", flat=True)
        )
        for row in kind_rows:
            (keep if row.object_id in open_ids else withdrawn).append(row)
    if withdrawn:
        Notification.objects.filter(pk__in=[r.pk for r in withdrawn]).update(
            status=S.WITHDRAWN, claim_token=None, claimed_until=None
        )
    return keep


def deliver(rows: list[Notification], now: datetime.datetime) -> int:
    """Send claimed rows to their one recipient as one email. Returns 1 if an email went."""
    rows = still_open(rows, now)
    if not rows:
        return 0
    recipient = rows[0].recipient
    done = Notification.objects.filter(pk__in=[r.pk for r in rows], claim_token=rows[0].claim_token)
    if not recipient.is_active or not recipient.email:
        done.update(status=S.WITHDRAWN, last_error="No active person with an email address.")
        return 0
    try:
        message = render_email(recipient, rows)
        message.send()
    except Exception as error:  # one bad row must never stop the others
        retry = is_temporary(error) and rows[0].attempts < MAX_ATTEMPTS
        if retry:
            delay = datetime.timedelta(minutes=2 ** rows[0].attempts)
            done.update(status=S.PENDING, send_after=now + delay, last_error=str(error)[:2000])
            logger.warning("Notification to %s will be retried: %s", recipient.pk, error)
        else:
            done.update(status=S.FAILED, last_error=describe(error))
            logger.exception("Notification to %s could not be delivered", recipient.pk)
        return 0
    done.update(status=S.SENT, sent_at=timezone.now(), claim_token=None, claimed_until=None)
    return 1


def is_temporary(error: Exception) -> bool:
    """Connection trouble and 4xx answers pass; 5xx answers and our own errors do not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code < 500
    return isinstance(error, (smtplib.SMTPException, ConnectionError, TimeoutError, OSError))


def describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {message.decode(errors='replace')}"
            for address, (code, message) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        if isinstance(text, bytes):
            text = text.decode(errors="replace")
        return f"{error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}"[:2000]


# Rendering ----------------------------------------------------------------------------


def item(row: Notification) -> dict:
    return {"text": RULES[row.kind].text(row.params), "url": settings.SITE_URL + row.url}


def render_email(recipient: User, rows: list[Notification]) -> EmailMultiAlternatives:
    """The email for one person's rows, in that person's language, as plain text and HTML."""
    with translation.override(recipient.preferred_language):
        items = [item(row) for row in rows]
        if len(rows) == 1:
            subject = items[0]["text"]
        else:
            subject = ngettext(
                "%(count)s reminder from Kollegalæring",
                "%(count)s reminders from Kollegalæring",
                len(rows),
            ) % {"count": len(rows)}
        context = {
            "user": recipient,
            "items": items,
            "detail": visit_detail(rows),
            "settings_url": settings.SITE_URL + reverse("notification_settings"),
            "list_url": settings.SITE_URL + reverse("notification_list"),
        }
        text = render_to_string("programmes/email/notification.txt", context)
        html = render_to_string("programmes/email/notification.html", context)
    message = EmailMultiAlternatives(subject[:200], text, None, [recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def visit_detail(rows: list[Notification]) -> str:
    """For a single visit event: the full text the visit's own email template gives."""
    if len(rows) != 1 or rows[0].kind != Kind.VISIT_UPDATE:
        return ""
    from learning.models import Visit

    visit = (
        Visit.objects.select_related("cycle__unit", "host_unit", "feedback")
        .filter(pk=rows[0].object_id)
        .first()
    )
    if visit is None:
        return ""
    context = {"visit": visit, "user": rows[0].recipient, "site_url": settings.SITE_URL}
    return render_to_string(f"learning/email/{rows[0].params['event']}.txt", context)


# Preferences --------------------------------------------------------------------------


@transaction.atomic
def set_preference(user: User, kind: str, delivery: str) -> None:
    """Save one choice and apply it to what is still waiting to be sent."""
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"delivery": delivery}
    )
    waiting = Notification.objects.filter(recipient=user, kind=kind, status=S.PENDING)
    if delivery == Delivery.OFF:
        waiting.update(status=S.WITHDRAWN, last_error="")
    else:
        waiting.exclude(delivery=delivery).update(
            delivery=delivery,
            send_after=send_after(delivery, timezone.now(), reminder=RULES[kind].timing != EVENT),
        )


def retry(notification: Notification) -> None:
    """Queue a failed notification again (after the address has been corrected)."""
    Notification.objects.filter(pk=notification.pk, status=S.FAILED).update(
        status=S.PENDING, send_after=timezone.now(), attempts=0, last_error=""
    )
    transaction.on_commit(wake_sender)
