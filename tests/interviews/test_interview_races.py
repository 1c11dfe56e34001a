"""Interviews under contention, with real threads on PostgreSQL: two parties confirming at
once schedule the interview once; two interviews of one counselor confirmed at once take
the time once (the guard shown failing without the office's lock and the constraint)."""

import threading

import pytest
from django.db import connection

from bookings.exceptions import SlotTaken
from interviews.models import Interview, InterviewEvent
from interviews.selectors import party_by_token
from interviews.services import parties
from interviews.services.parties import interview_confirm
from interviews.state import InterviewReason, InterviewStatus
from terms.selectors import terms_in_force
from tests.helpers import NOW, threads_run
from tests.interviews.helpers import TUE_14, arrange, sasebo_env, sasebo_office

# As migration 0002 writes it.
COUNSELOR_CONSTRAINT = """
ALTER TABLE interviews_interview ADD CONSTRAINT interview_counselor_no_overlap
    EXCLUDE USING gist (counselor_id WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE (status = 'scheduled' AND counselor_attends)
"""

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sasebo(transactional_db):
    """Sasebo as the interview tests build it: two counselors, open on the afternoon
    the interviews and the selection block take."""
    return sasebo_office()


def _race(calls) -> list:
    return threads_run(calls)


def _confirm_call(token, time_id, terms_id):
    def call():
        return interview_confirm(party=party_by_token(token), time_id=time_id, agree_terms=True,
                                 terms_version_id=terms_id, now=NOW)  # fmt: skip

    return call


def test_two_parties_confirming_at_once_schedule_it_once(sasebo):
    arranged = arrange(sasebo_env())
    time = arranged.interview.times.get(start=TUE_14)
    terms_id = terms_in_force(office=arranged.interview.office, at=NOW).pk
    results = _race([_confirm_call(arranged.tokens[r], time.pk, terms_id)
                     for r in ("employer", "job_seeker")])  # fmt: skip
    assert not [r for r in results if isinstance(r, Exception)]
    interview = Interview.objects.get()
    assert interview.status == InterviewStatus.SCHEDULED
    assert InterviewEvent.objects.filter(reason_code=InterviewReason.SCHEDULED).count() == 1


def _two_interviews_of_one_counselor():
    first, second = sasebo_env(1), sasebo_env(2)
    a = arrange(first, attends=True, starts=[TUE_14])
    b = arrange(second, attends=True, starts=[TUE_14], employer_email="hr@other.example.jp")
    terms_id = terms_in_force(office=first.office, at=NOW).pk
    calls = []
    for arranged in (a, b):
        time = arranged.interview.times.get()
        _confirm_call(arranged.tokens["employer"], time.pk, terms_id)()
        calls.append(_confirm_call(arranged.tokens["job_seeker"], time.pk, terms_id))
    return calls


def test_two_interviews_of_one_attending_counselor_take_the_time_once(sasebo):
    results = _race(_two_interviews_of_one_counselor())
    assert sum(isinstance(r, SlotTaken) for r in results) == 1
    assert Interview.objects.filter(status=InterviewStatus.SCHEDULED).count() == 1


def test_without_the_lock_and_the_constraint_the_counselor_is_taken_twice(sasebo, monkeypatch):
    calls = _two_interviews_of_one_counselor()
    monkeypatch.setattr(parties, "office_commitment_lock", lambda office: None)
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE interviews_interview DROP CONSTRAINT interview_counselor_no_overlap"
        )
    barrier = threading.Barrier(2)
    real_overlapping = parties.overlapping

    def overlapping_then_wait(**kwargs):
        found = real_overlapping(**kwargs)
        exists = found.exists()  # read before either writes
        barrier.wait()
        return found.filter(pk__in=[]) if not exists else found

    monkeypatch.setattr(parties, "overlapping", overlapping_then_wait)
    try:
        results = _race(calls)
        assert not [r for r in results if isinstance(r, Exception)]
        assert Interview.objects.filter(status=InterviewStatus.SCHEDULED).count() == 2
    finally:
        Interview.objects.update(status=InterviewStatus.CANCELLED)
        with connection.cursor() as cursor:
            cursor.execute(COUNSELOR_CONSTRAINT)


def test_two_candidates_picking_the_same_turn_at_once_one_wins(sasebo):
    from datetime import date, time

    from interviews.models import SelectionTurn
    from interviews.selectors import candidate_by_token
    from interviews.services.selection import selection_block_create, selection_turn_pick

    envs = [sasebo_env(n) for n in (1, 2, 3)]
    done = selection_block_create(
        office=envs[0].office,
        job_number="42020-12345678",
        company_name="株式会社テスト",
        contact_name="人事 一郎",
        employer_email="hr@corp.example.jp",
        counselor=envs[0].counselor,
        day=date(2026, 11, 24),
        first=time(13),
        last=time(16),
        turn_minutes=30,
        candidates=[e.seeker for e in envs],
        by=envs[0].user,
        now=NOW,
    )
    turn = done.block.turns.order_by("start").first()
    calls = [
        (
            lambda token=done.candidate_tokens[e.seeker.pk]: selection_turn_pick(
                candidate=candidate_by_token(token), turn_id=turn.pk, now=NOW
            )
        )
        for e in envs
    ]
    results = _race(calls)
    assert sum(isinstance(r, SlotTaken) for r in results) == 2
    assert sum(isinstance(r, SelectionTurn) for r in results) == 1
    assert Interview.objects.filter(status=InterviewStatus.SCHEDULED).count() == 1
