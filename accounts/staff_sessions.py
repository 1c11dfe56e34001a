"""
Staff sessions: an idle timeout, the list of a staff member's own active sessions, and
signing out of one, of every other, or everywhere (a second factor reset, an account
deactivated or no longer staff).

A session is Django's own (its store, `SESSION_ENGINE`); `StaffSession` names it by key
with what the list shows. The idle check reads the session's own "last active" value
(`SEEN_KEY`), so a request costs no query; that value and the row's `last_seen` move at
most once a minute. Ending a session deletes it from the store: its next request is
signed out, whatever browser it comes from.
"""

from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.http import HttpRequest

from accounts.models import StaffSession
from common.http import client_ip
from common.privacy import device_type
from terms.services import truncate_ip

SEEN_KEY = "staff_seen"  # epoch seconds of the session's last activity (a minute's precision)
TOUCH_SECONDS = 60


def _store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def idle_timeout() -> timedelta:
    return timedelta(minutes=settings.STAFF_IDLE_MINUTES)


def staff_session_start(*, request: HttpRequest, user, now: datetime) -> StaffSession | None:
    """At sign-in: the session's row (device label, network) and its first activity."""

    key = request.session.session_key
    if not key:
        return None
    request.session[SEEN_KEY] = now.timestamp()
    row, _created = StaffSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "device_type": device_type(request.META.get("HTTP_USER_AGENT", ""))[:40],
            "network": truncate_ip(client_ip(request)),
            "signed_in_at": now,
            "last_seen": now,
        },
    )
    return row


def staff_session_is_idle(*, request: HttpRequest, now: datetime) -> bool:
    """Whether the request's session has had no activity for `STAFF_IDLE_MINUTES`."""
    seen = request.session.get(SEEN_KEY)
    return seen is not None and now.timestamp() - float(seen) > idle_timeout().total_seconds()


def staff_session_touch(*, request: HttpRequest, user, now: datetime) -> None:
    """
    Moves the session's last activity to `now`, at most once a minute (then one UPDATE of
    the row; a session from before the row existed, or whose key changed, gets one).
    """
    seen = request.session.get(SEEN_KEY)
    if seen is not None and now.timestamp() - float(seen) < TOUCH_SECONDS:
        return
    request.session[SEEN_KEY] = now.timestamp()
    key = request.session.session_key
    if key and not StaffSession.objects.filter(session_key=key).update(last_seen=now):
        staff_session_start(request=request, user=user, now=now)


def staff_session_forget(*, session_key: str | None) -> None:
    """The row of a session that ended by itself (signed out)."""
    if session_key:
        StaffSession.objects.filter(session_key=session_key).delete()


def _end(rows) -> int:
    ended = 0
    for row in list(rows):
        _store().delete(row.session_key)
        row.delete()
        ended += 1
    return ended


def staff_sessions_active(*, user, now: datetime) -> list[StaffSession]:
    """The account's own sessions still signed in (still in the store, active lately)."""
    rows = StaffSession.objects.filter(user=user, last_seen__gte=now - idle_timeout())
    store = _store()
    return [row for row in rows.order_by("-last_seen") if store.exists(row.session_key)]


def staff_session_end(*, user, session_id: int) -> bool:
    """Signs out one of the account's own sessions (another person's: nothing, False)."""
    return _end(StaffSession.objects.filter(user=user, pk=session_id)) > 0


def staff_sessions_end_others(*, user, keep_key: str | None) -> int:
    """Signs out every session of the account but the one asking."""
    return _end(StaffSession.objects.filter(user=user).exclude(session_key=keep_key or ""))


def staff_sessions_end_all(*, user) -> int:
    """Signs the account out everywhere (a second factor reset, an account deactivated)."""
    return _end(StaffSession.objects.filter(user=user))


def staff_sessions_end_idle(*, now: datetime) -> int:
    """Periodic: ends, in the store too, the sessions idle past the timeout."""
    return _end(StaffSession.objects.filter(last_seen__lt=now - idle_timeout()))
