"""
The result of a person's device check, saved to their booking so the counselor sees, before
the start, who may need a phone call. Only coarse outcomes arrive: per part "passed",
"not_tested" or the kind of problem, and the connection's figures. The browser never sends
an image, a sound or a device's name, and nothing here would accept one.
"""

import math
from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from bookings.exceptions import BookingInvalid, NotAllowedNow
from bookings.models import Booking, DeviceCheck, DeviceCheckOutcome
from bookings.services.create import rate_check
from bookings.services.locking import booking_lock, booking_transaction

# The kinds of problem each part can report (anything else is refused).
PROBLEMS: dict[str, tuple[str, ...]] = {
    "browser": ("unsupported", "app_needed"),
    "camera": ("denied", "missing", "in_use", "unavailable"),
    "microphone": ("denied", "missing", "in_use", "silent", "unavailable"),
    "speaker": ("not_heard",),
    "connection": ("slow", "unstable", "failed"),
    "battery": ("low",),
}
# Outcomes that are not problems: on a phone, Zoom and Teams are joined with their app.
FINE: dict[str, tuple[str, ...]] = {"browser": ("app",)}
_FIGURES = {"round_trip_ms": 60_000, "download_kbps": 10_000_000, "upload_kbps": 10_000_000}


def _figure(value: object, limit: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value))
    except ValueError:
        return None
    if not math.isfinite(number):  # "1e999", "inf", "nan": no figure, not a crash
        return None
    return int(min(max(number, 0), limit))


def device_check_record(
    *, booking: Booking, result: Mapping[str, str], now: datetime
) -> DeviceCheck:
    """
    Saves one check's outcome to an active booking. Raises BookingInvalid for an unknown
    outcome, NotAllowedNow for a booking that ended or was cancelled, RateLimited when one
    booking sends too many.
    """
    errors: dict[str, list[str]] = {}
    outcomes = {}
    for part, problems in PROBLEMS.items():
        value = str(result.get(part) or DeviceCheckOutcome.NOT_TESTED)
        fine = (DeviceCheckOutcome.PASSED, DeviceCheckOutcome.NOT_TESTED, *FINE.get(part, ()))
        if value not in (*fine, *problems):
            errors[part] = [_("Run the check again: this result was not understood.")]
        outcomes[part] = value
    if errors:
        raise BookingInvalid(errors)
    rate_check("device-check-result", [f"booking:{booking.pk}"], settings.RATE_LIMIT_DEVICE_RESULT)
    with booking_transaction():
        booking = booking_lock(booking.pk)
        if not booking.is_active or booking.end <= now:
            raise NotAllowedNow(_("This booking is no longer active, so the result was not saved."))
        return DeviceCheck.objects.create(
            booking=booking,
            at=now,
            passed=all(
                v in (DeviceCheckOutcome.PASSED, DeviceCheckOutcome.NOT_TESTED, *FINE.get(part, ()))
                for part, v in outcomes.items()
            ),
            **outcomes,
            **{name: _figure(result.get(name), limit) for name, limit in _FIGURES.items()},
        )
