"""
Issue 26 (major 8 and 9) in Chromium at 390 px: at the Yamaguchi center (the seed's office
for persons with disabilities, online by invitation) the person reads the rules in plain
words, ticks two means of accommodation and books; the page passes axe; the counselor sees
both means in the day's schedule; the person changes them on their booking page.
"""

from datetime import timedelta

import pytest

from bookings.models import Booking
from invitations.services import invitation_create, invitation_link_issue
from offices.models import User
from terms.services import terms_seed
from tests.e2e.signin import staff_sign_in
from tests.e2e.test_accessibility import audit
from tests.e2e.waits import expect
from tests.factories import ApplicantFactory
from tests.helpers import NOW, manage_token

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.shipped_access,
]


def test_yamaguchi_a_person_ticks_two_means_and_the_counselor_sees_them(
    live_server, browser_page, seeded
):
    terms_seed()
    yamaguchi = seeded["yamaguchi"]
    service = yamaguchi.services.get()
    counselor = User.objects.get(username="yamaguchi-counselor-1")
    counselor.set_password("correct horse battery")
    counselor.save(update_fields=["password"])
    record = ApplicantFactory(office=yamaguchi, name="山口 花子", phone="09011112222",
                              email="hanako@example.jp")  # fmt: skip
    today = NOW.date()
    invitation = invitation_create(
        applicant=record, service=service, by=counselor, first_day=today + timedelta(days=1),
        last_day=today + timedelta(days=14), now=NOW,
    ).invitation  # fmt: skip
    token = invitation_link_issue(invitation=invitation, via="letter")

    page = browser_page
    page.goto(f"{live_server.url}/invitations/{token}/")
    page.locator(".time").first.click()
    page.get_by_role("button", name="次へ（確認）").click()
    summary = page.locator(".plain-summary")
    expect(summary).to_be_visible()
    html = summary.inner_html()  # the rules in plain words, readings over the kanji
    assert "「<ruby>無断欠席<rt>むだんけっせき</rt></ruby>」といいます" in html
    assert "<ruby>地方裁判所<rt>ちほうさいばんしょ</rt></ruby>" in html
    page.get_by_label("字幕またはチャット", exact=True).check()
    page.get_by_label("手話通訳", exact=True).check()
    assert audit(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_label("利用規約を読み、同意します。").check()
    page.get_by_role("button", name="予約する").click()
    expect(page.locator("h1")).to_have_text("予約が確定しました")

    booking = Booking.objects.get(applicant=record)
    assert booking.accommodations == ["captions", "sign_language"]

    # The person adds written communication on their booking page.
    page.goto(f"{live_server.url}/bookings/{manage_token(booking)}/")
    expect(page.locator(".accommodation-asked")).to_contain_text("手話通訳")
    page.get_by_label("筆談（文字でのやりとり）", exact=True).check()
    page.get_by_role("button", name="配慮の内容を保存する").click()
    expect(page.locator(".accommodation-asked")).to_contain_text("筆談")
    assert audit(page) == []

    staff = page.context.browser.new_context(viewport={"width": 1024, "height": 768},
                                             locale="ja-JP").new_page()  # fmt: skip
    staff_sign_in(staff, live_server, counselor.username, "correct horse battery")
    day = booking.start.date().isoformat()
    staff.goto(f"{live_server.url}/admin/bookings/booking/schedule/?office=yamaguchi&date={day}")
    block = staff.locator(f"#booking-{booking.pk} .accommodation")
    expect(block).to_contain_text("字幕またはチャット、手話通訳、筆談（文字でのやりとり）")
    staff.context.close()
