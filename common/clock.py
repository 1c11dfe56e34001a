"""
The one clock: every part of the code asks this module for "now", never
`timezone.now()`, `datetime.now()`, `date.today()` or `time.time()` (a check in the test
suite, `tests/test_clock.py`, keeps it so).

A request or a Celery task reads the clock once: `ClockMiddleware` and the task signals
below pin "now" for the request or task (a context variable, as pretix's `timemachine`
does), so every `now()` inside it answers the same moment, and views hand that value to
services as `now=`. Services and selectors that depend on the time take `now` as a
keyword-only argument and pass it on; they never read the clock themselves.

Japan has kept UTC+9 without daylight saving since 1951, so a fixed offset is exact for
every date this product handles, and much cheaper than a ZoneInfo in comparisons.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import date, datetime, timedelta, timezone

from django.http import HttpRequest, HttpResponse
from django.utils import timezone as django_timezone

JST = timezone(timedelta(hours=9), "JST")

_pinned: ContextVar[datetime | None] = ContextVar("clock_pinned", default=None)


def now() -> datetime:
    """The current moment (aware, UTC), or the moment pinned for this request or task."""
    pinned = _pinned.get()
    return pinned if pinned is not None else django_timezone.now()


def today() -> date:
    """Today's date in Japan."""
    return now().astimezone(JST).date()


def timestamp() -> float:
    """`now()` as seconds since the epoch (rate-limit windows, signature ages)."""
    return now().timestamp()


@contextmanager
def pinned(moment: datetime | None = None) -> Iterator[datetime]:
    """Within the block, `now()` answers `moment` (by default, the moment it began)."""
    moment = moment or django_timezone.now()
    token = _pinned.set(moment)
    try:
        yield moment
    finally:
        _pinned.reset(token)


class ClockMiddleware:
    """Reads the clock once per request: `request.now`, and `now()` pinned to it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with pinned() as moment:
            request.now = moment
            return self.get_response(request)


def request_now(request: HttpRequest) -> datetime:
    """The request's moment (set by `ClockMiddleware`; the clock for a bare request)."""
    return getattr(request, "now", None) or now()


_task_tokens: dict[str, object] = {}


def pin_for_task(task_id: str | None = None, **kwargs) -> None:
    """Celery `task_prerun`: the task reads the clock once, at its start."""
    if task_id:
        _task_tokens[task_id] = _pinned.set(now())


def unpin_for_task(task_id: str | None = None, **kwargs) -> None:
    """Celery `task_postrun`."""
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        # A task that ended in another context than it began has nothing to undo.
        with suppress(ValueError):
            _pinned.reset(token)
