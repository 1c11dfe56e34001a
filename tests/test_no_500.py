"""
No input gives a 500: every date, datetime, id and size parameter of the public pages, the
API and the admin pages is bounded and validated (a 4xx, JSON for the API, 413 for an
oversized API body). First the findings of the security review, replayed; then a walk
over every URL pattern with hostile values, as a visitor, a counselor and a superuser.

Replay: `.venv/bin/python -m pytest tests/test_no_500.py -q -p no:cacheprovider`.
"""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from offices.models import Office, User
from tests.factories import office_with
from tests.helpers import counselor_account, person

HOSTILE_DATES = ["9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30", "abc", "-1", ""]
HOSTILE_VALUES = [
    "abc", "0", "-1", "99999999999999999999", "1e309", "%00", "\x00", "9999-12-31",
    "0001-01-01T00:00:00+09:00", "9999-12-31T23:59:59+09:00", "x" * 5000,
]  # fmt: skip
PATH_VALUES = ["abc", "0", "99999999999999999999", "9999-12-31", "x" * 300]
QUERY_NAMES = ["date", "from", "to", "start", "applicant", "service", "office", "booking", "p",
               "q", "o", "older", "newer", "id", "version", "page", "error", "next"]  # fmt: skip


@pytest.fixture
def lenient(client):
    client.raise_request_exception = False
    return client


@pytest.fixture
def two_offices(db):
    """Two offices open on weekday mornings, of two counselors each (Kawagoe's first one
    signs in to the admin), their terms in force."""
    return {slug: office_with(slug=slug, counselors=2) for slug in ("kawagoe", "toyooka")}


@pytest.fixture
def superuser(two_offices):
    return User.objects.create_superuser("root-500", "root500@example.jp", "pw-500-root")


# --- the findings, replayed ---------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["from=9999-12-01&to=9999-12-31", "from=0001-01-01&to=0001-01-31", "from=0001-01-01&to=9999-12-31"],
)  # fmt: skip
def test_the_slots_api_answers_far_dates_with_a_json_422(lenient, two_offices, query):
    response = lenient.get(f"/api/v1/offices/toyooka/slots?{query}")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_the_time_page_answers_far_dates_without_a_500(lenient, two_offices, value):
    assert lenient.get(f"/offices/toyooka/book/?from={value}").status_code == 200


@pytest.mark.parametrize(
    "start", ["0001-01-01T00:00:00%2B09:00", "9999-12-31T23:59:59%2B09:00", "0001-01-01T00:00:00Z"]
)
def test_the_details_page_sends_a_far_start_back_to_choose(lenient, two_offices, start):
    response = lenient.get(f"/offices/toyooka/book/details/?start={start}")
    assert response.status_code in (302, 400)


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize(
    "path",
    ["/admin/bookings/booking/schedule/", "/admin/bookings/booking/schedule.csv",
     "/admin/bookings/booking/phone/"],
)  # fmt: skip
def test_the_admin_day_pages_answer_far_dates_without_a_500(lenient, superuser, path, value):
    lenient.force_login(superuser)
    response = lenient.get(path, {"date": value})
    assert response.status_code in (200, 400), response.status_code


def test_the_phone_page_answers_a_non_numeric_applicant_with_a_404(lenient, superuser):
    lenient.force_login(superuser)
    for value in ("abc", "99999999999999999999", "-1"):
        response = lenient.get("/admin/bookings/booking/phone/", {"applicant": value})
        assert response.status_code == 404, value


def test_an_oversized_api_body_is_a_json_413(lenient, two_offices):
    body = json.dumps({**person(), "note": "x" * 3_000_000})
    response = lenient.post(
        "/api/v1/offices/kawagoe/bookings", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "too_large"


# --- every URL pattern, hostile values ----------------------------------------------------


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _paths(pattern: str, value: str) -> str:
    """The pattern with every parameter (`<int:x>`, `(?P<x>...)`) replaced by `value`."""
    import re

    path = re.sub(r"<(?:\w+:)?\w+>", value, pattern)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", value, path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path.lstrip("/")


@pytest.mark.slow  # a sweep of every URL pattern (fuzzing)
def test_every_url_pattern_answers_hostile_values_without_a_500(lenient, superuser):
    from urllib.parse import quote

    counselor = counselor_account(Office.objects.get(slug="kawagoe"))
    failures = []
    patterns = sorted(set(_patterns()))
    assert len(patterns) > 50
    for user in (None, counselor, superuser):
        lenient.logout()
        if user is not None:
            lenient.force_login(user)
        for pattern in patterns:
            requests = [(_paths(pattern, quote(v, safe="")), {}) for v in PATH_VALUES]
            requests += [(requests[0][0], dict.fromkeys(QUERY_NAMES, v)) for v in HOSTILE_DATES[:3]]
            for path, query in requests:
                status = lenient.get(path, query).status_code
                if status >= 500:
                    failures.append((user and user.username, path[:120], query, status))
    assert failures == []


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_the_public_and_api_query_parameters_take_hostile_values(lenient, two_offices, value):
    paths = ["/offices/kawagoe/book/", "/offices/kawagoe/book/details/",
             "/offices/kawagoe/book/confirm/", "/api/v1/offices/kawagoe/slots",
             "/api/v1/offices/kawagoe", "/offices/kawagoe/terms/"]  # fmt: skip
    for path in paths:
        for name in QUERY_NAMES:
            response = lenient.get(
                path, {name: value, "to": value} if "slots" in path else {name: value}
            )
            assert response.status_code < 500, (path, name, value)
            if path.startswith("/api/"):
                assert response["Content-Type"].startswith("application/json"), (path, name)


@pytest.mark.slow  # a sweep of every URL pattern (fuzzing)
def test_every_url_pattern_answers_hostile_and_huge_posts_without_a_500(lenient, superuser):
    from urllib.parse import quote

    failures = []
    patterns = sorted(set(_patterns()))
    huge = {"note": "x" * 3_000_000}
    for user in (None, superuser):
        lenient.logout()
        if user is not None:
            lenient.force_login(user)
        for pattern in patterns:
            path = _paths(pattern, quote("1", safe=""))
            for body in (dict.fromkeys(QUERY_NAMES, "9999-12-31"), huge):
                status = lenient.post(path, body).status_code
                if status >= 500:
                    failures.append((user and user.username, path[:120], len(str(body)), status))
    assert failures == []
