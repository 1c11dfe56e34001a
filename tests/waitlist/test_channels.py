"""
Waitlist offers beside email (issue 29): a person on the waitlist adds LINE or an SMS
number on their entry's page, as on a booking's page (the same part, the same rules), and
an offer (and its lapse) then also goes there as a pointer: the office's name, one sentence
and a link to the entry's page, never the time or the name. A refused pointer falls back
to the next channel; an offer that reached the person nowhere is a call on the phone list.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from bookings.models import PhoneCall
from common import clock
from notifications.delivery import email_failed_for_good
from notifications.models import ContactChannel, Delivery, Notification
from tests.helpers import NOW, staff
from tests.waitlist.helpers import STARTS, free, join
from waitlist.models import WAITLIST_OWNER, OfferStatus, WaitlistEntry
from waitlist.services import waitlist_link_issue, waitlist_sweep

pytestmark = pytest.mark.django_db

USER = "U0000aaaa1111bbbb2222cccc3333dddd"


def _channel(entry, kind, address):
    return ContactChannel.objects.create(
        owner_kind=WAITLIST_OWNER, owner_id=entry.pk, office_id=entry.office_id, kind=kind,
        address=address, status="active", linked_at=clock.now(),
    )  # fmt: skip


def _offer(env, commit):
    """Two people wait; 10:30 frees up and is offered to the first."""
    first, second = join(env, 1), join(env, 2)
    with commit(execute=True):
        free(env.bookings[2])
    return first, second


def _path(url: str) -> str:
    return url.split("testserver", 1)[1]


def test_an_offer_goes_by_line_as_well_as_email_as_a_pointer_whose_link_opens_the_entry(
    client, env, fake_line, fake_twilio, django_capture_on_commit_callbacks
):
    first = join(env, 1)
    _channel(first, "line", USER)
    _channel(first, "sms", "+819012345678")
    second = join(env, 2)
    _channel(second, "line", "U" + "9" * 32)
    with django_capture_on_commit_callbacks(execute=True):
        free(env.bookings[2])
    offer = Notification.objects.get(kind="waitlist_offer", recipient="w1@example.jp")
    assert {d.channel: d.status for d in offer.deliveries.all()} == {
        "email": Delivery.Status.SENT, "line": Delivery.Status.SENT,
    }  # fmt: skip
    ((pushed),) = fake_line.pushed  # LINE first; SMS only should LINE fail
    assert pushed["to"] == USER and fake_twilio.messages == {}
    text = pushed["text"]
    assert text.startswith(env.office.name + "：") and len(text.splitlines()) == 2
    for detail in ["待機", "w1@example.jp", "10:30", "11月24日", env.service.name, "30001"]:
        assert detail not in text
    link = re.search(r"http://testserver/waitlist/[A-Za-z0-9_\-]+/$", text).group(0)
    page = client.get(_path(link)).content.decode()
    assert "時間が空きました" in page and "10:30" in page  # the details are behind the link
    assert not Notification.objects.filter(kind="waitlist_offer", owner_id=second.pk).exists()


def test_a_refused_pointer_falls_back_and_an_offer_that_reached_no_one_is_on_the_phone_list(
    client, env, fake_line, fake_twilio, django_capture_on_commit_callbacks
):
    from offices.roles import roles_sync

    first = join(env, 1)
    _channel(first, "line", USER)
    _channel(first, "sms", "+819077778888")
    fake_line.fail("POST /v2/bot/message/push", status=400, body={"message": "bad 'to'"})
    with django_capture_on_commit_callbacks(execute=True):
        free(env.bookings[2])
    message = Notification.objects.get(kind="waitlist_offer", owner_id=first.pk)
    deliveries = {d.channel: d for d in message.deliveries.all()}
    assert deliveries["line"].status == Delivery.Status.FAILED
    assert deliveries["line"].reason.startswith("LINE push 400")
    assert deliveries["sms"].status == Delivery.Status.SENT
    assert not PhoneCall.objects.exists()  # the email and the SMS may still arrive

    # The email bounces and Twilio reports the SMS undelivered: nothing reached the person.
    email_failed_for_good(notification_id=message.pk, reason="bounce 5.1.1", now=clock.now())
    assert not PhoneCall.objects.exists()  # the SMS is still on its way
    from notifications.delivery import sms_receipt

    sms_receipt(ref=deliveries["sms"].provider_ref, status="undelivered", error_code="30003",
                now=clock.now())  # fmt: skip
    (call,) = PhoneCall.objects.all()
    assert (call.owner_kind, call.owner_id, call.booking_id) == (WAITLIST_OWNER, first.pk, None)
    assert (call.office_id, call.kind) == (env.office.pk, "waitlist_offer")
    sms_receipt(ref=deliveries["sms"].provider_ref, status="failed", error_code="30003",
                now=clock.now())  # fmt: skip
    assert PhoneCall.objects.count() == 1  # once per message

    # The counselor finds the call on the phone list: whom, which number, which time.
    roles_sync()
    counselor = staff(env.office, "Counselors", "waitlist-counselor")
    client.force_login(counselor)
    listing = client.get(reverse("admin:bookings_phonecall_changelist")).content.decode()
    assert "待機 1" in listing and "キャンセル待ち" in listing and "10:30" in listing
    assert "090-1234-5678" in listing  # the number the person gave when joining
    page = reverse("admin:bookings_phonecall_change", args=[call.pk])
    assert client.get(page).status_code == 200
    client.post(page, {"result": "reached", "note": "電話で伝えた"})
    call.refresh_from_db()
    assert call.done_at == clock.now() and call.last_called_by == counselor


def test_the_entry_page_links_line_and_confirms_an_sms_number_by_its_code(
    client, env, fake_line, fake_twilio
):
    entry = join(env, 1, language="en")
    url = reverse("waitlist-entry", args=[waitlist_link_issue(entry=entry)])
    page = client.get(url).content.decode()
    assert 'id="notices"' in page
    token = url.strip("/").split("/")[-1]

    start = client.post(reverse("waitlist-line-link", args=[token]))
    assert start.status_code == 200 and 'id="open-line"' in start.content.decode()
    line = ContactChannel.objects.get(owner_kind=WAITLIST_OWNER, owner_id=entry.pk, kind="line")
    assert (line.status, line.language) == ("linking", "en")

    client.post(reverse("waitlist-sms-set", args=[token]), {"sms_number": "080-2222-3333"})
    ((sms),) = fake_twilio.messages.values()
    assert sms["to"] == "+818022223333"
    code = re.search(r"\b(\d{6})\b", sms["body"]).group(1)
    client.post(reverse("waitlist-sms-confirm", args=[token]), {"sms_code": code})
    contact = ContactChannel.objects.get(owner_kind=WAITLIST_OWNER, kind="sms")
    assert (contact.owner_id, contact.status) == (entry.pk, "active")
    assert "080-****-3333" in client.get(url).content.decode()

    client.post(url, {"action": "leave"})  # off the list: no channel to add any more
    assert 'id="notices"' not in client.get(url).content.decode()
    refused = client.post(reverse("waitlist-sms-set", args=[token]), {"sms_number": "08022223333"})
    assert refused.status_code == 400 and len(fake_twilio.messages) == 1


def test_a_lapsed_offer_is_told_by_line_too_and_the_next_is_offered(
    env, fake_line, django_capture_on_commit_callbacks
):
    first, second = _offer(env, django_capture_on_commit_callbacks)
    _channel(first, "line", USER)
    with django_capture_on_commit_callbacks(execute=True):
        waitlist_sweep(now=NOW + timedelta(minutes=31))
    assert first.offers.get().status == OfferStatus.LAPSED
    ((pushed),) = fake_line.pushed
    assert "キャンセル待ち" in pushed["text"] and "/waitlist/" in pushed["text"]
    assert second.offers.get().start == STARTS[2]  # passed on


def test_an_entrys_numbers_and_line_ids_are_purged_with_its_personal_data(env, settings):
    from bookings.services.phone_calls import phone_call_add_for_owner
    from waitlist.services import waitlist_leave

    entry = join(env, 1)
    _channel(entry, "sms", "+819012345678")
    call = phone_call_add_for_owner(owner_kind=WAITLIST_OWNER, owner_id=entry.pk,
                                    office_id=entry.office_id, kind="waitlist_offer",
                                    dedupe_key="undelivered:1")  # fmt: skip
    PhoneCall.objects.filter(pk=call.pk).update(note="留守電に伝言")
    waitlist_leave(entry=entry, now=NOW)
    waitlist_sweep(now=NOW + timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS + 3))
    entry = WaitlistEntry.objects.get(pk=entry.pk)
    assert entry.name == ""
    contact = ContactChannel.objects.get(owner_kind=WAITLIST_OWNER, owner_id=entry.pk)
    assert (contact.address, contact.status) == ("", "removed")
    assert PhoneCall.objects.get(pk=call.pk).note == ""
