"""What providers take and return: plain values, never models."""

import math
from dataclasses import dataclass
from datetime import datetime

from common.errors import DomainError


@dataclass(frozen=True)
class MeetingRequest:
    booking_uuid: str
    topic: str
    start_utc: datetime
    end_utc: datetime
    host_id: str = ""
    attendee_email: str = ""
    lobby: bool = True
    registration: bool = False  # each participant registers for a join link of their own


@dataclass(frozen=True)
class Participant:
    """One participant's own way in (a registrant's link), where the platform gives one."""

    join_url: str
    registrant_id: str = ""


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
    """What a platform does on its own; the core reads these, never the platform's name."""

    auto_create: bool = False  # meetings are made through an API (else a counselor pastes a link)
    auto_delete: bool = False  # a cancelled booking's meeting is deleted at the platform
    auto_update: bool = False  # a meeting moves at the platform with the booking's time
    attendance_polled: bool = False  # who joined is asked of the platform after the start
    joins_with_number: bool = False  # the person may join with a meeting ID and passcode
    personal_links: bool = False  # each participant gets a join link of their own


class ConferencingError(DomainError):
    """Base of every provider error. Messages never contain personal data. Should one reach
    a client, the platform failed, not the request: 502."""

    code = "meeting_platform_error"
    http_status = 502


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

    http_status = 503


class RateLimited(ConferencingError):
    """The platform asked to wait `retry_after_seconds` (the Retry-After, whole seconds up)."""

    code = "rate_limited"
    http_status = 503

    def __init__(self, message: str, *, retry_after_seconds: float):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
        self.retry_after = max(1, math.ceil(retry_after_seconds))


class AccountMissing(ConferencingError):
    """The office's platform account is not configured: never fall back silently."""


class NotSupported(ConferencingError):
    """The platform cannot do this (the core asks `capabilities` first: reaching it is a bug)."""
