"""
The burst (issue 28): 200 people pressing "book" for the same three times were all
answered only after 3.4 s, because each refused request wrote the person's record, waited
for the office's lock and read its alternatives while holding it. A time already taken is
now refused before any write or lock, and alternatives are read once the lock is released,
from the cached availability (current as of the office's last commit) when it is there.
"""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.exceptions import SlotTaken
from bookings.models import Booking
from bookings.selectors.day_load import DayLoad
from tests.factories import office_with
from tests.helpers import book, jst, person

pytestmark = pytest.mark.django_db

START = jst(2026, 11, 26, 10, 0)


def _fill(svc) -> None:
    n = 0
    while True:
        try:
            book(svc, START, data=person(email=f"p{n}@example.jp", job_seeker_number=f"1111{n}-1"))
        except SlotTaken:
            return
        n += 1


def _service():
    """A time taken by whoever asks first, at an office of two counselors who confirm."""
    return office_with(confirmation_mode="staff_approval", counselors=2).services.get()


def test_a_taken_time_is_refused_before_any_write_or_lock_with_alternatives():
    svc = _service()
    _fill(svc)
    made = Booking.objects.count()
    with CaptureQueriesContext(connection) as captured, pytest.raises(SlotTaken) as refused:
        book(svc, START, data=person(email="late@example.jp"))
    sqls = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in sqls if sql.startswith(("INSERT", "UPDATE")) or " FOR " in sql]
    assert refused.value.alternatives
    assert Booking.objects.count() == made


@pytest.mark.postgres  # the counselors' row lock (FOR NO KEY UPDATE) is PostgreSQL's
def test_alternatives_of_a_time_lost_under_the_lock_are_read_after_it():
    svc = _service()
    _fill(svc)
    cache.clear()  # the alternatives are read from the database, not from the cache
    # As when the last counselor was booked between the look before the lock and the lock.
    with (
        mock.patch(
            "bookings.services.create.counselor_day_load",
            return_value=DayLoad({}, set(), lapsed=False),
        ),
        CaptureQueriesContext(connection) as captured,
        pytest.raises(SlotTaken) as refused,
    ):
        book(svc, START, data=person(email="late@example.jp"))
    sqls = [q["sql"] for q in captured.captured_queries]
    lock = next(i for i, sql in enumerate(sqls) if "offices_counselor" in sql and " FOR " in sql)
    ended = next(i for i, sql in enumerate(sqls) if i > lock and sql.startswith("ROLLBACK"))
    assert not [sql for sql in sqls[lock:ended] if "offices_openinghours" in sql]
    assert [sql for sql in sqls[ended:] if "offices_openinghours" in sql]
    assert refused.value.alternatives
