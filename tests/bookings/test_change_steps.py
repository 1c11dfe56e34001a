"""
Issue 26, minor: the change page (予約の変更) in the booking flow's steps. The times come as
the time page shows them (one partial, `bookings/_day_times.html`: the day picker, a fieldset
with its legend per day, the sticky 「次へ」 bar); 次へ opens a confirm step ("from X to Y:
change?") that only reads, whose button makes the change; Back never sends it again, and bad
input is a message, never a 500. Data built here (tests.factories.office_with).
"""

import re

import pytest
from django.urls import reverse

from bookings.models import BookingChange
from bookings.services.staff import booking_confirm
from tests.factories import office_with
from tests.helpers import book, counselor_account, email_checked, jst, manage_token

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)
LATER = jst(2026, 11, 26, 10, 30)


def _booking(**rules):
    office = office_with(counselors=1, **rules)
    return book(office.services.get(), THU).booking


def _urls(booking) -> tuple[str, str]:
    token = manage_token(booking)
    return reverse("booking-change", args=[token]), reverse("booking-change-confirm", args=[token])


def _fragment(html: str, css_class: str) -> str:
    """The element of the class, as the time page and the change page write it."""
    return re.search(rf'<[a-z]+ class="{css_class}"[^>]*>', html).group(0)


def test_the_change_page_has_the_time_page_s_day_picker_days_and_sticky_bar(client):
    booking = _booking()
    times, confirm = _urls(booking)
    html = client.get(times).content.decode()
    start = client.get(reverse("booking-start", args=[booking.office.slug])).content.decode()
    for part in ("day-picker", "day-list", "actions actions--sticky"):
        assert _fragment(html, part) == _fragment(start, part)
    # One fieldset and legend per day, each with that day's times only.
    for fieldset in re.findall(r'<fieldset class="day".*?</fieldset>', html, flags=re.S):
        day = re.search(r'id="day-(\d{8})"', fieldset).group(1)
        legend = re.search(r"<legend[^>]*>(.*?)</legend>", fieldset).group(1)
        assert legend and f"{int(day[6:])}日" in legend
        values = re.findall(r'name="start" value="([^"]+)"', fieldset)
        assert values and {v[:10].replace("-", "") for v in values} == {day}
    # 次へ goes to the confirm step, and nothing is sent from this page.
    form = re.search(r'<form method="get"[^>]*>', html).group(0)
    assert f'action="{confirm}"' in form
    assert "csrfmiddlewaretoken" not in html.split(form, 1)[1].split("</form>")[0]


def test_the_confirm_step_says_from_and_to_and_only_its_button_moves_the_booking(client):
    booking = _booking()
    times, confirm = _urls(booking)
    page = client.get(confirm, {"start": LATER.isoformat()})
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        "予約を2026年11月26日(木) 9:30〜10:00から2026年11月26日(木) 10:30〜11:00に変更しますか"
        in html
    )
    assert f'value="{LATER.isoformat()}"' in html and f'action="{times}"' in html
    booking.refresh_from_db()
    assert booking.start == THU and booking.reschedule_count == 0  # the step only reads
    done = client.post(times, {"start": LATER.isoformat()})
    assert done.status_code == 302 and done.url == reverse(
        "booking-manage", args=[manage_token(booking)]
    )
    booking.refresh_from_db()
    assert booking.start == LATER and booking.reschedule_count == 1


def test_back_to_the_confirm_step_after_the_change_sends_nothing_and_opens_the_booking(client):
    booking = _booking()
    times, confirm = _urls(booking)
    client.post(times, {"start": LATER.isoformat()})
    back = client.get(confirm, {"start": LATER.isoformat()}, follow=True)
    assert back.redirect_chain[-1][0] == reverse("booking-manage", args=[manage_token(booking)])
    assert "この内容はすでに送信されています" in back.content.decode()
    booking.refresh_from_db()
    assert booking.reschedule_count == 1


def test_back_after_asking_a_counselor_for_a_time_sends_nothing_again(client):
    booking = _booking(confirmation_mode="staff_approval")
    counselor = counselor_account(booking.office)
    booking_confirm(booking=email_checked(booking), by=counselor, now=booking.created_at)
    times, confirm = _urls(booking)
    step = client.get(confirm, {"start": LATER.isoformat()}).content.decode()
    assert "この日時への変更を申し込む" in step and "相談員が確認します" in step
    client.post(times, {"start": LATER.isoformat()})
    back = client.get(confirm, {"start": LATER.isoformat()})
    assert back.status_code == 302
    assert BookingChange.objects.filter(booking=booking).count() == 1


@pytest.mark.parametrize(
    "value", ["", "tomorrow", "2026-11-26T10:30:00", "9999-12-31T10:00:00+09:00", "\x00", "1e999"]
)
def test_bad_input_at_the_confirm_step_is_a_message_on_the_times_never_a_500(client, value):
    booking = _booking()
    times, confirm = _urls(booking)
    response = client.get(confirm, {"start": value}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(times)
    html = response.content.decode()
    assert "空いている時間から選んでください" in html or "ほかの方の予約が入りました" in html


def test_a_time_not_offered_goes_back_to_that_day_s_times_with_a_message(client):
    booking = _booking()
    times, confirm = _urls(booking)
    response = client.get(confirm, {"start": "2026-11-26T03:00:00+09:00"})
    assert response.status_code == 302 and response.url == f"{times}?from=2026-11-26"
