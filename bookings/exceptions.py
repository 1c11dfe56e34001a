"""Domain errors of booking; each carries a code for the API and a message for people
(the shape of every app's errors: `common.errors.DomainError`)."""

from dataclasses import dataclass

from common.errors import DomainError


class BookingError(DomainError):
    """Base of the booking core's refusals."""


class BookingInvalid(BookingError):
    """Field errors: {field: [message, ...]}."""

    code = "invalid"
    http_status = 422

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("invalid booking request")
        self.errors = errors

    def api_fields(self) -> dict:
        return {"errors": {field: [str(m) for m in ms] for field, ms in self.errors.items()}}

    def texts(self) -> list[str]:
        return [str(m) for ms in self.errors.values() for m in ms]


@dataclass(frozen=True)
class Alternative:
    start: object
    end: object
    free: int


class SlotTaken(BookingError):
    """The time is no longer free: carries nearby free times to offer instead."""

    code = "slot_taken"

    def __init__(self, message, *, alternatives: list[Alternative]):
        super().__init__(message)
        self.alternatives = alternatives

    def api_fields(self) -> dict:
        return {
            **super().api_fields(),
            "alternatives": [
                {"start": a.start, "end": a.end, "free": a.free} for a in self.alternatives
            ],
        }


class ServiceClosed(BookingError):
    code = "service_closed"


class ApplicantBarred(BookingError):
    """Said to the public as any refusal (phone the office): never that someone is barred."""

    code = "not_available_online"


class BookingLimitReached(BookingError):
    code = "limit_reached"


class HoldsBusy(BookingError):
    """Too many unconfirmed holds for one day at one office (bookings.services.holds)."""

    code = "holds_busy"


class AlreadyBooked(BookingError):
    """The same person (by the email address given) already holds an overlapping time."""

    code = "already_booked"

    def __init__(self, message, *, existing):
        super().__init__(message)
        self.existing = existing


class IdempotencyConflict(BookingError):
    code = "idempotency_conflict"


class RateLimited(BookingError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class NotAllowedNow(BookingError):
    """The action is not possible in the booking's state or at this time."""

    code = "not_allowed"


class BookingBusy(BookingError):
    """Another change of the same booking or office held its lock past the lock timeout:
    nothing was saved, and trying again in a moment is safe."""

    code = "busy"
    http_status = 503

    def __init__(self, message, *, retry_after: int = 2):
        super().__init__(message)
        self.retry_after = retry_after


class SessionFull(BookingError):
    """Every seat of a group session is taken (bookings.services.seats); `waitlist_url`,
    when set, is the page where a person joins the session's waitlist."""

    code = "session_full"
    waitlist_url: str | None = None

    def api_fields(self) -> dict:
        fields = super().api_fields()
        if self.waitlist_url:
            fields["waitlist_url"] = self.waitlist_url
        return fields


class SeatHeld(BookingError):
    """The person already holds a seat in this group session."""

    code = "seat_held"
