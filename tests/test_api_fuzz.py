"""
The JSON API fuzzed from its own OpenAPI schema (schemathesis, in-process over WSGI): for
every operation, FUZZ_EXAMPLES generated requests (valid and invalid), each checked for
no server error, for schema-invalid input being refused, and for a response that matches
the schema (status code, content type, headers, body). `make fuzz` runs the long version (FUZZ_EXAMPLES=1000).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from config.wsgi import application
from tests.factories import ServiceFactory, office_with

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_the_test_connection():
    """As Django's test client does: the app must not close the test's DB connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def offices_of_every_kind(db):
    """Offices whose listing shows each kind of answer the schema describes: the three
    platforms, both confirmation modes and lead-time units, an office employers book, a
    vocational center that does not ask the job seeker number, and services booked by
    invitation or by phone only, one of its own slot length."""
    office_with(platform="zoom")
    office_with(platform="teleoffice", confirmation_mode="staff_approval",
                lead_time_days=2, lead_time_unit="business_days")  # fmt: skip
    employers = office_with(platform="teleoffice", employers_may_book=True)
    ServiceFactory(office=employers, slug="evening", slot_minutes=45, position=1)
    office_with(platform="teams", kind="vocational_center", job_seeker_number="not_asked",
                online_cancel_allowed=False)  # fmt: skip
    closed = office_with(platform="zoom")
    closed.services.update(accepts_web=False, accepts_invitations=True, accepts_phone=True)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.usefixtures("keep_the_test_connection")
@schema.parametrize()
@hypothesis_settings(
    max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
)
def test_the_api_matches_its_schema_and_never_fails(case, offices_of_every_kind, frozen, settings):
    settings.RATE_LIMIT_BOOKING = "off"
    # Every default check except "schema-valid data is accepted": business rules the schema
    # cannot state (a range of at most 92 days, the office's required fields, a phone
    # number's shape) rightly answer 422 with a message for the field.
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])
