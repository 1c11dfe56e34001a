"""
Issue 27, major 9 (and 8's schedule): on a tablet, a counselor gives a booking of a
colleague who is off sick to another counselor from the day's schedule; the schedule marks
the absent colleague's column, and the result is shown at the booking's block.
"""

import re
from datetime import timedelta

import pytest

from bookings.selectors.availability import slot_list_available
from bookings.services.staff import booking_confirm
from common import clock
from common.clock import JST
from offices.models import Counselor, CounselorAbsence
from tests.e2e.signin import staff_sign_in
from tests.e2e.waits import expect
from tests.factories import kawagoe_like
from tests.helpers import book, counselor_account, email_checked, service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_counselor_gives_an_absent_colleagues_booking_to_another_on_a_tablet(
    live_server, tablet_page
):
    # Two counselors who confirm each request: one off sick, the other to take the booking.
    kawagoe_like(counselors=2, confirmation_mode="staff_approval")
    now = clock.now()
    svc = service("kawagoe")
    first = now.astimezone(JST).date() + timedelta(days=7)
    slot = slot_list_available(service=svc, first_day=first, last_day=first + timedelta(days=7),
                               now=now)[0]  # fmt: skip
    me = counselor_account(svc.office)
    me.set_password("a long demo password")
    me.save()
    booking = booking_confirm(
        booking=email_checked(book(svc, slot.start, now=now).booking), by=me, now=now
    )
    sick = booking.counselor
    other = Counselor.objects.filter(office=booking.office).exclude(pk=sick.pk).get()
    day = slot.start.astimezone(JST).date()
    CounselorAbsence.objects.create(counselor=sick, start_date=day, end_date=day, reason="体調不良")

    page = tablet_page
    staff_sign_in(page, live_server, me.username, "a long demo password")
    page.goto(f"{live_server.url}/admin/bookings/booking/schedule/?office=kawagoe&date={day}")
    expect(page.get_by_role("columnheader", name=sick.display_name)).to_contain_text(
        "不在：体調不良"
    )
    block = page.locator(f"#booking-{booking.pk}")
    block.locator("summary").click()
    block.get_by_role("link", name="担当相談員を変更…").click()

    expect(page.locator("h1")).to_contain_text("担当相談員の変更")
    page.get_by_role("radio", name=other.display_name).check()
    page.get_by_label("理由（職員向けに記録され、申込者には送られません）").fill("体調不良のため")
    page.get_by_role("button", name="この相談員に担当を変更する").click()

    result = page.locator(f"#result-{booking.pk}")
    expect(result).to_contain_text(f"担当を{other.display_name}に変更しました")
    expect(result).to_contain_text("メールは送っていません")
    head = page.get_by_role("columnheader", name=other.display_name)
    column = head.evaluate("e => e.style.gridColumn")
    expect(page.locator(f"#booking-{booking.pk}")).to_have_attribute(
        "style", re.compile(rf"grid-column:{column};")
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    booking.refresh_from_db()
    assert booking.counselor == other
