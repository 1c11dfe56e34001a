"""Zoom's webhook: signatures checked, stale requests refused, the applicant's join kept."""

import hashlib
import hmac
import json

import pytest

from common import clock
from conferencing.models import OnlineMeeting
from conferencing.services import attendee_key

pytestmark = pytest.mark.django_db

SECRET = "webhook-secret"


def signed_post(client, event: dict, *, secret=SECRET, timestamp=None):
    body = json.dumps(event).encode()
    timestamp = str(int(clock.timestamp()) if timestamp is None else timestamp)
    digest = hmac.new(
        secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256
    ).hexdigest()
    return client.post(
        "/webhooks/zoom", body, content_type="application/json",
        HTTP_X_ZM_REQUEST_TIMESTAMP=timestamp, HTTP_X_ZM_SIGNATURE=f"v0={digest}",
    )  # fmt: skip


@pytest.fixture(autouse=True)
def secret(settings):
    settings.ZOOM_WEBHOOK_SECRET = SECRET


def joined(
    meeting_id="85000000001", participant_id="", join_time="2026-11-24T00:31:12Z",
    email="taro@example.jp",
):  # fmt: skip
    return {
        "event": "meeting.participant_joined",
        "payload": {
            "object": {
                "id": meeting_id,
                "host_id": "HOST",
                "participant": {
                    "id": participant_id,
                    "user_name": "x",
                    "join_time": join_time,
                    "email": email,
                },
            }
        },
    }


@pytest.fixture
def meeting(db):
    import uuid

    return OnlineMeeting.objects.create(
        booking_uuid=uuid.uuid4(),
        office_id=1,
        provider="zoom",
        external_id="85000000001",
        status="issued",
        attendee_key=attendee_key("taro@example.jp"),
    )


def test_url_validation_is_answered_with_the_encrypted_token(client):
    response = signed_post(
        client, {"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}}
    )
    expected = hmac.new(SECRET.encode(), b"abc", hashlib.sha256).hexdigest()
    assert response.json() == {"plainToken": "abc", "encryptedToken": expected}


def test_the_applicant_joining_is_recorded_and_the_host_is_not(client, meeting):
    assert (
        signed_post(
            client, joined(participant_id="HOST", join_time="2026-11-24T00:29:00Z")
        ).status_code
        == 204
    )
    meeting.refresh_from_db()
    assert meeting.applicant_joined_at is None
    signed_post(client, joined())
    signed_post(client, joined(join_time="2026-11-24T00:40:00Z"))  # a later rejoin keeps the first
    meeting.refresh_from_db()
    assert meeting.applicant_joined_at.isoformat() == "2026-11-24T00:31:12+00:00"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"secret": "wrong"},
        {"timestamp": int(clock.timestamp()) - 3600},
        {"timestamp": "not-a-number"},
    ],
    ids=["bad-signature", "stale-timestamp", "garbled-timestamp"],
)
def test_unsigned_forged_or_stale_requests_are_refused(client, meeting, kwargs):
    assert signed_post(client, joined(), **kwargs).status_code == 401
    meeting.refresh_from_db()
    assert meeting.applicant_joined_at is None


def test_malformed_bodies_are_400_not_500(client):
    body = b"not json"
    timestamp = str(int(clock.timestamp()))
    digest = hmac.new(
        SECRET.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256
    ).hexdigest()
    response = client.post("/webhooks/zoom", body, content_type="application/json",
                           HTTP_X_ZM_REQUEST_TIMESTAMP=timestamp, HTTP_X_ZM_SIGNATURE=f"v0={digest}")  # fmt: skip
    assert response.status_code == 400


def test_without_a_configured_secret_everything_is_refused(client, settings, meeting):
    settings.ZOOM_WEBHOOK_SECRET = ""
    assert signed_post(client, joined(), secret="").status_code == 401


def test_a_replayed_event_inside_the_window_is_ignored(client, meeting, frozen):
    event = joined(email="someone@else.example")
    timestamp = int(clock.timestamp())
    assert signed_post(client, event, timestamp=timestamp).status_code == 204
    OnlineMeeting.objects.filter(pk=meeting.pk).update(someone_joined_at=None)
    frozen.shift(120)  # still inside the 300-second window
    assert signed_post(client, event, timestamp=timestamp).status_code == 204
    meeting.refresh_from_db()
    assert meeting.someone_joined_at is None  # the replay recorded nothing


@pytest.mark.parametrize("email", ["stranger@evil.example", ""], ids=["other", "unnamed"])
def test_a_join_by_anyone_but_the_registered_participant_is_someone_joined(client, meeting, email):
    signed_post(client, joined(email=email))
    meeting.refresh_from_db()
    assert meeting.applicant_joined_at is None
    assert meeting.someone_joined_at.isoformat() == "2026-11-24T00:31:12+00:00"
    signed_post(client, joined(email="TARO@example.jp", join_time="2026-11-24T00:33:00Z"))
    meeting.refresh_from_db()
    assert meeting.applicant_joined_at.isoformat() == "2026-11-24T00:33:00+00:00"


def test_the_schedule_shows_someone_joined_for_the_counselor_to_decide(client):
    from django.urls import reverse

    from tests.factories import office_with
    from tests.helpers import book, counselor_account, jst

    # An office on Zoom whose counselors confirm each request (this one still waits).
    office = office_with(platform="zoom", confirmation_mode="staff_approval")
    booking = book(office.services.get(), jst(2026, 11, 24, 9, 30)).booking
    OnlineMeeting.objects.create(
        booking_uuid=booking.uuid, office_id=booking.office_id, provider="zoom",
        external_id="85000000009", status="issued", attendee_key=attendee_key(booking.email),
    )  # fmt: skip
    signed_post(client, joined(meeting_id="85000000009", email="stranger@evil.example"))
    client.force_login(counselor_account(office))
    page = client.get(reverse("admin:bookings_booking_schedule") + "?date=2026-11-24")
    assert "誰かが参加しました" in page.content.decode()
