"""
Fixed-window rate limits on Django's cache (Redis in production). Rates read like
"10/m" (per second, minute, hour or day); "off" disables a limit, for load tests. With
the cache unreachable the limit is not counted (it fails open, with a warning), so an
outage of Redis never stops people from booking.
A small module rather than django-ratelimit, whose checks refuse the file cache that
`make run` uses; the counting is the same: cache.add then cache.incr.
"""

import logging

from common import clock

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    rate = (rate or "").strip().lower()
    if rate in ("", "off", "none", "0"):
        return None
    count, _slash, period = rate.partition("/")
    return int(count), _PERIODS[period[:1]]


def hit(*, scope: str, key: str, rate: str, now: float | None = None) -> int | None:
    """Counts one hit; returns the seconds to wait when over the limit, else None."""
    from django.core.cache import cache

    parsed = parse_rate(rate)
    if parsed is None or not key:
        return None
    limit, period = parsed
    now = clock.timestamp() if now is None else now
    window = int(now // period)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    try:
        cache.add(cache_key, 0, timeout=period + 1)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=period + 1)
            count = 1
    except Exception as error:  # Redis down: the limit opens rather than the service closing
        logger.warning(
            "rate limit %s not counted, cache unavailable: %s", scope, type(error).__name__
        )
        return None
    if count > limit:
        return max(1, int((window + 1) * period - now))
    return None
