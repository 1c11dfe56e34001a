"""
Migration 0020 (issue 23): records made before it keep their meaning. A record a counselor
dealt with stays the office's; one only open bookings made (the first public booker of a
number, a claim) becomes the record of an open booking, keyed by its email, without the number.
"""

import pytest

from bookings.models import Applicant, ApplicantSource, Booking
from tests.factories import UserFactory, office_with
from tests.helpers import book, jst, person


@pytest.mark.slow  # migrates back and forth
@pytest.mark.django_db(transaction=True)
def test_records_made_by_a_typed_number_become_open_booking_records_and_the_offices_stay():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    svc = office_with(confirmation_mode="staff_approval", counselors=2).services.get()
    staff = UserFactory(office=svc.office)
    squatter = book(svc, jst(2026, 12, 1, 9, 30), data=person(email="a@example.jp")).booking
    office = book(svc, jst(2026, 12, 1, 10, 30), data=person(job_seeker_number="22222-2"),
                  channel="phone", created_by=staff).booking  # fmt: skip
    claim = book(svc, jst(2026, 12, 2, 9, 30),
                 data=person(email="c@example.jp", job_seeker_number="22222-2")).booking  # fmt: skip
    twin = book(svc, jst(2026, 12, 2, 10, 30), data=person(email="t@example.jp")).booking
    executor = MigrationExecutor(connection)
    executor.migrate([("bookings", "0019_person_guard_reasons")])
    with connection.cursor() as cursor:  # as the code before issue 23 wrote them
        old = "UPDATE bookings_applicant SET identity_key = %s, job_seeker_number = %s, "
        cursor.execute(old + "claimed_id = NULL WHERE id = %s",
                       ["jsn:12345-1234567", "12345-1234567", squatter.applicant_id])  # fmt: skip
        cursor.execute(old + "claimed_id = %s WHERE id = %s",
                       ["claim:c", "22222-2", office.applicant_id, claim.applicant_id])  # fmt: skip
        cursor.execute(old + "email = %s WHERE id = %s",  # another number, the same address
                       ["jsn:33333-3", "33333-3", "a@example.jp", twin.applicant_id])  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    first, kept, claimed, second = (
        Applicant.objects.get(pk=b.applicant_id) for b in (squatter, office, claim, twin)
    )
    assert (first.source, first.identity_key, first.job_seeker_number) == (
        ApplicantSource.ONLINE,
        "web:a@example.jp",
        "",
    )
    assert (kept.source, kept.identity_key, kept.job_seeker_number) == (
        ApplicantSource.OFFICE,
        "jsn:22222-2",
        "22222-2",
    )
    assert (claimed.source, claimed.identity_key) == (ApplicantSource.ONLINE, "web:c@example.jp")
    assert second.source == ApplicantSource.ONLINE and second.identity_key.startswith("online:")
    # Each booking keeps its record and the number it gave.
    assert Booking.objects.get(pk=squatter.pk).job_seeker_number == "12345-1234567"
    assert Booking.objects.get(pk=claim.pk).applicant_id == claimed.pk
