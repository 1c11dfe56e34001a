"""The counselor's invitation pages: invite from the schedule, the record or a list; the
letter with the QR code; withdraw; who has not booked; only the counselor's own office."""

from datetime import timedelta
from pathlib import Path

import pytest

from invitations.models import Invitation, InvitationLink
from notifications.models import Notification
from tests.factories import ApplicantFactory
from tests.helpers import NOW, book, invitation_office, invite, jst

pytestmark = pytest.mark.django_db

INVITE = "/admin/invitations/invitation/invite/"


@pytest.fixture
def counselor_client(client, inviting):
    client.force_login(inviting.counselor)
    return client


def invite_form(**overrides):
    return {
        "first_day": "2026-11-24", "last_day": "2026-12-06", "expires_on": "",
        "max_uses": "1", "language": "ja", **overrides,
    }  # fmt: skip


def test_a_counselor_invites_a_person_from_their_record_and_the_person_is_emailed(
    counselor_client, inviting
):
    record = f"/admin/bookings/applicant/{inviting.person.pk}/change/"
    page = counselor_client.get(record).content.decode()
    assert f"{INVITE}?applicant={inviting.person.pk}" in page
    form = counselor_client.get(INVITE, {"applicant": inviting.person.pk})
    assert form.status_code == 200 and "招待 花子" in form.content.decode()
    response = counselor_client.post(INVITE, {
        "people": str(inviting.person.pk), "service": inviting.service.pk, **invite_form(),
    })  # fmt: skip
    invitation = Invitation.objects.get()
    assert response.status_code == 302
    assert (invitation.applicant, invitation.invited_by) == (inviting.person, inviting.counselor)
    assert Notification.objects.filter(kind="invitation", recipient="hanako@example.jp").exists()
    page = counselor_client.get(record).content.decode()
    assert "オンライン職業相談" in page and "0 / 1" in page  # shown on the person's record


def test_the_schedule_offers_to_invite_the_person_to_the_next_session(counselor_client, inviting):
    booking = book(inviting.service, jst(2026, 11, 24, 9, 30)).booking
    schedule = counselor_client.get(
        "/admin/bookings/booking/schedule/",
        {"office": inviting.office.slug, "date": "2026-11-24"},
    ).content.decode()
    link = f"{INVITE}?applicant={booking.applicant_id}&amp;service={inviting.service.slug}"
    assert link in schedule


def test_a_list_of_people_is_invited_at_once_from_the_peoples_list(counselor_client, inviting):
    second = ApplicantFactory(office=inviting.office, email="", phone="0900000001")
    response = counselor_client.post("/admin/bookings/applicant/", {
        "action": "invite_people", "_selected_action": [inviting.person.pk, second.pk],
    })  # fmt: skip
    assert response.status_code == 302 and "people=" in response["Location"]
    response = counselor_client.post(response["Location"], {
        "people": f"{inviting.person.pk},{second.pk}", "service": inviting.service.pk,
        **invite_form(),
    }, follow=True)  # fmt: skip
    assert Invitation.objects.count() == 2
    assert Notification.objects.filter(kind="invitation").count() == 1  # one has no email
    assert any("1" in str(m) for m in response.context["messages"])


def test_staff_see_only_their_own_office(counselor_client, inviting):
    other = invitation_office()
    foreign = invite(other)
    assert counselor_client.get(INVITE, {"applicant": other.person.pk}).status_code == 404
    for path in (f"/admin/invitations/invitation/{foreign.pk}/letter/",
                 f"/admin/invitations/invitation/{foreign.pk}/withdraw/",
                 f"/admin/invitations/invitation/{foreign.pk}/change/"):  # fmt: skip
        assert counselor_client.get(path).status_code == 404
    assert (
        counselor_client.post(f"/admin/invitations/invitation/{foreign.pk}/letter/").status_code
        == 404
    )
    listing = counselor_client.get("/admin/invitations/invitation/").content.decode()
    assert other.person.name not in listing or other.person.name == inviting.person.name
    assert Invitation.objects.filter(pk=foreign.pk, withdrawn_at__isnull=True).exists()


def test_bad_input_on_the_invite_page_is_a_message_not_a_500(counselor_client, inviting):
    assert counselor_client.get(INVITE, {"applicant": "x"}).status_code == 404
    assert counselor_client.get(INVITE).status_code == 404
    response = counselor_client.post(INVITE, {
        "people": str(inviting.person.pk), "service": inviting.service.pk,
        **invite_form(first_day="2026-12-10", last_day="2026-12-01"),
    })  # fmt: skip
    assert response.status_code == 200
    assert not Invitation.objects.exists()
    response = counselor_client.post(INVITE, {
        "people": str(inviting.person.pk), "service": inviting.service.pk,
        **invite_form(first_day="not a date"),
    })  # fmt: skip
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_the_letter_is_a_printable_page_with_the_link_as_an_inline_svg_qr_code(
    counselor_client, inviting
):
    invitation = invite(inviting)
    path = f"/admin/invitations/invitation/{invitation.pk}/letter/"
    links = InvitationLink.objects.count()
    assert counselor_client.get(path).status_code == 200
    assert InvitationLink.objects.count() == links  # a GET stores nothing
    response = counselor_client.post(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert InvitationLink.objects.filter(via="letter").count() == 1
    assert "<svg" in html and "<script" not in html and 'lang="ja"' in html
    assert "/invitations/" in html and "0120-000-111" in html and "招待 花子" in html
    assert "size: A4" in Path("static/invitations/letter.css").read_text()


def test_withdrawing_asks_for_a_reason_and_the_not_booked_list_forgets_it(
    counselor_client, inviting
):
    invitation = invite(inviting)
    listing = counselor_client.get("/admin/invitations/invitation/not-booked/").content.decode()
    assert "招待 花子" in listing and "tel:09011112222" in listing
    path = f"/admin/invitations/invitation/{invitation.pk}/withdraw/"
    assert counselor_client.post(path, {"reason": ""}).status_code == 200
    response = counselor_client.post(path, {"reason": "電話で予約しました"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.withdrawn_reason == "電話で予約しました"
    listing = counselor_client.get("/admin/invitations/invitation/not-booked/").content.decode()
    assert "招待 花子" not in listing


def test_an_expired_unused_invitation_stays_on_the_not_booked_list_for_a_month(
    counselor_client, inviting, frozen
):
    invite(inviting, expires_on=NOW.date() + timedelta(days=2))
    frozen.move_to(NOW + timedelta(days=10))
    counselor_client.force_login(inviting.counselor)  # a new day's sign-in
    listing = counselor_client.get("/admin/invitations/invitation/not-booked/").content.decode()
    assert "招待 花子" in listing
    frozen.move_to(NOW + timedelta(days=40))
    counselor_client.force_login(inviting.counselor)
    listing = counselor_client.get("/admin/invitations/invitation/not-booked/").content.decode()
    assert "招待 花子" not in listing
