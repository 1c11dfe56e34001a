"""
Hostile and clumsy input on every public form and endpoint: oversized, malformed,
mixed-width, script-bearing or binary values give a clear answer (a message, a 4xx) and
never a 500, never an unescaped echo, and never a half-written record.
"""

import json

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from bookings.models import Applicant, Booking
from tests.factories import office_with
from tests.helpers import NOW, jst, person

THU = jst(2026, 11, 26, 9, 30)
SCRIPT = "<script>alert(1)</script>"
NASTY = [
    "",
    " ",
    "x" * 10_000,
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "\x00\x01\x1f",
    "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ",
    "１２３４５−１２３４５６７",
    "' OR 1=1 --",
    "\u202e\u200b",
    "𠮷野家🍣",
    "../../../etc/passwd",
]
FIELDS = ["name", "name_kana", "job_seeker_number", "email", "phone", "company_name", "note",
          "attendee_0_name", "attendee_0_role"]  # fmt: skip


def kawagoe_office():
    """An office whose counselors confirm each request; its one service, open weekday
    mornings, offers THU 09:30 (so the details form is read, not skipped)."""
    office = office_with(slug="kawagoe", name="ハローワーク川越", counselors=2,
                         confirmation_mode="staff_approval")  # fmt: skip
    office.services.update(slug="counseling")
    return office


@pytest.fixture
def kawagoe(db):
    return kawagoe_office()


def details(client, **overrides):
    data = {"service": "counseling", "start": THU.isoformat(), **person(), **overrides}
    return client.post(reverse("booking-details", args=["kawagoe"]), data)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_every_details_field_answers_nasty_values_without_a_500(
    client, kawagoe, frozen, field, value
):
    response = details(client, **{field: value})
    assert response.status_code in (200, 302, 400), response.status_code
    html = response.content.decode()
    assert SCRIPT not in html and "<img src=x" not in html
    assert not Booking.objects.exists()  # the details step never writes a booking


@pytest.mark.parametrize(
    "start",
    ["", "x", "2026-13-45T99:99", "9" * 500, "2026-11-26T09:30:00", "2026-11-26T09:31:00+09:00"],
)
def test_a_malformed_or_unoffered_time_sends_the_person_back_to_choose(
    client, kawagoe, frozen, start
):
    response = details(client, start=start)
    assert response.status_code in (302, 400)


@pytest.mark.parametrize("query", ["?from=garbage", "?service=%3Cscript%3E", "?from=9999-99-99",
                                   "?from=2026-11-26&service=" + "x" * 3000])  # fmt: skip
def test_the_time_page_shrugs_off_garbage_queries(client, kawagoe, frozen, query):
    response = client.get(reverse("booking-start", args=["kawagoe"]) + query)
    assert response.status_code in (200, 302, 400, 404)
    assert SCRIPT not in response.content.decode()


@pytest.mark.parametrize("terms_version", ["", "abc", "-1", "9" * 40, "1.5"])
def test_the_confirm_step_refuses_a_bad_terms_version_with_a_message(
    client, kawagoe, frozen, terms_version
):
    confirm = reverse("booking-confirm", args=["kawagoe"])
    assert details(client)["Location"] == confirm  # the details were taken
    response = client.post(
        confirm,
        {"terms_version": terms_version, "agree_terms": "on"},
        follow=True,
    )
    # Redirected to the page with its message (a 4xx would make Back ask to resubmit)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Booking.objects.exists() and not Applicant.objects.exists()


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 5000, "%00", "..%2F..%2Fadmin"])
def test_a_bad_secret_link_is_a_plain_404(client, kawagoe, token):
    for name in ("booking-manage", "booking-cancel", "booking-verify"):
        assert client.get(reverse(name, args=[token])).status_code == 404
    assert client.post(reverse("booking-cancel", args=[token])).status_code == 404


def test_a_huge_request_body_is_refused_before_it_is_read(client, kawagoe, frozen):
    response = details(client, note="x" * 3_000_000)
    assert response.status_code == 400


def test_the_language_switch_never_redirects_off_site(client, kawagoe):
    response = client.post(
        "/i18n/setlang/", {"language": "xx", "next": "https://evil.example/"}, HTTP_REFERER="/"
    )
    assert response.status_code == 302 and "evil.example" not in response["Location"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        "null",
        json.dumps({"service": "counseling"}),
        json.dumps({"service": 5, "start": [], "name": {"a": 1}}),
        json.dumps(
            {
                **person(),
                "service": "counseling",
                "start": "2026-11-26T09:30:00+09:00",
                "terms_version_id": "abc",
                "agree_terms": "yes",
            }
        ),
        json.dumps(
            {
                **person(name=SCRIPT),
                "service": "counseling",
                "start": "x" * 1000,
                "terms_version_id": 1,
                "agree_terms": True,
            }
        ),
    ],
)
def test_the_api_answers_bad_bodies_with_a_4xx_json_error(client, kawagoe, frozen, body):
    response = client.post(
        "/api/v1/offices/kawagoe/bookings", body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert "code" in response.json() or "detail" in response.json()
    assert SCRIPT not in response.content.decode()
    assert not Booking.objects.exists()


@time_machine.travel(NOW, tick=False)
class DetailsFormFuzz(TestCase):
    """Any text in any field of the details form: never a 500, never an unescaped echo."""

    @classmethod
    def setUpTestData(cls):
        kawagoe_office()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        values=st.fixed_dictionaries(
            {
                field: st.text(max_size=300)
                for field in ["name", "name_kana", "email", "phone", "job_seeker_number", "note"]
            }
        )
    )
    def test_random_text(self, values):
        values = {k: v.replace("\x00", "") for k, v in values.items()}  # HTTP forms carry no NUL
        response = self.client.post(
            reverse("booking-details", args=["kawagoe"]),
            {"service": "counseling", "start": THU.isoformat(), **values},
        )
        assert response.status_code in (200, 302, 400)
        html = response.content.decode()
        for value in values.values():
            if "<" in value and len(value.strip()) > 3:
                assert value not in html
