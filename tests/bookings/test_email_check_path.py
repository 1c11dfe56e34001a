"""
The email check on the job seeker's path (issue 14, findings 2 and 3): the check link's
page says to press the button and opening it changes nothing; a lapsed link says so and
offers to book again; the done page and the email name the deadline; the done page shows
the address and resends, rate-limited.
"""

import re
from datetime import time

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from bookings.models import BookingStatus
from tests.factories import office_with
from tests.helpers import book, jst, person, service

pytestmark = pytest.mark.django_db

# Emails go out after commit: these tests commit for real.
EMAILS_SENT = pytest.mark.django_db(transaction=True)

SAT = jst(2026, 11, 28, 9, 30)


@pytest.fixture
def sasebo(db):
    """ハローワーク佐世保 as these tests build it: its service `evening-saturday`, open
    Saturdays 9:30-12:30, is booked at once when the email's link is opened within 60
    minutes of the booking."""
    office = office_with(
        slug="sasebo", name="ハローワーク佐世保", name_en="Hello Work Sasebo",
        email_verification_minutes=60, weekdays=(5,), hours=(time(9, 30), time(12, 30)),
    )  # fmt: skip
    office.services.update(slug="evening-saturday")
    return office


def book_on_the_site(client, slug, start, svc, **overrides):
    response = client.post(
        reverse("booking-details", args=[slug]),
        {"service": svc.slug, "start": start.isoformat(), **{**person(), **overrides}},
    )
    assert response.status_code == 302, response.content.decode()[:800]
    page = client.get(reverse("booking-confirm", args=[slug])).content.decode()
    terms = page.split('name="terms_version" value="')[1].split('"')[0]
    return client.post(
        reverse("booking-confirm", args=[slug]), {"terms_version": terms, "agree_terms": "on"}
    )


# --- 2, 3. the email check: lapsed, and "press the button" ----------------------------


def test_a_lapsed_email_check_link_says_it_lapsed_and_offers_to_book_again(client, sasebo, frozen):
    created = book(service("sasebo", "evening-saturday"), SAT)
    frozen.shift(61 * 60)
    url = reverse("booking-verify", args=[created.verification_token])
    html = client.get(url).content.decode()
    assert "この予約の申込みは無効になりました" in html
    assert "すでに確定しています" not in html
    assert reverse("booking-start", args=["sasebo"]) in html and "もう一度予約する" in html
    html = client.post(url).content.decode()
    assert "無効になりました" in html and "すでに確定" not in html
    created.booking.refresh_from_db()
    assert created.booking.status == BookingStatus.EXPIRED


def test_the_email_check_page_says_press_and_opening_it_changes_nothing(client, sasebo):
    created = book(service("sasebo", "evening-saturday"), SAT)
    html = client.get(reverse("booking-verify", args=[created.verification_token])).content
    html = html.decode()
    assert "予約はまだ完了していません" in html and "このページを開いただけでは" in html
    assert "button--large" in html and "予約を完了する" in html
    created.booking.refresh_from_db()
    assert created.booking.status == BookingStatus.PENDING_VERIFICATION
    office_page = client.get(reverse("office-detail", args=["sasebo"])).content.decode()
    assert "「予約を完了する」ボタンを60分以内に押してください" in office_page


@EMAILS_SENT
def test_the_done_page_and_the_email_say_press_the_button(client, sasebo, frozen):
    svc = service("sasebo", "evening-saturday")
    book_on_the_site(client, "sasebo", SAT, svc=svc, kind="job_seeker")
    html = client.get(reverse("booking-done", args=["sasebo"])).content.decode()
    assert "「予約を完了する」ボタンを2026年11月22日(日) 11:00までに押してください" in html
    assert "「予約を完了する」ボタンを2026年11月22日(日) 11:00までに押してください" in (
        mail.outbox[0].body
    )


@override_settings(RATE_LIMIT_RESEND="2/h")
@EMAILS_SENT
def test_sasebo_done_page_shows_the_address_and_resends_rate_limited(client, sasebo):
    svc = service("sasebo", "evening-saturday")
    book_on_the_site(client, "sasebo", SAT, svc=svc, kind="job_seeker")
    html = client.get(reverse("booking-done", args=["sasebo"])).content.decode()
    assert "taro@example.jp" in html and "メールを再送する" in html
    sent = len(mail.outbox)
    url = reverse("booking-done-resend", args=["sasebo"])
    for _ in range(2):
        html = client.post(url, follow=True).content.decode()
        assert "メールを再送しました" in html
    assert len(mail.outbox) == sent + 2
    assert re.search(r"/verify/[A-Za-z0-9_\-]{20,}/", mail.outbox[-1].body)
    html = client.post(url, follow=True).content.decode()
    # The wait in hours or minutes, never 「2055秒」 (issue 26).
    assert re.search(r"\d+(時間|分)ほど待って", html) and not re.search(r"\d+秒", html)
    assert len(mail.outbox) == sent + 2
