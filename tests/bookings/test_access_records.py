"""
Records of use: each use of the booking pages is kept with a pseudonymous device value
(the same device gives the same value, and no address or browser string can be read back),
managers see them, counselors do not, and the retention schedule deletes old ones.
"""

from datetime import timedelta

from django.urls import reverse

from bookings.models import AccessRecord
from bookings.services.retention import personal_data_purge
from offices.models import User
from tests.bookings.conftest import NOW, book, jst, service

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)


def test_opening_the_booking_page_is_recorded_without_the_address_or_browser(client, offices):
    created = book(service("toyooka"), jst(2026, 11, 24, 9, 30))
    url = reverse("booking-manage", args=[created.manage_token])
    client.get(url, HTTP_USER_AGENT=IPHONE, REMOTE_ADDR="203.0.113.45")
    client.get(url, HTTP_USER_AGENT=IPHONE, REMOTE_ADDR="203.0.113.99")  # same /24
    client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Chrome/130.0 Safari/537",
               REMOTE_ADDR="198.51.100.7")  # fmt: skip
    records = list(AccessRecord.objects.order_by("pk"))
    assert [r.kind for r in records] == ["viewed"] * 3
    assert records[0].device == records[1].device != records[2].device
    assert records[0].device_type == "iPhone / Safari"
    assert records[2].device_type == "Windows / Chrome"
    for record in records:
        assert "203.0.113" not in record.device and "iPhone" not in record.device


def test_managers_see_records_of_use_and_counselors_do_not(client, offices):
    created = book(service("toyooka"), jst(2026, 11, 24, 9, 30))
    client.get(reverse("booking-manage", args=[created.manage_token]))
    listing = reverse("admin:bookings_accessrecord_changelist")
    client.force_login(User.objects.get(username="toyooka-manager"))
    assert client.get(listing).status_code == 200
    client.force_login(User.objects.get(username="toyooka-counselor-1"))
    assert client.get(listing).status_code == 403


def test_old_records_of_use_are_deleted_on_the_retention_schedule(client, offices, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 365
    created = book(service("toyooka"), jst(2026, 11, 24, 9, 30))
    client.get(reverse("booking-manage", args=[created.manage_token]))
    client.get(reverse("booking-manage", args=[created.manage_token]))
    AccessRecord.objects.filter(pk=AccessRecord.objects.first().pk).update(
        at=NOW - timedelta(days=400)
    )
    personal_data_purge(now=NOW)
    assert AccessRecord.objects.count() == 1
