"""Idempotency-Key replays (issue 13): after the rate limit, and never another's link."""

import pytest
from django.test import override_settings

from bookings.models import Booking
from tests.bookings.test_api_bookings import post_booking
from tests.factories import office_with

pytestmark = pytest.mark.django_db


def test_a_replay_with_other_details_is_a_conflict_not_the_first_link(client):
    slug = office_with().slug
    first = post_booking(client, slug, key="k-1")
    assert first.status_code == 201
    other = post_booking(client, slug, key="k-1", name="別人 花子", phone="080-9999-0000")
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_conflict"
    assert "manage_url" not in other.json()
    assert Booking.objects.count() == 1
    # The very same request again is the same booking, as before.
    same = post_booking(client, slug, key="k-1")
    assert same.status_code == 201
    # The same booking, with a link of its own (tokens are never kept to be handed out again).
    assert same.json()["reference"] == first.json()["reference"]
    assert same.json()["manage_url"] != first.json()["manage_url"]


@override_settings(RATE_LIMIT_BOOKING="3/m")
def test_replays_count_toward_the_rate_limit(client):
    slug = office_with().slug
    assert post_booking(client, slug, key="k-2").status_code == 201
    assert post_booking(client, slug, key="k-2").status_code == 201
    assert post_booking(client, slug, key="k-2").status_code == 201
    limited = post_booking(client, slug, key="k-2")
    assert limited.status_code == 429
    assert "manage_url" not in limited.json()
