"""Domain errors of booking; each carries a code for the API and a message for people."""

from dataclasses import dataclass

from django.utils.functional import Promise


class BookingError(Exception):
    code = "error"

    def __init__(self, message: str | Promise):
        super().__init__(str(message))
        self.message = message


class BookingInvalid(BookingError):
    """Field errors: {field: [message, ...]}."""

    code = "invalid"

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("invalid booking request")
        self.errors = errors


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


class ServiceClosed(BookingError):
    code = "service_closed"


class ApplicantBarred(BookingError):
    code = "barred"


class BookingLimitReached(BookingError):
    code = "limit_reached"


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

    def __init__(self, message, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class NotAllowedNow(BookingError):
    """The action is not possible in the booking's state or at this time."""

    code = "not_allowed"
