"""
The database router of a fleet (config/routers.py): the figures (実績) and the CSV exports
read from the replica, availability and booking never. The test settings alias the replica
to the test database (a mirror), so the pages show the very rows written by the test, and
which connection carried each query is what is checked.
"""

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bookings.models import Booking
from config.routers import REPLICA_VIEWS, ReplicaRouter, _replica_reads
from terms.selectors import terms_in_force
from tests.factories import UserFactory, office_with
from tests.helpers import NOW, booking_row, jst, person

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica_on(settings):
    settings.REPLICA_DATABASE = "replica"


def _booking_queries(captured: CaptureQueriesContext) -> int:
    return sum("bookings_booking" in query["sql"] for query in captured.captured_queries)


@pytest.fixture
def office_with_bookings():
    office = office_with(slug="replica-office")
    service = office.services.get()
    booking_row(service, jst(2026, 11, 16, 9, 30))
    return booking_row(service, jst(2026, 11, 24, 10, 0), status="confirmed").reference


@pytest.mark.parametrize(
    "url",
    [
        reverse("reports:dashboard") + "?office=replica-office&month=2026-11",
        reverse("reports:monthly") + "?office=replica-office&month=2026-11",
        reverse("reports:monthly-csv") + "?office=replica-office&month=2026-11",
        reverse("admin:bookings_booking_schedule_csv") + "?office=replica-office&date=2026-11-24",
    ],
    ids=["dashboard", "monthly", "monthly-csv", "schedule-csv"],
)
def test_the_figures_and_the_csv_exports_read_the_bookings_from_the_replica(
    client, replica_on, office_with_bookings, url
):
    client.force_login(UserFactory(is_superuser=True))
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(url)
    assert response.status_code == 200
    assert _booking_queries(replica) > 0
    assert _booking_queries(primary) == 0, [q["sql"][:120] for q in primary.captured_queries]
    if "schedule" in url:
        assert office_with_bookings in response.content.decode()  # the test's rows, read there


def test_free_times_and_booking_never_read_from_the_replica(client, replica_on):
    office = office_with(slug="toyooka", lead_time_days=1, lead_time_unit="calendar_days")
    terms = terms_in_force(office=office, at=NOW)
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        slots = client.get("/api/v1/offices/toyooka/slots?from=2026-11-24&to=2026-11-30")
        page = client.get(reverse("booking-start", args=["toyooka"]))
        booked = client.post(
            "/api/v1/offices/toyooka/bookings",
            {**person(), "start": jst(2026, 11, 24, 9, 30).isoformat(),
             "terms_version": terms.pk, "agree_terms": True},
            content_type="application/json",
        )  # fmt: skip
    assert slots.status_code == 200 and slots.json()["slots"]
    assert page.status_code == 200
    assert booked.status_code == 201, booked.content
    assert Booking.objects.count() == 1
    assert replica.captured_queries == []
    assert _booking_queries(primary) > 0


def test_without_a_replica_the_figures_read_the_primary(client, office_with_bookings):
    client.force_login(UserFactory(is_superuser=True))
    with CaptureQueriesContext(connections["replica"]) as replica:
        response = client.get(reverse("reports:monthly") + "?office=replica-office&month=2026-11")
    assert response.status_code == 200
    assert replica.captured_queries == []


def test_a_read_inside_a_transaction_and_every_write_go_to_the_primary(replica_on):
    router = ReplicaRouter()
    token = _replica_reads.set(True)
    try:
        assert router.db_for_read(Booking) == "replica"
        with transaction.atomic():  # a lock, a check before a write: never a lagging copy
            assert router.db_for_read(Booking) is None
        assert router.db_for_write(Booking) == "default"
        assert router.allow_migrate("replica", "bookings") is False
    finally:
        _replica_reads.reset(token)
    assert router.db_for_read(Booking) is None  # outside the listed views


def _routes(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", route


def test_every_figures_page_and_csv_export_is_routed_to_the_replica():
    """A new figures page or CSV export is caught here until it is listed in REPLICA_VIEWS."""
    routes = dict(_routes(get_resolver()))
    wanted = {
        name for name, route in routes.items() if name.startswith("reports:") or "csv" in route
    }
    assert wanted == REPLICA_VIEWS
    assert "api-1.0.0:create_booking" not in REPLICA_VIEWS and wanted  # the walk found them
