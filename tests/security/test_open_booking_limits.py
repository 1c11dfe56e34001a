"""
Issue 23: limits that refused the people they protect, and answers that told strangers
what an address or a number holds. The address limit counts only holds made (never a
refused attempt, never a double tap's replay), by IPv4 address or IPv6 /64, and is asked
at the time step; no limit is keyed by a job-seeker number; the details step answers the
same whatever the address typed holds; "find my booking" does the same work for a match
and a miss.
"""

import json
import re

import pytest
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from notifications.models import Notification
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, book, jst, person, someone

pytestmark = pytest.mark.django_db

HOLDS = {"HOLD_LIMIT_PER_ADDRESS": "3/d", "TRUSTED_PROXIES": ["10.0.0.1"]}


@pytest.fixture
def office():
    return office_with(counselors=2, confirmation_mode="staff_approval")


def api_book(client, office, start: str, data: dict, **extra):
    body = {"start": start, "terms_version": terms_in_force(office=office, at=NOW).pk,
            "agree_terms": True, **data}  # fmt: skip
    return client.post(f"/api/v1/offices/{office.slug}/bookings", json.dumps(body),
                       content_type="application/json", **extra)  # fmt: skip


@override_settings(RATE_LIMIT_BOOKING="10/m")
def test_someone_elses_requests_with_a_number_never_lock_its_owner_out(client, office):
    stranger = {"REMOTE_ADDR": "203.0.113.9"}
    saturday = "2026-11-28T09:30:00+09:00"  # closed: refused before anything is booked
    codes = [api_book(client, office, saturday, person(), **stranger).status_code
             for _ in range(11)]  # fmt: skip
    assert codes[-1] == 429  # the stranger's own address is slowed down
    owner = api_book(client, office, "2026-11-24T09:30:00+09:00", person(),
                     REMOTE_ADDR="198.51.100.7")  # fmt: skip
    assert owner.status_code == 201


@override_settings(**HOLDS | {"HOLD_LIMIT_PER_ADDRESS": "2/d"})
def test_the_addresses_of_one_ipv6_64_share_one_limit_and_the_next_64_does_not(client, office):
    times = ["2026-11-24T09:30:00+09:00", "2026-11-24T10:00:00+09:00",
             "2026-11-24T10:30:00+09:00", "2026-11-24T11:00:00+09:00"]  # fmt: skip
    one_64 = ["2001:db8:1:1::a", "2001:db8:1:1::b", "2001:db8:1:1:ffff::c"]
    codes = [api_book(client, office, times[n], someone(n), REMOTE_ADDR=address).status_code
             for n, address in enumerate(one_64)]  # fmt: skip
    assert codes == [201, 201, 429]
    other = api_book(client, office, times[3], someone(9), REMOTE_ADDR="2001:db8:1:2::1")
    assert other.status_code == 201


def _family_member(office, start: str, n: int) -> tuple[Client, object]:
    member = Client(REMOTE_ADDR="203.0.113.20")
    service = office.services.get()
    details = member.post(f"/offices/{office.slug}/book/details/",
                          {"service": service.slug, "start": start, **someone(n)})  # fmt: skip
    assert details.status_code == 302, "the details step answers the same for everyone"
    return member, service


def _confirm(member, office):
    data = {"terms_version": terms_in_force(office=office, at=NOW).pk, "agree_terms": "on"}
    return member.post(f"/offices/{office.slug}/book/confirm/", data)


@override_settings(**HOLDS)
def test_a_family_behind_one_address_on_a_busy_day_is_refused_nothing_the_page_offered(office):
    service = office.services.get()
    # A busy day: other people's bookings fill most of it.
    for n, (hour, minute) in enumerate([(9, 30), (10, 0), (10, 30), (11, 0)]):
        book(service, jst(2026, 11, 24, hour, minute), data=someone(100 + n))
    # The first of the family taps 申し込む twice: one request, one hold counted.
    first, _ = _family_member(office, "2026-11-24T11:30:00+09:00", 1)
    assert _confirm(first, office).status_code == 302
    assert _confirm(first, office).status_code == 302  # the double tap
    # The second chose a time someone else takes meanwhile: refused, and not counted.
    second, _ = _family_member(office, "2026-11-24T09:30:00+09:00", 2)
    book(service, jst(2026, 11, 24, 9, 30), data=someone(200))
    taken = _confirm(second, office)
    assert taken.status_code == 302 and "/book/?" in taken["Location"]
    second, _ = _family_member(office, "2026-11-25T09:30:00+09:00", 2)
    assert _confirm(second, office).status_code == 302
    third, _ = _family_member(office, "2026-11-25T10:00:00+09:00", 3)
    assert _confirm(third, office).status_code == 302
    mine = Booking.objects.filter(email__in=[someone(n)["email"] for n in (1, 2, 3)])
    assert mine.count() == 3  # every time the page offered was booked
    # A fourth is told on the time page, before typing anything: no times offered there.
    fourth = Client(REMOTE_ADDR="203.0.113.20")
    page = fourth.get(f"/offices/{office.slug}/book/?service={service.slug}")
    html = page.content.decode()
    assert "お使いの接続" in html and 'name="start"' not in html
    details = fourth.get(f"/offices/{office.slug}/book/details/",
                         {"service": service.slug, "start": "2026-11-25T10:30:00+09:00"})  # fmt: skip
    assert details.status_code == 302 and "/book/?" in details["Location"]


def _main(response) -> str:
    html = response.content.decode()
    html = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_details_step_answers_the_same_for_an_address_with_bookings(office):
    service = office.services.get()
    for start in (jst(2026, 11, 24, 9, 30), jst(2026, 11, 25, 9, 30)):
        book(service, start, data=person(email="known@example.jp"))
    answers = []
    for email in ("known@example.jp", "unknown@example.jp"):
        answer = Client().post(
            f"/offices/{office.slug}/book/details/",
            {"service": service.slug, "start": "2026-11-26T09:30:00+09:00",
             **person(email=email)},
        )  # fmt: skip
        answers.append((answer.status_code, answer["Location"]))
    assert answers[0] == answers[1] == (302, f"/offices/{office.slug}/book/confirm/")
    assert not Notification.objects.filter(kind="booking_links").exists()


def test_find_my_booking_does_the_same_work_for_a_match_and_a_miss(
    office, django_assert_num_queries, django_capture_on_commit_callbacks
):
    booking = book(office.services.get(), jst(2026, 11, 24, 9, 30)).booking
    answers, queries, tasks = [], [], []
    from django.db import connection

    for reference, email in ((booking.reference, "taro@example.jp"), ("ZZZZ9999", "x@ex.jp")):
        with (
            CaptureQueriesContext(connection) as done,
            django_capture_on_commit_callbacks() as callbacks,
        ):
            answers.append(Client().post("/bookings/find/", {"reference": reference,
                                                             "email": email}))  # fmt: skip
        queries.append([q["sql"].split(" WHERE ")[0] for q in done.captured_queries])
        tasks.append(len(callbacks))
    assert answers[0].status_code == answers[1].status_code == 200
    assert _main(answers[0]) == _main(answers[1])
    assert queries[0] == queries[1]  # the same statements: nothing looked up in the request
    assert tasks == [1, 1]  # the look-up and the email are the task's
    assert not Notification.objects.filter(kind="booking_link").exists()
