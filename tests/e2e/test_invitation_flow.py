"""Issue 23's invitation end to end in Chromium: a counselor invites from the day's
schedule (tablet), the person opens the email's link on a phone-size page and books, and the
counselor sees the booking on the person's record."""

import pytest

from bookings.models import Booking
from notifications.models import Notification
from terms.models import TermsVersion
from tests.e2e.signin import staff_sign_in
from tests.e2e.waits import expect
from tests.factories import BookingFactory, ConsentFactory
from tests.helpers import invitation_office, jst, link_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_counselor_invites_from_the_schedule_and_the_person_books_on_a_phone(
    live_server, tablet_page
):
    env = invitation_office(counselors=1)
    counselor_row = env.office.counselors.get()
    consent = ConsentFactory(
        applicant=env.person, terms_version=TermsVersion.objects.get(office=env.office)
    )
    session = BookingFactory(service=env.service, applicant=env.person, counselor=counselor_row,
                             consent=consent, start=jst(2026, 11, 24, 9, 30))  # fmt: skip
    page = tablet_page
    staff_sign_in(page, live_server, env.counselor.username, "correct horse battery")
    page.goto(f"{live_server.url}/admin/bookings/booking/schedule/?office={env.office.slug}"
              "&date=2026-11-24")  # fmt: skip
    block = page.locator(f"#booking-{session.pk}")
    block.get_by_text("操作").click()
    block.get_by_role("link", name="次回の相談のオンライン予約に招待…").click()
    expect(page.get_by_role("button", name="招待する")).to_be_visible()
    page.get_by_role("button", name="招待する").click()
    expect(page.locator(".messagelist")).to_contain_text("1 人を招待しました")

    email = Notification.objects.get(kind="invitation", recipient="hanako@example.jp")
    token = link_token(email.body_text, kind="invitations")
    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844},
                                             locale="ja-JP").new_page()  # fmt: skip
    phone.goto(f"{live_server.url}/invitations/{token}/")
    expect(phone.locator("h1")).to_have_text("相談予約のご案内")
    phone.locator(".time").first.click()
    phone.get_by_role("button", name="次へ（確認）").click()
    expect(phone.get_by_text("招待 花子")).to_be_visible()
    with phone.expect_navigation():
        phone.get_by_role("button", name="予約する").click()  # not agreed yet: the error
    expect(phone.locator(".error-summary")).to_be_visible()
    reloaded = phone.reload()  # asks for the page again, never posts again (issue 26's walk)
    assert reloaded.request.method == "GET" and reloaded.status == 200
    expect(phone.get_by_text("招待 花子")).to_be_visible()
    phone.get_by_label("利用規約を読み、同意します。").check()
    phone.get_by_role("button", name="予約する").click()
    expect(phone.locator("h1")).to_have_text("予約が確定しました")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    booking = Booking.objects.exclude(pk=session.pk).get()
    assert booking.applicant == env.person
    page.goto(f"{live_server.url}/admin/bookings/applicant/{env.person.pk}/change/")
    expect(page.get_by_text(booking.reference)).to_be_visible()
