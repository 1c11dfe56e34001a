"""
Issue 26: no instruction to phone without a number to press. Across the person's path (the
office page, the time page, the confirm page, the done and booking pages, the find page, the
invitation's pages and every email), each `tel:` link dials digits only, and each writing of
the office's number is such a link, even when the number carries a marker (the seed's
「00-0000-0000（デモ）」). Offices of the tests' own (tests/factories.py).
"""

import re

import pytest
from django.core import mail
from django.urls import reverse

from offices.phone import phone_in_brackets, tel_uri
from tests.factories import office_with, sasebo_like
from tests.helpers import invitation_office, invitation_token, invite, jst, link_token, person

pytestmark = pytest.mark.django_db
EMAILS_SENT = pytest.mark.django_db(transaction=True)

DEMO = "00-0000-0000（デモ）"
DIALLED = re.compile(r"^tel:\+?[0-9]+$")
THU = jst(2026, 11, 26, 9, 30)
SAYS_PHONE = r"電話(ください|でご連絡|で承り|いただ|して)"


def _tel_links_dial_and_number_is_linked(name: str, html: str, number_part="0000-0000"):
    """Every tel: href dials; no writing of the number stands outside a tel: link."""
    hrefs = re.findall(r'href="(tel:[^"]*)"', html)
    assert all(DIALLED.match(h) for h in hrefs), (name, hrefs)
    outside = re.sub(r'(?s)<a [^>]*href="tel:[^"]*"[^>]*>.*?</a>', "", html)
    assert number_part not in outside, (name, outside[outside.find(number_part) - 200 :][:400])
    assert not re.search(r"(お電話|ください) \(", outside), name


def _book(client, office, slug=None, start=THU):
    service = slug or office.services.first().slug
    response = client.post(
        reverse("booking-details", args=[office.slug]),
        {"service": service, "start": start.isoformat(), **person()},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    confirm = client.get(reverse("booking-confirm", args=[office.slug])).content.decode()
    terms = confirm.split('name="terms_version" value="')[1].split('"')[0]
    client.post(
        reverse("booking-confirm", args=[office.slug]),
        {"terms_version": terms, "agree_terms": "on"},
    )
    return confirm, client.get(reverse("booking-done", args=[office.slug])).content.decode()


def test_a_tel_uri_is_digits_only_whatever_the_office_wrote():
    assert tel_uri(DEMO) == "tel:0000000000"
    assert tel_uri("０９５６－８８－２００３") == "tel:0956882003"
    assert tel_uri("+81 956-88-2003") == "tel:+81956882003"
    assert tel_uri("0956-88-2003 (内線12)") == "tel:0956882003"
    assert tel_uri("担当にお尋ねください") == "" and tel_uri(None) == ""


def test_the_number_in_a_japanese_sentence_is_in_full_width_brackets():
    assert phone_in_brackets("0956-88-2003") == "（0956-88-2003）"
    assert phone_in_brackets("") == ""


@EMAILS_SENT
@pytest.mark.parametrize("cancel_online", [True, False])
def test_every_page_and_email_of_the_path_dials_the_office_s_number(client, cancel_online):
    office = office_with(
        slug="k", phone=DEMO, confirmation_mode="instant", online_cancel_allowed=cancel_online,
        reschedule_limit=2 if cancel_online else 0,
    )  # fmt: skip
    svc = office.services.get()
    svc.accepts_phone = True
    svc.save(update_fields=["accepts_phone"])
    pages = {"office": client.get(reverse("office-detail", args=["k"])).content.decode()}
    pages["confirm"], pages["done"] = _book(client, office)
    token = link_token(pages["done"])
    for name in ("", "change/", "cancel/"):
        pages[f"booking {name}"] = client.get(f"/bookings/{token}/{name}").content.decode()
    pages["cancel refused"] = client.post(f"/bookings/{token}/cancel/", follow=True).content
    pages["cancel refused"] = pages["cancel refused"].decode()
    emails = {f"email {m.subject}": m.alternatives[0][0] for m in mail.outbox if m.alternatives}
    assert emails and "お電話" in pages["office"]
    for name, html in {**pages, **emails}.items():
        _tel_links_dial_and_number_is_linked(name, html)
    assert re.search(SAYS_PHONE, pages["booking "]) or cancel_online


def test_the_time_page_s_hint_for_another_service_links_the_number(client):
    """Sasebo's evening time page names the weekday service: 「…お電話（0956-88-2003）で」."""
    office = sasebo_like()
    office.services.filter(slug="weekday").update(accepts_web=False, accepts_phone=True)
    html = client.get(
        reverse("booking-start", args=["sasebo"]), {"service": "evening-saturday"}
    ).content.decode()
    assert "0956-88-2003" in html
    _tel_links_dial_and_number_is_linked("time", html, "0956-88-2003")


@pytest.mark.parametrize("from_office_page", [True, False])
def test_the_find_page_never_sends_to_the_phone_without_a_number(client, from_office_page):
    office_with(slug="k", phone=DEMO)
    query = "?office=k" if from_office_page else ""
    office_page = client.get(reverse("office-detail", args=["k"])).content.decode()
    assert "/bookings/find/?office=k" in office_page
    form = client.get(reverse("booking-find") + query).content.decode()
    fields = {"reference": "AB3CD5EF", "email": "taro@example.jp"}
    if from_office_page:
        fields["office"] = re.search(r'name="office" value="([^"]+)"', form).group(1)
    html = client.post(reverse("booking-find"), fields).content.decode()
    assert "確認してください" in html or "メール" in html
    _tel_links_dial_and_number_is_linked("find sent", html)
    if from_office_page:
        assert 'href="tel:0000000000"' in html
    else:  # the office is not known here: say where its number is, never "phone" alone
        assert "予約した事業所" in html and 'href="/"' in html


@pytest.mark.parametrize("plain", [False, True])
def test_the_confirm_page_gives_the_number_its_summary_and_terms_send_people_to(client, plain):
    office = office_with(slug="k", phone=DEMO, confirmation_mode="instant", plain_summary=plain)
    confirm, _done = _book(client, office)
    assert re.search(SAYS_PHONE, confirm) or "電話" in confirm
    assert 'href="tel:0000000000"' in confirm
    _tel_links_dial_and_number_is_linked("confirm", confirm)


def test_the_invitation_confirm_page_dials_the_number(client):
    inviting = invitation_office()
    inviting.office.phone = DEMO
    inviting.office.save(update_fields=["phone"])
    start = jst(2026, 11, 30, 9, 30)
    invitation = invite(inviting, first_day=start.date(), last_day=start.date())
    token = invitation_token(invitation)
    confirm = client.get(reverse("invitation-confirm", args=[token]), {"start": start.isoformat()})
    html = confirm.content.decode()
    assert 'href="tel:0000000000"' in html
    _tel_links_dial_and_number_is_linked("invitation confirm", html)
