"""
The waitlist on the invitation's path (issue 29): a person invited to a service whose days
are full joins its waitlist from the invitation's page, where only the days are asked (the
invitation names the record); an offer is booked for that record and counts a use of the
invitation; withdrawing the invitation takes the entry off the list.
"""

import pytest
from django.urls import reverse

from bookings.models import Booking, BookingChannel
from invitations.models import InvitationUse
from invitations.services import invitation_withdraw
from terms.selectors import terms_in_force
from tests.helpers import NOW, book, invitation_token, invite, person
from tests.waitlist.helpers import DAY, STARTS, free
from waitlist.models import EntryStatus, OfferStatus, WaitlistEntry
from waitlist.services import waitlist_match

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(inviting):
    """The invited service keeps a waitlist, and its Tuesday (both counselors) is full."""
    inviting.service.waitlist_enabled = True
    inviting.service.save(update_fields=["waitlist_enabled"])
    inviting.bookings = [
        book(inviting.service, start, data=person(
            email=f"b{n}-{c}@example.jp", job_seeker_number=f"{20000 + n * 10 + c}-1"
        )).booking
        for n, start in enumerate(STARTS)
        for c in range(2)
    ]  # fmt: skip
    inviting.invitation = invite(inviting, first_day=DAY, last_day=DAY)
    inviting.token = invitation_token(inviting.invitation)
    return inviting


def _join(client, env, **days):
    data = {"first_day": DAY.isoformat(), "last_day": DAY.isoformat(), **days}
    return client.post(reverse("invitation-waitlist", args=[env.token]), data)


def test_a_person_invited_to_a_full_service_joins_its_waitlist_without_typing_anything_twice(
    client, full
):
    page = client.get(reverse("invitation", args=[full.token])).content.decode()
    assert "キャンセル待ちに登録する" in page and 'value="2026-11-24"' in page
    assert 'name="name"' not in page and 'name="email"' not in page and 'name="phone"' not in page

    joined = _join(client, full)
    assert joined.status_code == 302 and "/waitlist/" in joined["Location"]
    entry = WaitlistEntry.objects.get()
    assert (entry.applicant, entry.invitation_id) == (full.person, full.invitation.pk)
    assert (entry.name, entry.email, entry.status) == (
        "招待 花子", "hanako@example.jp", EntryStatus.WAITING,
    )  # fmt: skip
    assert "1番目" in client.get(joined["Location"]).content.decode()
    again = _join(client, full)  # a double tap, or the page opened again: the same entry
    assert again.status_code == 302 and WaitlistEntry.objects.count() == 1


def test_an_offer_from_the_invitations_entry_books_for_the_record_and_counts_a_use(
    client, full, django_capture_on_commit_callbacks
):
    joined = _join(client, full)
    with django_capture_on_commit_callbacks(execute=True):
        free(full.bookings[4])  # 10:30, one of the two counselors'
    offer = WaitlistEntry.objects.get().offers.get()
    assert (offer.start, offer.status) == (STARTS[2], OfferStatus.OPEN)
    terms = terms_in_force(office=full.office, at=NOW)
    client.post(
        joined["Location"], {"action": "accept", "terms_version": terms.pk, "agree_terms": "on"}
    )
    booking = Booking.objects.get(waitlist_offer=offer)
    assert (booking.applicant, booking.channel) == (full.person, BookingChannel.INVITATION)
    full.invitation.refresh_from_db()
    assert full.invitation.uses == 1
    assert InvitationUse.objects.get(invitation=full.invitation).booking == booking
    assert client.get(reverse("invitation", args=[full.token])).status_code == 410  # used


def test_days_outside_the_invitation_are_explained_and_write_nothing(client, full):
    page = _join(client, full, last_day="2026-11-30")
    assert page.status_code == 400
    body = page.content.decode()
    assert 'class="error-summary"' in body and "招待" in body
    for bad in [{"first_day": ""}, {"first_day": "\x00"}, {"earliest": "15:00", "latest": "13:00"}]:
        assert _join(client, full, **bad).status_code == 400
    assert not WaitlistEntry.objects.exists()


def test_a_service_without_a_waitlist_offers_none_on_the_invitation_page(client, full):
    full.service.waitlist_enabled = False
    full.service.save(update_fields=["waitlist_enabled"])
    page = client.get(reverse("invitation", args=[full.token])).content.decode()
    assert "キャンセル待ち" not in page
    assert _join(client, full).status_code == 404


def test_withdrawing_the_invitation_takes_its_entry_off_the_waitlist(client, full):
    _join(client, full)
    invitation_withdraw(invitation=full.invitation, by=full.counselor, reason="電話で予約",
                        now=NOW)  # fmt: skip
    entry = WaitlistEntry.objects.get()
    assert entry.status == EntryStatus.LEFT
    free(full.bookings[0])
    assert waitlist_match(office_id=full.office.pk, now=NOW) == 0
