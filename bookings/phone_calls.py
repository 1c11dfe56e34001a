"""
The phone list (電話連絡リスト): a person without an email address is told by phone of what
happened to their booking. Every email that such a person would have been sent about a
change they must know of (a cancellation by any path, a lapsed request, a new time, a
confirmation) becomes a row here instead of nothing; so does a message that reached none
of a person's channels (email, LINE, SMS). A call is about a booking, or about something
of an app above this one (`owner_kind`, `owner_id`: a waitlist entry's offer), which that
app describes for the list (`bookings.services.phone_calls.phone_call_subject_register`).
Counselors work through the list and mark each call with its result.

Kept apart from `bookings.models` (which is over the module size limit) and imported by it,
so Django finds the model as usual.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.fields import ClockDateTimeField


class PhoneCallResult(models.TextChoices):
    REACHED = "reached", _("Reached: the person was told")
    MESSAGE_LEFT = "message_left", _("Left a message")
    NO_ANSWER = "no_answer", _("No answer: call again")


# Results that take a call off the list; "no answer" keeps it there.
PHONE_CALL_DONE = (PhoneCallResult.REACHED, PhoneCallResult.MESSAGE_LEFT)


class PhoneCall(models.Model):
    """One call the office owes a person, about one change to their booking or one message
    that reached them nowhere (about their booking, or another owner's, e.g. an offer)."""

    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.CASCADE,
        related_name="phone_calls",
        verbose_name=_("booking"),
        null=True,
        blank=True,
    )
    # A call about something other than a booking, named as `notifications.Owner` names it.
    owner_kind = models.CharField(_("about"), max_length=20, blank=True)
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("office")
    )
    # What to tell: the email the person would have got (bookings.state.EmailKind).
    kind = models.CharField(_("what to tell"), max_length=40)
    dedupe_key = models.CharField(max_length=200, unique=True, editable=False)
    created_at = ClockDateTimeField(_("listed at"), auto_now_add=True)
    result = models.CharField(
        _("result"), max_length=20, choices=PhoneCallResult.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("calls made"), default=0)
    last_called_at = models.DateTimeField(_("last called at"), null=True, blank=True)
    last_called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("called by"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone call to make")
        verbose_name_plural = _("phone list (people without email)")
        ordering = ["done_at", "created_at", "pk"]
        indexes = [
            models.Index(
                fields=["office", "created_at"],
                condition=Q(done_at__isnull=True),
                name="phonecall_open_by_office",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(booking__isnull=False, owner_kind="")
                | Q(booking__isnull=True, owner_id__isnull=False) & ~Q(owner_kind=""),
                name="phonecall_about_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking_id or f'{self.owner_kind}:{self.owner_id}'}: {self.kind}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
