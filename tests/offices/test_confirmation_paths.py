"""
The office page says how a booking becomes final by the paths its service is actually booked
(issue 26 walk: at Toyooka, Matsudo, Yamaguchi and Sasebo's weekday service, booked online by
invitation only or by phone, its "Confirmation" described the open request's email step and a
counselor's decision while its own rules in short said 「送ったときに、予約が決まります。」).
For every combination of access and confirmation mode, the "Confirmation" and the rules in
short (offices.plain) say the same thing.
"""

import html
import itertools
import re

import pytest
from django.urls import reverse

from tests.factories import office_with

pytestmark = pytest.mark.django_db

ACCESS = [
    flags
    for flags in itertools.product((True, False), repeat=3)
    if any(flags)  # (accepts_web, accepts_invitations, accepts_phone)
]
MODES = [
    {"confirmation_mode": "staff_approval"},
    {"confirmation_mode": "instant", "email_verification_minutes": 60},
    {"confirmation_mode": "instant"},
]
# What a sentence claims, by its English words (the catalogue's msgids).
CLAIMS = {
    "email step": ("open the link in the email",),
    "counselor decides": ("counselor confirms", "counselor decides"),
    "final at once": ("as soon as you", "fixed when you send"),
    "final on the phone": ("by phone is confirmed during the call", "fixed on the phone"),
}


def _claims(text: str) -> set[str]:
    text = text.lower()
    return {name for name, words in CLAIMS.items() if any(w in text for w in words)}


def _page(client, office, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(
        reverse("office-detail", args=[office.slug]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response.content.decode()


def _confirmation(page: str) -> str:
    cell = re.search(r"<dt>(?:Confirmation|予約の確定)</dt><dd>(.*?)</dd>", page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", cell.group(1)))


def _plain(page: str) -> str:
    section = re.search(r'class="notice plain-summary".*?</section>', page, re.S).group(0)
    return html.unescape(re.sub(r"<rt>.*?</rt>|<[^>]+>", " ", section))


@pytest.mark.parametrize(("access", "mode"), list(itertools.product(ACCESS, MODES)))
def test_the_office_page_and_its_rules_in_short_agree_on_how_a_booking_becomes_final(
    client, access, mode
):
    web, invitations, phone = access
    office = office_with(plain_summary=True, **mode)
    office.services.update(accepts_web=web, accepts_invitations=invitations, accepts_phone=phone)
    page = _page(client, office, "en")
    office_says, plain_says = _claims(_confirmation(page)), _claims(_plain(page))
    assert plain_says, _plain(page)
    assert plain_says <= office_says, (_confirmation(page), _plain(page))
    # Beyond the main path, the office page may add only the other paths the service takes.
    extra = set()
    if invitations:
        extra.add("final at once")
    if phone:
        extra.add("final on the phone")
    assert office_says - plain_says <= extra, (_confirmation(page), _plain(page))
    if not web:
        assert "email step" not in office_says | plain_says


def test_an_office_booked_by_invitation_or_phone_never_speaks_of_the_email_step(client):
    """Yamaguchi as the walk met it: staff approval in its rules, but no open booking."""
    office = office_with(plain_summary=True, confirmation_mode="staff_approval")
    office.services.update(accepts_web=False, accepts_invitations=True, accepts_phone=True)
    page = _page(client, office, "ja")
    confirmation = _confirmation(page)
    assert "申込みを送信する" not in confirmation and "メールのリンク" not in confirmation
    assert "招待" in confirmation and "送信と同時に予約が確定" in confirmation
    assert "電話" in confirmation
