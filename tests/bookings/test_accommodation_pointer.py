"""
Issue 26, the walk at Yamaguchi: the accommodation boxes appear on four pages (the details
step, a group session's seat, the invitation page, the booking page). 「支援者の同席」 points
to 「同席する方」 only where that field is on the page, and the boxes' heading names what the
page does: choosing on a first booking (「参加に必要な配慮」, the name the note's hint
points to), changing on the booking page once something was asked for.
"""

import re
from datetime import time
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from bookings.models import Booking
from offices.roles import COUNSELORS
from terms.selectors import terms_in_force
from tests.bookings.seat_helpers import seminar
from tests.factories import ApplicantFactory, office_with
from tests.helpers import (
    email_checked,
    invitation_token,
    invite,
    jst,
    manage_token,
    person,
    staff,
)

pytestmark = pytest.mark.django_db

TUE = jst(2026, 11, 24, 9, 30)
POINTER = "「同席する方」"
ATTENDEE_FIELD = 'name="attendee_0_name"'
CHOOSE = "参加に必要な配慮"
CHANGE = "必要な配慮を変える"


@pytest.fixture(autouse=True)
def _japanese():
    with translation.override("ja"):
        yield


@pytest.fixture
def centre():
    """An office like the Yamaguchi centre: a supporter may attend, among other means."""
    return office_with(
        hours=(time(9, 30), time(16, 0)),
        accommodation_means=["captions", "more_time", "supporter", "other"],
        confirmation_mode="staff_approval",
    )


def _legend(html: str) -> str:
    fieldset = re.search(r'<fieldset[^>]*id="id_accommodations".*?</fieldset>', html, re.S)
    return re.search(r"<legend[^>]*>(.*?)<", fieldset.group(0), re.S).group(1).strip()


def _pointer_is_true(html: str) -> None:
    assert "支援者の同席" in html
    assert (POINTER in html) == (ATTENDEE_FIELD in html), (
        "the pointer names a field not on the page"
    )


def test_the_details_step_points_to_the_attendee_field_below_it(client, centre):
    service = centre.services.get()
    url = reverse("booking-details", args=[centre.slug])
    html = client.get(url, {"service": service.slug, "start": TUE.isoformat()}).content.decode()
    _pointer_is_true(html)
    assert POINTER in html and _legend(html) == CHOOSE


def test_a_seat_in_a_group_session_has_no_attendee_field_and_no_pointer(client, centre):
    session = seminar(slug=centre.slug)
    html = client.get(reverse("seat-book", args=[centre.slug, session.uuid])).content.decode()
    _pointer_is_true(html)
    assert POINTER not in html and _legend(html) == CHOOSE


def test_the_invitation_page_chooses_what_is_needed_under_the_name_the_note_points_to(
    client, centre
):
    service = centre.services.get()
    service.accepts_invitations = True
    service.save(update_fields=["accepts_invitations"])
    record = ApplicantFactory(office=centre, name="招待 花子", phone="09011112222")
    env = SimpleNamespace(
        person=record, service=service, counselor=staff(centre, COUNSELORS, "centre-counselor")
    )
    url = reverse("invitation-confirm", args=[invitation_token(invite(env))])
    html = client.get(url, {"start": TUE.isoformat()}).content.decode()
    _pointer_is_true(html)
    assert POINTER not in html
    assert _legend(html) == CHOOSE and CHANGE not in html
    assert f"「{CHOOSE}」" in html  # the note's hint names the heading above it


def _booked(client, centre, **chosen):
    service = centre.services.get()
    client.post(
        reverse("booking-details", args=[centre.slug]),
        {"service": service.slug, "start": TUE.isoformat(), **person(), **chosen},
    )
    client.post(
        reverse("booking-confirm", args=[centre.slug]),
        {"terms_version": terms_in_force(office=centre, at=TUE).pk, "agree_terms": "on"},
    )
    return email_checked(Booking.objects.get())


def test_the_booking_page_changes_what_was_asked_for_and_adds_to_nothing(client, centre):
    booking = _booked(client, centre)
    page = reverse("booking-manage", args=[manage_token(booking)])
    html = client.get(page).content.decode()
    _pointer_is_true(html)
    assert POINTER not in html and _legend(html) == CHOOSE and CHANGE not in html

    Booking.objects.filter(pk=booking.pk).update(accommodations=["captions"])
    html = client.get(page).content.decode()
    assert POINTER not in html and _legend(html) == CHANGE
