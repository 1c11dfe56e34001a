"""Each party's page behind its own link: confirm (the employer with the terms), what it
shows and never shows, move and cancel; an unknown link is a 404 and bad input no 500."""

import json

import pytest
from django.urls import reverse

from interviews.models import Interview
from interviews.state import InterviewStatus
from terms.selectors import terms_in_force
from tests.helpers import NOW
from tests.interviews.helpers import TUE_14, arrange, sasebo_env, sasebo_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def arranged(db):
    sasebo_office()
    return arrange(sasebo_env())


def _url(token, name="interview"):
    return reverse(name, args=[token])


def test_the_employer_never_sees_the_job_seekers_contact_details(client, arranged):
    seeker = arranged.interview.applicant
    page = client.get(_url(arranged.tokens["employer"])).content.decode()
    assert seeker.name in page  # what a referral shares
    for detail in (seeker.email, seeker.phone, seeker.job_seeker_number, seeker.name_kana):
        assert detail not in page
    time = arranged.interview.times.get(start=TUE_14)
    terms = terms_in_force(office=arranged.interview.office, at=NOW)
    client.post(_url(arranged.tokens["employer"]), {"time": time.pk, "agree_terms": "on",
                                                    "terms_version": terms.pk})  # fmt: skip
    client.post(_url(arranged.tokens["job_seeker"]), {"time": time.pk})
    page = client.get(_url(arranged.tokens["employer"])).content.decode()
    for detail in (seeker.email, seeker.phone, seeker.job_seeker_number):
        assert detail not in page
    from notifications.models import Notification

    for mail in Notification.objects.filter(recipient="hr@corp.example.jp"):
        for detail in (seeker.email, seeker.phone, seeker.job_seeker_number):
            assert detail not in mail.body_text


def test_both_confirm_from_their_pages(client, arranged):
    time = arranged.interview.times.get(start=TUE_14)
    terms = terms_in_force(office=arranged.interview.office, at=NOW)
    refused = client.post(_url(arranged.tokens["employer"]), {"time": time.pk})
    assert refused.status_code == 422 and "利用規約" in refused.content.decode()
    ok = client.post(_url(arranged.tokens["employer"]),
                     {"time": time.pk, "agree_terms": "on", "terms_version": terms.pk})  # fmt: skip
    assert ok.status_code == 302
    client.post(_url(arranged.tokens["job_seeker"]), {"time": time.pk})
    assert Interview.objects.get().status == InterviewStatus.SCHEDULED
    page = client.get(_url(arranged.tokens["job_seeker"])).content.decode()
    assert "参加" in page


@pytest.mark.parametrize("value", ["", "x", "99999999999999999999999", "1.5"])
def test_a_time_that_is_not_one_shown_is_an_error_not_a_500(client, arranged, value):
    response = client.post(_url(arranged.tokens["job_seeker"]), {"time": value})
    assert response.status_code == 422


def test_an_unknown_link_is_a_404(client, arranged):
    assert client.get(_url("no-such-token")).status_code == 404
    assert client.post(_url("x" * 300, "interview-cancel")).status_code == 404


def test_a_party_cancels_from_its_page_only_by_post(client, arranged):
    assert client.get(_url(arranged.tokens["job_seeker"], "interview-cancel")).status_code == 405
    client.post(_url(arranged.tokens["job_seeker"], "interview-cancel"))
    interview = Interview.objects.get()
    assert interview.status == InterviewStatus.CANCELLED and interview.cancelled_by == "job_seeker"


def test_the_json_api_is_public_and_lists_no_interviews(client):
    """The API has no staff part (no sign-in): an office's interviews are not in it."""
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["paths"]
    assert not [path for path in schema["paths"] if "interview" in path or "selection" in path]
    assert "interview" not in json.dumps(schema).lower()
    assert "securitySchemes" not in schema.get("components", {})
