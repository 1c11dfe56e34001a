"""
Which database a query goes to: the primary, except the reads of the views listed in
`REPLICA_VIEWS` (the figures, 実績, and the CSV exports), which go to the streaming replica
when `DATABASE_REPLICA_URL` names one (`settings.REPLICA_DATABASE`).

The list is explicit and short on purpose: availability and booking read the primary
always, since a replica lags (a free time read there may have been taken a moment ago),
and every write, and every read inside a transaction (a lock, a check before a write),
goes to the primary whatever the view. A figure read from the replica may be behind the
primary by the replication lag (well under a second on one network): nothing is decided
from it. `tests/production/test_replica_routing.py` proves both directions and fails for
a figures or CSV route missing from the list.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# The figures' pages and every CSV export (URL names, with their namespace).
REPLICA_VIEWS = frozenset(
    {
        "reports:dashboard",
        "reports:monthly",
        "reports:monthly-csv",
        "admin:bookings_booking_schedule_csv",
        "staff-access-summary",  # the managers' monthly CSV of the access log
    }
)

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        alias = getattr(settings, "REPLICA_DATABASE", None)
        if alias and _replica_reads.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return alias
        return None  # the primary

    def db_for_write(self, model, **hints) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the primary's very rows

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        return None if db == DEFAULT_DB_ALIAS else False  # a replica follows the primary


class ReplicaReadsMiddleware:
    """Turns replica reads on for the views of `REPLICA_VIEWS`, off after every request."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            _replica_reads.set(False)  # a thread serves the next request without it

    def process_view(self, request, view_func, view_args, view_kwargs) -> None:
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in REPLICA_VIEWS:
            _replica_reads.set(True)
