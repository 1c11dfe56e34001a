"""Reads for staff sign-in: lockouts and slow-downs, second factors, sessions."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django_otp import devices_for_user

from accounts.models import EntraSignIn


@dataclass(frozen=True)
class FailedSignIns:
    count: int
    last: datetime | None


def failed_sign_ins(*, username: str | None = None, address: str | None = None,
                    now: datetime) -> FailedSignIns:  # fmt: skip
    """Failures still counted (within the cool-off) for a username or a network."""
    attempts = AccessAttempt.objects.filter(
        attempt_time__gte=now - timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES)
    )
    attempts = attempts.filter(username=username) if username is not None else attempts
    attempts = attempts.filter(ip_address=address) if address is not None else attempts
    totals = attempts.aggregate(count=Sum("failures_since_start"), last=Max("attempt_time"))
    return FailedSignIns(count=totals["count"] or 0, last=totals["last"])


def slowdown_seconds(failures: int) -> int:
    """
    The wait after `failures` wrong passwords for one username: none before
    `STAFF_SLOWDOWN_AFTER`, then 15 s doubling with each failure up to 4 minutes.
    """
    over = failures - settings.STAFF_SLOWDOWN_AFTER
    if over < 0:
        return 0
    return min(15 * 2**over, 240)


def sign_in_wait_seconds(*, username: str, now: datetime) -> int:
    """How long a sign-in with this username must still wait (0: it may try now)."""
    failures = failed_sign_ins(username=username, now=now)
    if failures.last is None or failures.count >= settings.AXES_FAILURE_LIMIT:
        return 0  # nothing to wait for, or locked (the lockout page says until when)
    until = failures.last + timedelta(seconds=slowdown_seconds(failures.count))
    return max(0, int((until - now).total_seconds() + 0.999))


@dataclass(frozen=True)
class Lockout:
    by_username: bool
    by_network: bool
    until: datetime | None


def lockout_state(*, username: str | None, address: str | None, now: datetime) -> Lockout:
    """Which lock holds a sign-in (the username's, the network's, or none) and until when."""
    cool_off = timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES)
    user = failed_sign_ins(username=username, now=now) if username else FailedSignIns(0, None)
    network = failed_sign_ins(address=address, now=now) if address else FailedSignIns(0, None)
    by_username = user.count >= settings.AXES_FAILURE_LIMIT
    by_network = network.count >= settings.STAFF_LOCKOUT_ADDRESS_LIMIT
    lasts = [f.last for f, locked in ((user, by_username), (network, by_network)) if locked]
    until = max(lasts) + cool_off if lasts else None
    return Lockout(by_username=by_username, by_network=by_network, until=until)


def has_second_factor(*, user) -> bool:
    """A confirmed passkey, authenticator app or recovery code set (an Entra ID sign-in's
    record is not a factor one can be asked for)."""

    return any(not isinstance(d, EntraSignIn) for d in devices_for_user(user, confirmed=True))
