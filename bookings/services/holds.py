"""
Holds that cannot be abused. A public booking that holds a time without confirming it
(the email check, or a request waiting for a counselor) expires on its own unless the
person confirms it from their email: the email check's window where the office uses it,
else the request-confirmation link in the "request received" email, open for the office's
email-check window or `REQUEST_CONFIRM_MINUTES`. Holds are also limited per client
address per office per day (`HOLD_LIMIT_PER_ADDRESS`) and per office per session day
(`HOLD_MAX_UNCONFIRMED_PER_DAY` unconfirmed at a time), so a burst of invented identities
cannot empty a day; counselors see bursts on the admin's "suspicious bursts" page.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from bookings.exceptions import HoldsBusy
from bookings.models import Booking, BookingStatus
from common import ratelimit
from common.clock import JST
from offices.models import Office
from offices.rules import BookingRules

UNCONFIRMED = (BookingStatus.PENDING_VERIFICATION, BookingStatus.REQUESTED)


def is_public_hold(rules: BookingRules) -> bool:
    return rules.needs_email_check or rules.needs_staff_approval


def hold_minutes(rules: BookingRules) -> int:
    return rules.email_verification_minutes or settings.REQUEST_CONFIRM_MINUTES


def hold_expires_at(rules: BookingRules, now: datetime) -> datetime:
    return now + timedelta(minutes=hold_minutes(rules))


def hold_rate_check(*, office: Office, ip_address: str | None, now: datetime) -> None:
    """Counts one public hold from this address at this office today (Japan); may raise."""
    from bookings.exceptions import RateLimited

    if not ip_address:
        return
    day = now.astimezone(JST).date().isoformat()
    wait = ratelimit.hit(
        scope=f"hold:{office.pk}:{day}", key=f"ip:{ip_address}",
        rate=settings.HOLD_LIMIT_PER_ADDRESS,
    )  # fmt: skip
    if wait is not None:
        raise RateLimited(
            _(
                "Too many booking requests from your connection today. Please try again "
                "tomorrow, or phone the office."
            ),
            retry_after=wait,
        )


def hold_day_check(*, office: Office, start: datetime, now: datetime) -> None:
    """
    Refuses a new unconfirmed hold when the office's session day already has the most
    allowed waiting for the requester's confirmation. The caller holds the office's lock.
    """
    limit = settings.HOLD_MAX_UNCONFIRMED_PER_DAY
    if not limit:
        return
    day = start.astimezone(JST).date()
    day_start = datetime.combine(day, datetime.min.time(), tzinfo=JST)
    waiting = Booking.objects.filter(
        office=office,
        status__in=UNCONFIRMED,
        verification_expires_at__gt=now,
        start__gte=day_start,
        start__lt=day_start + timedelta(days=1),
    ).count()
    if waiting >= limit:
        raise HoldsBusy(
            _(
                "Many requests for this day are waiting to be confirmed. Please choose "
                "another day, try again in an hour, or phone the office."
            )
        )
