"""Microsoft Teams through Graph and msal, against a local fake of Microsoft."""

from datetime import time

import pytest

from bookings.selectors.bookings import meeting_for
from bookings.services.meetings import meeting_delete, meeting_issue
from bookings.services.staff import booking_cancel_by_staff
from common import clock
from conferencing.models import OnlineMeeting
from conferencing.providers import provider_for
from conferencing.providers.teams import reset_apps
from conferencing.types import TransientError
from tests.conferencing.test_meetings import confirmed
from tests.factories import UserFactory, office_with
from tests.fakes.microsoft import POLICY_ERROR, FakeMicrosoft
from tests.helpers import NOW, jst

pytestmark = pytest.mark.django_db

YAMAGUCHI_THU = jst(2026, 11, 26, 9, 0)


@pytest.fixture
def yamaguchi_office(db):
    """An office whose sessions are on Microsoft Teams, through the account
    `teams:yamaguchi`: sessions of 60 minutes from 9:00 on weekdays, each request confirmed
    by a counselor, no job-seeker number asked."""
    return office_with(
        slug="yamaguchi", platform="teams", platform_account="teams:yamaguchi",
        confirmation_mode="staff_approval", slot_minutes=60, job_seeker_number="not_asked",
        hours=(time(9, 0), time(16, 30)),
    )  # fmt: skip


@pytest.fixture
def microsoft(settings):
    server = FakeMicrosoft().start()
    reset_apps()  # a fresh msal application (and token cache) per test
    settings.CONFERENCING_FAKE = False
    settings.MS_LOGIN_BASE = server.base
    settings.GRAPH_API_BASE = server.base + "/v1.0"
    settings.CONFERENCING_ACCOUNTS = {
        "teams:yamaguchi": {
            "tenant_id": "tenant-1", "client_id": "app-id", "client_secret": "app-secret",
            "organizer_id": "8b0e6f4a-organizer-object-id",
        }
    }  # fmt: skip
    yield server
    server.stop()
    reset_apps()


def yamaguchi(n=0):
    return confirmed(
        "yamaguchi",
        YAMAGUCHI_THU.replace(hour=9 + n),
        data={"name": "x", "email": f"{n}@x.jp", "phone": "09000000000"},
    )


def test_a_teams_meeting_is_created_with_the_lobby_for_the_organizer_only(
    microsoft, yamaguchi_office, frozen
):
    booking = yamaguchi()
    meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
    assert meeting.status == OnlineMeeting.Status.ISSUED and meeting.provider == "teams"
    created = microsoft.meetings[meeting.external_id]
    assert created["externalId"] == str(booking.uuid)
    assert created["lobbyBypassSettings"]["scope"] == "organizer"
    assert created["startDateTime"] == "2026-11-26T00:00:00Z"
    assert meeting.join_url.startswith("https://teams.example/")


def test_one_token_serves_many_meetings(microsoft, yamaguchi_office, frozen):
    for n in range(3):
        meeting_issue(booking_id=yamaguchi(n).pk, now=clock.now())
    assert microsoft.tokens_issued == 1
    assert len(microsoft.meetings) == 3


def test_a_retried_create_after_a_lost_answer_returns_the_same_meeting(
    microsoft, yamaguchi_office, frozen
):
    booking = yamaguchi()
    microsoft.fail("POST /users", status=503, then_apply=True)
    with pytest.raises(TransientError):
        meeting_issue(booking_id=booking.pk, now=clock.now())
    meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
    assert meeting.status == OnlineMeeting.Status.ISSUED
    assert len(microsoft.meetings) == 1


def test_a_missing_application_access_policy_fails_clearly(microsoft, yamaguchi_office, frozen):
    booking = yamaguchi()
    microsoft.fail("POST /users", status=403, body=POLICY_ERROR)
    meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
    assert meeting.status == OnlineMeeting.Status.FAILED
    assert "NotAuthorized" in meeting.last_error and meeting.provider == "teams"


def test_a_revoked_token_is_dropped_and_fetched_again_once(microsoft, yamaguchi_office, frozen):
    meeting_issue(booking_id=yamaguchi(0).pk, now=clock.now())
    microsoft.valid_tokens.clear()
    assert (
        meeting_issue(booking_id=yamaguchi(1).pk, now=clock.now()).status
        == OnlineMeeting.Status.ISSUED
    )
    assert microsoft.tokens_issued == 2


def test_cancelling_deletes_the_teams_meeting(microsoft, yamaguchi_office, frozen):
    booking = yamaguchi()
    meeting_issue(booking_id=booking.pk, now=clock.now())
    booking_cancel_by_staff(
        booking=booking, by=UserFactory(is_superuser=True), reason="都合", now=NOW
    )
    meeting_delete(booking_id=booking.pk, now=clock.now())
    assert microsoft.meetings == {}
    assert meeting_for(booking).status == OnlineMeeting.Status.DELETED


def test_attendance_reports_tell_when_people_joined(microsoft, yamaguchi_office, frozen):
    booking = yamaguchi()
    meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
    microsoft.attendance[meeting.external_id] = [
        {
            "emailAddress": "0@x.jp",
            "attendanceIntervals": [{"joinDateTime": "2026-11-26T00:02:00Z"}],
        }
    ]
    provider = provider_for(platform="teams", account="teams:yamaguchi", office="yamaguchi")
    records = provider.fetch_attendance(meeting.external_id)
    assert [(r.email, r.joined_at.isoformat()) for r in records] == [
        ("0@x.jp", "2026-11-26T00:02:00+00:00")
    ]


def test_the_attendance_poll_records_when_the_applicant_joined(microsoft, yamaguchi_office, frozen):
    from datetime import timedelta

    from bookings.services.meetings import meetings_poll_attendance

    booking = yamaguchi()
    meeting = meeting_issue(booking_id=booking.pk, now=clock.now())
    microsoft.attendance[meeting.external_id] = [
        {
            "emailAddress": "counselor@center.example",
            "attendanceIntervals": [{"joinDateTime": "2026-11-25T23:58:00Z"}],
        },
        {
            "emailAddress": "0@X.jp",
            "attendanceIntervals": [{"joinDateTime": "2026-11-26T00:03:00Z"}],
        },
    ]
    assert meetings_poll_attendance(now=booking.start - timedelta(minutes=1)) == 0  # not started
    assert meetings_poll_attendance(now=booking.start + timedelta(minutes=5)) == 1
    assert meeting_for(booking).applicant_joined_at.isoformat() == "2026-11-26T00:03:00+00:00"
    assert meetings_poll_attendance(now=booking.start + timedelta(minutes=10)) == 0  # already known
