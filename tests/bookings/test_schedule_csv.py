"""The day's schedule as CSV lists who attends with the person (role and name), not a count."""

import csv
import io
from datetime import datetime

import pytest
from django.contrib.auth.models import Group

from bookings.services.staff import booking_confirm
from common import clock
from common.clock import JST
from offices.roles import COUNSELORS
from tests.factories import office_with
from tests.helpers import book, email_checked, person

pytestmark = pytest.mark.django_db


def test_the_schedule_csv_lists_the_attendees_with_their_roles(client, frozen):
    office = office_with(confirmation_mode="staff_approval")
    counselor = office.counselors.get().user
    counselor.groups.add(Group.objects.get(name=COUNSELORS))
    attendees = [
        {"role": "interpreter", "name": "通訳 花子"},
        {"role": "family", "name": "山田 次郎"},
    ]
    booking = book(
        office.services.get(), datetime(2026, 11, 26, 9, 30, tzinfo=JST),
        data=person(attendees=attendees), now=clock.now(),
    ).booking  # fmt: skip
    booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())
    client.force_login(counselor)
    response = client.get(
        "/admin/bookings/booking/schedule.csv", {"date": "2026-11-26", "office": office.slug}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    column = rows[0].index("同席者")
    assert "通訳 花子" in rows[1][column] and "山田 次郎" in rows[1][column]
    assert rows[1][column] != "2"
