"""
One online meeting per booking. It names its booking by UUID (this app does not import
bookings); `bookings.meetings` creates and updates it through the providers.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.fields import ClockDateTimeField


class OnlineMeeting(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being issued")
        ISSUING = "issuing", _("Being issued (the platform is being asked)")
        ISSUED = "issued", _("Issued")
        MANUAL_NEEDED = "manual_needed", _("Waiting for a counselor to paste the link")
        WAITING_FOR_ACCOUNT = "waiting_for_account", _("Platform account not configured")
        FAILED = "failed", _("Failed to issue")
        DELETED = "deleted", _("Deleted")

    booking_uuid = models.UUIDField(_("booking"), unique=True)
    office_id = models.PositiveBigIntegerField(_("office"), db_index=True)
    provider = models.CharField(_("provider"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    external_id = models.CharField(_("meeting id at the platform"), max_length=200, blank=True)
    join_url = models.URLField(_("join link"), max_length=500, blank=True)
    host_url = models.URLField(
        _("host link"),
        max_length=1000,
        blank=True,
        help_text=_("For staff only: never shown or sent to the applicant."),
    )
    passcode = models.CharField(_("passcode"), max_length=50, blank=True)
    meeting_number = models.CharField(_("meeting ID"), max_length=50, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Which task run holds the `issuing` claim (its Celery task id, the same across retries).
    claim_id = models.CharField(_("claimed by"), max_length=64, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    applicant_joined_at = models.DateTimeField(_("applicant joined at"), null=True, blank=True)
    someone_joined_at = models.DateTimeField(
        _("someone joined at"),
        null=True,
        blank=True,
        help_text=_(
            "A participant the platform did not name as the registered applicant joined: "
            "the counselor decides whether it was the person."
        ),
    )
    attendee_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("online meeting")
        verbose_name_plural = _("online meetings")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.provider or '-'} {self.get_status_display()}"
