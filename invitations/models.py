"""
An invitation (招待): a counselor invites the person of a record to book one service online,
within a window of days, until an expiry, for a number of uses. The person's links carry
random tokens; only their SHA-256 is stored (`InvitationLink`), one per email or letter, so
a link printed on a letter keeps working when a reminder is emailed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common import languages
from common.fields import ClockDateTimeField


class Invitation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="invitations",
        verbose_name=_("office"),
    )  # fmt: skip
    applicant = models.ForeignKey(
        "bookings.Applicant", on_delete=models.PROTECT, related_name="invitations",
        verbose_name=_("person"),
    )  # fmt: skip
    service = models.ForeignKey(
        "offices.Service", on_delete=models.PROTECT, related_name="invitations",
        verbose_name=_("service"),
    )  # fmt: skip
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("invited by"),
    )  # fmt: skip
    first_day = models.DateField(_("first day to book"))
    last_day = models.DateField(_("last day to book"))
    expires_at = models.DateTimeField(_("link expires at"))
    max_uses = models.PositiveSmallIntegerField(_("bookings allowed"), default=1)
    uses = models.PositiveSmallIntegerField(_("bookings made"), default=0)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("withdrawn by"),
    )  # fmt: skip
    withdrawn_reason = models.CharField(_("why it was withdrawn"), max_length=300, blank=True)
    language = models.CharField(
        _("language of the emails and letter"), max_length=languages.CODE_MAX_LENGTH,
        default="ja", choices=languages.CHOICES,
    )  # fmt: skip
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(uses__lte=F("max_uses")), name="invitation_uses_within_max"
            ),
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="invitation_window_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.service}"


class InvitationLink(models.Model):
    """One link of an invitation (an email, a reminder, a letter): the token's hash only."""

    class Via(models.TextChoices):
        EMAIL = "email", _("email")
        REMINDER = "reminder", _("reminder email")
        LETTER = "letter", _("printed letter")

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    via = models.CharField(_("sent by"), max_length=20, choices=Via.choices)
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.invitation_id}:{self.via}"


class InvitationUse(models.Model):
    """A booking made with an invitation."""

    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, related_name="used")
    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.PROTECT, related_name="invitation_use",
        verbose_name=_("booking"),
    )  # fmt: skip
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.invitation_id}:{self.booking_id}"
