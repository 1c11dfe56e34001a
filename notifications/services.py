"""Queueing and sending emails from the outbox."""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q

from common.queue import enqueue_after_commit
from notifications.models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


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
) -> Notification | None:  # fmt: skip
    """
    The one way an email is sent. In the caller's transaction: the dedupe key is checked
    first (an event already queued is neither rendered nor written again), then the email
    is rendered (`render()`; None sends nothing) and written to the outbox, and its sending
    is handed to a worker after commit (a broker that is down leaves it queued for the
    periodic task). Returns the new row, or None when nothing new was queued.
    """
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


def message_id(notification: Notification) -> str:
    """
    The same Message-ID for every attempt of one email: should a worker die between the
    mail server accepting it and the outbox recording that, the second copy carries the
    same ID, which mail clients use to collapse duplicates.
    """
    digest = hashlib.sha256(notification.dedupe_key.encode()).hexdigest()[:24]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<{notification.pk}.{digest}@{domain}>"


def notification_send(*, notification_id: int, now: datetime) -> bool:
    """
    Sends one queued email, with no network call inside a transaction: a short
    transaction claims it (queued -> sending, the attempt counted), the mail server is
    spoken to outside any transaction, and a second short transaction records the result.
    Two workers never both send it (only one can claim it); a claim older than
    `EMAIL_CLAIM_SECONDS` was lost with its worker and is sent again (with the same
    Message-ID). Returns True when this call sent it.
    """
    lease = timedelta(seconds=settings.EMAIL_CLAIM_SECONDS)
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(no_key=True).filter(pk=notification_id).first()
        )
        if notification is None:
            return False
        lost = (
            notification.status == Notification.Status.SENDING
            and notification.claimed_at is not None
            and notification.claimed_at < now - lease
        )
        if notification.status != Notification.Status.QUEUED and not lost:
            return False
        notification.status = Notification.Status.SENDING
        notification.attempts += 1
        notification.claimed_at = now
        notification.save(update_fields=["status", "attempts", "claimed_at"])
    email = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
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
    except Exception as error:  # any transport failure: keep it queued and say why
        # The error's class only: SMTP messages can echo the recipient's address.
        failed = notification.attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.FAILED if failed else Notification.Status.QUEUED,
            last_error=type(error).__name__,
            claimed_at=None,
        )
        logger.warning(
            "email id=%s kind=%s not sent (attempt %s): %s",
            notification.pk, notification.kind, notification.attempts, type(error).__name__,
        )  # fmt: skip
        return False
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT, sent_at=now, last_error="", claimed_at=None
    )
    logger.info("email id=%s kind=%s sent", notification.pk, notification.kind)
    return True


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
