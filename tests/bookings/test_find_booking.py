"""
Finding a booking again (予約の確認): reference and email address in; when both match, a
link to the booking page goes to the address on file. The page's answer is the same
either way and never shows the link; requests are limited per address and per booking.
"""

import re

import pytest
from django.test import Client, override_settings

from bookings.services.find import booking_link_resend, normalize_reference
from common import clock
from notifications.models import Notification
from tests.factories import office_with
from tests.helpers import book, jst, link_token, manage_token, person

pytestmark = pytest.mark.django_db

URL = "/bookings/find/"
THU = jst(2026, 11, 26, 9, 30)


@pytest.fixture
def booking(db):
    """taro@example.jp's booking on Thursday at an office open weekday mornings."""
    return book(office_with().services.get(), THU).booking


def links() -> list[Notification]:
    return list(Notification.objects.filter(kind="booking_link"))


def page_text(response) -> str:
    html = response.content.decode()
    return re.sub(r"<[^>]+>|\s+", " ", html.split("<main", 1)[1].split("</main>", 1)[0])


def test_a_matching_reference_and_address_email_the_link_to_the_address_on_file(
    client, booking, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the look-up and email: a task
        response = client.post(URL, {"reference": booking.reference, "email": "TARO@example.jp"})
    assert response.status_code == 200
    sent = links()
    assert len(sent) == 1 and sent[0].recipient == "taro@example.jp"
    token = link_token(sent[0].body_text)
    assert client.get(f"/bookings/{token}/").status_code == 200  # a working link, new
    assert token not in response.content.decode()  # never on the screen
    assert "メールをご確認ください" in response.content.decode()


def test_the_answer_is_the_same_whether_or_not_they_match(
    client, booking, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        matched = client.post(URL, {"reference": booking.reference, "email": "taro@example.jp"})
        wrong_email = client.post(URL, {"reference": booking.reference, "email": "eve@example.jp"})
        wrong_reference = client.post(URL, {"reference": "ZZZZ9999", "email": "taro@example.jp"})
    assert matched.status_code == wrong_email.status_code == wrong_reference.status_code == 200
    assert page_text(matched) == page_text(wrong_email) == page_text(wrong_reference)
    assert len(links()) == 1


def test_the_reference_may_be_typed_in_any_width_case_and_with_spaces(
    booking, django_capture_on_commit_callbacks
):
    typed = " ".join(booking.reference.lower())
    wide = "".join(chr(ord(c) + 0xFEE0) for c in booking.reference)
    assert normalize_reference(typed) == normalize_reference(wide) == booking.reference
    with django_capture_on_commit_callbacks(execute=True):
        booking_link_resend(
            reference=wide, email="taro@example.jp", ip_address=None, now=clock.now()
        )
    assert len(links()) == 1


def test_empty_or_malformed_fields_say_how_to_fix_them(client):
    response = client.post(URL, {"reference": "", "email": "not-an-address"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "error-summary" in html
    assert "メールに記載の予約番号（英数字8文字）を入力してください" in html
    assert "予約のときのメールアドレスを入力してください" in html


def test_a_purged_booking_is_not_found(booking):
    from bookings.models import Booking

    Booking.objects.filter(pk=booking.pk).update(personal_data_purged_at=clock.now())
    booking_link_resend(
        reference=booking.reference, email="taro@example.jp", ip_address=None, now=clock.now()
    )
    assert links() == []


@override_settings(RATE_LIMIT_FIND_BOOKING="3/h")
def test_requests_are_limited_per_address_matched_or_not(client, booking):
    for n in range(3):
        client.post(URL, {"reference": f"WRONG00{n}", "email": "taro@example.jp"})
    refused = client.post(URL, {"reference": booking.reference, "email": "taro@example.jp"})
    assert refused.status_code == 429 and "Retry-After" in refused
    assert "1時間ほど待ってから、もう一度お試しください" in refused.content.decode()
    assert links() == []


@override_settings(RATE_LIMIT_FIND_BOOKING="3/h")
def test_requests_are_limited_per_booking_whatever_the_address(client, booking):
    for n in range(3):
        client.post(URL, {"reference": booking.reference, "email": f"guess{n}@example.jp"})
    refused = client.post(URL, {"reference": booking.reference, "email": "taro@example.jp"})
    assert refused.status_code == 429
    assert links() == []


@override_settings(RATE_LIMIT_FIND_BOOKING_IP="2/h")
def test_requests_are_limited_per_client_address(client, booking):
    for n in range(2):
        client.post(URL, {"reference": f"WRONG00{n}", "email": f"x{n}@example.jp"})
    assert client.post(URL, {"reference": "WRONG009", "email": "y@example.jp"}).status_code == 429


def test_no_address_reaches_the_logs(client, booking, caplog):
    with caplog.at_level("DEBUG"):
        client.post(URL, {"reference": booking.reference, "email": "taro@example.jp"})
        client.post(URL, {"reference": booking.reference, "email": "eve@example.jp"})
    assert "taro@example.jp" not in caplog.text and "eve@" not in caplog.text


def test_each_request_sends_its_own_email_with_the_link_the_renewal_issued(
    booking, frozen, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            booking_link_resend(
                reference=booking.reference, email="taro@example.jp", ip_address=None,
                now=clock.now(),
            )  # fmt: skip
        frozen.shift(60)
    first, second = links()
    assert link_token(first.body_text) != link_token(second.body_text)  # a new link each time
    for email in (first, second):
        assert Client().get(f"/bookings/{link_token(email.body_text)}/").status_code == 200


def test_the_link_email_is_in_the_language_the_person_booked_in(
    django_capture_on_commit_callbacks,
):
    booking = book(office_with().services.get(), THU, language="en",
                   data=person(email="alex@example.jp")).booking  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        booking_link_resend(
            reference=booking.reference, email="alex@example.jp", ip_address=None,
            now=clock.now(),
        )  # fmt: skip
    assert links()[0].subject.endswith(f"The link to your booking ({booking.reference})")


def test_the_page_is_linked_from_every_page_footer_and_the_office_page(client):
    office = office_with()
    assert 'href="/bookings/find/"' in client.get("/").content.decode()
    html = client.get(f"/offices/{office.slug}/").content.decode()
    assert "予約済みの方：予約ページのリンクの再送" in html
    assert client.get(URL).status_code == 200


def test_the_step_has_one_name_from_the_link_to_the_page_and_its_button(client):
    """The outside walk of issue 26 met one step under four names: 「予約ページのリンクをもう一度
    受け取る」 (the office page), 「予約の確認（リンクの再送）」 (the footer), 「予約の確認」 (the page)
    and 「リンクを送ってもらう」 (its button)."""
    office = office_with()
    name = "予約ページのリンクの再送"
    footer = client.get("/").content.decode()
    assert f'<a href="/bookings/find/">{name}</a>' in footer
    assert f"予約済みの方：{name}" in client.get(f"/offices/{office.slug}/").content.decode()
    page = client.get(URL).content.decode()
    assert f"<h1>{name}</h1>" in page and f"<title>{name}" in page
    assert ">リンクを再送する</button>" in page


HOSTILE = ["\x00", "A" * 5000, "' OR 1=1 --", "<script>alert(1)</script>", "😀" * 50, "\u202e"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_on_the_new_pages_gets_an_answer_never_a_500(client, booking, value):

    token = manage_token(booking)
    find = client.post(URL, {"reference": value, "email": value})
    assert find.status_code in (200, 400, 429)
    assert "<script>alert" not in find.content.decode()
    change = client.post(f"/bookings/{token}/change/", {"start": value})
    assert change.status_code in (400, 409)
    check = client.post(
        f"/bookings/{token}/device-check/", {"camera": value, "round_trip_ms": value}
    )
    assert check.status_code == 409
    assert client.get("/device-check/download", {"bytes": value}).status_code == 200
