"""
Back after a submission says what happened (issue 26), in a phone-size Chromium: never
「一定時間が過ぎたため、入力内容が消えました」 (the draft that lapsed) nor "the link lapsed",
never the step's form again as if nothing was sent. Without JavaScript (the proof of work
unsolved) the confirm step parks the request behind an emailed link: Back from its "check
your email" page showed the lapsed draft. The emailed link's page, once its button was
pressed, said the link had lapsed; the seat page showed its blank form. Each now shows the
page that says where it stands ("check your email", or the done page with its booking page)
under 「この内容はすでに送信されています」, as Back to the confirm and change steps already did.
At an office that confirms at once and at one whose counselors confirm each request. Data
built here (tests.factories.office_with).
"""

import re

import pytest
from django.test import override_settings

from bookings.models import Booking
from notifications.models import Notification
from tests.bookings.seat_helpers import seminar
from tests.e2e.waits import expect
from tests.factories import office_with
from tests.helpers import jst

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENT = "この内容はすでに送信されています"
LAPSED = ("一定時間が過ぎた", "期限切れ")
AT_ONCE, STAFF = "instant", "staff_approval"


@pytest.fixture
def no_script_page(browser_page):
    """A phone-size page with JavaScript off: the proof of work is never solved."""
    context = browser_page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, locale="ja-JP", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _says_it_was_sent(page, heading: str) -> None:
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator(".messages")).to_contain_text(SENT)
    text = page.locator("main").inner_text()
    assert not any(word in text for word in LAPSED), text


def _details(page) -> None:
    page.locator("#id_name").fill("山田 花子")
    if page.get_by_label("求職番号").count():  # asked where the office asks for it
        page.get_by_label("求職番号").fill("12345-1234567")
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.get_by_label("電話番号").fill("090-1234-5678")


@override_settings(PROOF_OF_WORK=True)
@pytest.mark.parametrize(
    ("mode", "done"),
    [(AT_ONCE, "予約が確定しました"), (STAFF, "申込みは相談員の確定を待っています")],
    ids=[AT_ONCE, STAFF],
)
def test_back_after_a_request_sent_without_javascript_says_it_was_sent(
    live_server, no_script_page, mode, done
):
    office = office_with(confirmation_mode=mode)
    page = no_script_page
    page.goto(f"{live_server.url}/offices/{office.slug}/book/")
    page.locator(".time input").first.check()
    page.get_by_role("button", name="次へ（お名前・連絡先の入力）").click()
    _details(page)
    page.get_by_role("button", name="次へ（確認）").click()
    page.get_by_label("利用規約を読み、同意します。").check()
    page.locator("form .actions button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("メールをご確認ください")

    page.go_back()  # to the confirm step: the request was sent, its email is the next step
    _says_it_was_sent(page, "メールをご確認ください")
    assert page.url.endswith(f"/offices/{office.slug}/book/sent/")

    email = Notification.objects.get(kind="open_request").body_text
    page.goto(live_server.url + re.search(r"/offices/\S+/book/request/\S+/", email).group(0))
    page.locator("form .actions button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(done)
    page.go_back()  # to the link's page: it booked (or sent the request), nothing lapsed
    _says_it_was_sent(page, done)
    expect(page.get_by_role("link", name="予約ページを開く")).to_have_attribute(
        "href", re.compile(r"^/bookings/[^/]+/$")
    )
    page.go_back()  # to the "check your email" page: the email's step is done
    _says_it_was_sent(page, done)
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("mode", "done"),
    [(AT_ONCE, "予約が確定しました"), (STAFF, "申込みはまだ完了していません")],
    ids=[AT_ONCE, STAFF],
)
def test_back_after_a_seat_says_it_was_sent_not_the_blank_form(
    live_server, browser_page, mode, done
):
    office = office_with(slug="kawagoe", confirmation_mode=mode)
    session = seminar(slug=office.slug, start=jst(2026, 11, 26, 10, 0))
    page = browser_page
    page.goto(f"{live_server.url}/offices/{office.slug}/sessions/{session.uuid}/")
    _details(page)
    page.get_by_label("利用規約を読み、同意します。").check()
    page.locator("#seat-form .actions button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(done)

    page.go_back()  # to the seat page: the seat was taken (or asked for)
    _says_it_was_sent(page, done)
    assert page.locator("#seat-form").count() == 0
    assert Booking.objects.get().group_session_id == session.pk
