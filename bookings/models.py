"""
Applicants, bookings and the history of every booking's state.

An Applicant is a person as an office knows them: identified by their job-seeker number
where they gave one, otherwise by their email address. Contact details are a snapshot on
each Booking, never written back to the Applicant from a public form, so typing someone
else's number cannot change where their messages go.

No two active bookings of one counselor overlap: PostgreSQL enforces it with an exclusion
constraint (migration 0002), and `bookings.services.create.booking_create` re-checks under a lock.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.fields import ClockDateTimeField
from offices.models import Counselor, Office, Service
from terms.models import Consent


class ApplicantKind(models.TextChoices):
    JOB_SEEKER = "job_seeker", _("Job seeker")
    EMPLOYER = "employer", _("Employer")


class Applicant(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="applicants", verbose_name=_("office")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ApplicantKind.choices)
    identity_key = models.CharField(
        _("identity"),
        max_length=200,
        help_text=_("jsn:<job-seeker number> or email:<address>: how the office recognizes them."),
    )
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=100, blank=True)
    job_seeker_number = models.CharField(_("job-seeker number"), max_length=20, blank=True)
    barred_at = models.DateTimeField(_("barred from online booking at"), null=True, blank=True)
    barred_reason = models.CharField(_("reason for the bar"), max_length=300, blank=True)
    bar_lifted_at = models.DateTimeField(_("bar lifted at"), null=True, blank=True)
    bar_lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bar lifted by"),
    )
    bar_lift_reason = models.CharField(_("why the bar was lifted"), max_length=300, blank=True)
    personal_data_purged_at = models.DateTimeField(
        _("personal data purged at"), null=True, blank=True, editable=False
    )
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        ordering = ["office", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "identity_key"], name="applicant_unique_identity"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_barred(self) -> bool:
        return self.barred_at is not None


class BookingStatus(models.TextChoices):
    PENDING_VERIFICATION = "pending_verification", _("Awaiting email check")
    REQUESTED = "requested", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")
    SWITCHED_TO_PHONE = "switched_to_phone", _("Switched to phone")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


# Statuses that hold the counselor's time (a held request blocks it like a confirmation).
ACTIVE_STATUSES = (
    BookingStatus.PENDING_VERIFICATION,
    BookingStatus.REQUESTED,
    BookingStatus.CONFIRMED,
    BookingStatus.IN_PROGRESS,
)


class BookingChannel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    PHONE = "phone", _("Phone (entered by a counselor)")
    SESSION = "session", _("During a session (entered by a counselor)")


class Booking(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("office")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("service")
    )
    counselor = models.ForeignKey(
        Counselor, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("counselor")
    )
    applicant = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("applicant")
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("consent")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=30, choices=BookingStatus.choices, db_index=True
    )
    channel = models.CharField(_("channel"), max_length=20, choices=BookingChannel.choices)
    language = models.CharField(_("language"), max_length=5, default="ja")

    # Snapshot of what the person gave for this booking.
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=100, blank=True)
    job_seeker_number = models.CharField(_("job-seeker number"), max_length=20, blank=True)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=20)
    company_name = models.CharField(_("company"), max_length=200, blank=True)
    attendees = models.JSONField(_("attendees"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)

    contact_noted_at = models.DateTimeField(
        _("person contacted the office at"),
        null=True,
        blank=True,
        help_text=_("Noted by a counselor: a booking with contact is never counted as a no-show."),
    )
    verification_expires_at = models.DateTimeField(_("email check due by"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    request_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    proposed_at = models.DateTimeField(
        _("another time proposed at"),
        null=True,
        blank=True,
        help_text=_("A counselor offered this time instead of the one requested."),
    )
    personal_data_purged_at = models.DateTimeField(
        _("personal data purged at"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="booking_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["office", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="booking_unique_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "start"], name="booking_office_start"),
            models.Index(fields=["counselor", "start"], name="booking_counselor_start"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class BookingLink(models.Model):
    """
    One secret link to a booking: its manage page or its email check. The token is random
    (`bookings.tokens`), derived from nothing, and only its SHA-256 is kept. Each email
    carries a link of its own, so each can be ended alone; "send a new link" ends them all.
    """

    class Purpose(models.TextChoices):
        MANAGE = "manage", _("Booking page")
        VERIFY = "verify", _("Email check")

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="links", verbose_name=_("booking")
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("secret link")
        verbose_name_plural = _("secret links")
        indexes = [models.Index(fields=["booking", "purpose"], name="bookinglink_booking")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} #{self.pk}"


class BookingEvent(models.Model):
    """One change of a booking's state: who, when, from, to, why. Never edited."""

    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="events", verbose_name=_("booking")
    )
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by staff"),
    )
    actor_label = models.CharField(
        _("by"), max_length=40, help_text=_("applicant, staff or system")
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["booking", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.booking} {self.from_status or '-'} → {self.to_status}"


class AccessRecord(models.Model):
    """
    One use of a booking's pages by the person (the access history the terms of use
    mention): what was done, when, from which kind of device. The device is kept as a
    keyed hash of its network prefix and browser string: the same device gives the same
    value, but nobody can read an address or a browser string back from it. Managers of
    the office see these records; they are erased on the retention schedule.
    """

    class Kind(models.TextChoices):
        BOOKED = "booked", _("Booked")
        VERIFIED = "verified", _("Confirmed the email address")
        VIEWED = "viewed", _("Opened the booking page")
        CALENDAR = "calendar", _("Downloaded the calendar file")
        CANCELLED = "cancelled", _("Cancelled")
        ACCEPTED = "accepted", _("Accepted a proposed time")

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="access_records",
        verbose_name=_("booking"),
    )  # fmt: skip
    at = models.DateTimeField(_("at"), db_index=True)
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    device = models.CharField(
        _("device (pseudonymous)"),
        max_length=16,
        help_text=_("The same value means the same network and browser; nothing more."),
    )
    device_type = models.CharField(_("device type"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("record of use")
        verbose_name_plural = _("records of use")
        ordering = ["-at"]
        indexes = [models.Index(fields=["office", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
