"""Invitations as services: invite, book with the link, uses, expiry, withdrawal, reminders."""

from datetime import timedelta

import pytest

from bookings.exceptions import ApplicantBarred, BookingInvalid
from bookings.models import Applicant, Booking, BookingChannel, BookingStatus
from invitations.errors import InvitationClosed, InvitationRefused
from invitations.models import Invitation
from invitations.selectors import invitation_get_by_token, invitations_not_booked
from invitations.services import invitation_book, invitation_withdraw, invitations_remind
from notifications.models import Notification
from terms.selectors import terms_in_force
from tests.factories import ApplicantFactory, office_with
from tests.helpers import NOW, invitation_token, invite, jst, link_token

pytestmark = pytest.mark.django_db

MON = jst(2026, 11, 30, 9, 30)


def book_with(invitation, start=MON, *, now=NOW, **kwargs):
    defaults = {
        "terms_version_id": terms_in_force(office=invitation.office, at=now).pk,
        "agree_terms": True,
        "now": now,
    }
    return invitation_book(invitation=invitation, start=start, **{**defaults, **kwargs})


def test_an_invitation_emails_the_person_a_personal_link_that_opens_it(inviting):
    invitation = invite(inviting)
    email = Notification.objects.get(kind="invitation")
    assert email.recipient == "hanako@example.jp"
    assert "招待 花子" in email.body_html and inviting.office.name in email.body_text
    token = link_token(email.body_text, kind="invitations")
    assert invitation_get_by_token(token=token) == invitation
    assert token not in str(list(Invitation.objects.values()))  # only its hash is stored


def test_booking_with_the_invitation_joins_the_named_record_and_counts_a_use(inviting):
    invitation = invite(inviting)
    created = book_with(invitation, note="車椅子で伺います")
    booking = created.booking
    assert booking.applicant == inviting.person
    assert booking.channel == BookingChannel.INVITATION
    assert booking.status == BookingStatus.CONFIRMED  # the counselor's invitation confirms it
    assert (booking.name, booking.email, booking.phone) == (
        "招待 花子", "hanako@example.jp", "09011112222",
    )  # fmt: skip
    assert booking.note == "車椅子で伺います"
    invitation.refresh_from_db()
    assert invitation.uses == 1
    assert list(invitation.used.values_list("booking", flat=True)) == [booking.pk]
    assert Applicant.objects.count() == 1  # no record made from what was typed


def test_an_address_given_for_the_booking_gets_its_email_and_the_record_keeps_its_own(inviting):
    booking = book_with(invite(inviting), email="other@example.jp").booking
    assert booking.email == "other@example.jp"
    inviting.person.refresh_from_db()
    assert inviting.person.email == "hanako@example.jp"


def test_a_used_up_invitation_books_no_more_and_says_where_the_booking_is(inviting):
    invitation = invite(inviting)
    book_with(invitation)
    with pytest.raises(InvitationClosed) as closed:
        book_with(invitation, start=MON + timedelta(hours=1))
    assert closed.value.state == "used_up"
    assert "「予約が確定しました」" in str(closed.value.message)  # the email that has the link
    assert Booking.objects.count() == 1


def test_an_invitation_allowing_two_bookings_books_twice(inviting):
    invitation = invite(inviting, max_uses=2)
    book_with(invitation)
    book_with(invitation, start=MON + timedelta(days=1))
    invitation.refresh_from_db()
    assert invitation.uses == 2


def test_an_expired_invitation_refuses_kindly(inviting):
    invitation = invite(inviting, expires_on=NOW.date() + timedelta(days=3))
    later = NOW + timedelta(days=4)
    with pytest.raises(InvitationClosed) as closed:
        book_with(invitation, now=later)
    assert closed.value.state == "expired"
    assert "expired" in str(closed.value.message) or "有効期限" in str(closed.value.message)


def test_a_withdrawn_invitation_refuses_and_the_withdrawal_keeps_who_and_why(inviting):
    invitation = invite(inviting)
    with pytest.raises(InvitationRefused):
        invitation_withdraw(invitation=invitation, by=inviting.counselor, reason=" ", now=NOW)
    invitation_withdraw(
        invitation=invitation, by=inviting.counselor, reason="電話で予約済み", now=NOW
    )
    invitation.refresh_from_db()
    assert (invitation.withdrawn_by, invitation.withdrawn_reason) == (
        inviting.counselor, "電話で予約済み",
    )  # fmt: skip
    with pytest.raises(InvitationClosed) as closed:
        book_with(invitation)
    assert closed.value.state == "withdrawn"


def test_a_service_that_stops_taking_invitations_refuses_its_links(inviting):
    invitation = invite(inviting)
    inviting.service.accepts_invitations = False
    inviting.service.save()
    with pytest.raises(InvitationClosed) as closed:
        book_with(invitation)
    assert closed.value.state == "not_offered"
    with pytest.raises(InvitationRefused):
        invite(inviting)


def test_a_time_outside_the_window_is_not_booked(inviting):
    invitation = invite(inviting, first_day=MON.date(), last_day=MON.date())
    with pytest.raises(BookingInvalid) as invalid:
        book_with(invitation, start=MON + timedelta(days=1))
    assert "start" in invalid.value.errors


def test_a_double_tap_returns_the_first_booking_and_counts_one_use(inviting):
    invitation = invite(inviting, max_uses=2)
    first = book_with(invitation, idempotency_key="k1")
    again = book_with(invitation, idempotency_key="k1")
    assert again.replayed and again.booking == first.booking
    invitation.refresh_from_db()
    assert invitation.uses == 1


def test_another_offices_person_or_a_barred_person_is_not_invited(inviting):
    stranger = ApplicantFactory(office=office_with())
    with pytest.raises(InvitationRefused):
        invite(inviting, applicant=stranger)
    inviting.person.barred_at = NOW
    inviting.person.save()
    with pytest.raises(InvitationRefused):
        invite(inviting)


def test_a_person_barred_after_the_invitation_is_refused_online(inviting):
    invitation = invite(inviting)
    Applicant.objects.filter(pk=inviting.person.pk).update(barred_at=NOW)
    with pytest.raises(ApplicantBarred):
        book_with(invitation)


def test_a_person_without_email_is_invited_for_a_letter_and_books_with_its_link(inviting):
    inviting.person.email = ""
    inviting.person.save()
    invitation = invite(inviting)
    assert not Notification.objects.filter(kind="invitation").exists()
    assert invitation_get_by_token(token=invitation_token(invitation)) == invitation
    booking = book_with(invitation).booking
    assert booking.email == "" and booking.status == BookingStatus.CONFIRMED


def test_an_unused_invitation_is_reminded_once_with_a_link_of_its_own(inviting):
    invitation = invite(inviting)
    assert invitations_remind(now=NOW + timedelta(days=2)) == 0  # too early
    later = NOW + timedelta(days=3, hours=1)
    assert invitations_remind(now=later) == 1
    assert invitations_remind(now=later + timedelta(hours=1)) == 0  # idempotent
    reminder = Notification.objects.get(kind="invitation_reminder")
    first = Notification.objects.get(kind="invitation")
    assert link_token(reminder.body_text, "invitations") != link_token(
        first.body_text, "invitations"
    )
    assert invitation_get_by_token(token=link_token(first.body_text, "invitations")) == invitation


def test_a_used_or_withdrawn_invitation_is_not_reminded(inviting):
    book_with(invite(inviting))
    withdrawn = invite(inviting)
    invitation_withdraw(invitation=withdrawn, by=inviting.counselor, reason="不要", now=NOW)
    assert invitations_remind(now=NOW + timedelta(days=4)) == 0


def test_the_not_booked_list_has_open_and_recently_expired_unused_invitations(inviting):
    used = invite(inviting)
    book_with(used)
    waiting = invite(inviting)
    rows = list(invitations_not_booked(office_id=inviting.office.pk, now=NOW))
    assert rows == [waiting]
