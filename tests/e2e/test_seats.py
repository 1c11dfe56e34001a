"""A seminar's seat end to end in Chromium: the person finds the session on the service's
page on a phone, books a seat in Japanese, confirms from the email, and receives the join
information of the session's one meeting by email; the counselor (tablet) sees the seat
list with the person's seat, and checks them in."""

import re
from datetime import time

import pytest

from bookings.models import Booking, BookingStatus
from bookings.services.seats import group_session_schedule
from conferencing.models import OnlineMeeting
from notifications.models import Notification
from offices.models import Counselor
from offices.roles import COUNSELORS
from tests.e2e.signin import staff_sign_in
from tests.e2e.waits import expect
from tests.factories import office_with
from tests.helpers import NOW, jst, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link(live_server, kind: str, path_part: str) -> str:
    body = Notification.objects.filter(kind=kind).latest("created_at").body_text
    url = re.search(rf"https?://\S+/{path_part}/\S+/", body).group(0)
    return live_server.url + url.split("127.0.0.1:8000", 1)[-1]


def test_a_person_books_a_seat_on_a_phone_gets_the_join_link_and_the_counselor_sees_it(
    live_server, browser_page
):
    # An evening service whose booking is final once the person opens the email's link
    # (within an hour), the job seeker number optional (the form leaves it out).
    office = office_with(
        name="ハローワーク佐世保", name_en="Hello Work Sasebo", hours=(time(17, 15), time(19, 30)),
        confirmation_mode="instant", email_verification_minutes=60, job_seeker_number="optional",
    )  # fmt: skip
    evening = office.services.get()
    counselor = staff(evening.office, COUNSELORS, "c-evening")
    session = group_session_schedule(
        service=evening, counselor=Counselor.objects.filter(office=evening.office).first(),
        start=jst(2026, 11, 24, 18, 0), minutes=60, capacity=10, by=counselor, now=NOW,
        title="面接対策", title_en="Interview practice",
    )  # fmt: skip

    page = browser_page
    page.goto(f"{live_server.url}/offices/{office.slug}/book/?service={evening.slug}")
    listed = page.locator(f"#session-{session.uuid}")
    expect(listed).to_contain_text("面接対策")
    expect(listed).to_contain_text("残り10席")
    listed.get_by_role("link", name="席を予約する").click()
    expect(page.locator("h1")).to_contain_text("面接対策")
    page.locator("#id_name").fill("佐世保 花子")
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.get_by_label("電話番号").fill("090-1234-5678")
    page.get_by_label("利用規約を読み、同意します。").check()
    page.get_by_role("button", name="席を予約する").click()
    expect(page.locator("h1")).to_have_text("予約はまだ完了していません")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    seat = Booking.objects.get(group_session=session)
    assert seat.status == BookingStatus.PENDING_VERIFICATION

    page.goto(_link(live_server, "booking_created", "verify"))
    page.get_by_role("button", name="予約を完了する").click()
    expect(page.locator(".status")).to_contain_text("確定")

    meeting = OnlineMeeting.objects.get(booking_uuid=session.uuid)
    joined = Notification.objects.get(kind="meeting_issued", recipient="hanako@example.jp")
    assert meeting.join_url in joined.body_text and "面接対策" in joined.body_text
    assert joined.body_text.index("ハローワーク佐世保") < joined.body_text.index(meeting.join_url)

    admin = page.context.browser.new_context(
        viewport={"width": 1024, "height": 768}, locale="ja-JP"
    ).new_page()
    staff_sign_in(admin, live_server, counselor.username, "correct horse battery")
    admin.goto(f"{live_server.url}/admin/bookings/groupsession/{session.pk}/seats/")
    row = admin.locator(f"#seat-{seat.pk}")
    expect(row).to_contain_text("佐世保 花子")
    expect(row).to_contain_text("確定")
    expect(admin.locator("#seat-count")).to_contain_text("10席中1席予約済み")
