"""What providers take and return: plain values, never models."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class MeetingRequest:
    booking_uuid: str
    topic: str
    start_utc: datetime
    end_utc: datetime
    host_id: str = ""
    attendee_email: str = ""
    lobby: bool = True


@dataclass(frozen=True)
class MeetingInfo:
    provider: str
    external_id: str
    join_url: str
    host_url: str = ""
    passcode: str = ""
    meeting_number: str = ""


@dataclass(frozen=True)
class AttendanceRecord:
    email: str
    joined_at: datetime


@dataclass(frozen=True)
class Capabilities:
    auto_create: bool
    auto_delete: bool
    attendance: bool
    manual_url: bool
    auto_update: bool = False  # a meeting moves at the platform with the booking's time


class ConferencingError(Exception):
    """Base of every provider error. Messages never contain personal data."""


class AuthError(ConferencingError):
    """Credentials refused (after one token refresh)."""


class NotAuthorized(ConferencingError):
    """The account may not do this (e.g. no Teams application access policy)."""


class NotFound(ConferencingError):
    pass


class InvalidRequest(ConferencingError):
    pass


class TransientError(ConferencingError):
    """5xx, timeouts, connection errors: worth retrying with backoff."""


class RateLimited(ConferencingError):
    def __init__(self, message: str, *, retry_after_seconds: float):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class AccountMissing(ConferencingError):
    """The office's platform account is not configured: never fall back silently."""
