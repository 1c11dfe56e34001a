"""
The outbox: every email is a row written in the same transaction as the change that
causes it, then sent by a Celery task after commit. A periodic task re-sends what is
still queued, so a broker or SMTP outage delays mail but loses none, and the unique
dedupe key makes a repeated request or task send nothing twice.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common import languages
from common.fields import ClockDateTimeField


class Notification(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    office_id = models.PositiveBigIntegerField(_("office"), null=True, blank=True, db_index=True)
    recipient = models.EmailField(_("recipient"))
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

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails (outbox)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_status_display()})"

    @property
    def needs_rendering(self) -> bool:
        return self.params is not None and not self.subject
