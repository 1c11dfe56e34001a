"""
`make load` on a fresh clone (issue 28): its mix was answered 429 by the abuse limits the
bench already turned off, and a burst that found no free time crashed the run
(ZeroDivisionError, IndexError) instead of failing its check.
"""

import json
from datetime import time
from io import StringIO

import pytest
from django.core.management.base import CommandError
from django.test import override_settings

from bookings.management.commands.load import Command
from config.settings import base
from offices.models import Counselor, Office, Service
from terms.selectors import terms_in_force
from tests.factories import WEEKDAYS, OpeningHoursFactory, office_with
from tests.helpers import NOW, person

pytestmark = pytest.mark.django_db

DEFAULT_LIMITS = {name: getattr(base, name) for name in (
    "RATE_LIMIT_BOOKING", "HOLD_LIMIT_PER_ADDRESS", "HOLD_MAX_UNCONFIRMED_PER_DAY")}  # fmt: skip
MANY = 11  # more than a minute's bookings from one address (RATE_LIMIT_BOOKING, 10/m)
DAY = "2026-12-11"


@pytest.fixture
def kawagoe(db):
    """ハローワーク川越 as the load run's mix books it: two counselors who confirm each
    request (so each booking is a hold waiting for them), open weekdays 9:30-12:00 and
    13:00-16:00: eleven times a day, two places each, more than the mix asks of a day."""
    office = office_with(slug="kawagoe", confirmation_mode="staff_approval", counselors=2)
    for weekday in WEEKDAYS:
        OpeningHoursFactory(
            service=office.services.get(), weekday=weekday, start=time(13), end=time(16)
        )
    return office


def _book_many_from_one_address(client) -> list[int]:
    """Invented people book Kawagoe (requests held for a counselor) from 127.0.0.1, at
    once, as the load run's mix does."""
    terms = terms_in_force(office=Office.objects.get(slug="kawagoe"), at=NOW).pk
    slots = client.get(f"/api/v1/offices/kawagoe/slots?from={DAY}&to={DAY}").json()["slots"]
    codes = []
    for n in range(MANY):
        body = {
            "start": slots[n % len(slots)]["start"], "terms_version": terms, "agree_terms": True,
            **person(name=f"負荷 {n}", job_seeker_number=f"5{n:04d}-{n}",
                     email=f"load-{n}@example.jp"),
        }  # fmt: skip
        codes.append(
            client.post(
                "/api/v1/offices/kawagoe/bookings",
                json.dumps(body),
                content_type="application/json",
            ).status_code
        )
    return codes


@override_settings(**DEFAULT_LIMITS)
def test_with_the_default_limits_the_mix_from_one_address_is_refused(client, kawagoe):
    assert 429 in _book_many_from_one_address(client)


def test_the_load_runs_settings_let_one_address_book_as_many_people(client, kawagoe):
    from loadtest.limits import abuse_limits_off_settings

    with override_settings(**DEFAULT_LIMITS), override_settings(**abuse_limits_off_settings()):
        assert _book_many_from_one_address(client) == [201] * MANY


def test_a_burst_that_finds_no_free_time_says_so_and_fails_its_check(tmp_path):
    # The burst books Toyooka's counseling service: here, one whose counselors are all away.
    office = office_with(slug="toyooka", counselors=2)
    Service.objects.filter(office=office).update(slug="counseling")
    Counselor.objects.filter(office=office).update(is_active=False)
    command = Command(stdout=StringIO())
    command.lines = []
    burst = command._burst(port=1, clients=200)  # no connection is made: nothing to book
    assert "no free time at Toyooka" in command.stdout.getvalue()
    created = tmp_path / "created.txt"
    created.write_text("")
    with pytest.raises(CommandError, match="1 check"):
        command._check(created, burst, mix_failed=0)
    assert "FAIL burst: clients not answered 201 or 409" in command.stdout.getvalue()
