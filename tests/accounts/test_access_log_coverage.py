"""
The record of who looked at whom covers every staff page that names people, beyond the
people's and bookings' own pages (tests/accounts/test_access_log.py): the invitations'
list and pages, who was invited and has not booked, the printed letter, the invite and
withdraw pages, the paste-a-link form, an object's history, the email outbox. Each entry
holds ids, never the personal data.
"""

import json

import pytest

from accounts.models import StaffAccess
from notifications.models import Notification
from terms.models import TermsVersion
from tests.factories import BookingFactory
from tests.helpers import invitation_office, invite

Kind = StaffAccess.Kind
ADMIN = "/admin/invitations/invitation/"


@pytest.fixture
def env(db):
    return invitation_office()


@pytest.fixture
def invitation(env):
    return invite(env)


def _only(kind: str) -> StaffAccess:
    entries = list(StaffAccess.objects.filter(kind=kind))
    assert len(entries) == 1, entries
    return entries[0]


def _ids_only(entry: StaffAccess, env) -> None:
    stored = json.dumps([entry.username, entry.records], ensure_ascii=False)
    for value in (env.person.name, env.person.email, env.person.phone):
        assert value not in stored
    assert entry.user == env.counselor and entry.office == env.office


def test_the_invitations_list_and_an_invitations_page_are_recorded(client, env, invitation):
    client.force_login(env.counselor)
    assert client.get(ADMIN).status_code == 200
    listed = _only(Kind.LIST)
    assert listed.records == {"invitation": [invitation.pk], "applicant": [env.person.pk]}
    _ids_only(listed, env)

    assert client.get(f"{ADMIN}{invitation.pk}/change/").status_code == 200
    opened = _only(Kind.PERSON)
    assert opened.records == {"invitation": [invitation.pk], "applicant": [env.person.pk]}
    _ids_only(opened, env)


def test_the_list_of_people_invited_who_have_not_booked_is_recorded(client, env, invitation):
    client.force_login(env.counselor)
    response = client.get(f"{ADMIN}not-booked/")
    assert response.status_code == 200 and env.person.name in response.content.decode()
    entry = _only(Kind.LIST)
    assert entry.records == {"applicant": [env.person.pk], "invitation": [invitation.pk]}
    _ids_only(entry, env)


def test_the_printed_letter_and_the_withdraw_page_are_recorded(client, env, invitation):
    client.force_login(env.counselor)
    assert client.get(f"{ADMIN}{invitation.pk}/letter/").status_code == 200
    letter = client.post(f"{ADMIN}{invitation.pk}/letter/")
    assert letter.status_code == 200 and env.person.name in letter.content.decode()
    assert client.get(f"{ADMIN}{invitation.pk}/withdraw/").status_code == 200
    entries = list(StaffAccess.objects.filter(kind=Kind.PERSON))
    assert len(entries) == 3
    for entry in entries:
        assert entry.records == {"applicant": [env.person.pk], "invitation": [invitation.pk]}
        _ids_only(entry, env)


def test_the_invite_page_naming_the_chosen_people_is_recorded(client, env):
    client.force_login(env.counselor)
    response = client.get(f"{ADMIN}invite/", {"applicant": env.person.pk})
    assert response.status_code == 200 and env.person.name in response.content.decode()
    entry = _only(Kind.LIST)
    assert entry.records == {"applicant": [env.person.pk]}
    _ids_only(entry, env)


def test_the_paste_a_link_form_naming_a_booking_is_recorded(client, env):
    booking = BookingFactory(
        service=env.service, counselor=env.office.counselors.first(),
        consent__terms_version=TermsVersion.objects.get(office=env.office),
    )  # fmt: skip
    client.force_login(env.counselor)
    response = client.post(
        "/admin/bookings/booking/",
        {"action": "paste_meeting_link", "_selected_action": [booking.pk]},
    )
    assert response.status_code == 200 and booking.name in response.content.decode()
    entry = _only(Kind.BOOKING)
    assert entry.records == {"booking": [booking.pk], "applicant": [booking.applicant_id]}


def test_a_persons_history_page_is_recorded(client, env):
    client.force_login(env.counselor)
    history = client.get(f"/admin/bookings/applicant/{env.person.pk}/history/")
    assert history.status_code == 200 and env.person.name in history.content.decode()
    entry = _only(Kind.PERSON)
    assert entry.records == {"applicant": [env.person.pk]}
    _ids_only(entry, env)


def test_the_email_outbox_list_and_an_email_are_recorded(client, env, invitation):
    email = Notification.objects.get(recipient=env.person.email)
    client.force_login(env.counselor)
    listing = client.get("/admin/notifications/notification/")
    assert listing.status_code == 200 and env.person.email in listing.content.decode()
    assert _only(Kind.LIST).records == {"notification": [email.pk]}
    assert client.get(f"/admin/notifications/notification/{email.pk}/change/").status_code == 200
    entry = _only(Kind.PERSON)
    assert entry.records == {"notification": [email.pk]}
    _ids_only(entry, env)


def test_the_requests_to_confirm_and_a_search_of_bookings_are_recorded(client, env):
    """Already recorded before this file (the bookings' list): kept as a guard."""
    booking = BookingFactory(
        service=env.service, counselor=env.office.counselors.first(), status="requested",
        consent__terms_version=TermsVersion.objects.get(office=env.office),
    )  # fmt: skip
    client.force_login(env.counselor)
    requests = client.get("/admin/bookings/booking/", {"status__exact": "requested"})
    assert requests.status_code == 200 and booking.name in requests.content.decode()
    search = client.get("/admin/bookings/booking/", {"q": booking.name})
    assert search.status_code == 200
    entries = list(StaffAccess.objects.filter(kind=Kind.LIST))
    assert len(entries) == 2
    for entry in entries:
        assert entry.records == {"booking": [booking.pk], "applicant": [booking.applicant_id]}
