"""Helpers of the waitlist's tests: an office with a full day, and joining through the
service as the public form does."""

from datetime import date, time
from types import SimpleNamespace

from bookings.models import Booking
from tests.factories import office_with
from tests.helpers import NOW, book, jst, person

DAY = date(2026, 11, 24)  # Tuesday; Monday 23 is a holiday
STARTS = [jst(2026, 11, 24, h, m) for h, m in ((9, 30), (10, 0), (10, 30), (11, 0), (11, 30))]


def waitlist_office(*, counselors: int = 1, full: bool = True, **rules):
    office = office_with(counselors=counselors, **rules)
    svc = office.services.get()
    svc.waitlist_enabled = True
    svc.save(update_fields=["waitlist_enabled"])
    bookings = []
    if full:
        for n, start in enumerate(STARTS):
            for c in range(counselors):
                data = person(
                    email=f"b{n}-{c}@example.jp", job_seeker_number=f"{20000 + n * 10 + c}-1"
                )
                bookings.append(book(svc, start, data=data).booking)
    return SimpleNamespace(office=office, service=svc, bookings=bookings)


def join(env, n: int = 1, *, confirm: bool = True, now=NOW, **kwargs):
    """Person `n` joins the list for DAY (confirmed, as opening the email's link does)."""
    from waitlist.services import waitlist_confirm, waitlist_join

    options = {"first_day": DAY, "last_day": DAY, "now": now}
    options.update(kwargs)
    joined = waitlist_join(
        service=env.service,
        data=person(name=f"待機 {n}", email=f"w{n}@example.jp", job_seeker_number=f"{30000 + n}-1"),
        **options,
    )
    if confirm:
        waitlist_confirm(entry=joined.entry, now=now)
    joined.entry.refresh_from_db()
    return joined.entry


def free(booking: Booking, *, now=NOW) -> None:
    """The person cancels `booking` on their page (the time is freed)."""
    from bookings.services.public import booking_cancel_by_applicant

    booking_cancel_by_applicant(booking=booking, now=now)


def at(hour: int, minute: int = 0) -> time:
    return time(hour, minute)


def seat_office(*, capacity: int = 2, taken: int = 2, **rules):
    """An office with a waitlist and one seminar on Thursday 26 November, `taken` of its
    `capacity` seats booked (seats 1..taken) through the real path."""
    from tests.bookings.seat_helpers import seminar, take_seat

    env = waitlist_office(full=False, **rules)
    env.session = seminar(slug=env.office.slug, capacity=capacity)
    env.seats = [take_seat(env.session, n).booking for n in range(1, taken + 1)]
    return env


def wait_for_seat(env, n: int = 1, *, confirm: bool = True, now=NOW, **kwargs):
    """Person `n` joins the waitlist of the full session (confirmed, as the email's link)."""
    from waitlist.services import waitlist_confirm, waitlist_join

    joined = waitlist_join(
        service=env.service, group_session=env.session,
        data=person(name=f"待機 {n}", email=f"w{n}@example.jp", job_seeker_number=f"{30000 + n}-1"),
        now=now, **kwargs,
    )  # fmt: skip
    if confirm:
        waitlist_confirm(entry=joined.entry, now=now)
    joined.entry.refresh_from_db()
    return joined.entry
