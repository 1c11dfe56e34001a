"""
Linking LINE from the booking page through LINE's account-link flow, against the fake LINE
platform: the code the person sends, the link token LINE issues for their user id, the
nonce handed to LINE's dialog, and the `accountLink` event that binds the user id. Every
webhook call is checked against LINE's signature; a forged one is refused and changes
nothing. The SMS part of the page: a number added, a wrong one explained under the field.
"""

import re
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from django.urls import reverse

from common import clock
from notifications.models import ContactChannel
from offices.models import Office
from tests.helpers import book, jst, manage_token

pytestmark = pytest.mark.django_db

THU = jst(2026, 12, 3, 10, 0)
USER = "Uaaaabbbbccccddddeeeeffff00001111"


@pytest.fixture
def booking(office, settings):
    settings.SITE_URL = "http://testserver"
    return book(office.services.first(), THU).booking


def _webhook(client, fake_line, body, *, signature=None):
    return client.post(
        reverse("notifications-line-webhook", args=[Office.objects.get().slug]), body,
        content_type="application/json",
        HTTP_X_LINE_SIGNATURE=_sign(fake_line, body) if signature is None else signature,
    )  # fmt: skip


def _sign(fake_line, body):
    from tests.fakes.line import line_signature

    return line_signature(fake_line.channel_secret, body)


def _start(client, booking) -> str:
    """The booking page's "Link LINE": the code, as the button types it into LINE."""
    token = manage_token(booking)
    page = client.post(reverse("booking-line-link", args=[token]))
    assert page.status_code == 200
    href = re.search(r'id="open-line" href="([^"]+)"', page.content.decode()).group(1)
    assert href.startswith("https://line.me/R/oaMessage/%40fake-office/?")
    return unquote(href.split("?", 1)[1].replace("&amp;", "&"))


def test_a_person_links_line_from_the_booking_page(client, booking, fake_line):
    page = client.get(reverse("booking-manage", args=[manage_token(booking)]))
    assert "Link LINE" in page.content.decode() or "LINEと連携" in page.content.decode()
    text = _start(client, booking)
    assert _webhook(client, fake_line, fake_line.message_event(USER, text)).status_code == 200
    (reply,) = fake_line.replies
    link = re.search(r"http://testserver(\S+)", reply["text"]).group(1)
    dialog = client.get(link)
    assert dialog.status_code == 302
    target = urlparse(dialog["Location"])
    assert f"{target.scheme}://{target.netloc}" == fake_line.base
    assert target.path == "/dialog/bot/accountLink"
    query = parse_qs(target.query)
    assert fake_line.link_tokens[query["linkToken"][0]] == USER
    nonce = query["nonce"][0]
    contact = ContactChannel.objects.get(owner_id=booking.pk)
    assert contact.status == "linking" and nonce not in contact.nonce_hash  # kept as a hash

    # The person agrees in LINE's dialog: LINE tells the bot.
    event = fake_line.event_body({
        "type": "accountLink", "replyToken": "r", "source": {"type": "user", "userId": USER},
        "link": {"result": "ok", "nonce": nonce},
    })  # fmt: skip
    assert _webhook(client, fake_line, event).status_code == 200
    contact.refresh_from_db()
    assert (contact.status, contact.address) == ("active", USER)
    assert contact.link_code_hash == contact.nonce_hash == ""
    assert fake_line.pushed[-1]["to"] == USER  # "LINE is linked"
    page = client.get(reverse("booking-manage", args=[manage_token(booking)])).content.decode()
    assert "Stop notices by LINE" in page or "LINEでのお知らせをやめる" in page
    # The same nonce again (a replayed event) links nothing more.
    assert _webhook(client, fake_line, event).status_code == 200
    assert ContactChannel.objects.filter(owner_id=booking.pk).count() == 1


def test_a_forged_line_signature_is_refused_and_changes_nothing(client, booking, fake_line):
    text = _start(client, booking)
    body = fake_line.message_event(USER, text)
    forged = _sign(type("Other", (), {"channel_secret": "not-the-secret"}), body)
    assert _webhook(client, fake_line, body, signature=forged).status_code == 403
    assert _webhook(client, fake_line, body, signature="").status_code == 403
    assert fake_line.replies == [] and fake_line.link_tokens == {}
    # A signed body altered on the way is refused too.
    signed = _sign(fake_line, body)
    tampered = body.replace(USER.encode(), b"Uattacker00000000000000000000000")
    assert _webhook(client, fake_line, tampered, signature=signed).status_code == 403
    assert ContactChannel.objects.get(owner_id=booking.pk).status == "linking"


def test_a_lapsed_or_unknown_code_gets_a_reply_and_no_link_token(
    client, booking, fake_line, frozen
):
    text = _start(client, booking)
    frozen.shift(31 * 60)
    _webhook(client, fake_line, fake_line.message_event(USER, text))
    assert fake_line.link_tokens == {}
    assert "http" not in fake_line.replies[-1]["text"]
    lapsed = client.get(
        reverse("notifications-line-link", args=[text.split()[-1], booking.office.slug])
        + "?linkToken=LT000001abcdef"
    )
    assert lapsed.status_code == 410


def test_line_is_not_offered_where_the_office_has_no_account(client, booking, settings):
    settings.LINE_ACCOUNTS, settings.SMS_ACCOUNT = {}, {}
    page = client.get(reverse("booking-manage", args=[manage_token(booking)])).content.decode()
    assert 'id="notices"' not in page
    refused = client.post(reverse("booking-line-link", args=[manage_token(booking)]))
    assert refused.status_code == 302 and not ContactChannel.objects.exists()
    webhook = client.post(reverse("notifications-line-webhook", args=[booking.office.slug]), b"{}",
                          content_type="application/json")  # fmt: skip
    assert webhook.status_code == 404


def test_an_sms_number_is_added_from_the_booking_page_and_a_wrong_one_explained(
    client, booking, fake_twilio
):
    token = manage_token(booking)
    wrong = client.post(reverse("booking-sms-set", args=[token]), {"sms_number": "03-1234-5678"})
    assert wrong.status_code == 400
    body = wrong.content.decode()
    assert 'class="error-summary"' in body and 'class="field__error"' in body
    assert not ContactChannel.objects.exists()
    added = client.post(reverse("booking-sms-set", args=[token]), {"sms_number": "090-1234-5678"})
    assert added.status_code == 302
    contact = ContactChannel.objects.get(owner_id=booking.pk)
    assert (contact.kind, contact.address, contact.status) == ("sms", "+819012345678", "linking")
    ((code_sms),) = fake_twilio.messages.values()
    code = re.search(r"\b(\d{6})\b", code_sms["body"]).group(1)
    page = client.get(reverse("booking-manage", args=[token])).content.decode()
    assert "090-****-5678" in page and 'name="sms_code"' in page  # the code is asked for
    client.post(reverse("booking-sms-confirm", args=[token]), {"sms_code": code})
    contact.refresh_from_db()
    assert contact.status == "active"
    page = client.get(reverse("booking-manage", args=[token])).content.decode()
    assert "090-****-5678" in page and "+819012345678" not in page
    assert 'name="sms_code"' not in page
    client.post(reverse("booking-sms-remove", args=[token]))
    contact.refresh_from_db()
    assert (contact.status, contact.address) == ("removed", "")
    assert contact.removed_at == clock.now()


@pytest.mark.parametrize("language", ["vi", "en", "ja-x-easy"])
def test_the_accounts_replies_while_linking_speak_the_persons_language(
    client, office, fake_line, settings, frozen, language
):
    from django.utils import translation
    from django.utils.translation import gettext

    settings.SITE_URL = "http://testserver"
    booking = book(office.services.first(), THU, language=language).booking

    def said(msgid: str) -> str:
        with translation.override(language):
            text = gettext(msgid)
        with translation.override("ja"):
            assert text != gettext(msgid)  # not Japanese
        return text

    text = _start(client, booking)
    _webhook(client, fake_line, fake_line.message_event(USER, text))
    assert fake_line.replies[-1]["text"].startswith(
        said("Open this link to finish linking LINE to your booking:")
    )
    nonce = parse_qs(urlparse(client.get(
        re.search(r"http://testserver(\S+)", fake_line.replies[-1]["text"]).group(1)
    )["Location"]).query)["nonce"][0]  # fmt: skip
    event = fake_line.event_body({
        "type": "accountLink", "replyToken": "r", "source": {"type": "user", "userId": USER},
        "link": {"result": "ok", "nonce": nonce},
    })  # fmt: skip
    _webhook(client, fake_line, event)
    assert fake_line.pushed[-1]["text"] == said(
        "LINE is linked. Notices of your booking come here as a link to your booking page; "
        "its details stay on the page."
    )
    # A code that has lapsed is answered in the language it was given in.
    client.post(reverse("booking-line-remove", args=[manage_token(booking)]))
    text = _start(client, booking)
    frozen.shift(31 * 60)
    _webhook(client, fake_line, fake_line.message_event(USER, text))
    assert fake_line.replies[-1]["text"] == said(
        "This code has lapsed or was already used. Open your booking page and choose “Link "
        "LINE” again."
    )
