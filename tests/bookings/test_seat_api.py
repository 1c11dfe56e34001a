"""/api/v1 describes group sessions: a service's upcoming sessions with seats left, and a
seat booked through the same guard (a full session is 409 `session_full`)."""

import json

import pytest

from bookings.models import Booking
from terms.selectors import terms_in_force
from tests.bookings.seat_helpers import seminar, take_seat
from tests.factories import office_with
from tests.helpers import NOW, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    """An office of the test's own, its slug the one `seminar` takes by default."""
    return office_with(slug="kawagoe")


def post_seat(client, session, **overrides):
    body = {
        **person(), "agree_terms": True,
        "terms_version": terms_in_force(office=session.office, at=NOW).pk,
    }  # fmt: skip
    body.update(overrides)
    return client.post(
        f"/api/v1/offices/{session.office.slug}/sessions/{session.uuid}/seats",
        json.dumps(body),
        content_type="application/json",
    )


def test_the_sessions_of_a_service_list_their_seats_left(client, office):
    session = seminar(capacity=4)
    take_seat(session, 1)
    answer = client.get("/api/v1/offices/kawagoe/sessions").json()
    assert answer == {
        "sessions": [
            {
                "id": str(session.uuid), "service": session.service.slug,
                "title": "応募書類の書き方", "title_en": "Writing your application",
                "start": "2026-11-26T13:00:00+09:00", "end": "2026-11-26T14:00:00+09:00",
                "capacity": 4, "seats_left": 3,
            }
        ]
    }  # fmt: skip


def test_a_seat_is_booked_and_a_full_session_is_409(client, office):
    session = seminar(capacity=1)
    booked = post_seat(client, session)
    assert booked.status_code == 201
    assert booked.json()["session"] == str(session.uuid)
    assert Booking.objects.get(group_session=session).channel == "api"
    full = post_seat(client, session, email="other@example.jp", job_seeker_number="99999-9999999")
    assert full.status_code == 409
    assert full.json()["code"] == "session_full"
    assert Booking.objects.filter(group_session=session).count() == 1


def test_an_unknown_session_or_a_hostile_slug_is_404_never_500(client, office):
    session = seminar(capacity=1)
    other = f"/api/v1/offices/{office_with().slug}/sessions/{session.uuid}/seats"
    assert client.post(other, "{}", content_type="application/json").status_code in (404, 422)
    nul = client.post(
        f"/api/v1/offices/ka%00wa/sessions/{session.uuid}/seats", json.dumps(person()),
        content_type="application/json",
    )  # fmt: skip
    assert nul.status_code in (404, 422)


def test_the_openapi_schema_describes_the_group_sessions(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/offices/{slug}/sessions" in paths
    assert "/api/v1/offices/{slug}/sessions/{session_id}/seats" in paths
