"""Helpers of the group-session tests: a session scheduled through its service, a seat
booked through the real path."""

from datetime import timedelta

from bookings.services.seats import group_session_schedule, seat_book
from offices.models import Counselor
from offices.roles import OFFICE_MANAGERS
from terms.selectors import terms_in_force
from tests.helpers import NOW, jst, person, service, staff

SEMINAR_START = jst(2026, 11, 26, 13, 0)  # Kawagoe, Thursday (a business day)


def manager(office, username: str = "mgr"):
    return staff(office, OFFICE_MANAGERS, username)


def seminar(*, slug: str = "kawagoe", capacity: int = 10, start=SEMINAR_START, minutes=60,
            counselor=None, by=None, now=NOW, **kwargs):  # fmt: skip
    svc = service(slug)
    counselor = counselor or Counselor.objects.filter(office=svc.office).order_by("pk").first()
    by = by or manager(svc.office, f"mgr-{slug}-{start:%H%M}-{counselor.pk}")
    return group_session_schedule(
        service=svc, counselor=counselor, start=start, minutes=minutes, capacity=capacity,
        by=by, now=now, title="応募書類の書き方", title_en="Writing your application", **kwargs,
    )  # fmt: skip


def take_seat(session, n: int = 1, *, now=NOW, **kwargs):
    defaults = {
        "data": person(email=f"seat{n}@example.jp", job_seeker_number=f"{20000 + n}-1234567"),
        "agree_terms": True,
        "channel": "web",
        "terms_version_id": terms_in_force(office=session.office, at=now).pk,
    }
    defaults.update(kwargs)
    return seat_book(session=session, now=now, **defaults)


def later(minutes: int):
    return NOW + timedelta(minutes=minutes)
