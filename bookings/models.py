"""
Applicants, bookings and the history of every booking's state.

An Applicant is a person's record at an office, of one of two sources
(`bookings.services.identity`): a record the office made (a counselor booking by phone or
in a session, or linking a booking with a reason), keyed by the job-seeker number the
counselor checked, else the email, else the phone; or the record of an open online booking,
keyed by the email address it gave. A number typed on the public form or API is kept on the
booking only, for a counselor to check: it never creates, owns or joins a record. Contact
details are also a snapshot on each Booking, never written back to an office's record from a
public form, so typing someone else's number cannot change where their messages go.

No two active bookings of one counselor overlap: PostgreSQL enforces it with an exclusion
constraint (migration 0002), and `bookings.services.create.booking_create` re-checks under a lock.
"""

import uuid
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bookings.group_sessions import GroupSession, GroupSessionStatus  # noqa: F401 (kept apart)
from bookings.outcomes import Outcome
from bookings.phone_calls import PhoneCall, PhoneCallResult  # noqa: F401 (a model, kept apart)
from bookings.state import (
    ACTIVE_STATUSES,
    TIME_HOLDING_STATUSES,
    Actor,
    BookingStatus,
    Reason,
)
from common import languages
from common.fields import ClockDateTimeField
from offices import display
from offices.models import Counselor, Office, Service
from terms.models import Consent

# The seats one person may hold one of per session (`booking_one_seat_per_person`): held,
# and not a public request still waiting for its email link, which is anyone's claim to
# the address typed (issue 23): checked against the rule when the link is opened
# (`bookings.services.public.booking_verify`), where only the address's owner is told.
SEAT_COUNTED = Q(
    group_session__isnull=False, status__in=TIME_HOLDING_STATUSES,
    verification_expires_at__isnull=True,
)  # fmt: skip

# One definition of who books (job seeker or employer), kept with the consent they give.
ApplicantKind = Consent.ApplicantKind


class ApplicantSource(models.TextChoices):
    """Who made the record, so what its contact is worth."""

    OFFICE = "office", _("made by the office (checked by a counselor)")
    ONLINE = "online", _("open online booking (details as typed, not checked)")


class Applicant(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="applicants", verbose_name=_("office")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ApplicantKind.choices)
    source = models.CharField(
        _("record made by"),
        max_length=10,
        choices=ApplicantSource.choices,
        default=ApplicantSource.OFFICE,
    )
    identity_key = models.CharField(
        _("identity"),
        max_length=200,
        help_text=_(
            "Made by the office: jsn:<job-seeker number>, email:<address> or tel:<phone>. "
            "Open online booking: web:<email address>."
        ),
    )
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=100, blank=True)
    job_seeker_number = models.CharField(_("job-seeker number"), max_length=20, blank=True)
    email = models.EmailField(
        _("email on record"),
        blank=True,
        help_text=_(
            "Made by the office: the address a counselor checked (invitations go there). "
            "Open online booking: the address that booking gave."
        ),
    )
    phone = models.CharField(_("phone on record"), max_length=20, blank=True)
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

    @property
    def is_checked(self) -> bool:
        """Made by the office: its contact is what a counselor checked."""
        return self.source == ApplicantSource.OFFICE


# The exclusion constraint of migrations 0002 and 0008 (PostgreSQL only).
OVERLAP_CONSTRAINT = "booking_counselor_no_overlap"


def is_overlap_violation(error: Exception) -> bool:
    """Whether a database error is the no-overlap constraint, by the constraint's name."""
    cause = error.__cause__ or error
    diag = getattr(cause, "diag", None)
    return getattr(diag, "constraint_name", None) == OVERLAP_CONSTRAINT


class BookingChannel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    PHONE = "phone", _("Phone (entered by a counselor)")
    SESSION = "session", _("During a session (entered by a counselor)")
    INVITATION = "invitation", _("Online, by a counselor's invitation")


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
    # What became of it, set with each change of status (bookings.outcomes).
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=Outcome.choices, default=Outcome.SCHEDULED,
        db_default=Outcome.SCHEDULED, editable=False,
    )  # fmt: skip
    # A seat in a group session (bookings.group_sessions): the session's time and counselor.
    group_session = models.ForeignKey(
        GroupSession, on_delete=models.PROTECT, null=True, blank=True, related_name="seats",
        verbose_name=_("group session"),
    )  # fmt: skip
    # The language the person booked in: every message after is in it (common/languages.py).
    language = models.CharField(
        _("language"), max_length=languages.CODE_MAX_LENGTH, default="ja",
        choices=languages.CHOICES,
    )  # fmt: skip

    # Snapshot of what the person gave for this booking.
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=100, blank=True)
    job_seeker_number = models.CharField(_("job-seeker number"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    company_name = models.CharField(_("company"), max_length=200, blank=True)
    attendees = models.JSONField(_("attendees"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Accommodation (offices.accommodation): the means asked for (codes), "other" in the
    # person's words, and the minutes "more time" added to the end (kept when it moves).
    accommodations = models.JSONField(_("accommodation asked for"), default=list, blank=True)
    accommodation_other = models.CharField(_("accommodation (other)"), max_length=200, blank=True)
    extra_minutes = models.PositiveSmallIntegerField(
        _("minutes added for more time"), default=0, editable=False
    )

    contact_noted_at = models.DateTimeField(
        _("person contacted the office at"),
        null=True,
        blank=True,
        help_text=_("Noted by a counselor: a booking with contact is never counted as a no-show."),
    )
    verification_expires_at = models.DateTimeField(_("email check due by"), null=True, blank=True)
    # A public request confirmed from its email waits for a counselor until then at most
    # (the office's `request_decision_hours`, never after the start), then lapses.
    decide_by = models.DateTimeField(_("to be answered by"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    request_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    proposed_at = models.DateTimeField(
        _("another time proposed at"),
        null=True,
        blank=True,
        help_text=_("A counselor offered this time instead of the one requested."),
    )
    # The time the person turned down when a counselor proposed it: staff cannot confirm
    # the booking at that time (state._confirmable); proposing another time moves it away.
    declined_start = models.DateTimeField(
        _("proposed time turned down"), null=True, blank=True, editable=False
    )
    sequence = models.PositiveIntegerField(
        _("calendar revision"),
        default=0,
        editable=False,
        help_text=_("The SEQUENCE of the booking's .ics: one more each time its time moves."),
    )
    reschedule_count = models.PositiveSmallIntegerField(
        _("times moved by the person"), default=0, editable=False
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
                fields=["group_session", "applicant"],
                condition=SEAT_COUNTED,
                name="booking_one_seat_per_person",
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


def _param(key: str, value):
    """A stored placeholder value as shown: codes become labels, moments the one format."""
    if key == "channel" and value in BookingChannel.values:
        return BookingChannel(value).label
    if key.endswith("_status") and value in BookingStatus.values:
        return BookingStatus(value).label
    if key.endswith("_day") and isinstance(value, str):
        try:
            return display.format_date(date.fromisoformat(value))
        except ValueError:
            return value
    if key.endswith("_at") and isinstance(value, str):
        try:
            return display.format_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


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
    from_status = models.CharField(_("status before"), max_length=30, blank=True)
    to_status = models.CharField(_("status after"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by staff"),
    )
    actor_label = models.CharField(_("by"), max_length=40, choices=Actor.choices)
    reason_code = models.CharField(_("what"), max_length=40, choices=Reason.choices, blank=True)
    reason_params = models.JSONField(default=dict, blank=True, editable=False)
    reason = models.CharField(_("reason given"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["booking", "at", "pk"]

    def __str__(self) -> str:
        labels = dict(BookingStatus.choices)
        before = labels.get(self.from_status, self.from_status or "-")
        return f"{self.booking} {before} → {labels.get(self.to_status, self.to_status)}"

    def describe(self) -> str:
        """What happened and why, in the current language, with the reason typed if any."""
        parts = []
        if self.reason_code in Reason.values:
            template = str(Reason(self.reason_code).label)
            params = {key: _param(key, value) for key, value in self.reason_params.items()}
            try:
                parts.append(template % params if params else template)
            except (KeyError, TypeError, ValueError):
                parts.append(template)
        if self.reason:
            parts.append(self.reason)
        return ": ".join(parts)


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
    network = models.CharField(
        _("network (pseudonymous)"),
        max_length=16,
        blank=True,
        help_text=_(
            "A keyed hash of the network (IPv4 /24, IPv6 /48) alone: the same value means "
            "the same network, whatever the browser."
        ),
    )

    class Meta:
        verbose_name = _("record of use")
        verbose_name_plural = _("records of use")
        ordering = ["-at"]
        indexes = [models.Index(fields=["office", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class BookingChange(models.Model):
    """
    The person asked to move a confirmed booking at an office whose counselors confirm
    bookings: the booking keeps its time until a counselor confirms the change (then it
    moves, through the same guard as a new booking) or declines it. The new time is not
    held meanwhile; confirming re-checks that it is still free.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a counselor")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Replaced or withdrawn")

    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="changes", verbose_name=_("booking")
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    from_start = models.DateTimeField(_("from (start)"))
    from_end = models.DateTimeField(_("from (end)"))
    to_start = models.DateTimeField(_("to (start)"))
    to_end = models.DateTimeField(_("to (end)"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("change of time")
        verbose_name_plural = _("changes of time")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(status="pending"),
                name="booking_change_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking} → {self.to_start:%Y-%m-%d %H:%M}"


class DeviceCheckOutcome(models.TextChoices):
    PASSED = "passed", _("Works")
    PROBLEM = "problem", _("Problem")
    NOT_TESTED = "not_tested", _("Not tested")


class DeviceCheck(models.Model):
    """
    The coarse result of the person's device check before a session, as their browser
    reported it: per part whether it worked and, for a problem, its kind. Never an image,
    a sound or a device's name: nothing of the camera or microphone leaves the browser.
    """

    PARTS = ("browser", "camera", "microphone", "speaker", "connection", "battery")

    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="device_checks",
        verbose_name=_("booking"),
    )  # fmt: skip
    at = models.DateTimeField(_("at"))
    passed = models.BooleanField(_("passed"))
    # Per part: "passed", "not_tested", or the kind of problem (see device_check.PROBLEMS).
    browser = models.CharField(_("browser"), max_length=20)
    camera = models.CharField(_("camera"), max_length=20)
    microphone = models.CharField(_("microphone"), max_length=20)
    speaker = models.CharField(_("speaker"), max_length=20)
    connection = models.CharField(_("connection"), max_length=20)
    battery = models.CharField(_("battery"), max_length=20)
    round_trip_ms = models.PositiveIntegerField(_("round trip (ms)"), null=True, blank=True)
    download_kbps = models.PositiveIntegerField(_("download (kbit/s)"), null=True, blank=True)
    upload_kbps = models.PositiveIntegerField(_("upload (kbit/s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("device check")
        verbose_name_plural = _("device checks")
        ordering = ["booking", "-at", "-pk"]
        get_latest_by = "at"

    def __str__(self) -> str:
        return f"{self.booking} {self.at:%Y-%m-%d %H:%M}"

    def problem_labels(self) -> list[str]:
        """Each part with a problem, in words for staff ("camera: permission refused")."""
        return [
            f"{PART_LABELS[part]}{_(': ')}{PROBLEM_LABELS.get(value, value)}"
            for part in self.PARTS
            if (value := getattr(self, part)) not in ("passed", "not_tested", "app")
        ]

    def untested_labels(self) -> list[str]:
        return [str(PART_LABELS[p]) for p in self.PARTS if getattr(self, p) == "not_tested"]


PART_LABELS = {
    "browser": _("browser"),
    "camera": _("camera"),
    "microphone": _("microphone"),
    "speaker": _("speaker"),
    "connection": _("connection"),
    "battery": _("battery"),
}
PROBLEM_LABELS = {
    "unsupported": _("this browser cannot join"),
    "app_needed": _("needs the app"),
    "denied": _("permission refused"),
    "missing": _("none found"),
    "in_use": _("in use by another app"),
    "unavailable": _("not available in this browser"),
    "silent": _("no sound picked up"),
    "not_heard": _("test sound not heard"),
    "slow": _("slow"),
    "unstable": _("unstable"),
    "failed": _("could not be measured"),
    "low": _("battery low"),
}
