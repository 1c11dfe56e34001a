"""
Channels beside email (issue 29): a person adds SMS or links LINE from their booking page;
each message goes there as a pointer (the office's name, a fixed sentence, a link), never
the booking's details; each delivery is tracked per channel with the provider's reason; a
failed one falls back to the person's next channel, and a message that reached none is
listed for a counselor to phone. Against local fakes of LINE and Twilio that speak their
HTTP protocols, with their signatures checked.
"""

import re
from datetime import timedelta

import pytest

from bookings.models import BookingStatus, PhoneCall
from bookings.services.reminders import bookings_send_reminders
from bookings.services.staff import booking_confirm
from common import clock
from notifications.contacts import contact_sms_set, sms_number_normalise
from notifications.delivery import pointers_send
from notifications.exceptions import ChannelInvalid
from notifications.models import ContactChannel, Delivery, Notification, Owner
from offices.models import Service, User
from tests.helpers import book, email_checked, jst, person

pytestmark = pytest.mark.django_db

THU = jst(2026, 12, 3, 10, 0)  # Kawagoe, a Thursday
DETAILS = {
    "name": "鈴木 花子", "name_kana": "スズキ ハナコ", "email": "hanako.suzuki@example.jp",
    "phone": "080-9876-5432", "job_seeker_number": "54321-7654321",
}  # fmt: skip


def _service():
    """The one service of the test's office (`office`)."""
    return Service.objects.select_related("office").get()


def _counselor():
    return User.objects.get(username="counselor-1")


def _booking(commit, *, email=DETAILS["email"], channel="web", start=THU):
    data = person(**{**DETAILS, "email": email})
    with commit(execute=True):
        kwargs = {"created_by": _counselor()} if channel == "phone" else {}
        booking = book(_service(), start, data=data, channel=channel, **kwargs).booking
    return booking


def _confirm(commit, booking):
    with commit(execute=True):
        if booking.status == BookingStatus.CONFIRMED:
            return booking
        return booking_confirm(booking=email_checked(booking), by=_counselor(), now=clock.now())


def _line(booking, user_id="U1234567890abcdef1234567890abcdef"):
    return ContactChannel.objects.create(
        owner_id=booking.pk, office_id=booking.office_id, kind="line", address=user_id,
        status="active", linked_at=clock.now(),
    )  # fmt: skip


# --- numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "090-1234-5678",
        "09012345678",
        "０９０－１２３４－５６７８",
        "+81 90 1234 5678",
        "090 1234 5678",
    ],
)
def test_a_japanese_mobile_number_is_stored_in_e164(typed):
    assert sms_number_normalise(typed) == "+819012345678"


@pytest.mark.parametrize(
    "typed", ["03-1234-5678", "090-1234-567", "+1 555 010 0100", "", "0120-123-456"]
)
def test_a_number_that_is_not_a_japanese_mobile_is_refused_saying_how_to_write_it(typed):
    with pytest.raises(ChannelInvalid) as refused:
        sms_number_normalise(typed)
    assert "090-1234-5678" in str(refused.value.message)


# --- the pointer carries no detail -------------------------------------------------------


def test_no_line_or_sms_message_carries_the_bookings_details(
    office, fake_line, fake_twilio, django_capture_on_commit_callbacks, frozen
):
    commit = django_capture_on_commit_callbacks
    by_line = _booking(commit)
    by_sms = _booking(commit, email="", channel="phone", start=THU + timedelta(hours=1))
    _line(by_line)
    contact_sms_set(
        owner=Owner("booking", by_sms.pk), office_id=by_sms.office_id,
        number="090-1111-2222", now=clock.now(),
    )  # fmt: skip
    by_line, by_sms = _confirm(commit, by_line), _confirm(commit, by_sms)
    frozen.move_to(jst(2026, 12, 2, 18, 0))  # the business day before: the reminders
    with commit(execute=True):
        assert bookings_send_reminders(now=clock.now()) == 2
    frozen.move_to(THU + timedelta(minutes=45))
    with commit(execute=True):
        bookings_send_reminders(now=clock.now())  # the "soon" reminder of the 11:00 booking
    from bookings.services.staff import booking_cancel_by_staff

    with commit(execute=True):  # the office cancels, with a reason and a message
        booking_cancel_by_staff(booking=by_sms, by=_counselor(), reason="都合が悪くなった",
                                message="担当者の都合により", now=clock.now())  # fmt: skip

    texts = [m["text"] for m in fake_line.pushed] + [
        m["body"] for m in fake_twilio.messages.values()
    ]
    # LINE: the request's receipt, confirmed, the day-before reminder; SMS: both reminders and
    # the cancellation (the phone booking was never a request).
    assert len(fake_line.pushed) == 3 and len(fake_twilio.messages) == 3
    booking = by_line
    from conferencing.models import OnlineMeeting

    meeting = OnlineMeeting.objects.filter(booking_uuid=booking.uuid).first()
    secrets_of_the_booking = [
        *DETAILS.values(), "スズキ", "鈴木", "9876", "54321", "1111-2222", booking.reference,
        by_sms.reference, booking.service.name, "12月3日", "12/3", "10:00", "11:00", "2026年",
        booking.counselor.display_name, "都合", "担当者", booking.office.phone,
    ]  # fmt: skip
    if meeting is not None:
        secrets_of_the_booking += [meeting.join_url, meeting.join_url.split("?")[0]]
    for text in texts:
        for secret in filter(None, secrets_of_the_booking):
            assert secret not in text, (secret, text)
        assert text.startswith(booking.office.name + "：")  # full-width after Japanese
        assert re.search(r"http\S+/bookings/[A-Za-z0-9_\-]{20,}/$", text)
        assert len(text.splitlines()) == 2  # the sentence, then the link: nothing else


def test_the_pointers_link_opens_the_booking_page(
    office, fake_line, client, django_capture_on_commit_callbacks
):
    booking = _booking(django_capture_on_commit_callbacks)
    _line(booking)
    _confirm(django_capture_on_commit_callbacks, booking)
    link = fake_line.pushed[-1]["text"].splitlines()[1]
    page = client.get(
        link.split("testserver")[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    )
    assert page.status_code == 200 and booking.reference in page.content.decode()


# --- delivery tracked, fallback, phone list ----------------------------------------------


def test_a_refused_line_push_is_recorded_with_lines_reason_and_falls_back_to_sms(
    office, fake_line, fake_twilio, django_capture_on_commit_callbacks
):
    booking = _booking(django_capture_on_commit_callbacks)
    _line(booking)
    contact_sms_set(
        owner=Owner("booking", booking.pk), office_id=booking.office_id,
        number="07011112222", now=clock.now(),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        booking = email_checked(booking)  # the request's receipt goes out first, by LINE too
    fake_line.fail("POST /v2/bot/message/push", status=400,
                   body={"message": "The property, 'to', in the request body is invalid"})  # fmt: skip
    _confirm(django_capture_on_commit_callbacks, booking)
    message = Notification.objects.get(booking_id=booking.pk, kind="booking_confirmed")
    deliveries = {d.channel: d for d in message.deliveries.all()}
    assert deliveries["email"].status == Delivery.Status.SENT
    assert deliveries["line"].status == Delivery.Status.FAILED
    assert deliveries["line"].reason.startswith("LINE push 400: The property, 'to'")
    assert deliveries["sms"].status == Delivery.Status.SENT
    assert [m["to"] for m in fake_twilio.messages.values()] == ["+817011112222"]
    assert not PhoneCall.objects.filter(booking_id=booking.pk).exists()  # the email arrived


def test_sending_a_pointer_again_sends_nothing_twice(
    office, fake_line, django_capture_on_commit_callbacks
):
    booking = _booking(django_capture_on_commit_callbacks)
    _line(booking)
    _confirm(django_capture_on_commit_callbacks, booking)
    message = Notification.objects.get(booking_id=booking.pk, kind="booking_confirmed")
    pushed = len(fake_line.pushed)  # the request's receipt, then the confirmation
    assert pointers_send(notification_id=message.pk, now=clock.now())  # on its way already
    assert len(fake_line.pushed) == pushed == 2


def _receipt(client, fake_twilio, sid, status, error_code="", *, signature=None):
    url, form, good = fake_twilio.receipt(sid, status, error_code)
    path = url.split("testserver")[-1] if "testserver" in url else "/" + url.split("/", 3)[3]
    return client.post(path, form, HTTP_X_TWILIO_SIGNATURE=signature or good)


def test_a_reminder_goes_by_sms_to_a_person_without_email_and_its_failure_lists_a_call(
    office, fake_twilio, client, settings, django_capture_on_commit_callbacks, frozen
):
    settings.SITE_URL = "http://testserver"
    commit = django_capture_on_commit_callbacks
    booking = _booking(commit, email="", channel="phone")
    contact_sms_set(
        owner=Owner("booking", booking.pk), office_id=booking.office_id,
        number="090-3333-4444", now=clock.now(),
    )  # fmt: skip
    booking = _confirm(commit, booking)
    assert not PhoneCall.objects.filter(booking_id=booking.pk).exists()  # told by SMS instead
    frozen.move_to(jst(2026, 12, 2, 18, 0))
    with commit(execute=True):
        assert bookings_send_reminders(now=clock.now()) == 1
    reminder = Notification.objects.get(booking_id=booking.pk, kind="reminder_day_before")
    assert reminder.recipient == ""
    (sid,) = fake_twilio.messages  # confirmed by phone before the number was added
    delivery = reminder.deliveries.get(channel="sms")
    assert (delivery.status, delivery.provider_ref) == (Delivery.Status.SENT, sid)

    assert (
        _receipt(client, fake_twilio, sid, "undelivered", "30003", signature="forged").status_code
        == 403
    )
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT  # a forged receipt changes nothing

    assert _receipt(client, fake_twilio, sid, "undelivered", "30003").status_code == 204
    delivery.refresh_from_db()
    assert (delivery.status, delivery.reason) == (
        Delivery.Status.FAILED,
        "Twilio: undelivered, error 30003",
    )
    call = PhoneCall.objects.get(booking_id=booking.pk)
    assert call.kind == "reminder_day_before" and call.done_at is None
    reminder.refresh_from_db()
    assert reminder.undelivered_at is not None
    _receipt(client, fake_twilio, sid, "failed", "30003")  # a repeated receipt lists no second call
    assert PhoneCall.objects.filter(booking_id=booking.pk).count() == 1


def test_a_delivered_receipt_is_recorded(
    office, fake_twilio, client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    booking = _booking(django_capture_on_commit_callbacks, email="", channel="phone")
    contact_sms_set(
        owner=Owner("booking", booking.pk), office_id=booking.office_id,
        number="090-3333-4444", now=clock.now(),
    )  # fmt: skip
    from bookings.services.staff import booking_cancel_by_staff

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel_by_staff(booking=booking, by=_counselor(), reason="x", now=clock.now())
    (sid,) = fake_twilio.messages
    assert _receipt(client, fake_twilio, sid, "delivered").status_code == 204
    assert Delivery.objects.get(provider_ref=sid).status == Delivery.Status.DELIVERED
