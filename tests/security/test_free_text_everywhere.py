"""
Invisible and direction characters refused in every free-text field shown to staff or to
the person, not only in what the person types (issue 23, 6): a counselor's reason and the
message emailed to the person, the person's reason for cancelling, the reason for lifting a
bar, undoing, withdrawing an invitation, resetting a second factor. One check for all of
them (`common.text`), naming the character; nothing is written or sent.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from bookings.models import Applicant, Booking, BookingEvent, BookingStatus
from bookings.services.no_shows import applicant_lift_bar
from bookings.services.staff import booking_confirm
from common import clock
from common.text import HiddenCharacter
from notifications.models import Notification
from offices.roles import COUNSELORS
from tests.factories import UserFactory, office_with
from tests.helpers import NOW, book, counselor_account, email_checked, jst, manage_token

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: 「…お受けできません」 read backwards after it
ZWSP = "\u200b"  # ZERO WIDTH SPACE


@pytest.fixture
def office():
    """A counselor confirms each request: a booking waits as a request a counselor declines."""
    return office_with(confirmation_mode="staff_approval")


def counselor_client(client, office):
    user = UserFactory(office=office, username=f"c-{office.slug}")
    user.groups.add(Group.objects.get(name=COUNSELORS))
    client.force_login(user)
    return client


@pytest.mark.parametrize("field", ["reason", "message"])
def test_a_decline_with_a_hidden_character_in_the_reason_or_message_is_refused(
    client, office, field
):
    booking = book(office.services.get(), THU).booking
    counselor_client(client, office)
    Notification.objects.all().delete()
    values = {"reason": "職員メモ", "message": "お受けできません。", "asked_by": "office"}
    values[field] = f"{RLO}お受けできません。http://evil.example"
    page = client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "decline_requests", "_selected_action": [booking.pk], **values},
    )
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in page.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED
    assert not Notification.objects.filter(kind="booking_cancelled").exists()


def test_the_schedules_cancel_with_a_hidden_character_is_refused(client, office, frozen):
    counselor = counselor_account(office)
    booking = booking_confirm(
        booking=email_checked(book(office.services.get(), THU).booking),
        by=counselor,
        now=clock.now(),
    )
    client.force_login(counselor)
    response = client.post(
        f"/admin/bookings/booking/{booking.pk}/act/",
        {"action": "cancel", "reason": f"本人から{ZWSP}電話"},
        follow=True,
    )
    said = " ".join(str(m) for m in response.context["messages"])
    assert "U+200B ZERO WIDTH SPACE" in said
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_persons_reason_for_cancelling_with_a_hidden_character_is_refused(client, office):
    booking = book(office.services.get(), THU).booking
    url = reverse("booking-cancel", args=[manage_token(booking)])
    page = client.post(url, {"reason": f"都合{RLO}が悪くなりました"})
    assert page.status_code == 409 and "U+202E" in page.content.decode()
    booking.refresh_from_db()
    assert booking.is_active
    # Line breaks in it are fine.
    assert client.post(url, {"reason": "都合が\n悪くなりました"}).status_code == 302


def test_every_reason_recorded_on_a_booking_is_checked(office):
    """Undo, switch to phone, linking records: every reason goes through the one writer of
    events, which refuses a hidden character."""
    from bookings.services.events import booking_event_record
    from bookings.state import Actor, Reason

    booking = book(office.services.get(), THU).booking
    with pytest.raises(HiddenCharacter) as refused:
        booking_event_record(
            booking, at=NOW, actor_label=Actor.STAFF, reason_code=Reason.UNDONE,
            reason=f"戻す{ZWSP}",
        )  # fmt: skip
    assert refused.value.field == "reason"
    assert not BookingEvent.objects.filter(reason__contains=ZWSP).exists()


def test_lifting_a_bar_or_withdrawing_an_invitation_with_a_hidden_character_is_refused(office):
    counselor = counselor_account(office)
    person = Applicant.objects.create(
        office=office, kind="job_seeker", identity_key="jsn:1", name="x",
        barred_at=NOW,
    )  # fmt: skip
    with pytest.raises(HiddenCharacter):
        applicant_lift_bar(applicant=person, by=counselor, reason=f"{RLO}確認済み", now=NOW)
    person.refresh_from_db()
    assert person.is_barred

    from invitations.models import Invitation
    from invitations.services import invitation_withdraw

    invitation = Invitation.objects.create(
        office=office, applicant=person, service=office.services.get(),
        invited_by=counselor, first_day=NOW.date(), last_day=NOW.date(), expires_at=NOW,
    )  # fmt: skip
    with pytest.raises(HiddenCharacter):
        invitation_withdraw(invitation=invitation, by=counselor, reason=f"電話{ZWSP}済", now=NOW)
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None


def test_there_is_one_check_for_hidden_characters():
    """The Unicode categories are read in one place: `common/text.py`."""
    root = Path(settings.BASE_DIR)
    readers = [
        path.relative_to(root).as_posix()
        for folder in (
            "accounts",
            "bookings",
            "common",
            "config",
            "invitations",
            "offices",
            "notifications",
            "reports",
            "terms",
        )
        for path in (root / folder).rglob("*.py")
        if "unicodedata.category" in path.read_text()
    ]
    assert readers == ["common/text.py"]


def test_the_forms_staff_type_reasons_in_say_which_character_to_remove():
    from bookings.admin.forms import CancelForm

    form = CancelForm({"reason": f"メモ{RLO}", "message": "ok"})
    assert not form.is_valid()
    assert "U+202E" in form.errors["reason"][0]
    assert CancelForm(
        {"reason": "メモ\n二行目", "message": "改行\nも可", "asked_by": "office"}
    ).is_valid()


def test_booking_models_are_untouched_by_a_refused_decline(office):
    """A refusal writes nothing: no event, no status, no email."""
    booking = book(office.services.get(), THU).booking
    counselor = counselor_account(office)
    from bookings.services.staff import booking_cancel_by_staff

    events = booking.events.count()
    with pytest.raises(HiddenCharacter):
        booking_cancel_by_staff(booking=booking, by=counselor, reason="x", message=f"a{RLO}",
                                now=NOW)  # fmt: skip
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.REQUESTED
    assert booking.events.count() == events


def test_what_managers_type_for_pages_and_emails_is_checked_too(office):
    """An office's page text, a counselor's name, an invitation's withdrawal: the same check."""
    from invitations.forms import WithdrawForm
    from offices.forms import CounselorForm, OfficeForm

    data = {field: value for field, value in OfficeForm(instance=office).initial.items()
            if value is not None}  # fmt: skip
    data["preparation_note"] = f"前日までに{RLO}ご準備ください"
    form = OfficeForm(data=data, instance=office)
    assert not form.is_valid() and "U+202E" in str(form.errors["preparation_note"])
    counselor = office.counselors.first()
    form = CounselorForm(
        data={"user": counselor.user_id, "display_name": f"相談員{ZWSP}A", "is_active": True},
        instance=counselor,
    )
    assert not form.is_valid() and "U+200B" in str(form.errors["display_name"])
    assert not WithdrawForm({"reason": f"済{RLO}"}).is_valid()
