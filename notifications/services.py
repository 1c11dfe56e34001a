"""
Queueing and sending emails from the outbox. Two ways in: `notification_enqueue` renders
the email when it is queued (a link asked for, an invitation), and
`notification_intents_enqueue` writes only what the email is about (its kind, the booking,
its parameters), all of one event in one INSERT; the worker that first claims such a row
renders it (text, HTML, calendar file, its own secret links) and keeps the result, so
every later attempt sends the same email under the same Message-ID.
"""

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q

from common.queue import enqueue_after_commit
from notifications.delivery import delivery_record, email_failed_for_good, pointers_send
from notifications.kinds import kind_pointer, kind_renderer
from notifications.message_ids import message_id
from notifications.models import Notification, Owner
from offices.models import Office

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# The owner kind of a booking's messages and channels (`Owner`).
BOOKING_OWNER = "booking"


@dataclass(frozen=True)
class Attachment:
    name: str
    content: str
    mimetype: str


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)


def notification_enqueue(
    *, dedupe_key: str, kind: str, recipient: str, language: str,
    render: Callable[[], Message | None], office_id: int | None = None,
    booking_id: int | None = None, owner: Owner | None = None,
) -> Notification | None:  # fmt: skip
    """
    The one way an email is sent. In the caller's transaction: the dedupe key is checked
    first (an event already queued is neither rendered nor written again), then the email
    is rendered (`render()`; None sends nothing) and written to the outbox, and its sending
    is handed to a worker after commit (a broker that is down leaves it queued for the
    periodic task). `owner`: whose channels beside email its pointer goes to (a booking's
    by default when `booking_id` is given). Returns the new row, or None when nothing new
    was queued.
    """
    if owner is None and booking_id is not None:
        owner = Owner(BOOKING_OWNER, booking_id)
    if Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    message = render()
    if message is None:
        return None
    attachment = message.attachments[0] if message.attachments else None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                dedupe_key=dedupe_key,
                kind=kind,
                office_id=office_id,
                booking_id=booking_id,
                owner_kind=owner.kind if owner else "",
                owner_id=owner.id if owner else None,
                recipient=recipient,
                language=language,
                subject=message.subject[:300],
                body_text=message.text,
                body_html=message.html,
                attachment_name=attachment.name if attachment else "",
                attachment_content=attachment.content if attachment else "",
                attachment_mimetype=attachment.mimetype if attachment else "",
            )
    except IntegrityError:  # a concurrent transaction queued the same event first
        return None
    enqueue_after_commit(
        "notifications.tasks.send_notification", notification.pk,
        what=f"email id={notification.pk}",
    )  # fmt: skip
    return notification


@dataclass(frozen=True)
class Intent:
    """One email to write as intent: rendered by the worker that sends it."""

    dedupe_key: str
    kind: str
    recipient: str
    language: str
    booking_id: int
    params: dict
    office_id: int | None = None


def notification_intents_enqueue(intents: list[Intent]) -> None:
    """
    Writes the emails of one event to the outbox in the caller's transaction, in one
    INSERT; a dedupe key already in the outbox is skipped by the database (ON CONFLICT DO
    NOTHING), so a repeated event writes nothing twice. After commit, one task sends them.
    """
    if not intents:
        return
    Notification.objects.bulk_create(
        [
            Notification(
                dedupe_key=intent.dedupe_key, kind=intent.kind, office_id=intent.office_id,
                recipient=intent.recipient, language=intent.language,
                booking_id=intent.booking_id, params=intent.params,
                owner_kind=BOOKING_OWNER, owner_id=intent.booking_id,
            )
            for intent in intents
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    keys = [intent.dedupe_key for intent in intents]
    enqueue_after_commit(
        "notifications.tasks.send_notifications_keyed", keys, what=f"{len(keys)} email(s)"
    )


def notification_waiting(*, booking_id: int, kind: str) -> bool:
    """Whether an email of this kind about the booking is still in the outbox, unsent: it is
    rendered when it goes, so it will say where the booking stands then."""
    return Notification.objects.filter(
        booking_id=booking_id, kind=kind, status=Notification.Status.QUEUED
    ).exists()


def notification_ids_keyed(keys: list[str]) -> list[int]:
    """The queued emails of these dedupe keys (one event's, for the task after commit)."""
    return list(
        Notification.objects.filter(dedupe_key__in=keys, status=Notification.Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _render(notification: Notification) -> None:
    """Renders an email written as intent into its row (inside the claim's transaction):
    its kind's renderer issues the email's links now, and they are kept with it."""
    render = kind_renderer(notification.kind)
    if render is None:
        raise LookupError(f"no renderer for {notification.kind}")
    message = render(notification)
    if message is None:
        raise LookupError(f"nothing to send for {notification.kind}")
    attachment = message.attachments[0] if message.attachments else None
    notification.subject = message.subject[:300]
    notification.body_text = message.text
    notification.body_html = message.html
    notification.attachment_name = attachment.name if attachment else ""
    notification.attachment_content = attachment.content if attachment else ""
    notification.attachment_mimetype = attachment.mimetype if attachment else ""


_RENDERED = ["subject", "body_text", "body_html", "attachment_name", "attachment_content",
             "attachment_mimetype"]  # fmt: skip


def sender(notification: Notification) -> str:
    """
    From: the office's name (in the email's language) with the site's address, e.g.
    「ハローワーク川越 <noreply@…>」, so the person sees who writes; Django encodes the name
    (RFC 2047). An email of no office (a staff notice) is the site's address alone.
    """

    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    office = (
        Office.objects.filter(pk=notification.office_id).only("name", "name_en").first()
        if notification.office_id is not None
        else None
    )
    if office is not None:
        name = office.name_en if notification.language == "en" and office.name_en else office.name
    return formataddr((name, address)) if name else address


def notification_send(*, notification_id: int, now: datetime) -> bool:
    """
    Sends one queued email, with no network call inside a transaction: a short
    transaction claims it (queued -> sending, the attempt counted), the mail server is
    spoken to outside any transaction, and a second short transaction records the result.
    Two workers never both send it (only one can claim it); a claim older than
    `EMAIL_CLAIM_SECONDS` was lost with its worker and is sent again (with the same
    Message-ID). Returns True when this call sent it.
    """
    try:
        notification = _claim(notification_id, now)
    except Exception as error:  # rendering failed: counted as an attempt, as a send would
        _failed(notification_id, error, claimed=False, now=now)
        return False
    if notification is None:
        return False
    if not notification.recipient:  # a person reached only by LINE or SMS
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.SENT, sent_at=now, claimed_at=None
        )
        pointers_send(notification_id=notification.pk, now=now)
        return False
    email = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=sender(notification),
        to=[notification.recipient],
        headers={"Message-ID": message_id(notification)},
    )
    if notification.body_html:
        email.attach_alternative(notification.body_html, "text/html")
    if notification.attachment_name:
        email.attach(
            notification.attachment_name,
            notification.attachment_content,
            notification.attachment_mimetype,
        )
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [answer[0] for answer in error.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):  # refused for good
            _refused(notification, f"SMTP {codes[0]}: recipient refused", now)
            return False
        _failed(notification.pk, error, claimed=True, now=now)
        return False
    except Exception as error:  # any transport failure: keep it queued and say why
        _failed(notification.pk, error, claimed=True, now=now)
        return False
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT, sent_at=now, last_error="", claimed_at=None
    )
    logger.info("email id=%s kind=%s sent", notification.pk, notification.kind)
    delivery_record(notification_id=notification.pk, channel="email", status="sent", now=now)
    if kind_pointer(notification.kind) is not None:
        pointers_send(notification_id=notification.pk, now=now)
    return True


def _refused(notification: Notification, reason: str, now: datetime) -> None:
    """The mail server refused the recipient (a 5xx answer): no later attempt can succeed."""
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.FAILED, last_error=reason[:300], claimed_at=None
    )
    logger.warning("email id=%s kind=%s refused: %s", notification.pk, notification.kind, reason)
    email_failed_for_good(notification_id=notification.pk, reason=reason, now=now)


def _claim(notification_id: int, now: datetime) -> Notification | None:
    """The short transaction that claims an email (rendering one written as intent)."""
    lease = timedelta(seconds=settings.EMAIL_CLAIM_SECONDS)
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(no_key=True).filter(pk=notification_id).first()
        )
        if notification is None:
            return None
        lost = (
            notification.status == Notification.Status.SENDING
            and notification.claimed_at is not None
            and notification.claimed_at < now - lease
        )
        if notification.status != Notification.Status.QUEUED and not lost:
            return None
        render_now = notification.needs_rendering
        if render_now:
            _render(notification)
        notification.status = Notification.Status.SENDING
        notification.attempts += 1
        notification.claimed_at = now
        notification.save(
            update_fields=["status", "attempts", "claimed_at", *(_RENDERED if render_now else [])]
        )
    return notification


def _failed(notification_id: int, error: Exception, *, claimed: bool, now: datetime) -> None:
    """An attempt that failed: queued again, or failed for good after MAX_ATTEMPTS. The
    error's class only: SMTP messages can echo the recipient's address."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return
    attempts = notification.attempts + (0 if claimed else 1)
    failed = attempts >= MAX_ATTEMPTS
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.FAILED if failed else Notification.Status.QUEUED,
        attempts=attempts,
        last_error=type(error).__name__,
        claimed_at=None,
    )
    logger.warning(
        "email id=%s kind=%s not sent (attempt %s): %s",
        notification_id, notification.kind, attempts, type(error).__name__,
    )  # fmt: skip
    if failed:
        email_failed_for_good(notification_id=notification_id, reason=type(error).__name__, now=now)


def notification_ids_due(*, now: datetime) -> list[int]:
    """Queued emails, and those whose sending worker was lost (its claim lapsed)."""
    lost = Q(
        status=Notification.Status.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.EMAIL_CLAIM_SECONDS),
    )
    return list(
        Notification.objects.filter(Q(status=Notification.Status.QUEUED) | lost)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
