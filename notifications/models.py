"""
The outbox: every email is a row written in the same transaction as the change that
causes it, then sent by a Celery task after commit. A periodic task re-sends what is
still queued, so a broker or SMTP outage delays mail but loses none, and the unique
dedupe key makes a repeated request or task send nothing twice.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from common import languages
from common.fields import ClockDateTimeField


@dataclass(frozen=True)
class Owner:
    """
    Whose channels: what a person added them for, as the app that owns it names it (a
    booking, `"booking"`; a waitlist entry, `"waitlist_entry"`) and its id. Plain values:
    `notifications` knows neither app. The owner's app registers how to write its pointer
    and who phones when nothing arrived (`notifications.kinds`).
    """

    kind: str
    id: int


class Notification(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    office_id = models.PositiveBigIntegerField(_("office"), null=True, blank=True, db_index=True)
    # Empty for a person without email who is reached only by LINE or SMS (`Delivery`).
    recipient = models.EmailField(_("recipient"), blank=True)
    language = models.CharField(_("language"), max_length=languages.CODE_MAX_LENGTH, default="ja")
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_content = models.TextField(blank=True)
    attachment_mimetype = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed by a worker at"), null=True, blank=True)
    # An email written as intent (`notification_intents_enqueue`): what it is about, rendered
    # by the sending worker on its first claim (subject and bodies empty until then).
    booking_id = models.PositiveBigIntegerField(null=True, blank=True)
    params = models.JSONField(null=True, blank=True)
    # Whose channels beside email the message also goes to (`Owner`): a booking's, a
    # waitlist entry's; empty for a message that goes by email only.
    owner_kind = models.CharField(_("for"), max_length=20, blank=True)
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    # When every channel of the person failed and the message was handed to the phone list.
    undelivered_at = models.DateTimeField(_("all channels failed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails (outbox)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_status_display()})"

    @property
    def needs_rendering(self) -> bool:
        return self.params is not None and not self.subject

    @property
    def owner(self) -> Owner | None:
        return Owner(self.owner_kind, self.owner_id) if self.owner_kind and self.owner_id else None


class ContactChannel(models.Model):
    """
    A channel beside email that a person added for something of theirs (its `Owner`: a
    booking, from its page; a waitlist entry, from its page): the office's LINE official
    account (linked through LINE's account-link flow) or a Japanese mobile number for SMS,
    in use once confirmed by the code sent to it. Only pointers go there
    (`notifications.delivery`): the booking or the entry stays here.
    """

    class Kind(models.TextChoices):
        LINE = "line", _("LINE")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        LINKING = "linking", _("Being linked or confirmed")
        ACTIVE = "active", _("In use")
        REMOVED = "removed", _("Removed")

    owner_kind = models.CharField(_("for"), max_length=20, default="booking")
    owner_id = models.PositiveBigIntegerField(_("id"), db_index=True)
    office_id = models.PositiveBigIntegerField(_("office"), db_index=True)
    kind = models.CharField(_("channel"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.LINKING
    )
    # The language of the person's booking or entry: LINE's replies while linking speak it.
    language = models.CharField(
        _("language"), max_length=languages.CODE_MAX_LENGTH, default=languages.DEFAULT
    )
    # An SMS number in E.164 (+8190...), or the LINE user id of the office's account.
    address = models.CharField(_("address"), max_length=100, blank=True)
    # LINE linking: the hash of the code the person sends to the office's account, then of
    # the nonce handed to LINE's account-link dialog; both end when the link is made.
    # SMS: the hash of the 6-digit code sent to the number, until it is typed back.
    link_code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    nonce_hash = models.CharField(max_length=64, blank=True, db_index=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    # SMS codes sent to this number, and wrong codes typed for the current one.
    codes_sent = models.PositiveSmallIntegerField(default=0)
    tries = models.PositiveSmallIntegerField(default=0)
    created_at = ClockDateTimeField(_("added at"), auto_now_add=True)
    linked_at = models.DateTimeField(_("in use since"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact channel")
        verbose_name_plural = _("contact channels (LINE, SMS)")
        ordering = ["owner_kind", "owner_id", "kind"]
        indexes = [models.Index(fields=["owner_kind", "owner_id"], name="contactchannel_owner")]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_kind", "owner_id", "kind"],
                condition=~models.Q(status="removed"),
                name="contactchannel_one_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def owner(self) -> Owner:
        return Owner(self.owner_kind, self.owner_id)


class Delivery(models.Model):
    """
    One message on one channel: queued, sent (the provider took it), delivered (the
    provider says it arrived) or failed with the provider's reason (an SMTP answer, a
    bounce, LINE's or the SMS provider's error code). A failed delivery falls back to the
    person's next channel (`notifications.delivery`).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        LINE = "line", _("LINE")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("message"),
    )  # fmt: skip
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    contact = models.ForeignKey(
        ContactChannel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # What the provider said, never an address or a message text.
    reason = models.CharField(_("provider's reason"), max_length=200, blank=True)
    provider_ref = models.CharField(max_length=100, blank=True, db_index=True)
    # A pointer being sent is claimed until then; a claim whose worker died lapses, and the
    # minute sweep sends it again under the same retry key (`pointers_reclaim`).
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = ClockDateTimeField(_("queued at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last news at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_one_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.get_status_display()}"
