"""The counselor's interview pages in the admin: arranging (errors under their fields, no
500), an interview's page read-only, the actions through the services, own office only."""

import pytest

from interviews.models import Interview
from interviews.state import InterviewStatus
from offices.roles import COUNSELORS
from tests.factories import office_with
from tests.helpers import staff
from tests.interviews.helpers import arrange, sasebo_env, sasebo_office

pytestmark = pytest.mark.django_db

ADD = "/admin/interviews/interview/add/?office=sasebo"


@pytest.fixture
def env(db):
    sasebo_office()
    return sasebo_env()


def _form(env, **overrides):
    data = {
        "applicant": env.seeker.pk, "job_number": "42020-12345678", "company_name": "株式会社テスト",
        "contact_name": "人事 一郎", "employer_email": "hr@corp.example.jp",
        "counselor": env.counselor.pk, "minutes": 30, "time_1": "2026-11-24T14:00",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_a_counselor_arranges_an_interview_and_a_wrong_number_is_said_under_its_field(client, env):
    client.force_login(env.user)
    assert client.get(ADD).status_code == 200
    wrong = client.post(ADD, _form(env, job_number="12345"))
    assert wrong.status_code == 200 and "数字5桁" in wrong.content.decode()
    assert not Interview.objects.exists()
    for value in ("x", "2026-13-45T99:99", "9" * 40):
        assert client.post(ADD, _form(env, time_1=value)).status_code == 200
    done = client.post(ADD, _form(env))
    interview = Interview.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(f"/{interview.pk}/change/")
    page = client.get(done["Location"])
    assert page.status_code == 200 and "42020-12345678" in page.content.decode()


def test_another_offices_counselor_cannot_see_or_act_on_the_interview(client, env):
    interview = arrange(env).interview
    other = staff(office_with(slug="kawagoe"), COUNSELORS, "kawagoe-x")
    client.force_login(other)
    assert client.get(f"/admin/interviews/interview/{interview.pk}/change/").status_code == 404
    assert client.get(f"/admin/interviews/interview/{interview.pk}/propose/").status_code == 404
    client.post("/admin/interviews/interview/", {
        "action": "cancel", "_selected_action": [interview.pk],
    })  # fmt: skip
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.PROPOSED
