"""/api/v1's reads (offices, free times, terms, the schema): exactly the documented shapes;
its bookings: test_api_bookings.py."""

import json

import pytest

from offices.models import Office
from tests.factories import OfficeFactory, ServiceFactory, TermsVersionFactory, office_with
from tests.helpers import NOW, jst, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def kawagoe(db):
    """ハローワーク川越 as these tests build it: two counselors, two business days ahead,
    open weekdays 9:30-12:00, its terms of use of 2023-07-14 in force."""
    office = office_with(
        slug="kawagoe", name="ハローワーク川越", name_en="Hello Work Kawagoe", counselors=2,
        lead_time_days=2, lead_time_unit="business_days", terms=False,
    )  # fmt: skip
    TermsVersionFactory(
        office=office, version="2023-07-14", title="オンライン相談の利用規約",
        effective_from=jst(2023, 7, 14, 0, 0),
    )  # fmt: skip
    return office


def test_office_list_has_the_documented_fields(client, frozen):
    office_with(slug="kawagoe", position=10)
    sasebo = office_with(slug="sasebo", position=20)
    ServiceFactory(
        office=sasebo, slug="evening-saturday", position=1, slot_minutes=45,
        name="オンライン職業相談（平日夜間・土曜）",
        name_en="Online job counseling (weekday evening and Saturday)",
        accepts_web=True, accepts_invitations=False, accepts_phone=False,
    )  # fmt: skip
    OfficeFactory(slug="unpublished", position=15, is_published=False)
    data = client.get("/api/v1/offices").json()
    assert [o["slug"] for o in data] == ["kawagoe", "sasebo"]  # published, in order
    sasebo = data[1]
    assert set(sasebo) == {"slug", "name", "name_en", "platform", "phone", "services"}
    assert sasebo["services"][1] == {
        "slug": "evening-saturday",
        "name": "オンライン職業相談（平日夜間・土曜）",
        "name_en": "Online job counseling (weekday evening and Saturday)",
        "slot_minutes": 45,
        "channels": ["web"],
        "how_to_book": "このサイトで。",
    }


def test_office_detail_has_hours_and_rules_and_unknown_is_404(client, kawagoe, frozen):
    data = client.get("/api/v1/offices/kawagoe").json()
    service = data["services"][0]
    assert {"weekday": 0, "start": "09:30", "end": "12:00"} in service["hours"]
    assert service["rules"]["lead_time_unit"] == "business_days"
    assert client.get("/api/v1/offices/nowhere").status_code == 404


def test_slots_are_japan_times_with_free_counts(client, kawagoe, frozen):
    # Two business days ahead of Sunday: Monday the 23rd is a holiday, so Thursday.
    response = client.get("/api/v1/offices/kawagoe/slots?from=2026-11-22&to=2026-11-26")
    assert response.status_code == 200
    assert response.json()["slots"][0] == {
        "start": "2026-11-26T09:30:00+09:00",
        "end": "2026-11-26T10:00:00+09:00",
        "free": 2,
    }


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-11-31&to=2026-12-01",
        "from=tomorrow&to=2026-12-01",
        "from=2026-11-22&to=2027-03-01",
        "from=2026-12-01&to=2026-11-22",
        "to=2026-12-01",
    ],
)
def test_bad_dates_and_long_ranges_are_422(client, kawagoe, frozen, query):
    response = client.get(f"/api/v1/offices/kawagoe/slots?{query}")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_current_terms(client, kawagoe, frozen):
    data = client.get("/api/v1/offices/kawagoe/terms/current").json()
    assert data["version"] == "2023-07-14"
    assert data["effective_from"] == "2023-07-14T00:00:00+09:00"
    assert "オンライン相談" in data["title"]


def test_openapi_schema_is_published(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/offices/{slug}/bookings" in schema["paths"]
    assert "/api/v1/offices/{slug}/slots" in schema["paths"]


@pytest.fixture
def two_counselors(db):
    """An office of two counselors who confirm each request, open weekdays."""
    return office_with(slug="toyooka", counselors=2, confirmation_mode="staff_approval")


def test_cached_slots_change_as_soon_as_a_booking_commits(
    client, two_counselors, frozen, django_capture_on_commit_callbacks
):
    from terms.selectors import terms_in_force

    url = "/api/v1/offices/toyooka/slots?from=2026-11-24&to=2026-11-24"
    before = client.get(url).json()["slots"][0]
    assert before["free"] == 2
    terms = terms_in_force(office=two_counselors, at=NOW)
    body = {"start": before["start"], **person(), "terms_version": terms.pk, "agree_terms": True}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/offices/toyooka/bookings", json.dumps(body), content_type="application/json"
        )
    assert response.status_code == 201
    after = client.get(url).json()["slots"][0]
    assert (after["start"], after["free"]) == (before["start"], 1)


def test_cached_slots_follow_a_closure_added_in_the_admin(
    client, two_counselors, frozen, django_capture_on_commit_callbacks
):
    from offices.models import Closure

    url = "/api/v1/offices/toyooka/slots?from=2026-11-24&to=2026-11-24"
    assert client.get(url).json()["slots"]
    with django_capture_on_commit_callbacks(execute=True):
        Closure.objects.create(office=Office.objects.get(slug="toyooka"), date="2026-11-24")
    assert client.get(url).json()["slots"] == []
