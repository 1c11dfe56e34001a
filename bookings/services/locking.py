"""
The locks of booking, and the one order in which every service takes them:

    applicant  ->  the office's counselors (in id order)  ->  a group session
               ->  the booking  ->  its change

An app above the core that gives a counselor's time to something else (an interview they
attend, `interviews`) takes its own row first, as the applicant comes first, then the
office's counselors through `office_commitment_lock`; nothing in the core locks its rows,
so the two orders never cross, and bookings and commitments of an office are taken one at
a time whichever comes first.

Each lock is a row lock on exactly one table (`of=("self",)`: a joined office, service or
counselor is never locked with it) and `FOR NO KEY UPDATE` (`no_key=True`): it serializes
writers of that row but never blocks the `FOR KEY SHARE` lock PostgreSQL takes on a row
that a new row refers to, so a counselor's action on one booking never makes an unrelated
booking at the office wait. Every booking transaction sets `lock_timeout`: a lock that
cannot be had in time is `BookingBusy` ("busy, please try again"), never a wait without
end, a 500 or "database unavailable". On SQLite (the embedded default) row locks do not
exist: the IMMEDIATE transaction serializes writers instead.
"""

import operator
from collections.abc import Iterator
from contextlib import contextmanager
from functools import reduce

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext as _

from bookings.exceptions import BookingBusy, NotAllowedNow
from bookings.hooks import commitment_sources
from bookings.models import Applicant, Booking, BookingChange, GroupSession
from common.db import is_lock_failure
from offices.models import Counselor, Office, User


def busy_error() -> BookingBusy:
    return BookingBusy(
        _("This booking is being changed by someone else right now. Please try again.")
    )


def lock_timeout_set() -> None:
    """`SET LOCAL lock_timeout` for the rest of the current transaction (PostgreSQL)."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {int(settings.BOOKING_LOCK_TIMEOUT_MS)}")


def lock_timeout_set_and_booking_id() -> int | None:
    """`lock_timeout_set` and the next booking id drawn from its sequence, in one statement
    (PostgreSQL; None elsewhere): what `booking_create` does first."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('lock_timeout', %s, true), "
            "nextval(pg_get_serial_sequence('bookings_booking', 'id'))",
            [str(int(settings.BOOKING_LOCK_TIMEOUT_MS))],
        )
        return cursor.fetchone()[1]


@contextmanager
def booking_transaction(*, timeout: bool = True) -> Iterator[None]:
    """A transaction for a change of bookings: the lock timeout set (unless the caller
    sets it itself, `timeout=False`), and a lock that could not be had (timeout, deadlock)
    raised as `BookingBusy` once the transaction is undone."""
    try:
        with transaction.atomic():
            if timeout:
                lock_timeout_set()
            yield
    except OperationalError as error:
        if is_lock_failure(error):
            raise busy_error() from error
        raise


def applicant_lock(applicant_id: int) -> Applicant:
    """First in the order: serializes one person's concurrent requests (the cap holds)."""
    return Applicant.objects.select_for_update(no_key=True).get(pk=applicant_id)


def office_booking_lock(office) -> list[int]:
    """
    Second: this office's active counselors, in id order (no deadlock between two
    bookings). Taken late, after validation and consent; everything after it sees every
    booking committed before it. Returns the counselors' ids.
    """
    return list(
        Counselor.objects.select_for_update(no_key=True)
        .filter(office=office, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def office_booking_lock_and_setup_version(
    office, *, free_over: tuple | None = None
) -> tuple[list[int], int]:
    """`office_booking_lock`, with the highest setup version of the rows it locked: above
    the office's as the caller read it, a change of the setup committed in between
    (`office_setup_change_lock`), or a commitment (`office_commitment_lock`). Read in the
    same statement, at no extra query. With `free_over` (start, end), only the counselors
    with no commitment over that time (a group session, an interview they attend:
    `bookings.hooks`) are returned, read in the same statement too (a commitment holds its
    counselor's time with no booking row of its own).

    That reading is the statement's own snapshot, taken before it waited for the lock
    (PostgreSQL's READ COMMITTED evaluates its subqueries there): a commitment committed
    while it waited is not in it, but raised the versions of the rows it then locks, which
    is what tells the caller to read the commitments again."""
    locked = (
        Counselor.objects.select_for_update(no_key=True)
        .filter(office=office, is_active=True)
        .order_by("pk")
    )
    if free_over is None:
        rows = [(pk, version, False) for pk, version in locked.values_list("pk", "setup_version")]
    else:
        start, end = free_over
        over = Q(counselor=OuterRef("pk"), start__lt=end, end__gt=start)
        committed = [Exists(source.filter(over)) for source in commitment_sources()]
        rows = list(
            locked.annotate(committed=reduce(operator.or_, committed)).values_list(
                "pk", "setup_version", "committed"
            )
        )
    return [pk for pk, _v, busy in rows if not busy], max((v for _p, v, _b in rows), default=0)


def office_commitment_lock(office) -> None:
    """
    Second in the order, for a change that gives a counselor's time to something other
    than a booking (a group session; an interview they attend): `office_setup_change_lock`,
    whose raised versions reach a booking that waited for the lock meanwhile and make it
    read the commitments again (`office_booking_lock_and_setup_version`). Everything after
    it sees every booking committed before it.
    """
    office_setup_change_lock(office)


def office_setup_change_lock(office) -> None:
    """
    Second in the order, for a change of the office's setup that may leave bookings
    outside it (hours, closures, session length, a counselor's absence): every counselor
    of the office locked, in id order, for the rest of the caller's transaction (which
    asks about the bookings and saves the change), and the setup's version raised on the
    office and on each of them. A booking that read the offer before the change waits for
    the lock, then finds the raised version on the rows it locks and reads the offer again
    (`booking_create`); one made before the lock is committed and asked about.
    """
    pks = list(
        Counselor.objects.select_for_update(no_key=True)
        .filter(office=office)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Office.objects.filter(pk=office.pk).update(setup_version=F("setup_version") + 1)
    version = Office.objects.values_list("setup_version", flat=True).get(pk=office.pk)
    Counselor.objects.filter(pk__in=pks).update(setup_version=version)


def group_session_lock(session_id: int) -> GroupSession:
    """
    After the counselors: a group session's row alone, read with its office, service and
    counselor. Serializes the seats of one session (capacity is counted under it) and
    its cancellation; seats of other sessions never wait for it.
    """
    return (
        GroupSession.objects.select_for_update(of=("self",), no_key=True)
        .select_related("office", "service", "counselor")
        .get(pk=session_id)
    )


def staff_may_act(user: User, booking: Booking) -> None:
    if not (user.is_superuser or user.office_id == booking.office_id):
        raise NotAllowedNow(_("This booking belongs to another office."))


def booking_lock(booking_id: int, *, by: User | None = None) -> Booking:
    """
    Last: the booking's row alone, read with its office, service, counselor and applicant
    (which stay unlocked). With `by`, a staff member of another office is refused.
    """
    booking = (
        Booking.objects.select_for_update(of=("self",), no_key=True)
        .select_related("office", "service", "counselor", "applicant")
        .get(pk=booking_id)
    )
    if by is not None:
        staff_may_act(by, booking)
    return booking


def booking_change_lock(change_id: int) -> BookingChange:
    """After the booking: a requested change of its time (`BookingChange`), its row alone."""
    return BookingChange.objects.select_for_update(of=("self",), no_key=True).get(pk=change_id)
