"""
Issue 29, channels beside email, in Chromium on a phone-sized page: a person links LINE
from their booking page through LINE's account-link flow (against the fake LINE platform,
which signs its webhook calls as LINE does); a counselor sends a person without email
their notices by SMS, the reminder goes out by SMS (the fake Twilio), the SMS fails, and
the counselor finds the call to make on the phone list.
"""

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from common import clock
from offices.models import User
from tests.e2e.signin import staff_sign_in
from tests.e2e.waits import expect
from tests.helpers import book, jst, manage_token, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THU = jst(2026, 12, 3, 10, 0)  # Kawagoe, a Thursday
USER = "U0123456789abcdef0123456789abcdef"


@pytest.fixture
def office(db):
    """An office whose counselor confirms each request, with one counselor account."""
    from offices.roles import COUNSELORS
    from tests.factories import office_with
    from tests.helpers import staff

    office = office_with(confirmation_mode="staff_approval")
    counselor = staff(office, COUNSELORS, "counselor-1")
    counselor.set_password("a long demo password")
    counselor.save()
    return office


@pytest.fixture
def fake_line(settings, live_server, office):
    from tests.fakes.line import FakeLine

    fake = FakeLine().start()
    settings.LINE_ACCOUNTS = {office.slug: fake.account()}
    settings.LINE_API_BASE = settings.LINE_ACCESS_BASE = fake.base
    settings.SITE_URL = live_server.url
    fake.webhook_url = live_server.url + reverse("notifications-line-webhook", args=[office.slug])
    yield fake
    fake.stop()


@pytest.fixture
def fake_twilio(settings, live_server):
    from tests.fakes.twilio import FakeTwilio

    fake = FakeTwilio().start()
    settings.SMS_ACCOUNT = fake.account()
    settings.SMS_API_BASE = fake.base
    settings.SITE_URL = live_server.url
    yield fake
    fake.stop()


def test_a_person_links_line_from_their_booking_page(live_server, browser_page, office, fake_line):
    booking = book(office.services.first(), THU).booking
    page = browser_page
    manage = live_server.url + reverse("booking-manage", args=[manage_token(booking)])
    page.goto(manage)
    page.get_by_role("button", name="LINEと連携する").click()
    opener = page.get_by_role("link", name="LINEを開いてコードを送る")
    expect(opener).to_be_visible()
    href = opener.get_attribute("href")
    assert href.startswith("https://line.me/R/oaMessage/%40fake-office/?")

    # In the LINE app: the person sends the code the button typed in; the account answers.
    assert fake_line.user_says(USER, unquote(href.split("?", 1)[1])) == 200
    (reply,) = fake_line.replies
    link = re.search(r"(http://\S+)", reply["text"]).group(1)

    # The account's link leads through this site to LINE's dialog, where the person agrees.
    page.goto(link)
    expect(page.locator("p")).to_have_text("連携しました")
    assert page.url.startswith(fake_line.base + "/dialog/bot/accountLink?")
    assert fake_line.pushed[-1]["to"] == USER  # the account says LINE is linked

    page.goto(manage)
    expect(page.locator("#notices-section")).to_contain_text("LINEと連携済みです")
    expect(page.get_by_role("button", name="LINEでのお知らせをやめる")).to_be_visible()


def test_a_reminder_by_sms_fails_and_the_call_is_on_the_phone_list(
    live_server, browser_page, office, fake_twilio, frozen
):
    counselor = User.objects.get(username="counselor-1")
    data = person(email="", name="電話 一郎", phone="090-5555-6666")
    booking = book(
        office.services.first(), THU, data=data, channel="phone", created_by=counselor
    ).booking
    assert booking.status == "confirmed"

    # On the phone the person asks for notices by SMS: the counselor sends them there.
    page = browser_page
    staff_sign_in(page, live_server, counselor.username, "a long demo password")
    page.goto(live_server.url + f"/admin/bookings/booking/?q={booking.reference}")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option(
        label="本人の携帯電話番号にSMSでお知らせを送る"
    )
    page.get_by_role("button", name="実行").click()
    expect(page.locator(".messagelist")).to_contain_text("SMS")

    # The evening of the business day before: the reminder goes by SMS, and fails.
    frozen.move_to(jst(2026, 12, 2, 18, 0))
    from bookings.services.reminders import bookings_send_reminders

    assert bookings_send_reminders(now=clock.now()) == 1
    ((sid, sms),) = fake_twilio.messages.items()
    assert sms["to"] == "+819055556666" and "電話 一郎" not in sms["body"]
    assert fake_twilio.report(sid, "undelivered", "30003") == 204

    staff_sign_in(page, live_server, counselor.username, "a long demo password")
    page.goto(live_server.url + "/admin/bookings/phonecall/")
    row = page.locator("#result_list tbody tr", has_text=booking.reference)
    expect(row).to_contain_text("届きませんでした")
    expect(row).to_contain_text("前営業日")
