"""
Delivery of one message (`Notification`) on each channel (`Delivery`): the email, and a
pointer by LINE or SMS when the person added one. A pointer goes to the person's first
channel (LINE, then SMS); when that fails (refused when sent, or a failed receipt later),
to the next one. The channels are the message's owner's (`Owner`: a booking, a waitlist
entry). When the email and every channel failed (or the person has no email and no
channel worked), the message is handed once to its owner's undelivered handler: a call for
a counselor on the phone list. Providers are spoken to outside any transaction; the unique
(message, channel) row is the claim, so two workers never send one pointer twice, and the
claim lapses (`claim_expires_at`): a pointer whose worker died is taken back by the minute
sweep (`pointers_reclaim`) and sent under the same retry key.
"""

import email
import email.policy
import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from notifications.channels import DeliveryFailed, provider_for
from notifications.kinds import kind_pointer, undelivered_handler
from notifications.message_ids import message_id
from notifications.models import ContactChannel, Delivery, Notification, Owner
from offices.models import Office

logger = logging.getLogger(__name__)

_ON_ITS_WAY = (Delivery.Status.QUEUED, Delivery.Status.SENT, Delivery.Status.DELIVERED)


def delivery_record(
    *, notification_id: int, channel: str, status: str, now: datetime, reason: str = "",
    ref: str = "",
) -> None:  # fmt: skip
    """Records what became of the message on `channel` (one row per message and channel)."""
    updated = Delivery.objects.filter(notification_id=notification_id, channel=channel).update(
        status=status, reason=reason[:200], updated_at=now, **({"provider_ref": ref} if ref else {})
    )
    if not updated:
        try:
            with transaction.atomic():
                Delivery.objects.create(
                    notification_id=notification_id, channel=channel, status=status,
                    reason=reason[:200], provider_ref=ref, updated_at=now,
                )  # fmt: skip
        except IntegrityError:  # recorded at the same moment by another worker
            delivery_record(
                notification_id=notification_id, channel=channel, status=status, now=now,
                reason=reason, ref=ref,
            )  # fmt: skip


def _lease() -> timedelta:
    """How long a pointer's claim lasts: a worker still sending by then was lost (the same
    lease as an email's claim, longer than any provider's timeout)."""
    return timedelta(seconds=settings.EMAIL_CLAIM_SECONDS)


def _active_channels(owner: Owner):
    return ContactChannel.objects.filter(
        owner_kind=owner.kind, owner_id=owner.id, status=ContactChannel.Status.ACTIVE
    )


def pointers_send(*, notification_id: int, now: datetime) -> bool:
    """
    Sends the message's pointer on its owner's next channel not yet tried (called after
    the email's attempt, and again when a channel's receipt says it failed). Returns True
    when a pointer is on its way; when none can be and the email failed too, the message
    is undelivered (`message_undelivered_check`).
    """
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.owner is None:
        return False
    if kind_pointer(notification.kind) is None:
        return False
    tried = {
        delivery.channel: delivery.status
        for delivery in Delivery.objects.filter(notification_id=notification_id)
        if delivery.channel != Delivery.Channel.EMAIL
    }
    if any(status in _ON_ITS_WAY for status in tried.values()):
        return True
    for contact in _active_channels(notification.owner).order_by("kind"):
        if contact.kind in tried:
            continue
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    notification=notification, channel=contact.kind, contact=contact,
                    updated_at=now, claim_expires_at=now + _lease(),
                )  # fmt: skip
        except IntegrityError:  # another worker claimed this channel for this message
            return True
        if _pointer_deliver(delivery, notification, contact, now):
            return True
    message_undelivered_check(notification_id=notification_id, now=now)
    return False


def _pointer_deliver(delivery: Delivery, notification: Notification, contact, now) -> bool:
    """Sends one claimed pointer (outside any transaction) and records what the provider
    said. The retry key is the delivery's: sent again after a lost worker, LINE shows it
    once."""

    office_slug = Office.objects.filter(pk=contact.office_id).values_list("slug", flat=True).first()
    provider = provider_for(contact.kind, office_slug=office_slug or "")
    render = kind_pointer(notification.kind)
    try:
        if provider is None or render is None:
            raise DeliveryFailed("channel not configured")
        text = render(notification)
        if not text:
            raise DeliveryFailed("nothing to send")
        sent = provider.send(
            to=contact.address, text=text, idempotency_key=f"delivery:{delivery.pk}"
        )
    except DeliveryFailed as failed:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, reason=failed.reason, updated_at=now,
            claim_expires_at=None,
        )  # fmt: skip
        logger.warning(
            "pointer id=%s channel=%s failed: %s", notification.pk, contact.kind, failed.reason
        )
        return False
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, provider_ref=sent.ref[:100], updated_at=now,
        claim_expires_at=None,
    )  # fmt: skip
    logger.info("pointer id=%s channel=%s sent", notification.pk, contact.kind)
    return True


def pointers_reclaim(*, now: datetime) -> int:
    """
    Periodic (the minute sweep): pointers claimed by a worker that died before the
    provider's answer was recorded (still queued, their claim lapsed) are claimed again,
    by one sweep only, and sent under the same retry key; a channel removed meanwhile
    fails and the next one is tried. Returns how many were sent.
    """
    due = Delivery.objects.filter(status=Delivery.Status.QUEUED, claim_expires_at__lte=now).exclude(
        channel=Delivery.Channel.EMAIL
    )
    sent = 0
    for delivery_id, claimed_until in due.values_list("pk", "claim_expires_at")[:200]:
        if not Delivery.objects.filter(
            pk=delivery_id, status=Delivery.Status.QUEUED, claim_expires_at=claimed_until
        ).update(claim_expires_at=now + _lease()):
            continue  # another sweep took it back first
        delivery = Delivery.objects.select_related("notification", "contact").get(pk=delivery_id)
        contact = delivery.contact
        if contact is None or contact.status != ContactChannel.Status.ACTIVE:
            Delivery.objects.filter(pk=delivery_id).update(
                status=Delivery.Status.FAILED, reason="channel removed", updated_at=now,
                claim_expires_at=None,
            )  # fmt: skip
        elif _pointer_deliver(delivery, delivery.notification, contact, now):
            sent += 1
            continue
        pointers_send(notification_id=delivery.notification_id, now=now)
    return sent


def _email_may_arrive(notification: Notification) -> bool:
    """The email was sent and no bounce came back, or it is still being tried."""
    if not notification.recipient:
        return False
    if notification.status == Notification.Status.FAILED:
        return False
    return not Delivery.objects.filter(
        notification=notification, channel=Delivery.Channel.EMAIL, status=Delivery.Status.FAILED
    ).exists()


def message_undelivered_check(*, notification_id: int, now: datetime) -> bool:
    """
    When neither the email nor any pointer can reach the person, hands the message once to
    the undelivered handlers (the phone list). Returns True when this call handed it.
    """
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.undelivered_at is not None:
        return False
    if kind_pointer(notification.kind) is None or _email_may_arrive(notification):
        return False
    pointers = Delivery.objects.filter(notification=notification).exclude(
        channel=Delivery.Channel.EMAIL
    )
    if pointers.filter(status__in=_ON_ITS_WAY).exists():
        return False
    tried = set(pointers.values_list("channel", flat=True))
    owner = notification.owner
    if owner is not None and _active_channels(owner).exclude(kind__in=tried).exists():
        return False
    with transaction.atomic():
        if not Notification.objects.filter(pk=notification_id, undelivered_at__isnull=True).update(
            undelivered_at=now
        ):
            return False
        handler = undelivered_handler(notification.owner_kind)
        if handler is not None:
            handler(notification)
    logger.warning("message id=%s kind=%s reached no channel", notification_id, notification.kind)
    return True


def email_failed_for_good(*, notification_id: int, reason: str, now: datetime) -> None:
    """The email will not arrive (refused by the mail server, bounced, out of attempts):
    recorded, then the pointer and the undelivered check have their turn."""
    delivery_record(
        notification_id=notification_id, channel=Delivery.Channel.EMAIL,
        status=Delivery.Status.FAILED, reason=reason, now=now,
    )  # fmt: skip
    pointers_send(notification_id=notification_id, now=now)
    message_undelivered_check(notification_id=notification_id, now=now)


# --- Receipts -------------------------------------------------------------------------

_SMS_FAILED = ("failed", "undelivered")


def sms_receipt(*, ref: str, status: str, error_code: str, now: datetime) -> bool:
    """A delivery receipt from the SMS provider: delivered, or failed with its error code
    (then the next channel). Returns whether it named a delivery of ours."""
    delivery = Delivery.objects.filter(channel=Delivery.Channel.SMS, provider_ref=ref).first()
    if delivery is None or not ref:
        return False
    if status == "delivered":
        Delivery.objects.filter(pk=delivery.pk).exclude(status=Delivery.Status.FAILED).update(
            status=Delivery.Status.DELIVERED, updated_at=now
        )
    elif status in _SMS_FAILED:
        reason = f"Twilio: {status}, error {error_code or '-'}"
        if (
            Delivery.objects.filter(pk=delivery.pk)
            .exclude(status=Delivery.Status.FAILED)
            .update(status=Delivery.Status.FAILED, reason=reason, updated_at=now)
        ):
            pointers_send(notification_id=delivery.notification_id, now=now)
    return True


_MESSAGE_ID = re.compile(r"<(\d+)\.([0-9a-f]{24})@[^>]+>")
_SMTP_CODE = re.compile(r"\b([45]\d\d)\b")


def email_bounce_record(*, raw: bytes, now: datetime) -> int | None:
    """
    A bounce (a DSN, RFC 3464, as the mail relay received it): the message it returns is
    found by its Message-ID (`message_id`, checked against the outbox's own), and each
    recipient whose action is "failed" makes the email's delivery failed with the status
    and the SMTP code (never the diagnostic text, which echoes the address). Returns the
    message's id, or None when the DSN names no message of ours or reports no failure.
    """

    report = email.message_from_bytes(raw, policy=email.policy.default)
    original_id, failures = "", []
    for part in report.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            for fields in part.get_payload():
                if str(fields.get("Action", "")).strip().lower() == "failed":
                    code = _SMTP_CODE.search(str(fields.get("Diagnostic-Code", "")))
                    failures.append(
                        f"bounce {str(fields.get('Status', '')).strip()[:12]}"
                        + (f" (SMTP {code.group(1)})" if code else "")
                    )
        elif content_type in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            headers = part.get_payload()[0] if part.is_multipart() else part.get_payload()
            if isinstance(headers, str):
                headers = email.message_from_string(headers, policy=email.policy.default)
            original_id = original_id or str(headers.get("Message-ID", "")).strip()
    match = _MESSAGE_ID.fullmatch(original_id)
    if not failures or match is None:
        return None
    notification = Notification.objects.filter(pk=int(match.group(1))).first()
    if notification is None or message_id(notification) != original_id:
        return None
    email_failed_for_good(notification_id=notification.pk, reason=failures[0], now=now)
    return notification.pk
