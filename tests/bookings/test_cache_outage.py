"""With Redis (the cache) unreachable, pages, free times and booking keep working."""

from django.urls import reverse

from bookings.models import Booking
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import NOW, jst, person


def test_free_times_and_booking_work_while_the_cache_is_unreachable(
    client, db, frozen, settings, caplog
):
    office = office_with(slug="toyooka", lead_time_days=1, lead_time_unit="calendar_days")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    settings.RATE_LIMIT_BOOKING = "10/m"  # counted in the cache: must fail open
    page = client.get(reverse("booking-start", args=["toyooka"]))
    assert page.status_code == 200 and "2026年11月24日(火)" in page.content.decode()
    slots = client.get("/api/v1/offices/toyooka/slots?from=2026-11-24&to=2026-11-30")
    assert slots.status_code == 200 and slots.json()["slots"]
    terms = terms_in_force(office=office, at=NOW)
    response = client.post(
        "/api/v1/offices/toyooka/bookings",
        {
            **person(),
            "start": jst(2026, 11, 24, 9, 30).isoformat(),
            "terms_version": terms.pk,
            "agree_terms": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Booking.objects.count() == 1
    assert "cache unavailable" in caplog.text
