"""
Who else could take a booking at its time: the guard a change of counselor passes, the
same a new booking passes at that moment (the service's hours that day, the counselor
present and free), read in four queries for all of an office's counselors at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from bookings.models import TIME_HOLDING_STATUSES, Booking, BookingStatus
from common.clock import JST
from offices.business_days import calendar_from_closures, day_windows
from offices.models import Closure, Counselor, CounselorAbsence
from offices.rules import rules_for_service
from offices.selectors import weekly_hours


@dataclass(frozen=True)
class CounselorChoice:
    counselor: Counselor
    refusal: str | None  # why this counselor cannot take the booking; None: free


def booking_within_hours(booking: Booking) -> bool:
    """Whether the booking's session (its booked length, not an extension) lies in a window
    of its service's hours on its day, extra openings and closures included."""
    local = booking.start.astimezone(JST)
    day = local.date()
    rows = Closure.objects.filter(office_id=booking.office_id, date=day).values_list(
        "date", "kind", "start", "end"
    )
    calendar, extra = calendar_from_closures(rows)
    slot = rules_for_service(booking.service, booking.office).slot_minutes
    end = (local + timedelta(minutes=slot)).time()
    if (local + timedelta(minutes=slot)).date() != day:
        return False
    windows = day_windows(calendar, extra, weekly_hours(booking.service), day)
    return any(start <= local.time() and end <= close for start, close in windows)


def counselor_choices(booking: Booking, *, now: datetime) -> list[CounselorChoice]:
    """The office's other active counselors, each free for the booking's time or with the
    reason they are not (absent that day, another booking then)."""
    day = booking.start.astimezone(JST).date()
    counselors = list(
        Counselor.objects.filter(office_id=booking.office_id, is_active=True)
        .exclude(pk=booking.counselor_id)
        .order_by("display_name", "pk")
    )
    ids = [c.pk for c in counselors]
    absent = dict(
        CounselorAbsence.objects.filter(
            counselor_id__in=ids, start_date__lte=day, end_date__gte=day
        ).values_list("counselor_id", "reason")
    )
    busy = {}
    for counselor_id, start in (
        Booking.objects.filter(
            counselor_id__in=ids,
            status__in=TIME_HOLDING_STATUSES,
            start__lt=booking.end,
            end__gt=booking.start,
        )
        .exclude(pk=booking.pk)
        .exclude(status=BookingStatus.PENDING_VERIFICATION, verification_expires_at__lte=now)
        .order_by("start")
        .values_list("counselor_id", "start")
    ):
        busy.setdefault(counselor_id, start)
    choices = []
    for counselor in counselors:
        refusal = None
        if counselor.pk in absent:
            reason = absent[counselor.pk]
            refusal = (
                _("absent that day: %(reason)s") % {"reason": reason}
                if reason
                else _("absent that day")
            )
        elif counselor.pk in busy:
            refusal = _("another booking at %(time)s") % {
                "time": busy[counselor.pk].astimezone(JST).strftime("%H:%M")
            }
        choices.append(CounselorChoice(counselor, refusal))
    return choices
