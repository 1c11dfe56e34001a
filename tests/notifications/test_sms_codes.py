"""
An SMS number typed on a person's page is confirmed by a code before anything goes to it:
a 6-digit code by SMS (against the fake Twilio), typed back on the page; a wrong code counts
a try, five wrong tries or ten minutes (the suite's clock) end the code, and at most five
codes are sent before one is confirmed. Until then no reminder or notice goes there.
"""

import re

import pytest
from django.urls import reverse

from bookings.services.reminders import bookings_send_reminders
from common import clock
from notifications.contacts import SMS_CODE_MINUTES, SMS_CODE_TRIES, SMS_CODES
from notifications.models import ContactChannel
from offices.models import User
from tests.helpers import book, jst, manage_token, person

pytestmark = pytest.mark.django_db

THU = jst(2026, 12, 3, 10, 0)  # a Thursday


@pytest.fixture
def booking(office, settings):
    """A phone booking of a person without email, confirmed: reminded only by SMS."""
    settings.SITE_URL = "http://testserver"
    counselor = User.objects.get(username="counselor-1")
    data = person(email="", name="電話 一郎", phone="03-5555-6666")
    return book(
        office.services.first(), THU, data=data, channel="phone", created_by=counselor
    ).booking


def _codes(fake_twilio) -> list[str]:
    return [
        re.search(r"\b(\d{6})\b", sms["body"]).group(1) for sms in fake_twilio.messages.values()
    ]


def _add(client, booking, number="090-1234-5678"):
    return client.post(
        reverse("booking-sms-set", args=[manage_token(booking)]), {"sms_number": number}
    )


def _type(client, booking, code):
    return client.post(
        reverse("booking-sms-confirm", args=[manage_token(booking)]), {"sms_code": code}
    )


def _contact(booking) -> ContactChannel:
    return ContactChannel.objects.get(owner_kind="booking", owner_id=booking.pk)


def test_no_reminder_goes_to_a_number_until_its_code_is_typed_back(
    client, booking, fake_twilio, django_capture_on_commit_callbacks, frozen
):
    assert _add(client, booking).status_code == 302
    ((sms),) = fake_twilio.messages.values()
    assert sms["to"] == "+819012345678"
    assert sms["body"].startswith(booking.office.name + "：")  # the office's name, the code
    assert "電話" not in sms["body"] and booking.reference not in sms["body"]
    (code,) = _codes(fake_twilio)
    assert _contact(booking).status == "linking"

    frozen.move_to(jst(2026, 12, 2, 18, 0))  # the business day before
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_send_reminders(now=clock.now()) == 0  # no channel in use yet
    assert len(fake_twilio.messages) == 1  # the code only

    frozen.move_to(jst(2026, 11, 22, 10, 5))
    page = _type(client, booking, code)
    assert page.status_code == 302
    contact = _contact(booking)
    assert (contact.status, contact.linked_at) == ("active", clock.now())
    assert contact.link_code_hash == "" and code not in contact.link_code_hash

    frozen.move_to(jst(2026, 12, 2, 18, 0))
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_send_reminders(now=clock.now()) == 1
    assert len(fake_twilio.messages) == 2  # the reminder, by SMS


def test_a_wrong_code_counts_a_try_and_after_five_only_a_new_code_confirms(
    client, booking, fake_twilio
):
    _add(client, booking)
    (code,) = _codes(fake_twilio)
    wrong = "000000" if code != "000000" else "111111"
    for left in range(SMS_CODE_TRIES - 1, -1, -1):
        page = _type(client, booking, wrong)
        assert page.status_code == 400
        body = page.content.decode()
        assert 'class="error-summary"' in body and 'id="id_sms_code_error"' in body
        assert _contact(booking).tries == SMS_CODE_TRIES - left
    refused = _type(client, booking, code).content.decode()  # the right one, too late
    assert "新しいコード" in refused and _contact(booking).status == "linking"

    _add(client, booking)  # a new code
    new = _codes(fake_twilio)[-1]
    assert _type(client, booking, new).status_code == 302
    assert _contact(booking).status == "active"


def test_a_code_lapses_after_ten_minutes_on_the_clock(client, booking, fake_twilio, frozen):
    _add(client, booking)
    (code,) = _codes(fake_twilio)
    frozen.shift(SMS_CODE_MINUTES * 60)
    page = _type(client, booking, code)
    assert page.status_code == 400 and "期限" in page.content.decode()
    assert _contact(booking).status == "linking"


def test_at_most_five_codes_are_sent_before_one_is_confirmed(client, booking, fake_twilio):
    for _n in range(SMS_CODES):
        assert _add(client, booking).status_code == 302
    refused = _add(client, booking)
    assert refused.status_code == 400 and "電話" in refused.content.decode()
    assert len(fake_twilio.messages) == SMS_CODES


def test_a_code_typed_in_full_width_digits_is_taken_and_bad_input_is_explained(
    client, booking, fake_twilio
):
    _add(client, booking)
    (code,) = _codes(fake_twilio)
    for bad in ["", "x" * 12, "<script>"]:
        page = _type(client, booking, bad)
        assert page.status_code == 400 and 'class="field__error"' in page.content.decode()
    full_width = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert _type(client, booking, full_width).status_code == 302
    assert _contact(booking).status == "active"


def test_a_number_twilio_refuses_is_explained_under_the_field(client, booking, fake_twilio):
    fake_twilio.fail(
        "POST /2010-04-01/", status=400,
        body={"code": 21614, "message": "not a mobile number", "status": 400},
    )  # fmt: skip
    page = _add(client, booking)
    assert page.status_code == 400 and 'class="field__error"' in page.content.decode()
