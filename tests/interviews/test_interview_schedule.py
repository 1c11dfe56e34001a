"""
Interviews in the counselor's day (the admin's schedule): the interview a counselor
attends is a block in their column, and a panel lists the day's interviews with both
parties' names, the counselor, the state and the staff's way into the meeting; what the
page shows is in the record of staff views; another office's interviews are not there.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group

from accounts.models import StaffAccess
from conferencing.models import OnlineMeeting
from interviews.services.outcomes import interviews_absent_sweep
from offices.roles import COUNSELORS
from tests.factories import ApplicantFactory
from tests.helpers import jst
from tests.interviews.helpers import arrange, both_confirm, office_env

pytestmark = pytest.mark.django_db

SCHEDULE = "/admin/bookings/booking/schedule/"
TUE_10 = jst(2026, 11, 24, 10, 0)
TUE_11 = jst(2026, 11, 24, 11, 0)


def _signed_in(client, env):
    env.user.groups.add(Group.objects.get(name=COUNSELORS))
    client.force_login(env.user)
    return client


def _day(client, env) -> str:
    response = client.get(SCHEDULE, {"office": env.office.slug, "date": "2026-11-24"})
    assert response.status_code == 200
    return response.content.decode()


def _issued(interview, **links) -> None:
    OnlineMeeting.objects.create(
        booking_uuid=interview.uuid, office_id=interview.office_id, provider="zoom",
        status=OnlineMeeting.Status.ISSUED, **links,
    )  # fmt: skip


def test_an_attended_interview_is_a_block_in_the_counselors_column_and_a_row_of_the_panel(
    client,
):
    env = office_env()
    interview = both_confirm(arrange(env, attends=True, starts=[TUE_10]), TUE_10)
    _issued(interview, join_url="https://zoom.example/j/1", host_url="https://zoom.example/s/1")
    page = _day(_signed_in(client, env), env)
    block = page.split(f'id="block-interview-{interview.pk}"')[1].split("</article>")[0]
    assert "オンライン面接" in block and "10:00〜10:30" in block
    assert "面接 次郎1" in block and "株式会社テスト" in block and "日時確定" in block
    row = page.split(f'<tr id="interview-{interview.pk}">')[1].split("</tr>")[0]
    assert "面接 次郎1" in row and "株式会社テスト" in row and "人事 一郎" in row
    assert env.counselor.display_name in row and "同席する" in row
    assert "https://zoom.example/s/1" in row  # the staff's own way in: the host link
    assert "42020-12345678" in row


def test_an_interview_the_counselor_does_not_attend_is_in_the_panel_only(client):
    env = office_env()
    interview = both_confirm(arrange(env, attends=False, starts=[TUE_10]), TUE_10)
    _issued(interview, join_url="https://zoom.example/j/2")
    page = _day(_signed_in(client, env), env)
    assert f'id="block-interview-{interview.pk}"' not in page
    row = page.split(f'<tr id="interview-{interview.pk}">')[1].split("</tr>")[0]
    assert "同席しない" in row and "https://zoom.example/j/2" in row


def test_an_interview_over_shows_its_outcome_and_no_join_link(client, frozen):
    env = office_env()
    interview = both_confirm(arrange(env, attends=True, starts=[TUE_10]), TUE_10)
    _issued(interview, join_url="https://zoom.example/j/3")
    frozen.move_to(jst(2026, 11, 24, 10, 15))
    interviews_absent_sweep(now=jst(2026, 11, 24, 10, 15))
    page = _day(_signed_in(client, env), env)
    row = page.split(f'<tr id="interview-{interview.pk}">')[1].split("</tr>")[0]
    assert "求職者が欠席" in row
    assert "https://zoom.example/j/3" not in row


def test_the_record_of_staff_views_names_the_interviews_and_their_people(client):
    env = office_env()
    interview = both_confirm(arrange(env, attends=True, starts=[TUE_10]), TUE_10)
    _day(_signed_in(client, env), env)
    records = StaffAccess.objects.latest("pk").records
    assert records["interview"] == [interview.pk]
    assert records["applicant"] == [interview.applicant_id]
    assert records["employer"] == [interview.employer_id]


def test_another_offices_interviews_are_not_on_the_schedule(client):
    mine, theirs = office_env(), office_env(n=2)
    interview = both_confirm(arrange(theirs, attends=True, starts=[TUE_10]), TUE_10)
    page = _day(_signed_in(client, mine), mine)
    assert f"interview-{interview.pk}" not in page and "面接 次郎2" not in page
    other = client.get(SCHEDULE, {"office": theirs.office.slug, "date": "2026-11-24"})
    assert other.status_code == 404


def test_the_schedule_reads_as_many_queries_for_one_interview_as_for_three(
    client, django_assert_max_num_queries
):
    env = office_env(counselors=3)
    _signed_in(client, env)
    both_confirm(arrange(env, attends=True, starts=[TUE_10]), TUE_10)
    _day(client, env)  # warm the content types and permissions
    with django_assert_max_num_queries(100) as one:
        _day(client, env)
    for n in (2, 3):
        seeker = ApplicantFactory(office=env.office, kind="job_seeker", name=f"面接 {n}")
        more = SimpleNamespace(**{**vars(env), "seeker": seeker})
        arranged = arrange(more, starts=[TUE_11], employer_email=f"hr{n}@corp.example.jp")
        both_confirm(arranged, TUE_11)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = _day(client, env)
    assert page.count('<tr id="interview-') == 3
