"""One meeting per booking, issued after confirmation, on the office's own platform."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from bookings.models import BookingStatus
from bookings.selectors.bookings import meeting_for
from bookings.services.meetings import meeting_delete, meeting_issue, meeting_set_manual_link
from bookings.services.staff import booking_cancel_by_staff, booking_confirm
from common import clock
from conferencing.models import OnlineMeeting
from conferencing.providers.http import retry_after_seconds
from conferencing.types import InvalidRequest, RateLimited, TransientError
from tests.factories import UserFactory, office_with
from tests.fakes.zoom import FakeZoom
from tests.helpers import NOW, book, email_checked, jst, service

pytestmark = pytest.mark.django_db

TOYOOKA_TUE = jst(2026, 11, 24, 9, 30)


@pytest.fixture
def toyooka(db):
    """An office whose sessions are on Zoom, through the account `zoom:toyooka`: sessions
    of 30 minutes, each request confirmed by a counselor, open weekdays 9:30-12:00."""
    return office_with(
        slug="toyooka", platform="zoom", platform_account="zoom:toyooka",
        confirmation_mode="staff_approval", slot_minutes=30,
    )  # fmt: skip


@pytest.fixture
def kawagoe(db):
    """An office whose sessions are on TeleOffice (a counselor pastes each link), each
    request confirmed by a counselor, open weekdays 9:30-12:00."""
    return office_with(
        slug="kawagoe", platform="teleoffice", confirmation_mode="staff_approval"
    )  # fmt: skip


def confirmed(slug="toyooka", start=TOYOOKA_TUE, **kwargs):
    booking = book(service(slug), start, **kwargs).booking
    staff = UserFactory(office=booking.office, is_superuser=True)
    booking_confirm(booking=email_checked(booking), by=staff, now=NOW)
    booking.refresh_from_db()
    return booking


@pytest.fixture
def zoom(settings):
    server = FakeZoom().start()
    settings.CONFERENCING_FAKE = False
    settings.ZOOM_OAUTH_URL = server.base + "/oauth/token"
    settings.ZOOM_API_BASE = server.base + "/v2"
    settings.CONFERENCING_ACCOUNTS = {
        "zoom:toyooka": {
            "account_id": "acc",
            "client_id": "cid",
            "client_secret": "secret",
            "host": "host@toyooka.example",
        },
        "zoom:matsudo": {
            "account_id": "acc",
            "client_id": "cid",
            "client_secret": "secret",
            "host": "host@matsudo.example",
        },
    }
    yield server
    server.stop()


def test_the_fake_provider_issues_a_link_on_this_site_after_confirmation(
    client, toyooka, frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = book(service("toyooka"), TOYOOKA_TUE)
        booking_confirm(
            booking=email_checked(created.booking), by=UserFactory(is_superuser=True), now=NOW
        )
    meeting = meeting_for(created.booking)
    assert meeting.status == OnlineMeeting.Status.ISSUED and meeting.provider == "fake"
    page = client.get(reverse("booking-manage", args=[created.manage_token])).content.decode()
    assert meeting.join_url in page and meeting.passcode in page
    assert meeting.host_url not in page
    issued_mail = [m for m in mail.outbox if "参加" in m.subject][-1]
    assert meeting.join_url in issued_mail.body and meeting.host_url not in issued_mail.body


def test_zoom_meeting_is_created_with_one_token_reused_across_bookings(zoom, toyooka, frozen):
    for n, start in enumerate([TOYOOKA_TUE, jst(2026, 11, 24, 10), jst(2026, 11, 24, 10, 30)]):
        booking = confirmed(
            start=start,
            data={
                "name": "x",
                "email": f"{n}@x.jp",
                "phone": "0900000000" + str(n),
                "job_seeker_number": f"1234{n}-1",
            },
        )
        meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
        assert meeting.status == OnlineMeeting.Status.ISSUED
        assert meeting.meeting_number == meeting.external_id and meeting.passcode == "a1B2c3"
    assert zoom.tokens_issued == 1
    assert len(zoom.meetings) == 3
    created = next(iter(zoom.meetings.values()))
    assert created["start_time"] == "2026-11-24T00:30:00Z" and created["duration"] == 30


def test_a_duplicate_task_run_issues_one_meeting(zoom, toyooka, frozen):
    booking = confirmed()
    meeting_issue(booking_id=booking.pk, now=clock.now())
    meeting_issue(booking_id=booking.pk, now=clock.now())
    assert len(zoom.meetings) == 1
    assert [r for r in zoom.requests if r[0] == "POST" and r[1].startswith("/v2/users")] == [
        ("POST", "/v2/users/host@toyooka.example/meetings")
    ]


def test_an_expired_token_code_124_is_refreshed_once(zoom, toyooka, frozen):
    booking = confirmed()
    meeting_issue(booking_id=booking.pk, now=clock.now())
    zoom.revoke_tokens()
    other = confirmed(
        start=jst(2026, 11, 24, 10),
        data={
            "name": "y",
            "email": "y@x.jp",
            "phone": "09000000001",
            "job_seeker_number": "22222-2",
        },
    )
    assert meeting_issue(booking_id=other.pk, now=clock.now()).status == OnlineMeeting.Status.ISSUED
    assert zoom.tokens_issued == 2


@pytest.mark.parametrize("retry_after", ["30", "Tue, 24 Nov 2026 00:00:30 GMT"])
def test_a_429_is_rate_limited_with_the_wait_the_platform_asks(zoom, toyooka, frozen, retry_after):
    booking = confirmed()
    zoom.fail(
        "POST /users",
        status=429,
        body={"code": 429, "message": "Too many requests"},
        headers={"Retry-After": retry_after},
    )
    with pytest.raises(RateLimited) as limited:
        meeting_issue(booking_id=booking.pk, now=clock.now())
    assert limited.value.retry_after_seconds >= 0
    meeting = meeting_for(booking)
    assert (meeting.status, meeting.attempts) == (OnlineMeeting.Status.PENDING, 1)


def test_retry_after_accepts_seconds_http_dates_and_iso_timestamps():
    assert retry_after_seconds("12") == 12
    assert retry_after_seconds("2000-01-01T00:00:00Z") == 0
    assert retry_after_seconds("garbage", default=60) == 60


def test_a_create_that_reached_zoom_but_lost_its_answer_is_found_not_repeated(
    zoom, toyooka, frozen
):
    booking = confirmed()
    zoom.fail("POST /users", status=502, then_apply=True)
    with pytest.raises(TransientError):
        meeting_issue(booking_id=booking.pk, now=clock.now())
    meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
    assert meeting.status == OnlineMeeting.Status.ISSUED
    assert len(zoom.meetings) == 1
    assert meeting.external_id == next(iter(zoom.meetings))


def test_after_the_last_transient_failure_the_meeting_is_failed_for_staff(zoom, toyooka, frozen):
    booking = confirmed()
    zoom.fail("POST /users", status=503)
    assert (
        meeting_issue(booking_id=booking.pk, final_attempt=True, now=clock.now()).status
        == OnlineMeeting.Status.FAILED
    )


def test_a_refused_request_fails_at_once_without_switching_platform(zoom, toyooka, frozen):
    booking = confirmed()
    zoom.fail("POST /users", status=404, body={"code": 1001, "message": "User does not exist."})
    meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
    assert (meeting.status, meeting.provider) == (OnlineMeeting.Status.FAILED, "zoom")
    assert "NotFound" in meeting.last_error


def test_cancellation_deletes_the_zoom_meeting_and_not_found_counts_as_done(zoom, toyooka, frozen):
    booking = confirmed()
    meeting_issue(booking_id=booking.pk, now=clock.now())
    booking_cancel_by_staff(
        booking=booking, by=UserFactory(is_superuser=True), reason="本人の都合", now=NOW
    )
    meeting_delete(booking_id=booking.pk, now=clock.now())
    assert zoom.meetings == {}
    assert meeting_for(booking).status == OnlineMeeting.Status.DELETED
    meeting_delete(booking_id=booking.pk, now=clock.now())  # a second run changes nothing


@override_settings(CONFERENCING_FAKE=False, CONFERENCING_ACCOUNTS={})
def test_an_office_without_a_configured_account_waits_and_never_falls_back(toyooka, frozen):
    booking = confirmed()
    meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
    assert meeting.status == OnlineMeeting.Status.WAITING_FOR_ACCOUNT
    assert "zoom:toyooka" in meeting.last_error
    assert meeting.join_url == ""


@override_settings(CONFERENCING_FAKE=False)
def test_teleoffice_waits_for_a_counselor_to_paste_the_link(
    client, kawagoe, frozen, django_capture_on_commit_callbacks
):
    booking = confirmed("kawagoe", jst(2026, 11, 26, 9, 30))
    assert (
        meeting_issue(booking_id=booking.pk, now=clock.now()).status
        == OnlineMeeting.Status.MANUAL_NEEDED
    )
    counselor = UserFactory(office=booking.office)
    with pytest.raises(InvalidRequest):
        meeting_set_manual_link(
            booking=booking, join_url="javascript:alert(1)", by=counselor, now=clock.now()
        )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_set_manual_link(
            booking=booking,
            join_url="https://kawagoe.to.ideep.com/Join/GuestJoinMeeting?accesscode=123",
            by=counselor,
            now=clock.now(),
        )
    assert meeting_for(booking).status == OnlineMeeting.Status.ISSUED
    assert "accesscode=123" in mail.outbox[-1].body


def test_a_counselor_of_another_office_cannot_set_the_link(kawagoe, toyooka, frozen):
    from conferencing.types import ConferencingError

    booking = confirmed("kawagoe", jst(2026, 11, 26, 9, 30))
    with pytest.raises(ConferencingError):
        meeting_set_manual_link(
            booking=booking,
            join_url="https://x.example/j",
            by=UserFactory(office=toyooka),
            now=clock.now(),
        )


def test_requested_bookings_get_no_meeting_until_confirmed(toyooka, frozen):
    booking = book(service("toyooka"), TOYOOKA_TUE).booking
    assert booking.status == BookingStatus.REQUESTED
    meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
    assert meeting.status == OnlineMeeting.Status.PENDING and meeting.join_url == ""


def test_a_meeting_already_gone_at_zoom_counts_as_deleted(zoom, toyooka, frozen):
    booking = confirmed()
    meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
    zoom.meetings.clear()  # deleted in Zoom by hand: DELETE answers 404 with code 3001
    booking_cancel_by_staff(
        booking=booking, by=UserFactory(is_superuser=True), reason="都合", now=NOW
    )
    meeting_delete(booking_id=booking.pk, now=clock.now())
    assert ("DELETE", f"/v2/meetings/{meeting.external_id}") in zoom.requests
    assert meeting_for(booking).status == OnlineMeeting.Status.DELETED


def test_a_new_time_moves_the_zoom_meeting(zoom, toyooka, frozen):
    from datetime import timedelta

    from bookings.models import Booking
    from bookings.services.meetings import meeting_update

    booking = confirmed()
    meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
    Booking.objects.filter(pk=booking.pk).update(end=booking.end + timedelta(minutes=15))
    meeting_update(booking_id=booking.pk)
    assert zoom.meetings[meeting.external_id]["duration"] == 45


def test_the_task_retries_through_a_429_and_a_503_to_exactly_one_meeting(zoom, toyooka, frozen):
    from bookings.tasks import issue_meeting

    booking = confirmed()
    zoom.fail(
        "POST /users",
        status=429,
        body={"code": 429, "message": "slow down"},
        headers={"Retry-After": "1"},
    )
    zoom.fail("POST /users", status=503, then_apply=True)
    issue_meeting.apply(args=[booking.pk])  # eager: each retry runs at once
    meeting = meeting_for(booking)
    assert (meeting.status, meeting.attempts) == (OnlineMeeting.Status.ISSUED, 3)
    assert len(zoom.meetings) == 1


def test_a_create_whose_result_was_lost_with_the_database_is_not_repeated(
    zoom, toyooka, frozen, monkeypatch, settings
):
    """The platform made the meeting, then the database went away before it was recorded
    (what `make faults` saw as one booking with two Zoom meetings). The attempt was counted
    before the call, so the retry, a minute later, finds that meeting instead of making a
    second."""
    from django.db import OperationalError

    from bookings.services import meetings

    booking = confirmed()
    real_record = meetings._meeting_record_issued

    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(meetings, "_meeting_record_issued", database_gone)
    with pytest.raises(OperationalError):
        meeting_issue(booking_id=booking.pk, now=clock.now())
    assert len(zoom.meetings) == 1
    monkeypatch.setattr(meetings, "_meeting_record_issued", real_record)
    frozen.shift(settings.MEETING_CLAIM_SECONDS + 1)  # the lost worker's claim lapses
    meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
    assert meeting.status == OnlineMeeting.Status.ISSUED
    assert len(zoom.meetings) == 1
    assert meeting.external_id == next(iter(zoom.meetings))


def test_a_duplicate_task_while_the_platform_is_being_called_does_not_call_it_again(
    zoom, toyooka, frozen, monkeypatch
):
    """A second run of the task while the first waits for Zoom sees the first one's claim
    and returns without a call (the row is not locked during the call)."""
    from bookings.services import meetings

    booking = confirmed()
    seen = []
    real_claim = meetings._meeting_claim

    def claim_then_second_run(**kwargs):
        claim = real_claim(**kwargs)
        if not seen:
            seen.append(None)
            seen[0] = meeting_issue(booking_id=booking.pk, now=clock.now())
        return claim

    monkeypatch.setattr(meetings, "_meeting_claim", claim_then_second_run)
    meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
    assert seen[0].status == OnlineMeeting.Status.ISSUING
    assert meeting.status == OnlineMeeting.Status.ISSUED
    assert len(zoom.meetings) == 1


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_a_platform_is_called(zoom, toyooka, frozen, monkeypatch):
    from django.db import connection

    from conferencing.providers.zoom import ZoomProvider

    in_transaction = []
    for name in ("create_meeting", "delete_meeting"):
        real = getattr(ZoomProvider, name)

        def call(self, *args, _real=real, **kwargs):
            in_transaction.append(connection.in_atomic_block)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(ZoomProvider, name, call)
    booking = confirmed()  # the meeting is issued by the task after the commit
    assert meeting_for(booking).status == OnlineMeeting.Status.ISSUED
    meeting_delete(booking_id=booking.pk, now=clock.now())
    assert in_transaction == [False, False]
