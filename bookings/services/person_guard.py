"""
What one person may hold at an office, counted in one place (issue 23): an email address
never holds two overlapping times at the office, nor more than
`BOOKING_MAX_UPCOMING_PER_PERSON` upcoming bookings (with an invitation, the record the
office named counts too), and a record barred for its no-shows moves no booking.

Only bookings whose address was shown to be the person's count
(`bookings.selectors.identity.address_shown`): a public hold still waiting for its email
link, or an open booking at a service that checks no address, is anyone's claim, so a
stranger typing someone's address can neither use up that person's cap nor be told what
the address holds. For the same reason an open booking whose address is not shown yet is
never refused by these checks when it is made: it gets the same answer as any booking.
A hold is checked when its link is opened (`bookings.services.public.booking_verify`),
where only the address's owner sees the outcome, and it is emailed to them. At a service
that checks no address nobody ever shows the address, so the checks cannot run without
telling whoever typed it: the booking is made, and its own email tells the address when
it now holds another booking at that time, or more than the cap (`person_guard_notice`).
Everywhere else (a booking entered by staff, by invitation, from an emailed open-request
or waitlist link, and every move of a booking) they run when the time is taken.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bookings.exceptions import AlreadyBooked, ApplicantBarred, BookingLimitReached
from bookings.models import ACTIVE_STATUSES, Booking
from bookings.selectors.availability import Slot, slot_list_available
from bookings.selectors.identity import address_shown
from bookings.services.holds import UNCONFIRMED, hold_day_check, undecided_holds
from bookings.services.identity import refusal_message
from common.clock import JST
from offices.models import Office, User


def bookings_of_person(
    *, office: Office, email: str, applicant_id: int | None = None, now: datetime,
    exclude_pk: int | None = None, shown: bool = True,
) -> QuerySet[Booking]:  # fmt: skip
    """The person's upcoming bookings at the office that count: active, not over, made with
    this address (or, given, on this record), the address shown to be theirs (`shown`;
    without it, every booking made with the address but holds still waiting for its link)."""
    whose = Q(email__iexact=email) if email else Q(pk__in=[])
    if applicant_id is not None:
        whose |= Q(applicant_id=applicant_id)
    found = Booking.objects.filter(whose, office=office, status__in=ACTIVE_STATUSES, end__gt=now)
    if shown:
        found = found.filter(address_shown())
    else:
        found = found.exclude(status__in=UNCONFIRMED, verification_expires_at__isnull=False)
    return found.exclude(pk=exclude_pk) if exclude_pk else found


def _refusal(theirs: QuerySet[Booking], start: datetime, end: datetime, adds: bool):
    """What the person's checks refuse, over `theirs`: AlreadyBooked, BookingLimitReached,
    or None (two queries at most)."""
    existing = theirs.filter(start__lt=end, end__gt=start).order_by("start").first()
    if existing is not None:
        return AlreadyBooked(
            _(
                "This email address already has a booking at this office at this time. "
                "Choose another time."
            ),
            existing=existing,
        )
    if adds and theirs.count() >= person_cap():
        return BookingLimitReached(
            _(
                "You already have the most upcoming bookings allowed online at this office "
                "(%(max)d). Cancel one, or book again after a session; or phone the office."
            )
            % {"max": person_cap()}
        )
    return None


def person_guard_check(
    *, office: Office, email: str, applicant_id: int | None = None, start: datetime,
    end: datetime, now: datetime, exclude_pk: int | None = None, adds: bool = True,
) -> None:  # fmt: skip
    """
    Raises AlreadyBooked when the person already holds a time overlapping [start, end) at
    the office, or (`adds`: a new booking rather than a move) BookingLimitReached when they
    hold the most upcoming bookings allowed. `exclude_pk`: the booking being moved or
    confirmed. Two queries at most; the caller holds the office's lock.
    """
    if not email and applicant_id is None:
        return
    theirs = bookings_of_person(
        office=office, email=email, applicant_id=applicant_id, now=now, exclude_pk=exclude_pk
    )
    refused = _refusal(theirs, start, end, adds)
    if refused is not None:
        raise refused


def person_cap() -> int:
    """The most upcoming bookings one person may hold at an office online."""
    return settings.BOOKING_MAX_UPCOMING_PER_PERSON


def person_guard_notice(
    *, office: Office, email: str, start: datetime, end: datetime, now: datetime
) -> dict:
    """
    For an open booking at a service that checks no address, made without these checks:
    what they would have refused, counting every booking made with the address whoever
    made it, for the booking's own email to that address: `{"person_notice": "overlap" or
    "limit", "max_upcoming": N}`, or {} when nothing. Read before the booking is inserted;
    no lock (the email informs, it refuses nothing).
    """
    theirs = bookings_of_person(office=office, email=email, now=now, shown=False)
    refused = _refusal(theirs, start, end, adds=True)
    if refused is None:
        return {}
    why = "overlap" if isinstance(refused, AlreadyBooked) else "limit"
    return {"person_notice": why, "max_upcoming": person_cap()}


def move_guard_check(
    booking: Booking, slot: Slot, *, now: datetime, by: User | None = None
) -> None:
    """
    What moving `booking` to `slot` must pass beyond the time being offered and free
    (hours, closures, lead time, horizon: the availability selector, as for a new booking):
    the same checks as a new booking of that time, through the same code. A record barred
    for its no-shows moves nothing online (the person's change, a counselor's proposal or
    their confirming a change the person asked for; the counselor `by` is told to lift the
    bar first, the person to phone); the person never holds two times at once; an undecided
    public hold counts toward its new day's cap. The caller holds the office's lock.
    """
    if booking.applicant.is_barred:
        if by is not None:
            raise ApplicantBarred(
                _("%(person)s is barred from online booking: lift the bar first, or book for "
                  "them.") % {"person": booking.applicant.name}
            )  # fmt: skip
        raise ApplicantBarred(refusal_message(booking.office))
    person_guard_check(
        office=booking.office, email=booking.email, start=slot.start, end=slot.end, now=now,
        exclude_pk=booking.pk, adds=False,
    )  # fmt: skip
    if undecided_holds(now=now).filter(pk=booking.pk).exists():
        day = slot.start.astimezone(JST).date()
        free = slot_list_available(service=booking.service, first_day=day, last_day=day, now=now)
        hold_day_check(
            service=booking.service, start=slot.start, now=now, exclude_pk=booking.pk,
            free_places=sum(s.free for s in free),
        )  # fmt: skip
