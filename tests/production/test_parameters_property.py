"""
A property over every route: whatever date, moment or number a request carries in any
parameter the code reads, the answer is never a 5xx (Hypothesis draws the values, with the
ends of the calendar, offsets of +-14 hours, infinities and 40-digit numbers among them).

The routes are every URL pattern (`get_resolver()`), with path parameters that reach the
view (a real slug, a real booking's token, id and uuid). The parameters are every name the
code reads from `request.GET` / `request.POST`, every date, time and number field of the
project's forms, and, for the API, every parameter and body field of its OpenAPI schema.
A new route or a new parameter is covered without touching this file.

Replay: `.venv/bin/python -m pytest tests/production/test_parameters_property.py -q`.
"""

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from offices.models import User
from tests.factories import office_with
from tests.helpers import book, jst, manage_token

ROOT = Path(settings.BASE_DIR)
APPS = ("bookings", "offices", "terms", "reports", "conferencing", "notifications", "config")
_READ = re.compile(r"request\.(?:GET|POST)(?:\.get(?:list)?\(|\[)\s*[\"'](\w+)[\"']")
_FIELD = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"(\w+)\"")
_FORM_KINDS = (forms.DateField, forms.DateTimeField, forms.TimeField, forms.IntegerField,
               forms.FloatField, forms.DecimalField)  # fmt: skip

OFFSETS = ["+14:00", "-12:00", "+09:00", "Z", "", "+23:59"]
DAYS = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
VALUES = st.one_of(
    DAYS.map(str),
    st.builds(lambda moment, offset: moment.isoformat() + offset, st.datetimes(),
              st.sampled_from(OFFSETS)),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["9999-12-31", "0001-01-01", "0001-01-01T00:00:00+14:00",
                     "9999-12-31T23:59:59-12:00", "1e999", "-1e999", "nan", "9" * 40, "-1",
                     "2026-02-30", "24:00", "9999-12"]),
)  # fmt: skip


def _page_parameters() -> set[str]:
    """Every name the code reads from a request, and every date/number field of its forms."""
    names = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                names |= set(_READ.findall(path.read_text(encoding="utf-8")))
    for config in apps.get_app_configs():
        if config.name not in APPS:
            continue
        for module in ("forms", "admin", "views"):
            try:
                __import__(f"{config.name}.{module}")
            except ImportError:
                continue
    for folder in [ROOT / "templates", *(ROOT / app / "templates" for app in APPS)]:
        for path in folder.rglob("*.html") if folder.exists() else ():
            names |= set(_FIELD.findall(path.read_text(encoding="utf-8")))
    for form in _subclasses(forms.BaseForm):
        if form.__module__.split(".")[0] in APPS:
            for name, field in getattr(form, "base_fields", {}).items():
                if isinstance(field, _FORM_KINDS):
                    names.add(name)
    return names


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _api_parameters() -> set[str]:
    from bookings.api.endpoints import api

    schema = api.get_openapi_schema()
    names = set()
    for operation in (op for path in schema["paths"].values() for op in path.values()):
        names |= {p["name"] for p in operation.get("parameters", [])}
    for component in schema.get("components", {}).get("schemas", {}).values():
        names |= set(component.get("properties", {}))
    return names


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


ROUTES = sorted(set(_routes()))


def _fill(route: str, known: dict[str, str]) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: known.get(m[1], "1"), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: known.get(m[1], "1"), path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "").lstrip("/")


def test_the_parameters_are_found_where_the_review_found_its_500s():
    names = _page_parameters() | _api_parameters()
    assert {"from", "first", "last", "round_trip_ms", "start", "date"} <= names
    assert len(ROUTES) > 50


@pytest.fixture
def world(db, client):
    """An office whose counselor confirms each request, and one request waiting there."""
    client.raise_request_exception = False
    office = office_with(confirmation_mode="staff_approval")
    booking = book(office.services.get(), jst(2026, 11, 26, 9, 30)).booking
    known = {
        "slug": office.slug, "token": manage_token(booking), "booking_id": str(booking.pk),
        "object_id": str(booking.pk), "pk": str(booking.pk), "booking_uuid": str(booking.uuid),
        "version_id": str(booking.consent.terms_version_id), "app_label": "bookings",
    }  # fmt: skip
    superuser = User.objects.create_superuser("root-prop", "root-prop@example.jp", "pw-prop-1")
    return client, known, superuser, sorted(_page_parameters() | _api_parameters())


@pytest.mark.slow  # property-based: every route with drawn values (fuzzing)
@given(data=st.data())
@hypothesis_settings(
    max_examples=2,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # a failure is reported as found, not shrunk
    suppress_health_check=list(HealthCheck),
)
def test_no_date_or_number_in_any_parameter_of_any_route_gives_a_5xx(world, data):
    """Each example visits every route once, with values drawn for it (as a visitor or a
    superuser, drawn too): the set-up is paid once, not once per route."""
    client, known, superuser, names = world
    failures = []
    for route in ROUTES:
        path = _fill(route, known)
        drawn = data.draw(st.lists(VALUES, min_size=5, max_size=5), label=route)
        values = {name: drawn[i % 5] for i, name in enumerate(names)}
        client.logout()
        if data.draw(st.booleans(), label="as a superuser"):
            client.force_login(superuser)
        responses = [client.get(path, values), client.post(path, values)]
        if path.startswith("/api/"):
            body = json.dumps(values)
            responses.append(client.post(path, body, content_type="application/json"))
        failures += [(path, r.status_code) for r in responses if r.status_code >= 500]
    assert failures == []
