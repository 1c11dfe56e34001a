"""
Issue 26, minors: the words and marks of the person's pages and emails. No 「仮押さえ」 (the
glossary's word is 確保); a time in an HTML email never breaks inside itself (「9: / 30〜10:00」:
each time is a `white-space:nowrap` span, and no cell breaks anywhere); in Japanese a label's
colon is full-width like the catalogue's (「予約番号：」, never 「予約番号: 」). Data built here
(tests.factories.office_with).
"""

import re

import pytest
from django.urls import reverse

from bookings.emails.applicant import booking_message
from bookings.state import EmailKind
from tests.factories import office_with
from tests.helpers import LINKS, book, jst, manage_token, person

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)
HALF_WIDTH_AFTER_JAPANESE = re.compile(r"[^\x00-\x7f]:")
KINDS = (EmailKind.CONFIRMED, EmailKind.RESCHEDULED, EmailKind.CANCELLED, EmailKind.EXPIRED,
         EmailKind.REQUESTED, EmailKind.NO_SHOW)  # fmt: skip


def _messages(**rules):
    office = office_with(counselors=1, **rules)
    booking = book(office.services.get(), THU).booking
    messages = [booking_message(booking, kind, links=LINKS) for kind in KINDS]
    return booking, [m for m in messages if m is not None]


def _visible(html: str) -> str:
    return re.sub(r"<[^>]+>", "", re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S))


def test_japanese_emails_put_a_full_width_colon_after_each_label():
    _booking, messages = _messages()
    assert messages
    for message in messages:
        assert not HALF_WIDTH_AFTER_JAPANESE.findall(message.text), message.text
        assert not HALF_WIDTH_AFTER_JAPANESE.findall(_visible(message.html)), message.subject
    assert any("予約番号：" in m.text for m in messages)


def test_japanese_pages_put_a_full_width_colon_after_each_label(client, frozen):
    booking = _messages()[0]
    token = manage_token(booking)
    frozen.move_to(jst(2026, 11, 26, 0, 30))  # past the online deadline: the phone is shown
    for url in (reverse("booking-manage", args=[token]), reverse("booking-change", args=[token])):
        text = _visible(client.get(url).content.decode())
        assert not HALF_WIDTH_AFTER_JAPANESE.findall(text), url
    assert "電話番号：" in _visible(
        client.get(reverse("booking-change", args=[token])).content.decode()
    )


def test_a_time_in_an_html_email_cannot_break_inside_itself():
    _booking, messages = _messages()
    for message in messages:
        assert not re.search(r"<td[^>]*word-break:break-all", message.html)
        for cell in re.findall(r"<td[^>]*>.*?</td>", message.html, flags=re.S):
            times = re.findall(r"\d{1,2}:\d{2}", _visible(cell))
            kept = re.findall(r'white-space:nowrap">[^<]*\d{1,2}:\d{2}', cell)
            assert not times or kept, cell
    assert any('white-space:nowrap">9:30〜10:00</span>' in m.html for m in messages)


def test_no_email_or_page_says_kari_osae_the_word_is_kakuho():
    _booking, messages = _messages()
    expired = next(m for m in messages if "確保" in m.text)
    assert "仮押さえ" not in "".join(m.text + m.html for m in messages)
    assert "確保していた時間は解除されました" in expired.text


def test_the_error_summary_and_the_confirm_page_s_people_put_a_full_width_colon_after_labels(
    client, frozen
):
    """The walk of issue 26 found 「メールアドレス: 受信できる…」 in the error summary and
    「通訳者: 通訳 花子」 on the confirm page: a label and its value joined in the template."""
    office = office_with(counselors=1)
    details = reverse("booking-details", args=[office.slug])
    fields = {"service": office.services.get().slug, "start": THU.isoformat()}
    errors = _visible(client.post(details, {**fields, "name": ""}).content.decode())
    assert "メールアドレス：" in errors
    assert not HALF_WIDTH_AFTER_JAPANESE.findall(errors)
    people = {"attendee_0_role": "interpreter", "attendee_0_name": "通訳 花子"}
    assert client.post(details, {**fields, **person(), **people}).status_code == 302
    confirm = _visible(client.get(reverse("booking-confirm", args=[office.slug])).content.decode())
    assert "通訳者：通訳 花子" in confirm
    assert not HALF_WIDTH_AFTER_JAPANESE.findall(confirm)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = _visible(client.post(details, {**fields, "name": ""}).content.decode())
    assert "Email address: " in english  # a language with a half-width colon keeps it
