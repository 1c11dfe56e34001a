"""
The retention schedule reaches employers and interviews as it does bookings, in the same
nightly purge (`bookings.services.retention.personal_data_purge`): a job seeker whose
recent activity is an interview or a managed selection is kept; an interview over for the
retention period loses its parties' links and join information; an employer without a
recent interview loses its contact.
"""

from datetime import date, time, timedelta

import pytest

from bookings.models import Applicant
from bookings.services.retention import personal_data_purge
from interviews.models import Employer, InterviewParty, SelectionCandidate
from interviews.selectors import candidate_by_token, party_by_token
from interviews.services.retention import interviews_personal_data_purge
from interviews.services.selection import selection_block_create
from tests.helpers import NOW
from tests.interviews.helpers import arrange, both_confirm, office_env, sasebo_env, sasebo_office
from tests.interviews.test_interview_services import _both_confirm

pytestmark = pytest.mark.django_db

LONG_AGO = NOW - timedelta(days=400)


def test_an_employer_without_a_recent_interview_is_erased_and_a_current_one_kept(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    sasebo_office()
    interview = _both_confirm(arrange(sasebo_env()))
    interview.parties.update(join_url="https://example.jp/join")
    later = NOW + timedelta(days=40)
    assert interviews_personal_data_purge(now=later) == 0  # still scheduled: kept
    interview.status = "held"
    interview.save(update_fields=["status"])
    assert interviews_personal_data_purge(now=later) == 1
    employer = Employer.objects.get()
    assert employer.contact_name == "" and "corp.example.jp" not in employer.email
    assert employer.company_name  # not personal: the counts by company still add up
    assert not interview.parties.exclude(join_url="").exists()
    assert interviews_personal_data_purge(now=later) == 0  # twice is once


def _held_interview(env):
    at = NOW + timedelta(days=2)
    interview = both_confirm(arrange(env, starts=[at]), at)
    interview.status = "held"
    interview.save(update_fields=["status"])
    Applicant.objects.filter(pk=env.seeker.pk).update(created_at=LONG_AGO)
    return interview


def test_a_job_seeker_whose_recent_activity_is_an_interview_is_kept_by_the_nightly_purge(
    settings,
):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    env = office_env()
    _held_interview(env)  # no booking at all: the interview is all the office has of them
    personal_data_purge(now=NOW + timedelta(days=20))
    kept = Applicant.objects.get(pk=env.seeker.pk)
    assert kept.personal_data_purged_at is None and kept.name == "面接 次郎1"
    personal_data_purge(now=NOW + timedelta(days=60))
    purged = Applicant.objects.get(pk=env.seeker.pk)
    assert purged.personal_data_purged_at is not None and purged.name == "" == purged.email


def test_the_nightly_purge_ends_an_old_interviews_links_and_erases_its_employer(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    env = office_env()
    arranged = arrange(env, starts=[NOW + timedelta(days=2)])
    interview = both_confirm(arranged, NOW + timedelta(days=2))
    interview.status = "held"
    interview.save(update_fields=["status"])
    interview.parties.update(join_url="https://example.jp/own", registrant_id="r-1")
    Employer.objects.update(created_at=LONG_AGO)
    assert party_by_token(arranged.tokens["employer"]) is not None

    report = personal_data_purge(now=NOW + timedelta(days=20))
    assert report.others == {"interviews": 0}  # recent: nothing of it goes yet
    assert party_by_token(arranged.tokens["job_seeker"]) is not None

    report = personal_data_purge(now=NOW + timedelta(days=60))
    assert report.others == {"interviews": 1}
    assert party_by_token(arranged.tokens["employer"]) is None  # the links end
    assert party_by_token(arranged.tokens["job_seeker"]) is None
    assert set(InterviewParty.objects.values_list("join_url", "registrant_id")) == {("", "")}
    assert Employer.objects.get().email.endswith("@invalid")
    assert personal_data_purge(now=NOW + timedelta(days=60)).others == {"interviews": 0}


def test_a_candidate_of_an_upcoming_managed_selection_is_kept_and_its_links_end_later(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    env = office_env()
    done = selection_block_create(
        office=env.office, job_number="42020-12345678", company_name="株式会社テスト",
        contact_name="人事 一郎", employer_email="hr@corp.example.jp", counselor=env.counselor,
        day=date(2026, 11, 24), first=time(13), last=time(15), turn_minutes=30,
        candidates=[env.seeker], by=env.user, now=NOW,
    )  # fmt: skip
    Applicant.objects.filter(pk=env.seeker.pk).update(created_at=LONG_AGO)
    personal_data_purge(now=NOW + timedelta(days=20))
    assert Applicant.objects.get(pk=env.seeker.pk).personal_data_purged_at is None
    token = done.candidate_tokens[env.seeker.pk]
    assert candidate_by_token(token) is not None
    personal_data_purge(now=NOW + timedelta(days=60))
    assert Applicant.objects.get(pk=env.seeker.pk).personal_data_purged_at is not None
    assert candidate_by_token(token) is None
    assert SelectionCandidate.objects.get().token_hash.startswith("ended-")
