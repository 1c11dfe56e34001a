"""
The device check (接続テスト): its pages (office and booking), the measuring endpoints,
the saved coarse result and where staff see it, and the links to it from the office
page, the booking page, the confirmation email and the day-before reminder.
"""

import re
from datetime import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from bookings.models import BookingStatus, DeviceCheck
from bookings.services.device_check import device_check_record
from bookings.services.staff import booking_cancel_by_staff, booking_confirm
from common import clock
from notifications.models import Notification
from offices.models import User
from tests.factories import office_with
from tests.helpers import (
    book,
    counselor_account,
    delivered,
    email_checked,
    jst,
    manage_token,
    person,
)  # fmt: skip

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)  # Thursday
PASSED = {p: "passed" for p in DeviceCheck.PARTS}


def on(platform: str) -> str:
    """The slug of a published office whose sessions take place on `platform`."""
    return office_with(platform=platform).slug


@pytest.fixture
def counselor(db) -> User:
    """A counselor of an office whose counselors confirm each request, open weekdays
    9:30-16:00 (the schedule's bookings run into the afternoon)."""
    office = office_with(confirmation_mode="staff_approval", hours=(time(9, 30), time(16)))
    return counselor_account(office)


def confirmed(counselor, start=THU, n=0):
    data = person(email=f"p{n}@example.jp", job_seeker_number=f"{10000 + n}-1")
    booking = book(counselor.office.services.get(), start, data=data).booking
    return booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())


def check_url(booking) -> str:
    return reverse("booking-device-check", args=[manage_token(booking)])


def test_the_office_page_links_to_its_device_check(client):
    slug = on("teams")
    html = client.get(f"/offices/{slug}/").content.decode()
    assert f'href="/offices/{slug}/device-check/"' in html


def test_the_page_says_what_the_platform_needs_and_shows_the_checklist_without_script(client):
    response = client.get(f"/offices/{on('teams')}/device-check/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "接続テスト" in html
    assert "パソコンの場合：Microsoft TeamsはMicrosoft Edge、Google Chromeで使えます。" in html
    assert "Microsoft Teamsアプリをインストール" in html  # a phone needs the app
    assert "<noscript>" in html and "チェックリスト" in html
    assert "無料の公衆Wi-Fiは使わない" in html and 'type="checkbox"' in html
    # The checks themselves are hidden until the script runs; explained before asking.
    assert 'id="device-check" class="device-check" hidden' in html
    assert "ブラウザが許可を求めます" in html
    # Under the CSP: one static script file, and data only in a JSON block.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts == [' id="device-check-data" type="application/json"',
                       ' src="/static/js/device-check.js" defer']  # fmt: skip


def test_the_page_is_in_english_too(client):
    client.cookies["django_language"] = "en"
    html = client.get(f"/offices/{on('zoom')}/device-check/").content.decode()
    assert "Device check" in html and "install the Zoom Workplace app" in html


def test_teleoffice_joins_in_the_phone_browser_without_an_app(client):
    html = client.get(f"/offices/{on('teleoffice')}/device-check/").content.decode()
    assert "ブラウザ（Google Chrome、Safari、Microsoft Edge）で参加でき、アプリは不要です。" in html


def test_an_unknown_office_has_no_device_check(client):
    office_with(slug="somewhere")
    assert client.get("/offices/somewhere/device-check/").status_code == 200
    assert client.get("/offices/nowhere/device-check/").status_code == 404


def test_ping_and_download_are_small_uncached_and_capped(client):
    ping = client.get("/device-check/ping")
    assert ping.status_code == 200 and ping.content == b""
    assert ping["Cache-Control"] == "no-store"
    download = client.get("/device-check/download", {"bytes": "100000"})
    assert len(download.content) == 100_000
    assert download["Content-Type"] == "application/octet-stream"
    assert len(client.get("/device-check/download", {"bytes": "999999999"}).content) == 2_000_000
    assert len(client.get("/device-check/download", {"bytes": "x"}).content) == 250_000
    # Random bytes: compression on the way would make a slow line look fast.
    import zlib

    assert len(zlib.compress(download.content)) > 99_000


def test_upload_takes_bytes_with_csrf_and_refuses_too_many(db):
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/offices/{office_with().slug}/device-check/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post("/device-check/upload", b"x" * 10, content_type="application/octet-stream").status_code == 403  # fmt: skip
    response = client.post(
        "/device-check/upload", b"x" * 300_000, content_type="application/octet-stream",
        HTTP_X_CSRFTOKEN=token,
    )  # fmt: skip
    assert response.status_code == 200 and response.json() == {"received": 300_000}
    too_big = client.post(
        "/device-check/upload", b"x" * 2_000_001, content_type="application/octet-stream",
        HTTP_X_CSRFTOKEN=token,
    )  # fmt: skip
    assert too_big.status_code == 413


@override_settings(RATE_LIMIT_DEVICE_CHECK="3/m")
def test_the_measuring_endpoints_are_rate_limited_per_address(client):
    for _ in range(3):
        assert client.get("/device-check/ping").status_code == 200
    refused = client.get("/device-check/download")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_the_measuring_endpoints_write_no_record_and_log_no_token(client, caplog):
    from bookings.models import AccessRecord

    booking = book(office_with().services.get(), THU).booking
    token = manage_token(booking)
    with caplog.at_level("DEBUG"):
        client.get("/device-check/ping")
        client.get("/device-check/download", {"bytes": "10"})
    assert AccessRecord.objects.count() == 0
    assert token not in caplog.text


def test_the_booking_page_links_to_the_check_and_the_check_page_can_send_the_result(
    client, counselor
):
    booking = confirmed(counselor)
    manage = client.get(reverse("booking-manage", args=[manage_token(booking)]))
    assert check_url(booking) in manage.content.decode()
    page = client.get(check_url(booking)).content.decode()
    assert booking.reference in page
    assert 'id="result-form"' in page and 'name="camera" value="not_tested"' in page
    assert "映像や音声は含みません" in page


def test_the_result_is_saved_to_the_booking_and_the_person_returns_to_their_page(client, counselor):
    booking = confirmed(counselor)
    data = {**PASSED, "camera": "denied", "round_trip_ms": "42", "download_kbps": "25000",
            "upload_kbps": "abc", "image": "data:image/png;base64,AAAA"}  # fmt: skip
    response = client.post(check_url(booking), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("booking-manage", args=[manage_token(booking)])
    check = DeviceCheck.objects.get(booking=booking)
    assert (check.passed, check.camera, check.microphone) == (False, "denied", "passed")
    assert (check.round_trip_ms, check.download_kbps, check.upload_kbps) == (42, 25000, None)
    assert check.problem_labels() == ["カメラ：許可されていない"]
    # Only the listed fields exist: nothing else the browser sends is kept anywhere.
    assert "image" not in {f.name for f in DeviceCheck._meta.fields}


def test_an_unknown_outcome_is_refused_and_nothing_is_saved(client, counselor):
    booking = confirmed(counselor)
    response = client.post(check_url(booking), {**PASSED, "camera": "<script>"})
    assert response.status_code == 409
    assert "もう一度テストしてください" in response.content.decode()
    assert DeviceCheck.objects.count() == 0


def test_no_result_is_saved_for_a_cancelled_booking(counselor):
    from bookings.exceptions import NotAllowedNow

    booking = confirmed(counselor)
    booking_cancel_by_staff(booking=booking, by=counselor, reason="phoned", now=clock.now())
    with pytest.raises(NotAllowedNow):
        device_check_record(booking=booking, result=PASSED, now=clock.now())


@override_settings(RATE_LIMIT_DEVICE_RESULT="2/h")
def test_one_booking_saves_a_limited_number_of_results(counselor):
    from bookings.exceptions import RateLimited

    booking = confirmed(counselor)
    device_check_record(booking=booking, result=PASSED, now=clock.now())
    device_check_record(booking=booking, result=PASSED, now=clock.now())
    with pytest.raises(RateLimited):
        device_check_record(booking=booking, result=PASSED, now=clock.now())


def test_the_schedule_shows_the_latest_result_of_each_booking(client, counselor, frozen):
    ok = confirmed(counselor)
    trouble = confirmed(counselor, start=jst(2026, 11, 26, 10, 30), n=1)
    untested = confirmed(counselor, start=jst(2026, 11, 26, 13, 0), n=2)
    device_check_record(booking=ok, result={**PASSED, "connection": "slow"}, now=clock.now())
    frozen.shift(60)
    device_check_record(booking=ok, result=PASSED, now=clock.now())
    device_check_record(
        booking=trouble, result={**PASSED, "microphone": "silent", "connection": "slow"},
        now=clock.now(),
    )  # fmt: skip
    client.force_login(counselor)
    html = client.get("/admin/bookings/booking/schedule/", {"date": "2026-11-26"}).content.decode()
    block = lambda b: html.split(f'id="booking-{b.pk}"')[1].split("</article>")[0]  # noqa: E731
    assert "接続テスト：問題なし" in block(ok) and "遅い" not in block(ok)
    assert "接続テスト：マイク：音を拾っていない, 回線：遅い" in block(trouble)
    assert 'class="meta problem device-check"' in block(trouble)
    assert "接続テスト" not in block(untested)


def test_the_confirmation_email_and_the_day_before_reminder_link_to_the_check(
    counselor, django_capture_on_commit_callbacks
):
    from bookings.services.reminders import bookings_send_reminders

    booking = confirmed(counselor)
    check = re.compile(r"http://127\.0\.0\.1:8000/bookings/([A-Za-z0-9_\-]+)/device-check/")
    confirmation = delivered(Notification.objects.get(kind="booking_confirmed"))
    with django_capture_on_commit_callbacks(execute=True):
        bookings_send_reminders(now=jst(2026, 11, 25, 10, 0))
    reminder = Notification.objects.get(kind="reminder_day_before")
    for email in (confirmation, reminder):  # each with a link of its own, that opens the check
        token = check.search(email.body_text).group(1)
        assert check.search(email.body_html).group(1) == token
        assert Client().get(f"/bookings/{token}/device-check/").status_code == 200
    assert booking.status == BookingStatus.CONFIRMED


# Issue 26, major 7: joining with the app on a phone is no problem for the office.
def test_a_check_that_joins_with_the_app_reaches_the_office_as_passed():
    booking = book(office_with(platform="zoom").services.get(), THU).booking
    check = device_check_record(
        booking=booking,
        result={"browser": "app", "camera": "passed", "microphone": "passed",
                "speaker": "passed", "connection": "passed"},
        now=clock.now(),
    )  # fmt: skip
    assert check.passed and check.problem_labels() == []
    assert DeviceCheck.objects.get().browser == "app"
