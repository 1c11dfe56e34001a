"""
Fixed-window rate limits on Django's cache (Redis in production). Rates read like
"10/m" (per second, minute, hour or day); "off" disables a limit, for load tests. With
the cache unreachable the limit is not counted (it fails open, with a warning), so an
outage of Redis never stops people from booking.
A small module rather than django-ratelimit, whose checks refuse the file cache that
`make run` uses; the counting is the same: cache.add then cache.incr.
"""

import logging

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache

from common import clock

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    rate = (rate or "").strip().lower()
    if rate in ("", "off", "none", "0"):
        return None
    count, _slash, period = rate.partition("/")
    return int(count), _PERIODS[period[:1]]


def _increment(cache, key: str, remaining: int) -> int:
    """
    Redis, memcached and local memory count in place and keep the key's expiry. The
    others (file, database) implement `incr` as get-then-set with the default timeout
    (five minutes), which would end an hour's or a day's window early: there the value is
    set again with the window's remaining time.
    """

    if isinstance(cache, RedisCache | LocMemCache | BaseMemcachedCache):
        return cache.incr(key)
    value = cache.get(key)
    if value is None:
        raise ValueError(key)
    cache.set(key, value + 1, timeout=remaining)
    return value + 1


def over(*, scope: str, key: str, rate: str, now: float | None = None) -> int | None:
    """Whether `key` has used up its window, without counting a hit: the seconds to wait,
    else None (an unreachable cache: None, as `hit`)."""

    parsed = parse_rate(rate)
    if parsed is None or not key:
        return None
    limit, period = parsed
    now = clock.timestamp() if now is None else now
    window = int(now // period)
    try:
        count = caches["default"].get(f"ratelimit:{scope}:{key}:{window}") or 0
    except Exception as error:
        logger.warning("rate limit %s not read, cache unavailable: %s", scope, type(error).__name__)
        return None
    if count >= limit:
        return max(1, int((window + 1) * period - now))
    return None


def hit(*, scope: str, key: str, rate: str, now: float | None = None) -> int | None:
    """Counts one hit; returns the seconds to wait when over the limit, else None."""

    cache = caches["default"]  # the backend itself (the `cache` proxy hides its class)
    parsed = parse_rate(rate)
    if parsed is None or not key:
        return None
    limit, period = parsed
    now = clock.timestamp() if now is None else now
    window = int(now // period)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    # The counter lives until its window ends, whatever the backend.
    remaining = max(1, int((window + 1) * period - now) + 1)
    try:
        cache.add(cache_key, 0, timeout=remaining)
        try:
            count = _increment(cache, cache_key, remaining)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=remaining)
            count = 1
    except Exception as error:  # Redis down: the limit opens rather than the service closing
        logger.warning(
            "rate limit %s not counted, cache unavailable: %s", scope, type(error).__name__
        )
        return None
    if count > limit:
        return max(1, int((window + 1) * period - now))
    return None
