"""
Issue 26, major 5: what the person typed on the details page survives 「時間を変える」
(before 「次へ」 was ever pressed) and an "already booked" refusal.
"""

import pytest
from django.urls import reverse

from tests.factories import office_with
from tests.helpers import jst, person

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)
THU_LATER = jst(2026, 11, 26, 11, 0)


@pytest.fixture
def office():
    """An office of two counselors (so a time booked once is still free: the second asking
    is refused as the person's own booking), whose counselors confirm each request."""
    return office_with(confirmation_mode="staff_approval", counselors=2)


def _details(client, office, start, **data):
    return client.post(
        reverse("booking-details", args=[office.slug]),
        {"service": office.services.get().slug, "start": start.isoformat(), **data},
    )


def _details_page(client, office, start) -> str:
    return client.get(
        reverse("booking-details", args=[office.slug]),
        {"service": office.services.get().slug, "start": start.isoformat()},
    ).content.decode()


def test_change_the_time_keeps_what_was_typed(client, office):
    html = _details_page(client, office, THU)
    assert 'name="change_time"' in html and "formnovalidate" in html  # a button of the form
    typed = {"name": "入力 途中", "email": "half@example.jp", "phone": "090-1"}  # not valid yet
    response = _details(client, office, THU, change_time="1", **typed)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("booking-start", args=[office.slug]))
    assert "from=2026-11-26" in response["Location"]  # back to the same days
    again = _details_page(client, office, THU_LATER)
    assert 'value="入力 途中"' in again and 'value="half@example.jp"' in again
    assert 'value="090-1"' in again
    assert "error-summary" not in again  # nothing checked yet: no errors shown


def test_an_already_booked_refusal_keeps_the_draft(client, office):
    def through_confirm():
        assert _details(client, office, THU, **person(name="山田 太郎")).status_code == 302
        page = client.get(reverse("booking-confirm", args=[office.slug])).content.decode()
        terms = page.split('name="terms_version" value="')[1].split('"')[0]
        return client.post(
            reverse("booking-confirm", args=[office.slug]),
            {"terms_version": terms, "agree_terms": "on"},
        )

    assert through_confirm()["Location"].endswith("/book/done/")
    refused = through_confirm()  # the same time again from this browser: already booked
    assert refused.status_code == 302 and "/book/done/" not in refused["Location"]
    again = _details_page(client, office, THU_LATER)
    assert 'value="山田 太郎"' in again and 'value="taro@example.jp"' in again


def test_every_hint_and_error_an_input_points_at_is_on_the_page(client, office):
    """Issue 26 (minor): aria-describedby named `id_<field>_helptext` while the hint's id was
    `id_<field>_hint`, so no screen reader announced a hint."""
    import re

    for html in (
        _details_page(client, office, THU),
        _details(client, office, THU, name="", email="bad", phone="1").content.decode(),
    ):
        ids = set(re.findall(r'\bid="([^"]+)"', html))
        described = re.findall(r'aria-describedby="([^"]+)"', html)
        assert described, "no input describes itself"
        for value in described:
            for target in value.split():
                assert target in ids, f"aria-describedby points at a missing id: {target}"


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [("090-1234-567", False), ("090-1234-5678", True), ("080 1234 567", False),
     ("050-1234-5678", True), ("03-1234-5678", True), ("0120-123-456", True),
     ("0800-123-4567", True), ("03-1234-56789", False)],
)  # fmt: skip
def test_a_mobile_number_a_digit_short_is_refused_on_the_page(client, office, typed, accepted):
    """Issue 26 (minor): 090-1234-567 was accepted; the office could never call it."""
    response = _details(client, office, THU, **person(phone=typed))
    refused = "10 or 11 digits" in response.content.decode() or "10桁か11桁" in (
        response.content.decode()
    )
    assert (response.status_code == 302) is accepted and refused is not accepted
