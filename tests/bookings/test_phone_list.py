"""
Issue 27, major 7: a person without an email address is never cancelled silently. Every
cancellation (a closure, a counselor's cancel from the schedule or the booking list) and
every other change they must hear of puts a call on the phone list (電話連絡リスト), which
counselors work through; the closure's confirm page says who is emailed and who is phoned.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from bookings.models import BookingStatus, PhoneCall
from bookings.services.staff import booking_confirm
from common import clock
from offices.roles import OFFICE_MANAGERS
from tests.admin_forms import add_inline_row, change_form_data
from tests.factories import counselors_reachable, office_with
from tests.helpers import book, counselor_account, email_checked, jst, person, service, staff

pytestmark = pytest.mark.django_db

THU = jst(2026, 12, 3, 10, 0)  # a Thursday
PHONE_LIST = "/admin/bookings/phonecall/"
SLUG = "kawagoe"


@pytest.fixture
def office(db):
    """ハローワーク川越 as the test builds it: two counselors (with addresses, so an email
    sent to them would show) who confirm each request, open weekdays 9:30-12:00."""
    office = office_with(
        slug=SLUG, name="ハローワーク川越", name_en="Hello Work Kawagoe",
        confirmation_mode="staff_approval", counselors=2,
    )  # fmt: skip
    counselors_reachable(office)
    return office


@pytest.fixture
def counselor(office):
    return counselor_account(office)


@pytest.fixture
def manager_client(client, office):
    client.force_login(staff(office, OFFICE_MANAGERS, "kawagoe-manager"))
    client.cookies["django_language"] = "ja"
    return client


def by_phone(counselor, start=THU, **data):
    """A confirmed booking taken by phone for a person who has no email."""
    details = person(email="", **data)
    booking = book(service(SLUG), start, data=details, channel="phone",
                   created_by=counselor).booking  # fmt: skip
    if booking.status == BookingStatus.REQUESTED:
        booking = booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())
    return booking


def by_web(counselor, start, **data):
    booking = book(service(SLUG), start, data=person(**data)).booking
    return booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())


def test_a_closure_confirm_page_names_who_is_emailed_and_who_goes_on_the_phone_list(
    manager_client, counselor, mailoutbox, django_capture_on_commit_callbacks
):
    phoned = by_phone(counselor, name="電話 花子", job_seeker_number="11111-1111111")
    emailed = by_web(counselor, THU + timedelta(hours=1),
                     name="メール 次郎", email="jiro@example.jp",
                     job_seeker_number="22222-2222222")  # fmt: skip
    office = phoned.office
    url = reverse("admin:offices_office_change", args=[office.pk])
    data = change_form_data(manager_client, url)
    index = add_inline_row(data, "closures", date="2026-12-03", kind="closed", reason="停電")

    page = manager_client.post(url, data).content.decode()
    assert "メールでお知らせ" in page and emailed.reference in page
    assert "電話連絡リスト" in page and phoned.reference in page and "電話 花子" in page
    told = page.index("電話連絡リスト")
    assert page.index(phoned.reference) > told > page.index(emailed.reference)

    data[f"closures-{index}-bookings_on_day"] = "cancel"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url, data, follow=True)
    phoned.refresh_from_db()
    assert phoned.status == BookingStatus.CANCELLED
    assert [m.to for m in mailoutbox] == [["jiro@example.jp"]]
    call = PhoneCall.objects.get(booking=phoned)
    assert call.kind == "cancelled_for_closure" and call.done_at is None
    said = " ".join(str(m) for m in response.context["messages"])
    assert "1件はメールで" in said and "1件はメールがないため電話連絡リスト" in said


def test_a_counselor_cancelling_a_person_without_email_puts_the_call_on_the_list(
    client, counselor, mailoutbox, django_capture_on_commit_callbacks
):
    booking = by_phone(counselor)
    client.force_login(counselor)
    client.cookies["django_language"] = "ja"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/bookings/booking/{booking.pk}/act/",
            {"action": "cancel", "reason": "本人から電話"},
            follow=True,
        )
    said = " ".join(str(m) for m in response.context["messages"])
    assert "電話連絡リスト" in said and "メールでお知らせしました" not in said
    assert not mailoutbox
    call = PhoneCall.objects.get(booking=booking)
    assert call.kind == "cancelled"

    listed = client.get(PHONE_LIST).content.decode()
    assert booking.reference in listed and "tel:09012345678" in listed


def test_the_booking_list_cancel_says_who_goes_on_the_phone_list(
    client, counselor, django_capture_on_commit_callbacks
):
    booking = by_phone(counselor)
    client.force_login(counselor)
    client.cookies["django_language"] = "ja"
    changelist = reverse("admin:bookings_booking_changelist")
    form = client.post(
        changelist, {"action": "decline_requests", "_selected_action": [booking.pk]}
    ).content.decode()
    assert "電話連絡リスト" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {
                "action": "decline_requests",
                "_selected_action": [booking.pk],
                "reason": "休み",
                "asked_by": "office",
            },
            follow=True,
        )
    said = " ".join(str(m) for m in response.context["messages"])
    assert "電話連絡リスト" in said
    assert PhoneCall.objects.filter(booking=booking, kind="cancelled").exists()


def test_a_call_is_marked_with_its_result_and_no_answer_keeps_it_on_the_list(client, counselor):
    booking = by_phone(counselor)
    from bookings.services.staff import booking_cancel_by_staff

    booking_cancel_by_staff(booking=booking, by=counselor, reason="都合", now=clock.now())
    call = PhoneCall.objects.get(booking=booking)
    client.force_login(counselor)
    client.cookies["django_language"] = "ja"
    page = reverse("admin:bookings_phonecall_change", args=[call.pk])

    client.post(page, {"result": "no_answer", "note": "留守電なし"})
    call.refresh_from_db()
    assert call.attempts == 1 and call.done_at is None
    assert booking.reference in client.get(PHONE_LIST).content.decode()

    client.post(page, {"result": "reached", "note": ""})
    call.refresh_from_db()
    assert call.attempts == 2 and call.done_at == clock.now()
    assert call.last_called_by == counselor
    codes = list(booking.events.order_by("pk").values_list("reason_code", flat=True))
    assert codes[-2:] == ["phoned_no_answer", "phoned_reached"]
    history = client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))
    assert "電話で連絡：お伝えしました" in history.content.decode()


def test_another_offices_counselor_never_sees_the_call(client, counselor):
    booking = by_phone(counselor)
    from bookings.services.staff import booking_cancel_by_staff

    booking_cancel_by_staff(booking=booking, by=counselor, reason="都合", now=clock.now())
    call = PhoneCall.objects.get(booking=booking)
    other = counselor_account(office_with())  # a counselor of another office
    client.force_login(other)
    assert booking.reference not in client.get(PHONE_LIST).content.decode()
    page = reverse("admin:bookings_phonecall_change", args=[call.pk])
    assert client.get(page).status_code == 404
    client.post(page, {"result": "reached"})
    call.refresh_from_db()
    assert call.done_at is None
