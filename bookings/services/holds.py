"""
Holds that cannot be abused. A public booking that holds a time without confirming it
(the email check, or a request waiting for a counselor) expires on its own unless the
person confirms it from their email: the email check's window where the office uses it,
else the request-confirmation link in the "request received" email, open for the office's
email-check window or `REQUEST_CONFIRM_MINUTES`. A request confirmed from its email then
waits for a counselor until its `decide_by` (the office's `request_decision_hours`, never
after the start) and lapses undecided (`requests_lapse_undecided`, every few minutes), the
person told and offered to book again. Holds are also limited per client address (IPv4,
or IPv6 /64) per office per day (`HOLD_LIMIT_PER_ADDRESS`, holds made only, checked at the
time step) and per service per session day (undecided ones, confirmed from the email or
not: half the day's open places, at least `HOLD_MAX_UNCONFIRMED_PER_DAY`), so a burst of
invented identities cannot empty a day; counselors see bursts on the admin's "suspicious
bursts" page.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from bookings.exceptions import HoldsBusy, RateLimited
from bookings.models import Booking, BookingStatus
from bookings.services.locking import booking_lock, booking_transaction
from bookings.services.notify import booking_notify
from bookings.services.transitions import booking_transition
from bookings.state import Actor, EmailKind, Reason
from common import ratelimit
from common.clock import JST
from common.http import address_key
from offices.business_days import request_answer_deadline
from offices.models import Office, Service
from offices.rules import BookingRules
from offices.selectors import office_calendar, weekly_hours

# The database truncates in a named zone: SQLite cannot load a fixed offset like `JST`
# (the time page failed there once holds waited, in `make run` too); Japan keeps no
# daylight saving, so the day is the same.
TOKYO = ZoneInfo("Asia/Tokyo")

UNCONFIRMED = (BookingStatus.PENDING_VERIFICATION, BookingStatus.REQUESTED)


def is_public_hold(rules: BookingRules) -> bool:
    return rules.needs_email_check or rules.needs_staff_approval


def hold_minutes(rules: BookingRules) -> int:
    return rules.email_verification_minutes or settings.REQUEST_CONFIRM_MINUTES


def hold_expires_at(rules: BookingRules, now: datetime) -> datetime:
    return now + timedelta(minutes=hold_minutes(rules))


def _hold_scope(office: Office, now: datetime) -> str:
    return f"hold:{office.pk}:{now.astimezone(JST).date().isoformat()}"


def hold_allowance_check(
    *, office: Office, ip_address: str | None, now: datetime, factor: int = 1
) -> None:
    """
    Refuses when this address (an IPv4 address or an IPv6 /64) has made its holds at this
    office today (Japan): asked at the time step, before the person types anything, and by
    the API before it books. Counts nothing: `hold_count` counts a hold once it is made, so
    refused attempts and replays of a double tap never count. `factor` widens the limit
    for the web form's last step, which only stops a script that opened many forms at once.
    """

    key = address_key(ip_address)
    parsed = ratelimit.parse_rate(settings.HOLD_LIMIT_PER_ADDRESS)
    if not key or parsed is None:
        return
    rate = f"{parsed[0] * factor}/d"
    wait = ratelimit.over(scope=_hold_scope(office, now), key=key, rate=rate)
    if wait is not None:
        raise RateLimited(
            _(
                "Your connection has already made the most online requests for this office "
                "today. Please phone the office, or book online tomorrow."
            ),
            retry_after=wait,
        )


def hold_count(*, office: Office, ip_address: str | None, now: datetime) -> None:
    """Counts one hold made from this address at this office today."""
    key = address_key(ip_address)
    if key:
        ratelimit.hit(scope=_hold_scope(office, now), key=key, rate=settings.HOLD_LIMIT_PER_ADDRESS)


def hold_day_limit(places: int) -> int:
    """
    How many undecided public holds a session day may have: half its open places (free
    now, or held by such a request), never fewer than `HOLD_MAX_UNCONFIRMED_PER_DAY`.
    A burst can take at most half of a day; a busy day's real people are not refused while
    many times are listed.
    """
    return max(settings.HOLD_MAX_UNCONFIRMED_PER_DAY, places // 2)


def undecided_holds(*, now: datetime):
    """Public holds no counselor has decided yet: waiting for the email, or confirmed from
    it and waiting for a counselor (until `decide_by`)."""
    return Booking.objects.filter(status__in=UNCONFIRMED).filter(
        Q(verification_expires_at__gt=now)
        | Q(verification_expires_at__isnull=True, decide_by__gt=now)
    )


def hold_day_check(
    *, service: Service, start: datetime, free_places: int, now: datetime,
    exclude_pk: int | None = None,
) -> None:  # fmt: skip
    """
    Refuses a new public hold when the service's session day already has the most
    allowed undecided (`hold_day_limit` of the day's open places; `free_places` are the
    places not taken by any booking); `exclude_pk`: a hold moving to this day. The caller
    holds the office's lock.
    """
    if not settings.HOLD_MAX_UNCONFIRMED_PER_DAY:
        return
    day = start.astimezone(JST).date()
    day_start = datetime.combine(day, datetime.min.time(), tzinfo=JST)
    waiting = (
        undecided_holds(now=now)
        .filter(service=service, start__gte=day_start, start__lt=day_start + timedelta(days=1))
        .exclude(pk=exclude_pk)
        .count()
    )
    if waiting >= hold_day_limit(free_places + waiting):
        raise HoldsBusy(
            _(
                "Many requests for this day are waiting to be confirmed. Please choose "
                "another day, try again in an hour, or phone the office."
            )
        )


def days_at_hold_cap(*, service: Service, free_by_day: dict, now: datetime) -> set:
    """
    The session days among `free_by_day` (day: its free places) whose undecided public
    holds already reached `hold_day_limit`: the time step offers none of their times, so
    nobody types their details for a time `hold_day_check` would then refuse (issue 23).
    One query.
    """

    if not settings.HOLD_MAX_UNCONFIRMED_PER_DAY or not free_by_day:
        return set()
    first = datetime.combine(min(free_by_day), datetime.min.time(), tzinfo=JST)
    last = datetime.combine(max(free_by_day), datetime.min.time(), tzinfo=JST)
    rows = (
        undecided_holds(now=now)
        .filter(service=service, start__gte=first, start__lt=last + timedelta(days=1))
        .annotate(day=TruncDate("start", tzinfo=TOKYO))
        .values("day")
        .annotate(waiting=Count("pk"))
        .values_list("day", "waiting")
    )
    return {
        day
        for day, waiting in rows
        if day in free_by_day and waiting >= hold_day_limit(free_by_day[day] + waiting)
    }


def request_decide_by(booking: Booking, rules: BookingRules, now: datetime) -> datetime:
    """When a request confirmed from its email lapses if no counselor has answered: the
    office's answer time (`answer_deadline`) from now, never after the session's start."""
    return answer_deadline(booking, rules, sent=now, latest=booking.start)


def answer_deadline(
    booking: Booking, rules: BookingRules, *, sent: datetime, latest: datetime
) -> datetime:
    """By when a counselor answers what the person `sent` (a request, a change of time): the
    end of the service's hours on the office's `request_decision_business_days`-th business
    day where it sets them (the deadline its own page promises: Kawagoe's 「翌営業日まで」),
    else its `request_decision_hours` later; never after `latest`."""
    now = sent
    if rules.request_decision_business_days:
        today = now.astimezone(JST).date()
        calendar = office_calendar(office=booking.office, start=today, end=today + timedelta(31))
        answer_by = request_answer_deadline(
            now, rules.request_decision_business_days, calendar, weekly_hours(booking.service)
        )
    else:
        answer_by = now + timedelta(hours=rules.request_decision_hours)
    return min(answer_by, latest)


def request_lapse(booking: Booking, *, now: datetime) -> None:
    """A request no counselor answered in time, a proposal the person did not accept by its
    deadline, or a request whose time came undecided frees its time: expired, with its
    event and the email that says so and offers to book again (the caller holds the
    booking's lock)."""
    proposal = booking.proposed_at is not None and booking.start > now
    if proposal:
        reason, params = Reason.PROPOSAL_LAPSED, {"deadline_at": booking.decide_by.isoformat()}
    elif booking.start <= now:
        reason, params = Reason.UNDECIDED_AT_START, None
    else:
        reason, params = Reason.REQUEST_UNDECIDED, None
    booking_transition(
        booking, BookingStatus.EXPIRED, at=now, actor_label=Actor.SYSTEM,
        reason_code=reason, reason_params=params,
    )  # fmt: skip
    undecided = booking.verification_expires_at is None  # else: never confirmed from the email
    booking_notify(
        booking, EmailKind.EXPIRED, extra={"undecided": undecided, "proposal_lapsed": proposal}
    )


def _lapse_due(booking: Booking, now: datetime) -> bool:
    """A request confirmed from its email (or proposed another time) is due to lapse at its
    `decide_by`, and any request once its time has come (the email check's own window
    lapses it otherwise: `bookings_expire_unverified`)."""
    if booking.status != BookingStatus.REQUESTED:
        return False
    if booking.start <= now:
        return True
    return booking.decide_by is not None and booking.decide_by <= now


def requests_lapse_undecided(*, now: datetime) -> int:
    """Periodic (every few minutes): every request whose `decide_by` or whose time passed
    lapses, so no past request can be confirmed or stays in the counts. Safe to run twice
    or late: each booking is locked and re-checked. Returns how many lapsed."""
    lapsed = 0
    ids = list(
        Booking.objects.filter(status=BookingStatus.REQUESTED)
        .filter(Q(decide_by__lte=now) | Q(start__lte=now))
        .values_list("pk", flat=True)
    )
    for booking_id in ids:
        with booking_transaction():
            booking = booking_lock(booking_id)
            if not _lapse_due(booking, now):
                continue  # answered meanwhile
            request_lapse(booking, now=now)
            lapsed += 1
    return lapsed
