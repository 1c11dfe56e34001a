"""
The waitlist (キャンセル待ち): a person asks for a service on a day or a range of days
(and, if they wish, between two times of day), or for a seat of a full group session; a
time or a seat that frees up is offered to the waiting people in the order they asked, one
offer per person at a time, each held until `expires_at`. An entry's page opens with a
secret link (only its SHA-256 is stored, on `WaitlistLink`). Every change is a
`WaitlistEvent` with a reason code.
"""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common import languages
from common.fields import ClockDateTimeField


class EntryStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Email not yet confirmed")
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered a time")
    BOOKED = "booked", _("Booked")
    LEFT = "left", _("Left the list")
    ENDED = "ended", _("Days passed")


# The entries that keep a place in the list.
IN_LINE = (EntryStatus.WAITING, EntryStatus.OFFERED)

# An entry as the owner of LINE and SMS channels and of their messages (`notifications.Owner`).
WAITLIST_OWNER = "waitlist_entry"


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    LAPSED = "lapsed", _("Lapsed")
    TAKEN = "taken", _("Taken before it was accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class WaitlistEntry(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="waitlist_entries",
        verbose_name=_("office"),
    )  # fmt: skip
    service = models.ForeignKey(
        "offices.Service", on_delete=models.PROTECT, related_name="waitlist_entries",
        verbose_name=_("service"),
    )  # fmt: skip
    # The office's record the person came with (an invitation names it), else none: an
    # open entry's booking finds or makes its record as an open booking does.
    applicant = models.ForeignKey(
        "bookings.Applicant", on_delete=models.PROTECT, null=True, blank=True,
        related_name="waitlist_entries", verbose_name=_("person's record"),
    )  # fmt: skip
    invitation_id = models.PositiveBigIntegerField(_("invitation"), null=True, blank=True)
    # A full group session the person waits for a seat of (its day is `first_day` and
    # `last_day`); none: a time of the service on the days asked for.
    group_session = models.ForeignKey(
        "bookings.GroupSession", on_delete=models.PROTECT, null=True, blank=True,
        related_name="waitlist_entries", verbose_name=_("group session"),
    )  # fmt: skip
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    earliest = models.TimeField(_("from (time of day)"), null=True, blank=True)
    latest = models.TimeField(_("until (time of day)"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"))
    # The details the booking is made with, as the booking form takes them (raw values).
    details = models.JSONField(_("details"), default=dict)
    language = models.CharField(
        _("language"), max_length=languages.CODE_MAX_LENGTH, default=languages.DEFAULT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.UNCONFIRMED
    )
    asked_at = ClockDateTimeField(_("asked at"), auto_now_add=True)
    confirm_by = models.DateTimeField(_("email to be confirmed by"), null=True, blank=True)
    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.PROTECT, null=True, blank=True,
        related_name="waitlist_entry", verbose_name=_("booking"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist")
        ordering = ["asked_at", "pk"]
        indexes = [models.Index(fields=["office", "status", "asked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="waitlist_days_in_order"
            ),
            models.CheckConstraint(
                condition=Q(earliest__isnull=True)
                | Q(latest__isnull=True)
                | Q(latest__gt=F("earliest")),
                name="waitlist_times_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id}:{self.first_day}–{self.last_day}"


class WaitlistLink(models.Model):
    """A link to an entry's page (the token's hash only), one per email that carries one."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)

    def __str__(self) -> str:
        return str(self.entry_id)


class WaitlistOffer(models.Model):
    """A freed time offered to one entry until `expires_at`."""

    entry = models.ForeignKey(
        WaitlistEntry, on_delete=models.PROTECT, related_name="offers", verbose_name=_("entry")
    )
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    service = models.ForeignKey(
        "offices.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    offered_at = ClockDateTimeField(_("offered at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("held until"))
    answered_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.PROTECT, null=True, blank=True,
        related_name="waitlist_offer", verbose_name=_("booking"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("waitlist offer")
        verbose_name_plural = _("waitlist offers")
        ordering = ["-offered_at", "-pk"]
        indexes = [models.Index(fields=["office", "status", "start"])]
        constraints = [
            # One open offer per person: two times freed at once go to two people.
            models.UniqueConstraint(
                fields=["entry"], condition=Q(status="open"), name="waitlist_one_open_offer"
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(booking__isnull=False),
                name="waitlist_accepted_has_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}@{self.start:%Y-%m-%d %H:%M}"


class WaitlistReason(models.TextChoices):
    """Why an entry changed: the event's code, shown in the person's language."""

    JOINED = "joined", _("Joined the waitlist")
    CONFIRMED = "confirmed", _("Email confirmed: in the list")
    OFFERED = "offered", _("A freed time was offered")
    ACCEPTED = "accepted", _("The offer was accepted and booked")
    DECLINED = "declined", _("The offer was declined; passed on")
    LAPSED = "lapsed", _("The offer lapsed; passed on")
    TAKEN = "taken", _("The time was taken before the offer was accepted")
    LEFT = "left", _("Left the waitlist")
    ENDED = "ended", _("The days asked for have passed")
    UNCONFIRMED_LAPSED = "unconfirmed_lapsed", _("The email was not confirmed in time")


class WaitlistEvent(models.Model):
    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="events")
    offer = models.ForeignKey(
        WaitlistOffer, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    at = models.DateTimeField(_("at"))
    reason_code = models.CharField(_("what"), max_length=30, choices=WaitlistReason.choices)
    actor_label = models.CharField(_("by"), max_length=20)

    class Meta:
        verbose_name = _("waitlist event")
        verbose_name_plural = _("waitlist events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.reason_code}"
