"""
One error base class for every app (`common.errors.DomainError`, Zulip's shape): the API
maps it in one handler (status, code, the fields to act on, Retry-After, the message in
the request's language), and a page shows its message, where the view catches it or, if
uncaught, on the refusal page (`config.errors.DomainErrorMiddleware`).
"""

import ast
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy

from bookings.exceptions import BookingBusy, BookingError, RateLimited
from common.errors import DomainError
from conferencing import types as conferencing
from terms.exceptions import NoTermsInForce, TermsError, TermsOutdated
from terms.selectors import terms_in_force
from tests.factories import (
    CounselorFactory,
    OfficeFactory,
    OpeningHoursFactory,
    ServiceFactory,
    UserFactory,
    office_with,
)
from tests.helpers import NOW, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    """An office that takes bookings online, its terms in force."""
    return office_with()


APPS = ["accounts", "bookings", "common", "conferencing", "config", "notifications", "offices",
        "reports", "terms"]  # fmt: skip


def test_every_apps_error_derives_from_the_one_base():
    assert issubclass(BookingError, DomainError)
    assert issubclass(TermsError, DomainError)
    assert issubclass(conferencing.ConferencingError, DomainError)
    assert issubclass(RateLimited, DomainError) and issubclass(
        conferencing.RateLimited, DomainError
    )
    # No other error hierarchy starts from Exception in the project's code.
    others = []
    base = Path(settings.BASE_DIR)
    for app in APPS:
        for path in (base / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ClassDef) and any(
                    isinstance(b, ast.Name) and b.id == "Exception" for b in node.bases
                ):
                    others.append(f"{path.relative_to(base)}: {node.name}")
    assert others == ["common/errors.py: DomainError"]


def _book_through_the_api(client, office, monkeypatch, error, **headers):
    def refuse(**kwargs):
        raise error

    monkeypatch.setattr("bookings.api.endpoints.booking_create", refuse)
    terms = terms_in_force(office=office, at=NOW)
    body = {"start": "2026-12-01T09:30:00+09:00", **person(), "terms_version": terms.pk,
            "agree_terms": True}  # fmt: skip
    return client.post(
        f"/api/v1/offices/{office.slug}/bookings", json.dumps(body),
        content_type="application/json", **headers,
    )  # fmt: skip


MESSAGE = gettext_lazy("This office has no terms of use in force yet, so bookings cannot be taken.")


@pytest.mark.parametrize(
    ("error", "status", "code", "retry_after", "extra"),
    [
        (BookingBusy(MESSAGE), 503, "busy", "2", {}),
        (RateLimited(MESSAGE, retry_after=3600), 429, "rate_limited", "3600", {}),
        (NoTermsInForce(MESSAGE), 409, "no_terms", None, {}),
        (
            TermsOutdated(MESSAGE, current_version_id=7, current_version_label="2026-04-01"),
            409,
            "terms_outdated",
            None,
            {"current_version": 7, "current_version_label": "2026-04-01"},
        ),
        (
            conferencing.RateLimited(MESSAGE, retry_after_seconds=2.5),
            503,
            "rate_limited",
            "3",
            {},
        ),
        (conferencing.AuthError(MESSAGE), 502, "meeting_platform_error", None, {}),
    ],
    ids=[
        "booking-busy",
        "booking-rate-limited",
        "no-terms",
        "terms-outdated",
        "platform-rate-limited",
        "platform-auth",
    ],
)
def test_the_api_maps_every_apps_error_in_one_handler(
    client, office, monkeypatch, error, status, code, retry_after, extra
):
    answer = _book_through_the_api(client, office, monkeypatch, error)
    assert answer.status_code == status
    assert answer.json() == {
        "code": code,
        "message": "この事業所には適用中の利用規約がないため、予約を受け付けられません。",
        **extra,
    }
    assert answer.headers.get("Retry-After") == retry_after


def test_the_apis_message_follows_the_requests_language(client, office, monkeypatch):
    answer = _book_through_the_api(
        client, office, monkeypatch, NoTermsInForce(MESSAGE), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.json()["message"] == (
        "This office has no terms of use in force yet, so bookings cannot be taken."
    )


def test_terms_outdated_through_the_api_names_the_version_in_force(client, office):
    current = terms_in_force(office=office, at=NOW)
    body = {"start": "2026-12-01T09:30:00+09:00", **person(), "terms_version": "1999-01-01",
            "agree_terms": True}  # fmt: skip
    answer = client.post(
        f"/api/v1/offices/{office.slug}/bookings",
        json.dumps(body),
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "terms_outdated"
    assert answer.json()["current_version"] == current.pk
    assert answer.json()["current_version_label"] == current.version


@pytest.mark.urls("tests.error_urls")
def test_an_uncaught_refusal_on_a_page_is_the_refusal_page_with_its_message(client):
    page = client.get("/refused/terms/")
    assert page.status_code == 409
    html = page.content.decode()
    assert "この事業所には適用中の利用規約がないため、予約を受け付けられません。" in html
    assert "Traceback" not in html and "Retry-After" not in page.headers


@pytest.mark.urls("tests.error_urls")
def test_a_platform_asking_to_wait_is_a_503_page_with_retry_after(client):
    page = client.get("/refused/platform/")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "3"
    assert "The meeting platform asked to wait." in page.content.decode()


def test_a_phone_booking_at_an_office_without_terms_in_force_says_so(client):
    """Found while giving every app one error base: the phone page caught only the booking
    core's errors, so the terms app's refusal (no terms in force yet) was a 500."""
    service = ServiceFactory(office=OfficeFactory(phone="0120-000-000"))
    for weekday in range(7):
        OpeningHoursFactory(service=service, weekday=weekday)
    CounselorFactory(office=service.office)
    client.force_login(UserFactory(is_superuser=True))
    url = reverse("admin:bookings_booking_phone") + f"?office={service.office.slug}"
    page = client.get(url).content.decode()
    start = page.split('name="start" value="', 1)[1].split('"', 1)[0]
    data = {"office": service.office.slug, "start": start, "consent_stated": "on", **person()}
    answer = client.post(url, data)
    assert answer.status_code == 200
    assert "この事業所には適用中の利用規約がないため" in answer.content.decode()
