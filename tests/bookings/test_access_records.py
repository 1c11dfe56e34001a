"""
Records of use: each use of the booking pages is kept with a pseudonymous device value
(the same device gives the same value, and no address or browser string can be read back),
managers see them, counselors do not, and the retention schedule deletes old ones.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from bookings.models import AccessRecord
from bookings.services.retention import personal_data_purge
from offices.roles import OFFICE_MANAGERS
from tests.factories import office_with
from tests.helpers import NOW, book, counselor_account, jst, staff

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def office(db):
    """An office whose counselors confirm each request (online cancellation allowed)."""
    return office_with(confirmation_mode="staff_approval")


def test_opening_the_booking_page_or_its_calendar_writes_no_record_of_use(client, office):
    """A mail scanner that opens the link (a GET) must not look like the person's use."""
    created = book(office.services.get(), jst(2026, 11, 24, 9, 30))
    for name in ("booking-manage", "booking-calendar", "booking-cancel"):
        assert client.get(reverse(name, args=[created.manage_token])).status_code == 200
    assert AccessRecord.objects.count() == 0


def test_an_action_is_recorded_without_the_address_or_browser(client, office):
    created = book(office.services.get(), jst(2026, 11, 26, 9, 30))
    response = client.post(
        reverse("booking-cancel", args=[created.manage_token]),
        {"reason": ""},
        HTTP_USER_AGENT=IPHONE,
        REMOTE_ADDR="203.0.113.45",
    )
    assert response.status_code == 302, response.content.decode()[-500:]
    (record,) = AccessRecord.objects.all()
    assert record.kind == "cancelled" and record.device_type == "iPhone / Safari"
    assert "203.0.113" not in record.device and "iPhone" not in record.device


def test_the_same_device_gives_the_same_pseudonym_and_another_a_different_one(office):
    booking = book(office.services.get(), jst(2026, 11, 24, 9, 30)).booking
    windows = "Mozilla/5.0 (Windows NT 10.0) Chrome/130.0 Safari/537"
    for address, agent in (("203.0.113.45", IPHONE), ("203.0.113.99", IPHONE),
                           ("198.51.100.7", windows)):  # fmt: skip
        _use(booking, ip_address=address, user_agent=agent)
    records = list(AccessRecord.objects.order_by("pk"))
    assert records[0].device == records[1].device != records[2].device  # same /24, same UA
    assert records[2].device_type == "Windows / Chrome"


def _use(booking, **device):
    from bookings.services.access_records import access_record

    defaults = {"ip_address": "203.0.113.45", "user_agent": IPHONE}
    access_record(booking=booking, kind="verified", now=NOW, **{**defaults, **device})


def test_managers_see_records_of_use_and_counselors_do_not(client, office):
    created = book(office.services.get(), jst(2026, 11, 24, 9, 30))
    _use(created.booking)
    listing = reverse("admin:bookings_accessrecord_changelist")
    client.force_login(staff(office, OFFICE_MANAGERS, "manager"))
    assert client.get(listing).status_code == 200
    client.force_login(counselor_account(office))
    assert client.get(listing).status_code == 403


def test_old_records_of_use_are_deleted_on_the_retention_schedule(client, office, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 365
    created = book(office.services.get(), jst(2026, 11, 24, 9, 30))
    _use(created.booking)
    _use(created.booking)
    AccessRecord.objects.filter(pk=AccessRecord.objects.first().pk).update(
        at=NOW - timedelta(days=400)
    )
    personal_data_purge(now=NOW)
    assert AccessRecord.objects.count() == 1


def test_a_consent_keeps_a_coarse_device_type_never_the_browser_string(client, office):
    from terms.models import Consent

    created = book(office.services.get(), jst(2026, 11, 26, 9, 30), user_agent=IPHONE)
    consent = Consent.objects.get(pk=created.booking.consent_id)
    assert consent.device_type == "iPhone / Safari"
    stored = str(Consent.objects.filter(pk=consent.pk).values().get())
    assert "Mozilla" not in stored and "18_0" not in stored


@pytest.mark.slow  # migrates back and forth
@pytest.mark.django_db(transaction=True)
def test_consents_given_before_keep_only_their_device_type_after_the_migration(office):
    from django.db import IntegrityError, connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    from terms.models import Consent

    created = book(office.services.get(), jst(2026, 11, 26, 9, 30), user_agent=IPHONE)
    consent_id = created.booking.consent_id
    MigrationExecutor(connection).migrate([("terms", "0003_clock_fields")])
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS terms_consent_guard" + (
            " ON terms_consent" if connection.vendor == "postgresql" else ""
        ))  # fmt: skip
        cursor.execute(
            "UPDATE terms_consent SET user_agent = %s WHERE id = %s", [IPHONE, consent_id]
        )
    MigrationExecutor(connection).migrate([("terms", "0004_consent_device_type")])
    executor = MigrationExecutor(connection)  # then on to today's schema, as a deploy does
    executor.migrate(executor.loader.graph.leaf_nodes())  # (what depends on 0004 again)
    consent = Consent.objects.get(pk=consent_id)
    assert consent.device_type == "iPhone / Safari"
    assert "Mozilla" not in str(Consent.objects.filter(pk=consent_id).values().get())
    with pytest.raises(IntegrityError), transaction.atomic():  # still immutable
        Consent.objects.filter(pk=consent_id).update(device_type="x")
