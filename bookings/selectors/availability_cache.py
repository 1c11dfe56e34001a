"""
Cached availability for the public pages and the API (the hottest reads).

Correctness: the key holds a per-office version that is bumped after the commit of any
change that moves availability (a booking's state or time, hours, closures, counselors,
absences, services, the office's rules), and the current minute, because "now" moves the
lead-time boundary and past starts. Bumping after commit, never before, means no request
can cache the old state under the new version. `booking_create` never reads this cache: it
re-checks availability under its lock, so a stale entry can at worst offer a time that is
then refused with fresh alternatives, never double-book it.
"""

import json
import logging
import time
from collections.abc import Callable
from datetime import date, datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

from bookings.models import Booking
from bookings.selectors.availability import Slot, slot_list_available
from offices.models import (
    Closure,
    Counselor,
    CounselorAbsence,
    Office,
    OpeningHours,
    Service,
    User,
)

TIMEOUT = 120
logger = logging.getLogger(__name__)

# The cache is an accelerator: when Redis is unreachable, every read is computed afresh
# from PostgreSQL and nothing fails. (Cache keys carry the minute, so a version bump lost
# in an outage leaves stale entries reachable for less than a minute; booking re-checks
# under its lock whatever a page showed.)


def _version_key(office_id: int) -> str:
    return f"availability:version:{office_id}"


def _version(office_id: int) -> int:
    version = cache.get(_version_key(office_id))
    if version is None:
        version = 1
        cache.add(_version_key(office_id), version, timeout=None)
    return version


def _cache_down(error: Exception) -> None:
    logger.warning("cache unavailable, availability computed afresh: %s", type(error).__name__)


def _bump_after_commit(key: str, *, now_too: bool = False) -> None:
    def bump() -> None:
        try:
            cache.incr(key)
        except ValueError:  # no version yet (or evicted): any new value invalidates
            try:
                cache.set(key, 2, timeout=None)
            except Exception as error:
                _cache_down(error)
        except Exception as error:  # Redis down: see above
            _cache_down(error)

    if now_too:
        bump()
    transaction.on_commit(bump)


# Sent once a change that moves an office's availability is committed: a booking
# cancelled, lapsed, declined or moved, a closure lifted, hours or counselors changed. The
# one place other apps learn that a time may have been freed (the waitlist listens,
# waitlist/receivers.py); receivers get `office_id` and must not raise into the committer.
availability_moved = Signal()


def availability_changed(office_id: int, *, may_free: bool = True) -> None:
    """Call inside or outside a transaction: the bump happens once committed, and then
    `availability_moved` is sent, unless the change can only have taken time (`may_free`
    False: a booking just made), which frees nothing for the waitlist to offer."""
    _bump_after_commit(_version_key(office_id))
    if may_free:
        transaction.on_commit(
            lambda: availability_moved.send_robust(sender=Office, office_id=office_id),
            robust=True,
        )


# The office's setup alone (hours, closures, counselors, absences, services, the office,
# its staff), apart from its bookings: what `booking_create` reads before its lock is
# cached under a version of its own, that no booking bumps.
def _setup_key(office_id: int) -> str:
    return f"availability:setup:{office_id}"


def setup_changed(office_id: int) -> None:
    """Bumped at once (this transaction's own reads see the change) and again after the
    commit (an entry another request made in between, from the old setup, is left behind)."""
    _bump_after_commit(_setup_key(office_id), now_too=True)


def setup_cached(office_id: int, name: str, build: Callable):
    """`build()`, remembered under the office's setup version (Redis down: built)."""
    try:
        version = cache.get(_setup_key(office_id))
        if version is None:
            version = 1
            cache.add(_setup_key(office_id), version, timeout=None)
        key = f"setup:{office_id}:{version}:{name}"
        value = cache.get(key)
    except Exception as error:
        _cache_down(error)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, timeout=TIMEOUT)
        except Exception as error:
            _cache_down(error)
    return value


def day_offer_cached(*, service: Service, day: date, now: datetime) -> list[Slot]:
    """The starts `service` offers on `day` with who is present, bookings ignored (as
    `slot_list_available(ignore_bookings=True)`): the setup's version and the minute
    (the lead-time boundary moves with it) key it."""
    minute = int(now.timestamp() // 60)
    # The office's setup version as read with the service: an entry is never older than
    # the setup the booking compares under its lock (services.create).
    version = service.office.setup_version
    return setup_cached(
        service.office_id, f"offer:{service.pk}:{day.isoformat()}:{minute}:{version}",
        lambda: slot_list_available(
            service=service, first_day=day, last_day=day, now=now, ignore_bookings=True
        ),
    )  # fmt: skip


def _key(kind: str, service: Service, first_day: date, last_day: date, now: datetime) -> str:
    minute = int(now.timestamp() // 60)
    return (
        f"{kind}:{service.office_id}:{_version(service.office_id)}:{service.pk}:"
        f"{first_day.isoformat()}:{last_day.isoformat()}:{minute}"
    )


def _cached(kind: str, service: Service, first_day: date, last_day: date, now: datetime, build):
    try:
        key = _key(kind, service, first_day, last_day, now)
        value = cache.get(key)
    except Exception as error:
        _cache_down(error)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, timeout=TIMEOUT)
        except Exception as error:
            _cache_down(error)
    return value


def slot_list_cached(
    *, service: Service, first_day: date, last_day: date, now: datetime
) -> list[Slot]:
    return _cached(
        "availability", service, first_day, last_day, now,
        lambda: slot_list_available(
            service=service, first_day=first_day, last_day=last_day, now=now
        ),
    )  # fmt: skip


def slot_json_cached(*, service: Service, first_day: date, last_day: date, now: datetime) -> bytes:
    """The API's answer, serialized once per office version and minute (the hottest read)."""

    def build() -> bytes:
        slots = slot_list_cached(service=service, first_day=first_day, last_day=last_day, now=now)
        body = [
            {"start": s.start.isoformat(), "end": s.end.isoformat(), "free": s.free} for s in slots
        ]
        return json.dumps({"slots": body}, separators=(",", ":")).encode()

    return _cached("availability-json", service, first_day, last_day, now, build)


def _office_id_of(instance) -> int | None:
    if isinstance(instance, Office):
        return instance.pk
    if isinstance(instance, CounselorAbsence):
        return (
            Counselor.objects.filter(pk=instance.counselor_id)
            .values_list("office_id", flat=True)
            .first()
        )
    return getattr(instance, "office_id", None)


_SERVICE_TTL = 10.0
_service_memo: dict[tuple[str, str], tuple[float, Service]] = {}


def service_remembered(key: tuple[str, str], load: Callable[[], Service]) -> Service:
    """The service `load()` finds, remembered by this process for 10 seconds under `key`."""
    now = time.monotonic()
    memo = _service_memo.get(key)
    if memo is not None and now - memo[0] < _SERVICE_TTL:
        return memo[1]
    service = load()
    if len(_service_memo) > 1000:
        _service_memo.clear()
    _service_memo[key] = (now, service)
    return service


def service_memo_clear(**_kwargs) -> None:
    """Forgets the remembered services (on any change to a service or office here)."""
    _service_memo.clear()


def _on_change(sender, instance, **kwargs) -> None:
    office_id = _office_id_of(instance)
    if office_id:
        # A booking inserted takes a time and frees none: the waitlist is not woken (it
        # was, for every booking: a match task queued and run for nothing).
        made = isinstance(instance, Booking) and kwargs.get("created", False)
        availability_changed(office_id, may_free=not made)
        if not isinstance(instance, Booking):
            setup_changed(office_id)


def _on_staff_change(sender, instance, **kwargs) -> None:
    """A staff account or its roles changed: who an office's notices go to may have."""
    if isinstance(instance, User):
        if instance.office_id:
            setup_changed(instance.office_id)
        return
    for office_id in Office.objects.values_list("pk", flat=True):  # a role edited
        setup_changed(office_id)


def connect_signals() -> None:
    """Setup changes made anywhere (admin, shell, seed) invalidate the office's cache."""
    post_save.connect(_on_staff_change, sender=User, dispatch_uid="setup-user")
    post_delete.connect(_on_staff_change, sender=User, dispatch_uid="setup-user-d")
    m2m_changed.connect(
        _on_staff_change, sender=User.groups.through, dispatch_uid="setup-user-groups"
    )

    for model in (Service, Office):
        post_save.connect(service_memo_clear, sender=model, dispatch_uid=f"memo-{model.__name__}")
        post_delete.connect(
            service_memo_clear, sender=model, dispatch_uid=f"memo-{model.__name__}-d"
        )
    for model in (Booking, OpeningHours, Closure, Counselor, CounselorAbsence, Service, Office):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"availability-{model.__name__}")
        post_delete.connect(
            _on_change, sender=model, dispatch_uid=f"availability-{model.__name__}-d"
        )
