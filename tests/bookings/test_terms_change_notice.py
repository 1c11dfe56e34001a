"""New terms in force: people with upcoming bookings who agreed to older terms hear of it."""

import pytest
from django.core import mail

from bookings.models import BookingStatus
from bookings.services.staff import booking_confirm
from bookings.services.terms_changes import terms_change_notify
from notifications.models import Notification
from terms.services import terms_publish, terms_version_create
from tests.factories import TermsVersionFactory, UserFactory, office_with
from tests.helpers import NOW, book, email_checked, jst, person

pytestmark = pytest.mark.django_db


def test_only_people_with_upcoming_confirmed_bookings_and_old_consent_are_told(
    django_capture_on_commit_callbacks,
):
    # An office whose counselors confirm each request, its terms "v1" in force.
    office = office_with(confirmation_mode="staff_approval", terms=False)
    TermsVersionFactory(office=office, version="v1")
    svc = office.services.get()
    staff = UserFactory(office=svc.office, is_superuser=True)
    confirmed = book(svc, jst(2026, 11, 26, 9, 30)).booking
    booking_confirm(booking=email_checked(confirmed), by=staff, now=NOW)
    requested_only = book(
        svc, jst(2026, 11, 26, 10), data=person(email="r@example.jp", job_seeker_number="22222-2")
    ).booking
    later = book(
        svc,
        jst(2026, 11, 27, 9, 30),
        data=person(email="p@example.jp", job_seeker_number="33333-3"),
    ).booking
    booking_confirm(booking=email_checked(later), by=staff, now=NOW)

    draft = terms_version_create(
        office=svc.office,
        by=staff,
        version="v3",
        title="改定",
        body="本文",
        change_summary="変更点",
    )
    version = terms_publish(
        terms_version=draft, by=staff, effective_from=jst(2026, 11, 25), now=NOW
    )
    with django_capture_on_commit_callbacks(execute=True):
        # Not yet in force: nobody is told. Then each person once.
        assert terms_change_notify(terms_version_id=version.pk, now=jst(2026, 11, 24, 23)) == 0
        assert terms_change_notify(terms_version_id=version.pk, now=jst(2026, 11, 25, 12)) == 2
        assert terms_change_notify(terms_version_id=version.pk, now=jst(2026, 11, 25, 13)) == 0

    recipients = sorted(n.recipient for n in Notification.objects.filter(kind="terms_changed"))
    assert recipients == ["p@example.jp", "taro@example.jp"]
    assert requested_only.status == BookingStatus.REQUESTED
    assert "2026年11月25日" in mail.outbox[-1].body and "変更点" in mail.outbox[-1].body
