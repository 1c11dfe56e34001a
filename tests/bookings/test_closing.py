"""
Every booking that can no longer take place reaches a final status on schedule (issue 23):
requests confirmed from their email and never decided, and confirmed bookings with contact
noted that nobody completed, were skipped by the purge for ever: "14 such requests kept
names, numbers and phones in a purge run dated 2028".
"""

from datetime import timedelta

import pytest

from bookings.models import Booking, BookingStatus
from bookings.services.closing import bookings_close_stale
from bookings.services.retention import personal_data_purge
from bookings.state import Actor, Reason
from tests.factories import office_with
from tests.helpers import NOW, booking_row, jst

pytestmark = pytest.mark.django_db

S = BookingStatus
SESSION = jst(2026, 11, 26, 9, 30)


def _service():
    return office_with(confirmation_mode="staff_approval").services.get()


def _open_bookings(service):
    """As the finding: 14 open bookings whose sessions were due on 2026-11-26."""
    rows = []
    for n in range(10):  # requests confirmed from the email, never decided (or proposed)
        rows.append(booking_row(service, SESSION + timedelta(minutes=30 * n), status=S.REQUESTED))
    for status in (S.CONFIRMED, S.CONFIRMED, S.IN_PROGRESS, S.PENDING_VERIFICATION):
        row = booking_row(service, SESSION + timedelta(minutes=30 * len(rows)), status=status)
        rows.append(row)
    Booking.objects.filter(status=S.CONFIRMED).update(contact_noted_at=SESSION)
    return rows


def test_fourteen_open_bookings_lose_names_numbers_and_phones_in_a_purge_dated_2028():
    rows = _open_bookings(_service())
    Booking.objects.update(job_seeker_number="12345-1234567")
    report = personal_data_purge(now=jst(2028, 1, 10, 3, 30))
    assert report.bookings == 14
    left = Booking.objects.filter(pk__in=[r.pk for r in rows])
    assert set(left.values_list("name", "job_seeker_number", "phone", "email")) == {
        ("", "", "", "")
    }
    assert not left.filter(status__in=(S.REQUESTED, S.CONFIRMED, S.IN_PROGRESS)).exists()


def test_each_reaches_its_final_status_on_schedule_with_an_event_by_the_system():
    rows = _open_bookings(_service())
    upcoming = booking_row(rows[0].service, jst(2026, 12, 24, 9, 30), status=S.REQUESTED)
    assert bookings_close_stale(now=NOW) == 0
    started = SESSION + timedelta(hours=8)
    assert bookings_close_stale(now=started) == 11  # undecided when their sessions began
    assert bookings_close_stale(now=started) == 0  # twice is once
    assert set(Booking.objects.filter(status=S.EXPIRED).values_list("pk", flat=True)) == {
        r.pk for r in rows if r.status in (S.REQUESTED, S.PENDING_VERIFICATION)
    }
    # Sessions nobody recorded an outcome for: closed 14 days after their end.
    assert bookings_close_stale(now=SESSION + timedelta(days=13)) == 0
    assert bookings_close_stale(now=SESSION + timedelta(days=15)) == 3
    closed = {b.status: b for b in Booking.objects.filter(pk__in=[r.pk for r in rows[10:13]])}
    assert set(closed) == {S.CANCELLED, S.COMPLETED}
    event = closed[S.CANCELLED].events.order_by("-at").first()
    assert event.actor_label == Actor.SYSTEM
    assert event.reason_code == Reason.CLOSED_WITHOUT_OUTCOME
    upcoming.refresh_from_db()
    assert upcoming.status == S.REQUESTED  # its session is still to come


def test_fourteen_requests_made_and_confirmed_on_the_site_are_erased_by_the_2028_purge(
    client, frozen
):
    """The finding as replayed: 14 requests through the API, each confirmed from its email's
    link and never decided; the nightly purge task, run in 2028, erases them all."""
    import json

    from bookings.services.links import booking_link_issue
    from bookings.tasks import purge_personal_data
    from terms.selectors import terms_in_force
    from tests.helpers import person

    service = _service()
    office = service.office
    days = (26, 27, 30)  # Thursday, Friday, Monday: 5 times each (09:30-12:00)
    for n in range(14):
        start = jst(2026, 11, days[n // 5], 9, 30) + timedelta(minutes=30 * (n % 5))
        body = {"start": start.isoformat(),
                "terms_version": terms_in_force(office=office, at=NOW).pk, "agree_terms": True,
                **person(name=f"申込 {n}", job_seeker_number=f"9{n:04d}-{n}",
                         email=f"x{n}@catchall.example", phone=f"090-0000-{n:04d}")}  # fmt: skip
        answer = client.post(f"/api/v1/offices/{office.slug}/bookings", json.dumps(body),
                             content_type="application/json",
                             REMOTE_ADDR=f"198.51.100.{n + 1}")  # fmt: skip
        assert answer.status_code == 201, answer.content
        booking = Booking.objects.get(reference=answer.json()["reference"])
        token = booking_link_issue(booking=booking, purpose="verify")
        assert client.post(f"/verify/{token}/").status_code == 302
    assert Booking.objects.filter(status=S.REQUESTED, verification_expires_at=None).count() == 14
    frozen.move_to(jst(2028, 1, 10, 3, 30))
    purge_personal_data()
    left = Booking.objects.filter(office=office)
    assert left.count() == 14 and not left.exclude(name="").exists()
    assert set(left.values_list("job_seeker_number", "phone", "email")) == {("", "", "")}
    assert not left.filter(status__in=(S.REQUESTED, S.CONFIRMED, S.IN_PROGRESS)).exists()
