"""
Issue 26, checked item by item as an outsider would (docs/issue-26-audit.md): the items no
earlier test proved, each on the page, in the email or in the form a person meets it, at
offices of the test's own. Each test fails if its defect comes back.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse

from bookings.models import Booking
from tests.factories import TermsVersionFactory, office_with
from tests.helpers import book, jst, link_token, person

pytestmark = pytest.mark.django_db
EMAILS_SENT = pytest.mark.django_db(transaction=True)

THU = jst(2026, 11, 26, 9, 30)
PHONE, TEL = "049-242-0197", 'href="tel:0492420197"'


def _office(**rules):
    """An office with a phone number and a version of its terms dated like the seed's."""
    office = office_with(slug="k", name="ハローワーク川越", phone=PHONE, terms=False, **rules)
    TermsVersionFactory(office=office, version="2025-06-16", effective_from=jst(2025, 6, 16))
    return office


def _details(client, office, start=THU, **overrides):
    return client.post(
        reverse("booking-details", args=[office.slug]),
        {"service": office.services.get().slug, "start": start.isoformat(),
         **person(**overrides)},
    )  # fmt: skip


def _book_on_the_site(client, office, **overrides):
    """Time, details, confirm, as the person does; returns the done page's HTML."""
    assert _details(client, office, **overrides).status_code == 302
    page = client.get(reverse("booking-confirm", args=[office.slug])).content.decode()
    terms = page.split('name="terms_version" value="')[1].split('"')[0]
    client.post(
        reverse("booking-confirm", args=[office.slug]),
        {"terms_version": terms, "agree_terms": "on"},
    )
    return client.get(reverse("booking-done", args=[office.slug])).content.decode()


def _text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- major 1: the hour (60-minute) step is said before the person applies, not only after -------

SEND_BY = "「申込みを送信する」ボタンを1時間以内に押してください"


def test_the_office_page_and_the_confirm_page_say_the_request_must_be_sent_within_an_hour(
    client,
):
    office = _office(confirmation_mode="staff_approval")
    office_page = client.get(reverse("office-detail", args=["k"])).content.decode()
    assert SEND_BY in office_page
    _details(client, office)
    confirm = client.get(reverse("booking-confirm", args=["k"])).content.decode()
    assert SEND_BY in confirm and "相談員がその日時を確定するか" in confirm
    assert "「予約を完了する」" not in office_page + confirm  # one name for the step


def test_with_an_email_check_too_the_step_keeps_the_name_the_email_page_gives_it(client):
    _office(confirmation_mode="staff_approval", email_verification_minutes=30)
    html = client.get(reverse("office-detail", args=["k"])).content.decode()
    assert "「申込みを送信する」ボタンを30分以内に押してください" in html
    assert "予約を完了する" not in html


def test_a_plain_summary_at_a_staff_approval_office_says_the_hour_s_step_too(client):
    office = _office(confirmation_mode="staff_approval", plain_summary=True)
    html = client.get(reverse("office-detail", args=["k"])).content.decode()
    step = "送ったメールのリンクを開いて、60分のうちに、そのページのボタンを押してください"
    assert step in _text(re.sub(r"<rt>.*?</rt>", "", html)).replace(" ", "")
    _details(client, office)
    confirm = client.get(reverse("booking-confirm", args=["k"])).content.decode()
    assert step in _text(re.sub(r"<rt>.*?</rt>", "", confirm)).replace(" ", "")


# --- minor: a phone-only office's changes are by phone, not a deadline that passed -------


def test_a_phone_only_office_says_changes_are_by_phone_a_minute_after_booking(client, frozen):
    office = _office(confirmation_mode="instant", online_cancel_allowed=False)
    done = _book_on_the_site(client, office)
    frozen.move_to(jst(2026, 11, 22, 10, 1))
    token = link_token(done)
    for url in (f"/bookings/{token}/", f"/bookings/{token}/change/"):
        html = client.get(url).content.decode()
        assert "過ぎました" not in html, url
        assert "この事業所では、予約の日時の変更はお電話で承ります" in html, url
        assert TEL in html, url


def test_an_office_with_online_changes_still_says_when_its_deadline_passed(client, frozen):
    office = _office(confirmation_mode="instant", online_cancel_days_before=1)
    token = link_token(_book_on_the_site(client, office))
    frozen.move_to(jst(2026, 11, 26, 0, 30))
    html = client.get(f"/bookings/{token}/change/").content.decode()
    assert "オンラインでの日時変更の期限を過ぎました" in html and TEL in html


# --- minor: where cancelling is by phone only, no page or email says the link cancels ----

CANCELS = ("取り消しができます", "取り消しもこちら", "予約の確認・取り消し", "取り消しはこちら")


@EMAILS_SENT
@pytest.mark.parametrize("mode", ["instant", "staff_approval"])
def test_a_phone_only_office_never_says_the_link_cancels(client, mode):
    office = _office(confirmation_mode=mode, online_cancel_allowed=False)
    done = _book_on_the_site(client, office)
    assert not [words for words in CANCELS if words in done]
    assert "メールのリンクから予約ページを開けます" in done
    (email,) = [m for m in mail.outbox if m.to == ["taro@example.jp"]][:1]
    body = email.body + email.alternatives[0][0]
    assert not [words for words in CANCELS if words in body], body
    assert "取り消しは事業所へお電話でご連絡ください" in body or mode == "staff_approval"
    ics = client.get(f"/bookings/{link_token(done)}/calendar.ics").content.decode()
    assert "BEGIN:VEVENT" in ics and "取り消" not in ics


@EMAILS_SENT
def test_an_office_that_cancels_online_still_says_its_link_cancels(client):
    office = _office(confirmation_mode="instant", online_cancel_days_before=1)
    done = _book_on_the_site(client, office)
    assert "メールのリンクから予約の確認や取り消しができます" in done
    (email,) = [m for m in mail.outbox if m.to == ["taro@example.jp"]][:1]
    assert "取り消しもこちらから" in email.body


# --- blocker: wherever a page tells the person to phone, the number is there to press ----


SAYS_PHONE = r"電話(ください|でご連絡|で承り|いただ)"


@pytest.mark.parametrize("cancel_online", [True, False])
@pytest.mark.parametrize("mode", ["instant", "staff_approval"])
def test_every_page_that_says_to_phone_gives_the_number_as_a_tel_link(client, mode, cancel_online):
    office = _office(confirmation_mode=mode, online_cancel_allowed=cancel_online)
    pages = {"office": client.get(reverse("office-detail", args=["k"])).content.decode()}
    pages["done"] = _book_on_the_site(client, office)
    token = link_token(pages["done"])
    for name in ("", "change/", "cancel/"):
        pages[f"booking {name}"] = client.get(f"/bookings/{token}/{name}").content.decode()
    told = [name for name, html in pages.items() if re.search(SAYS_PHONE, _text(html))]
    assert "office" in told  # the check reads what is said
    assert cancel_online or {"booking ", "booking change/", "booking cancel/"} <= set(told)
    for name in told:
        assert TEL in pages[name] and PHONE in pages[name], name


# --- minor: an impossible time is refused as impossible, not as "just taken" ------------


@pytest.mark.parametrize(
    "impossible",
    [jst(2026, 12, 29, 9, 30), jst(2026, 11, 23, 9, 30), jst(2026, 11, 26, 9, 45)],
    ids=["year-end", "holiday", "9:45"],
)
def test_an_impossible_time_on_the_page_is_never_reported_as_taken(client, impossible):
    """A closed day is sent back from the details step; a time that is no session's start
    (a link typed by hand) from the last step. Either way the reason, never 「たった今」."""
    office = _office(confirmation_mode="instant", lead_time_days=0, horizon_days=60)
    response = _details(client, office, start=impossible)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    if 'name="agree_terms"' in page:  # the last step: booking is what refuses
        terms = page.split('name="terms_version" value="')[1].split('"')[0]
        page = client.post(
            reverse("booking-confirm", args=["k"]),
            {"terms_version": terms, "agree_terms": "on"},
            follow=True,
        ).content.decode()
    assert "その時間は相談を受け付けていません" in _text(page) and "予約が入りました" not in page
    assert 'type="radio" name="start"' in page  # free times to choose instead
    assert not Booking.objects.exists()


# --- minor: the register and the terms box on the confirm page ------------------------


def test_the_confirm_page_writes_the_version_in_one_sentence_and_names_its_terms_box(client):
    office = _office(confirmation_mode="instant")
    _details(client, office)
    html = client.get(reverse("booking-confirm", args=["k"])).content.decode()
    assert "版：2025-06-16。" in _text(html).replace(" 。", "。") and "版：2025-06-16\n" not in html
    assert not re.search(r"2025-06-16\s+。", html)
    box = re.search(r'<div class="terms-box"[^>]*>', html).group(0)
    assert 'role="region"' in box and 'aria-label="利用規約"' in box and 'tabindex="0"' in box


REGISTER_SLIPS = ("お客様", "あなた", "聞こえた<", "無断キャンセル", "窓口", "予約確認ページ")


@EMAILS_SENT
@pytest.mark.parametrize("mode", ["instant", "staff_approval"])
def test_no_page_or_email_of_the_path_slips_out_of_the_register(client, mode):
    office = _office(confirmation_mode=mode)
    pages = [client.get(reverse("office-detail", args=["k"])).content.decode(),
             client.get(reverse("booking-start", args=["k"])).content.decode()]  # fmt: skip
    pages.append(_book_on_the_site(client, office))
    token = link_token(pages[-1])
    pages += [client.get(f"/bookings/{token}/{n}").content.decode() for n in ("", "change/")]
    pages += [client.get(f"/bookings/{token}/device-check/").content.decode()]
    pages += [m.body + m.alternatives[0][0] for m in mail.outbox]
    found = [(slip, page[:80]) for page in pages for slip in REGISTER_SLIPS if slip in page]
    assert found == []


# --- minor: 事業所 is the Hello Work office, never the employer's company -----------------


def test_the_employers_company_is_a_company_on_the_form(client):
    office = _office(confirmation_mode="instant", employers_may_book=True)
    url = reverse("booking-details", args=["k"])
    html = client.get(url, {"service": office.services.get().slug, "start": THU.isoformat()})
    html = html.content.decode()
    assert "会社名" in html and "事業所名" not in html
    refused = _details(client, office, role="employer", job_seeker_number="", company_name="")
    assert "事業所名" not in refused.content.decode()


# --- the outside walk (2026-12-07): Back after cancelling ------------------------------------


def test_back_after_cancelling_shows_the_cancelled_booking_not_the_cancel_form(client, frozen):
    """Back after 「予約を取り消す」 showed the cancel page again: 「取り消し済み」 above 「当日の
    取り消しはお電話でご連絡ください。」 and the number, for a booking already cancelled, days
    before its day. A booking that holds no time has nothing to cancel: its own page says so."""
    office = _office()
    created = book(office.services.get(), THU)
    url = reverse("booking-cancel", args=[created.manage_token])
    assert client.get(url).status_code == 200  # still to cancel: the form
    client.post(url, {"reason": ""})
    back = client.get(url)
    assert back.status_code == 302
    assert back["Location"] == reverse("booking-manage", args=[created.manage_token])
    page = _text(client.get(back["Location"]).content.decode())
    assert "取り消し済み" in page and "当日の取り消しはお電話" not in page
