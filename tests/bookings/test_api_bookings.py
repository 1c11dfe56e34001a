"""POST /api/v1/offices/<slug>/bookings: exactly the documented shapes, and never a 500."""

import json
from datetime import datetime

import pytest
from django.test import override_settings

from bookings.models import Booking
from common.clock import JST
from offices.models import Office
from terms.models import TermsVersion
from terms.selectors import terms_in_force
from tests.factories import TermsVersionFactory, office_with
from tests.helpers import NOW, person

pytestmark = pytest.mark.django_db

THU = "2026-11-26T09:30:00+09:00"


@pytest.fixture
def kawagoe(db):
    """ハローワーク川越 as these tests build it: two counselors who confirm each request
    (a booking is `requested`), the job-seeker number required, open weekdays 9:30-12:00,
    and its terms of use in two versions, 2021-03-25 and 2023-07-14 (in force)."""
    office = office_with(
        slug="kawagoe", name="ハローワーク川越", name_en="Hello Work Kawagoe",
        confirmation_mode="staff_approval", counselors=2, job_seeker_number="required",
        terms=False,
    )  # fmt: skip
    for label in ("2021-03-25", "2023-07-14"):
        effective = datetime.fromisoformat(label).replace(tzinfo=JST)
        TermsVersionFactory(office=office, version=label, effective_from=effective)
    return office


def post_booking(client, slug="kawagoe", key=None, **overrides):
    office_terms = terms_in_force(office=Office.objects.get(slug=slug), at=NOW)
    body = {"start": THU, **person(), "terms_version": office_terms.pk, "agree_terms": True}
    body.update(overrides)
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        f"/api/v1/offices/{slug}/bookings",
        json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_booking_created_is_201_with_reference_and_manage_url(client, kawagoe, frozen):
    response = post_booking(client)
    assert response.status_code == 201
    data = response.json()
    assert set(data) == {"reference", "status", "start", "end", "manage_url"}
    assert (data["status"], data["start"]) == ("requested", THU)
    assert client.get(data["manage_url"].replace("http://127.0.0.1:8000", "")).status_code == 200


def test_retried_request_with_the_same_idempotency_key_makes_one_booking(client, kawagoe, frozen):
    first = post_booking(client, key="k-1").json()
    second = post_booking(client, key="k-1")
    assert second.status_code == 201
    replayed = second.json()
    # The same answer but the link: each answer carries a new one (tokens are never kept).
    assert {k: v for k, v in replayed.items() if k != "manage_url"} == {
        k: v for k, v in first.items() if k != "manage_url"
    }
    for answer in (first, replayed):
        path = answer["manage_url"].replace("http://127.0.0.1:8000", "")
        assert client.get(path).status_code == 200
    assert Booking.objects.count() == 1


def test_taken_time_is_409_slot_taken_with_alternatives(client, kawagoe, frozen):
    for n in range(2):
        post_booking(client, email=f"{n}@example.jp", job_seeker_number=f"5555{n}-1")
    response = post_booking(client)
    assert response.status_code == 409
    data = response.json()
    assert data["code"] == "slot_taken"
    assert data["alternatives"][0]["start"].endswith("+09:00")


def test_outdated_terms_are_409_with_the_current_version(client, kawagoe, frozen):
    old = TermsVersion.objects.get(office__slug="kawagoe", version="2021-03-25")
    response = post_booking(client, terms_version=old.pk)
    assert response.status_code == 409
    assert response.json() == {
        "code": "terms_outdated",
        "message": response.json()["message"],
        "current_version": terms_in_force(office=old.office, at=NOW).pk,
        "current_version_label": "2023-07-14",
    }


def test_the_version_string_terms_current_publishes_is_accepted(client, kawagoe, frozen):
    current = client.get("/api/v1/offices/kawagoe/terms/current").json()
    response = post_booking(client, terms_version=current["version"])
    assert response.status_code == 201, response.json()
    assert Booking.objects.get().consent.terms_version.version == current["version"]


def test_the_terms_id_still_works_and_an_older_label_is_outdated(client, kawagoe, frozen):
    current = client.get("/api/v1/offices/kawagoe/terms/current").json()
    assert post_booking(client, terms_version=current["id"]).status_code == 201
    response = post_booking(
        client, terms_version="2021-03-25", email="other@example.jp", job_seeker_number="55555-1"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "terms_outdated"
    assert response.json()["current_version_label"] == current["version"]


def test_the_openapi_schema_says_terms_version_takes_the_version_string(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    field = schema["components"]["schemas"]["BookingIn"]["properties"]["terms_version"]
    assert "terms/current" in field["description"] and "version" in field["description"]
    assert {"type": "string"} in field["anyOf"] and {"type": "integer"} in field["anyOf"]


def test_invalid_fields_are_422_with_messages_per_field(client, kawagoe, frozen):
    response = post_booking(client, email="nope", job_seeker_number="12", agree_terms=False)
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "invalid"
    assert set(data["errors"]) == {"email", "job_seeker_number", "agree_terms"}


def test_messages_are_english_when_asked(client, kawagoe, frozen):
    body = {"start": THU, **person(email="nope"), "terms_version": 1, "agree_terms": True}
    response = client.post(
        "/api/v1/offices/kawagoe/bookings", json.dumps(body), content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert "Enter an email address" in response.json()["errors"]["email"][0]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        "{}",
        '{"start": "yesterday"}',
        json.dumps(
            {
                "start": THU,
                "name": "x" * 10000,
                "email": "a@b.jp",
                "phone": "0",
                "terms_version": 1,
                "agree_terms": True,
            }
        ),
        json.dumps(
            {
                "start": "2026-11-26T09:30:00",
                "name": "x",
                "email": "a@b.jp",
                "phone": "09012345678",
                "terms_version": 1,
                "agree_terms": True,
            }
        ),
        json.dumps(
            {
                "start": THU,
                "name": "<script>",
                "email": "a@b.jp",
                "phone": "09012345678",
                "terms_version": "x",
                "agree_terms": True,
            }
        ),
    ],
)
def test_malformed_requests_never_cause_a_500(client, kawagoe, frozen, body):
    response = client.post(
        "/api/v1/offices/kawagoe/bookings", body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert "code" in response.json() or "detail" in response.json()


@override_settings(RATE_LIMIT_BOOKING="1/m")
def test_rate_limited_requests_are_429_with_retry_after(client, kawagoe, frozen):
    post_booking(client)
    response = post_booking(client, start="2026-11-26T10:00:00+09:00")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/offices/kawa%00goe/bookings", {}),
        ("/api/v1/offices/kawagoe/bookings", {"service": "coun\x00seling"}),
        ("/api/v1/offices/kawagoe/bookings", {"terms_version": "2023\x00-07-14"}),
    ],
)
def test_a_nul_byte_anywhere_is_an_answer_never_a_500(client, kawagoe, frozen, path, body):
    """Found by the schema fuzzer on PostgreSQL, which refuses NUL in text."""
    office_terms = terms_in_force(office=Office.objects.get(slug="kawagoe"), at=NOW)
    payload = {"start": THU, **person(), "terms_version": office_terms.pk, "agree_terms": True}
    payload.update(body)
    response = client.post(path, json.dumps(payload), content_type="application/json")
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["code"]
