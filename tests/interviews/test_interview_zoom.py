"""An interview's meeting on Zoom (Matsudo), against the fake that speaks Zoom's HTTP: one
meeting with registration, each party registered for a link of its own, once."""

import pytest

from conferencing.models import OnlineMeeting
from interviews.services.meetings import interview_meeting_issue
from tests.fakes.zoom import FakeZoom
from tests.helpers import NOW
from tests.interviews.helpers import arrange, emails_to, sasebo_env, sasebo_office
from tests.interviews.test_interview_services import _both_confirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def zoom(settings):
    server = FakeZoom().start()
    settings.CONFERENCING_FAKE = False
    settings.ZOOM_OAUTH_URL = server.base + "/oauth/token"
    settings.ZOOM_API_BASE = server.base + "/v2"
    settings.CONFERENCING_ACCOUNTS = {
        "zoom:matsudo": {
            "account_id": "acc", "client_id": "cid", "client_secret": "secret",
            "host": "host@matsudo.example",
        },
    }  # fmt: skip
    yield server
    server.stop()


def test_each_party_is_a_zoom_registrant_with_its_own_link(zoom, db):
    sasebo_office(slug="matsudo", name="ハローワーク松戸 マザーズコーナー", platform="zoom",
                  platform_account="zoom:matsudo")  # fmt: skip
    env = sasebo_env(slug="matsudo")
    interview = _both_confirm(arrange(env))
    meeting = interview_meeting_issue(interview_id=interview.pk, now=NOW)
    interview_meeting_issue(interview_id=interview.pk, now=NOW)  # the task again: nothing new
    assert meeting.status == OnlineMeeting.Status.ISSUED and meeting.provider == "zoom"
    (zoom_meeting,) = zoom.meetings.values()
    assert zoom_meeting["settings"]["approval_type"] == 0
    assert set(zoom_meeting["registrants"]) == {"hr@corp.example.jp", "seeker1@example.jp"}
    links = {p.role: p.join_url for p in interview.parties.all()}
    assert links["employer"] == zoom_meeting["registrants"]["hr@corp.example.jp"]["join_url"]
    assert links["job_seeker"] == zoom_meeting["registrants"]["seeker1@example.jp"]["join_url"]
    assert links["employer"] != links["job_seeker"]
    assert [
        m.body_text.count(links["job_seeker"])
        for m in emails_to("seeker1@example.jp", "interview_join")
    ] == [1]
    posts = [r for r in zoom.requests if r[0] == "POST" and r[1].endswith("/registrants")]
    assert len(posts) == 2
