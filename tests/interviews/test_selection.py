"""Managed selection (issue 30 part 2): a block in turns, candidates pick a turn from their
own link, each turn an interview of its own, and the employer's list shows only what a
referral shares."""

from datetime import date, time

import pytest
from django.urls import reverse

from bookings.exceptions import BookingInvalid, SlotTaken
from common.clock import JST
from conferencing.models import OnlineMeeting
from interviews.models import Interview, SelectionTurn
from interviews.selectors import candidate_by_token, employer_day_list
from interviews.services.meetings import interview_meeting_issue
from interviews.services.selection import selection_block_create, selection_turn_pick
from interviews.state import InterviewStatus
from notifications.models import Notification
from tests.helpers import NOW, book, person, service
from tests.interviews.helpers import sasebo_env, sasebo_office

pytestmark = pytest.mark.django_db

TUE = date(2026, 11, 24)


def set_up(envs, **overrides):
    kwargs = dict(
        office=envs[0].office,
        job_number="42020-12345678",
        company_name="株式会社テスト",
        contact_name="人事 一郎",
        employer_email="hr@corp.example.jp",
        counselor=envs[0].counselor,
        day=TUE,
        first=time(13),
        last=time(16),
        turn_minutes=30,
        candidates=[e.seeker for e in envs],
        by=envs[0].user,
        now=NOW,
    )
    kwargs.update(overrides)
    return selection_block_create(**kwargs)


@pytest.fixture
def envs(db):
    sasebo_office()  # open 8:30-16:45 on weekdays: the block's 13:00-16:00 inside
    return [sasebo_env(n) for n in (1, 2, 3)]


def _pick(done, env, index):
    candidate = candidate_by_token(done.candidate_tokens[env.seeker.pk])
    turn = done.block.turns.order_by("start")[index]
    return selection_turn_pick(candidate=candidate, turn_id=turn.pk, now=NOW)


def test_a_block_from_13_to_16_in_30_minutes_has_six_turns_and_each_candidate_a_link(envs):
    done = set_up(envs)
    starts = [t.start.astimezone(JST).strftime("%H:%M") for t in done.block.turns.order_by("start")]
    assert starts == ["13:00", "13:30", "14:00", "14:30", "15:00", "15:30"]
    for env in envs:
        (mail,) = Notification.objects.filter(recipient=env.seeker.email, kind="selection_invited")
        assert token_in_selection(mail) == done.candidate_tokens[env.seeker.pk]
    (mail,) = Notification.objects.filter(recipient="hr@corp.example.jp", kind="selection_employer")
    assert token_in_selection(mail) == done.employer_token


def token_in_selection(mail):
    import re

    return re.search(r"/selection/([A-Za-z0-9_\-]+)/", mail.body_text).group(1)


def test_a_block_that_ends_before_it_starts_or_has_a_bad_number_is_refused(envs):
    with pytest.raises(BookingInvalid) as refused:
        set_up(envs, first=time(16), last=time(13), job_number="12-3")
    assert {"last", "job_number"} <= set(refused.value.errors)


def test_a_turn_picked_is_an_interview_with_one_meeting_and_each_side_its_link(envs):
    done = set_up(envs)
    turn = _pick(done, envs[0], 0)
    interview = turn.interview
    assert interview.status == InterviewStatus.SCHEDULED
    assert (interview.start, interview.applicant) == (turn.start, envs[0].seeker)
    interview_meeting_issue(interview_id=interview.pk, now=NOW)
    assert OnlineMeeting.objects.filter(booking_uuid=interview.uuid).count() == 1
    links = {p.role: p.join_url for p in interview.parties.all()}
    assert links["employer"] and links["job_seeker"] and links["employer"] != links["job_seeker"]


def test_a_turn_taken_is_refused_to_the_next_candidate(envs):
    done = set_up(envs)
    _pick(done, envs[0], 0)
    with pytest.raises(SlotTaken):
        _pick(done, envs[1], 0)


def test_a_candidate_changing_turns_gives_the_first_back(envs):
    done = set_up(envs)
    first = _pick(done, envs[0], 0)
    second = _pick(done, envs[0], 2)
    first.refresh_from_db()
    assert first.candidate is None and second.candidate.applicant == envs[0].seeker
    assert Interview.objects.filter(status=InterviewStatus.SCHEDULED).count() == 1
    assert (
        Interview.objects.filter(
            status=InterviewStatus.CANCELLED, cancelled_by="job_seeker"
        ).count()
        == 1
    )


def test_a_candidate_booked_elsewhere_at_the_office_then_cannot_take_the_turn(envs):
    done = set_up(envs)
    first_turn = done.block.turns.order_by("start").first()
    book(
        service("sasebo"),
        first_turn.start,
        channel="phone",
        created_by=envs[0].user,
        data=person(email=envs[0].seeker.email, name=envs[0].seeker.name),
    )
    with pytest.raises(SlotTaken):
        _pick(done, envs[0], 0)


def test_the_employers_list_names_the_candidates_and_never_their_contacts(envs, client):
    done = set_up(envs)
    for index, env in enumerate(envs):
        _pick(done, env, index)
    rows = employer_day_list(done.block)
    assert [r["name"] for r in rows[:3]] == [e.seeker.name for e in envs]
    page = client.get(reverse("selection", args=[done.employer_token])).content.decode()
    for env in envs:
        assert env.seeker.name in page
        for detail in (env.seeker.email, env.seeker.phone, env.seeker.job_seeker_number):
            assert detail not in page
    assert SelectionTurn.objects.filter(candidate__isnull=False).count() == 3


def test_a_turn_that_is_not_one_of_the_block_is_an_error_not_a_500(envs, client):
    done = set_up(envs)
    token = done.candidate_tokens[envs[0].seeker.pk]
    for value in ("", "x", "999999999999"):
        assert client.post(reverse("selection", args=[token]), {"turn": value}).status_code == 422
    assert client.get(reverse("selection", args=["nope"])).status_code == 404


def test_an_employer_in_two_blocks_at_once_is_interviewing_one_candidate_at_a_time(envs):
    first = set_up(envs[:1])
    second = set_up(envs[1:2])  # the same employer, the same afternoon
    _pick(first, envs[0], 0)
    with pytest.raises(SlotTaken):
        _pick(second, envs[1], 0)
    assert _pick(second, envs[1], 1).interview.status == InterviewStatus.SCHEDULED


def test_the_employers_list_reads_the_same_queries_for_one_turn_taken_or_three(envs, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    done = set_up(envs)
    url = reverse("selection", args=[done.employer_token])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _pick(done, envs[0], 0)
    one = queries()
    _pick(done, envs[1], 1)
    _pick(done, envs[2], 2)
    assert queries() == one
