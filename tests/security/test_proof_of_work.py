"""
Issue 23: open booking that costs an attacker and not a citizen. A booking that holds a
time from the open form or the API carries a solved ALTCHA challenge made by this site
(bookings.services.proof); without one (no JavaScript, or a script that did not pay) the
request holds no time until the link emailed to the address is opened. The challenge's
cost follows the office's pressure.
"""

import base64
import json
import re

import pytest
from django.test import override_settings

from bookings.models import Booking, BookingStatus
from bookings.services.proof import proof_cost
from notifications.models import Notification
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, book, jst, person, someone

pytestmark = pytest.mark.django_db

ON = override_settings(PROOF_OF_WORK=True, POW_QUIET_MAX_NUMBER=2000, POW_BUSY_MAX_NUMBER=50_000)


@pytest.fixture
def office():
    return office_with(counselors=1)


def solve(client, office) -> str:
    from altcha import solve_challenge_v1

    challenge = client.get(f"/api/v1/offices/{office.slug}/challenge").json()
    solution = solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxnumber"]
    )
    payload = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")}
    payload["number"] = solution.number
    return base64.b64encode(json.dumps(payload).encode()).decode()


def api_book(client, office, start="2026-11-24T09:30:00+09:00", altcha=None, **data):
    body = {"start": start, "terms_version": terms_in_force(office=office, at=NOW).pk,
            "agree_terms": True, **person(**data)}  # fmt: skip
    if altcha:
        body["altcha"] = altcha
    return client.post(f"/api/v1/offices/{office.slug}/bookings", json.dumps(body),
                       content_type="application/json")  # fmt: skip


def emailed_link(office) -> str:
    body = Notification.objects.filter(kind="open_request").latest("pk").body_text
    return re.search(rf"/offices/{office.slug}/book/request/[^/\s]+/", body).group(0)


@ON
def test_an_api_booking_with_a_solved_challenge_holds_the_time(client, office):
    answer = api_book(client, office, altcha=solve(client, office))
    assert answer.status_code == 201
    assert Booking.objects.get().status == BookingStatus.CONFIRMED


@ON
def test_a_solved_challenge_books_once_and_only_at_its_office(client, office):
    proof = solve(client, office)
    assert api_book(client, office, altcha=proof).status_code == 201
    again = api_book(client, office, "2026-11-24T10:00:00+09:00", altcha=proof, **someone(2))
    assert again.status_code == 202  # a used proof is no proof
    other = office_with(counselors=1)
    elsewhere = api_book(client, other, altcha=solve(client, office))
    assert elsewhere.status_code == 202
    assert Booking.objects.count() == 1


@ON
def test_without_a_proof_the_api_request_holds_no_time_until_its_email_link_is_opened(
    client, office
):
    answer = api_book(client, office)
    assert answer.status_code == 202 and answer.json()["code"] == "check_email"
    assert not Booking.objects.exists()  # nothing held: the time is still offered
    slots = client.get(f"/api/v1/offices/{office.slug}/slots?from=2026-11-24&to=2026-11-24")
    assert "2026-11-24T09:30:00+09:00" in [s["start"] for s in slots.json()["slots"]]
    link = emailed_link(office)
    page = client.get(link)
    assert page.status_code == 200 and not Booking.objects.exists()  # a GET stores nothing
    assert client.post(link).status_code == 302
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.CONFIRMED and booking.email == "taro@example.jp"
    client.post(link)  # the link books once
    assert Booking.objects.count() == 1


@ON
def test_a_link_whose_time_was_taken_meanwhile_offers_the_free_times(client, office):
    api_book(client, office)
    book(office.services.get(), jst(2026, 11, 24, 9, 30), data=someone(5))
    answer = client.post(emailed_link(office))
    assert answer.status_code == 302 and "/book/?" in answer["Location"]
    assert Booking.objects.count() == 1


def _to_confirm(client, office):
    service = office.services.get()
    client.post(f"/offices/{office.slug}/book/details/",
                {"service": service.slug, "start": "2026-11-24T09:30:00+09:00", **person()})  # fmt: skip
    return client.get(f"/offices/{office.slug}/book/confirm/")


@ON
def test_the_confirm_page_carries_the_self_hosted_widget_and_no_inline_script(client, office):
    html = _to_confirm(client, office).content.decode()
    assert "<altcha-widget" in html and 'workerurl="/static/vendor/altcha/worker.js"' in html
    assert '<script type="module" src="/static/vendor/altcha/altcha.js"></script>' in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", html.split("<altcha")[1][:2000])


@ON
def test_a_browser_without_javascript_books_by_the_emailed_link(client, office):
    _to_confirm(client, office)
    data = {"terms_version": terms_in_force(office=office, at=NOW).pk, "agree_terms": "on"}
    sent = client.post(f"/offices/{office.slug}/book/confirm/", data)
    assert sent.status_code == 302 and sent["Location"].endswith("/book/sent/")
    assert "メール" in client.get(sent["Location"]).content.decode()
    assert not Booking.objects.exists()
    done = client.post(emailed_link(office))
    assert done.status_code == 302 and done["Location"].endswith("/book/done/")
    assert Booking.objects.get().status == BookingStatus.CONFIRMED


@ON
def test_the_web_form_with_a_solved_challenge_books_at_once(client, office):
    _to_confirm(client, office)
    data = {"terms_version": terms_in_force(office=office, at=NOW).pk, "agree_terms": "on",
            "altcha": solve(client, office)}  # fmt: skip
    booked = client.post(f"/offices/{office.slug}/book/confirm/", data)
    assert booked["Location"].endswith("/book/done/")
    assert Booking.objects.get().status == BookingStatus.CONFIRMED


@ON
def test_the_cost_follows_the_offices_pressure(office):
    assert proof_cost(office, NOW) == 2000  # quiet
    service = office.services.get()
    for n, day in enumerate((24, 25)):
        book(service, jst(2026, 11, day, 9, 30), data=someone(n), ip_address="203.0.113.1")
    warmer = proof_cost(office, NOW)
    assert 2000 < warmer <= 50_000
    for n, day in enumerate((26, 27, 30), start=10):
        book(service, jst(2026, 11, day, 9, 30), data=someone(n))
    assert proof_cost(office, NOW) > warmer


def test_the_setting_turns_it_off_for_load_runs(client, office):
    from loadtest.limits import abuse_limits_off_settings

    assert abuse_limits_off_settings()["PROOF_OF_WORK"] is False
    assert api_book(client, office).status_code == 201  # the suite runs with it off
