"""
Issue 29's waitlist end to end in Chromium on a phone: a person joins the waitlist for a
full day from the time step, confirms from the email, links LINE from their entry's page
(LINE's account-link flow, against the fake LINE platform), a cancellation frees a time,
the offer arrives by email at a real SMTP server and as a pointer in LINE, and they book it
within the hold from the LINE message's link, while a second person, who asked later,
waits their turn.
"""

import re
import time
from urllib.parse import unquote

import pytest
from django.urls import reverse

from bookings.models import Booking, BookingStatus
from loadtest.processes import SmtpServer
from tests.e2e.waits import expect
from tests.waitlist.helpers import DAY, STARTS, free, join, waitlist_office
from waitlist.models import EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp(settings):
    """The emails go to a real SMTP server on loopback (aiosmtpd), as in the outbox tests."""
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 3
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_line(settings, live_server):
    """The fake LINE platform, as the office's LINE account (set once the office exists)."""
    from tests.fakes.line import FakeLine

    fake = FakeLine().start()
    settings.LINE_API_BASE = settings.LINE_ACCESS_BASE = fake.base
    settings.SITE_URL = live_server.url
    yield fake
    fake.stop()


def _line_message(fake_line, to: str) -> str:
    """The text LINE shows `to` (pushed after commit by the worker: polled, at most 15 s)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for pushed in fake_line.pushed:
            if pushed["to"] == to and "/waitlist/" in pushed["text"]:
                return pushed["text"]
        time.sleep(0.1)
    raise AssertionError(f"no LINE message to {to}")


def _mail(smtp, to: str, subject_part: str):
    """The text of the email to `to` whose subject has `subject_part` (sent after commit,
    by the worker: polled, at most 15 seconds)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for recipients, message in smtp.inbox.messages:
            if to in recipients and subject_part in message["Subject"]:
                return message.get_body(preferencelist=("plain",)).get_content()
        time.sleep(0.1)
    raise AssertionError(f"no email to {to} about {subject_part!r}")


def _link(live_server, body: str) -> str:
    path = re.search(r"https?://[^/\s]+(/waitlist/[A-Za-z0-9_\-]+/)", body).group(1)
    return live_server.url + path


USER = "U0123456789abcdef0123456789abcd01"


def test_a_person_joins_the_waitlist_for_a_full_day_and_books_the_freed_time_from_line(
    live_server, browser_page, smtp, fake_line, settings
):
    env = waitlist_office()
    settings.LINE_ACCOUNTS = {env.office.slug: fake_line.account()}
    fake_line.webhook_url = live_server.url + reverse(
        "notifications-line-webhook", args=[env.office.slug]
    )
    page = browser_page
    page.goto(f"{live_server.url}/offices/{env.office.slug}/book/")
    page.get_by_role("link", name="キャンセル待ちに登録する").click()
    page.get_by_label("来られる最初の日").fill(DAY.isoformat())
    page.get_by_label("来られる最後の日").fill(DAY.isoformat())
    page.locator("#id_name").fill("待機 花子")
    page.locator("#id_job_seeker_number").fill("12345-1234567")
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.get_by_label("電話番号").fill("090-1111-2222")
    page.get_by_role("button", name="キャンセル待ちに登録する").click()
    expect(page.locator("h1")).to_have_text("メールをご確認ください")

    joined = _mail(smtp, "hanako@example.jp", "キャンセル待ちの登録を確認してください")
    assert joined.splitlines()[0] == f"{env.office.name}からのお知らせです。"
    page.goto(_link(live_server, joined))
    page.get_by_role("button", name="登録を確定する").click()
    expect(page.locator(".waitlist-place")).to_have_text("1番目")
    entry_page = page.url

    # On the entry's page: LINE for the offers, through LINE's account-link flow.
    page.get_by_role("button", name="LINEと連携する").click()
    opener = page.get_by_role("link", name="LINEを開いてコードを送る")
    expect(opener).to_be_visible()
    code = unquote(opener.get_attribute("href").split("?", 1)[1])
    assert fake_line.user_says(USER, code) == 200  # in the LINE app: the code is sent
    (reply,) = fake_line.replies
    page.goto(re.search(r"(http://\S+)", reply["text"]).group(1))
    expect(page.locator("p")).to_have_text("連携しました")  # LINE's dialog: agreed
    page.goto(entry_page)
    expect(page.locator("#notices-section")).to_contain_text("LINEと連携済みです")

    second = join(env, 2)  # asks later: second in line
    free(env.bookings[2])  # someone cancels 10:30: the freed time goes to the first

    offer_mail = _mail(smtp, "hanako@example.jp", "時間が空きました")
    assert "10:30" in offer_mail
    in_line = _line_message(fake_line, USER)  # the pointer: no time, no name
    assert in_line.startswith(env.office.name + "：") and "10:30" not in in_line
    assert "待機" not in in_line
    assert not WaitlistOffer.objects.filter(entry=second).exists()  # waits their turn
    page.goto(re.search(r"(http://\S+/waitlist/[A-Za-z0-9_\-]+/)", in_line).group(1))
    expect(page.locator("h1")).to_have_text("時間が空きました")
    page.get_by_label("利用規約を読み、同意します。").check()
    page.get_by_role("button", name="この時間で予約する").click()
    expect(page.locator("h1")).to_have_text("キャンセル待ちから予約しました")
    page.get_by_role("link", name="予約を開く").click()
    expect(page.locator("h1")).to_contain_text("予約")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    booking = Booking.objects.get(email="hanako@example.jp")
    assert (booking.start, booking.status) == (STARTS[2], BookingStatus.CONFIRMED)
    first = WaitlistEntry.objects.get(email="hanako@example.jp")
    assert first.status == EntryStatus.BOOKED
    assert first.offers.get().status == OfferStatus.ACCEPTED
    second.refresh_from_db()
    assert second.status == EntryStatus.WAITING  # still in line for the next freed time
    _mail(smtp, "hanako@example.jp", "予約")  # the booking's own confirmation
