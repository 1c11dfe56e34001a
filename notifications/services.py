"""Queueing and sending emails from the outbox."""

import hashlib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from common import clock
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


def notification_is_queued(dedupe_key: str) -> bool:
    """Whether this email is already in the outbox (then a caller need not render it)."""
    return Notification.objects.filter(dedupe_key=dedupe_key).exists()


def notification_queue(
    *, dedupe_key: str, kind: str, recipient: str, language: str, message: Message,
    office_id: int | None = None,
) -> tuple[Notification, bool]:  # fmt: skip
    """
    Writes the email to the outbox (inside the caller's transaction). The same dedupe key
    twice queues one email: returns (row, created).
    """
    attachment = message.attachments[0] if message.attachments else None
    return Notification.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "office_id": office_id,
            "recipient": recipient,
            "language": language,
            "subject": message.subject[:300],
            "body_text": message.text,
            "body_html": message.html,
            "attachment_name": attachment.name if attachment else "",
            "attachment_content": attachment.content if attachment else "",
            "attachment_mimetype": attachment.mimetype if attachment else "",
        },
    )


def message_id(notification: Notification) -> str:
    """
    The same Message-ID for every attempt of one email: should a worker die between the
    mail server accepting it and the outbox recording that, the second copy carries the
    same ID, which mail clients use to collapse duplicates.
    """
    digest = hashlib.sha256(notification.dedupe_key.encode()).hexdigest()[:24]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<{notification.pk}.{digest}@{domain}>"


def notification_send(*, notification_id: int) -> bool:
    """
    Sends one queued email. Locks its row, so two workers never both send it, and skips
    one already sent. Returns True when this call sent it.
    """
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != Notification.Status.QUEUED:
            return False
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
        notification.attempts += 1
        try:
            email.send()
        except Exception as error:  # any transport failure: keep it queued and say why
            # The error's class only: SMTP messages can echo the recipient's address.
            notification.last_error = type(error).__name__
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
            notification.save(update_fields=["attempts", "last_error", "status"])
            logger.warning(
                "email id=%s kind=%s not sent (attempt %s): %s",
                notification.pk, notification.kind, notification.attempts, type(error).__name__,
            )  # fmt: skip
            return False
        notification.status = Notification.Status.SENT
        notification.sent_at = clock.now()
        notification.last_error = ""
        notification.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        logger.info("email id=%s kind=%s sent", notification.pk, notification.kind)
        return True


def notification_ids_due() -> list[int]:
    return list(
        Notification.objects.filter(status=Notification.Status.QUEUED)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
