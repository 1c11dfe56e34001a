"""
What one booking costs the database, counted (not timed): the office's lock is held from
the counselors' `FOR NO KEY UPDATE` to the commit, so what runs after it is what every
other booking at the office waits for. `make bench` prints the same counts beside its
bookings per second.
"""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, book, jst, person

# A web request at a staff-approval office (two counselors), the common case, by a
# person new to the office, the office's setup (its day's starts, its counselors' addresses,
# its terms) cached by the booking before. Before the lock: the lock timeout and the
# booking's id, the day's bookings, the person's record (looked for, inserted), the
# consent, the event, the emails as intent (one INSERT). Under the lock: the counselors
# locked and the booking inserted (the exclusion constraint refuses a counselor taken in
# between); then the answer's own link (counted here as under the lock: the test's
# transaction holds it). Savepoints are not counted.
MAX_UNDER_LOCK = 4
MAX_IN_ALL = 10


def _counts(captured) -> tuple[int, int]:
    sqls = [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    lock = next(i for i, sql in enumerate(sqls) if "offices_counselor" in sql and "FOR" in sql)
    return len(sqls), len(sqls) - lock


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_booking_holds_the_office_lock_for_a_few_queries():
    office = office_with(
        confirmation_mode="staff_approval", counselors=2, hours=(time(9, 0), time(12, 0))
    )
    svc = office.services.get()
    start = jst(2026, 11, 26, 10, 0)
    book(
        svc,
        jst(2026, 11, 26, 9, 0),
        data=person(email="a@example.jp", job_seeker_number="11111-1111111"),
    )
    terms = terms_in_force(office=svc.office, at=NOW).pk  # the form carries it
    with CaptureQueriesContext(connection) as captured:
        created = book(svc, start, terms_version_id=terms)
    assert created.booking.status == "requested"
    in_all, under_lock = _counts(captured)
    print(f"queries: {in_all} in all, {under_lock} under the office lock")
    assert under_lock <= MAX_UNDER_LOCK, "\n".join(
        q["sql"][:120] for q in captured.captured_queries
    )
    assert in_all <= MAX_IN_ALL, "\n".join(q["sql"][:100] for q in captured.captured_queries)
