"""The factories build records the real code accepts: an office from `office_with` takes a
booking through the real path with exactly the rule the test named."""

import pytest

from bookings.models import BookingStatus
from offices.models import ConfirmationMode
from terms.selectors import terms_in_force
from tests.factories import BookingFactory, ConsentFactory, office_with
from tests.helpers import NOW, book, jst

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("mode", "status"),
    [
        (ConfirmationMode.INSTANT, BookingStatus.CONFIRMED),
        (ConfirmationMode.STAFF_APPROVAL, BookingStatus.REQUESTED),
    ],
)
def test_an_office_with_a_confirmation_rule_books_by_that_rule(mode, status):
    office = office_with(confirmation_mode=mode, lead_time_days=1, lead_time_unit="calendar_days")
    service = office.services.get()
    assert terms_in_force(office=office, at=NOW) is not None
    created = book(service, jst(2026, 11, 26, 9, 30))  # a Thursday
    assert created.booking.status == status


def test_a_booking_row_and_a_consent_belong_to_one_office():
    booking = BookingFactory()
    assert booking.service.office == booking.office == booking.counselor.office
    assert booking.consent.applicant_uuid == booking.applicant.uuid
    consent = ConsentFactory()
    assert consent.terms_version.office == consent.office
