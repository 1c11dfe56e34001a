"""What a PostgreSQL error means, read from its SQLSTATE (psycopg's `sqlstate`)."""

# "could not obtain lock" (lock_timeout, NOWAIT) and a deadlock: contention, not an outage.
LOCK_NOT_AVAILABLE = "55P03"
DEADLOCK_DETECTED = "40P01"
LOCK_FAILURES = (LOCK_NOT_AVAILABLE, DEADLOCK_DETECTED)


def is_lock_failure(error: BaseException) -> bool:
    """A lock timeout or a deadlock, from a database error or the driver's error under it."""
    cause = getattr(error, "__cause__", None) or error
    return getattr(cause, "sqlstate", None) in LOCK_FAILURES
