"""
A counselor attending an interview is busy for bookings, as a booking makes them busy for
an interview (issue 30): the free times leave the interview's time out, cached or not, and
give it back when the interview is cancelled or moved; a booking, an extension of one, or
a group session never lands on it. The booking core reads the interviews through
`bookings.hooks`, which the interviews app fills at start.
"""

from datetime import timedelta

import pytest
from django.utils.translation import gettext as _

from bookings.exceptions import BookingInvalid, SlotTaken
from bookings.hooks import commitment_sources
from bookings.selectors.availability import slot_list_available
from bookings.services.seats import group_session_schedule
from bookings.services.staff import booking_extend
from interviews.models import Interview
from interviews.services.arrange import interview_propose_again
from interviews.services.parties import interview_cancel
from interviews.state import InterviewStatus
from tests.helpers import NOW, book, jst, person
from tests.interviews.helpers import arrange, both_confirm, office_env

pytestmark = pytest.mark.django_db

TUE_10 = jst(2026, 11, 24, 10, 0)
TUE_11 = jst(2026, 11, 24, 11, 0)


def _slots_url(env) -> str:
    return f"/api/v1/offices/{env.office.slug}/slots?from=2026-11-24&to=2026-11-24"


def _starts(client, env) -> set[str]:
    """The free starts the public API answers (the cached reading)."""
    return {slot["start"] for slot in client.get(_slots_url(env)).json()["slots"]}


def _scheduled(env, *, attends=True, at=TUE_10, **overrides) -> Interview:
    return both_confirm(arrange(env, attends=attends, starts=[at], **overrides), at)


def test_the_interviews_app_registers_its_interviews_as_a_counselors_commitment():
    models = [source.model for source in commitment_sources()]
    assert Interview in models


def test_free_times_leave_out_a_time_whose_only_free_counselor_attends_an_interview(
    client, django_capture_on_commit_callbacks
):
    env = office_env()
    assert TUE_10.isoformat() in _starts(client, env)  # read, and now cached
    with django_capture_on_commit_callbacks(execute=True):
        interview = _scheduled(env)
    assert interview.status == InterviewStatus.SCHEDULED
    assert TUE_10.isoformat() not in _starts(client, env)  # the cached answer was dropped
    fresh = slot_list_available(
        service=env.service, first_day=TUE_10.date(), last_day=TUE_10.date(), now=NOW
    )
    assert TUE_10 not in [slot.start for slot in fresh]
    assert TUE_11 in [slot.start for slot in fresh]  # the rest of the day stays free


def test_with_a_second_counselor_the_time_is_offered_with_one_place_fewer(client):
    env = office_env(counselors=2)
    _scheduled(env)
    free = {
        slot.start: slot.free
        for slot in slot_list_available(
            service=env.service, first_day=TUE_10.date(), last_day=TUE_10.date(), now=NOW
        )
    }
    assert free[TUE_10] == 1 and free[TUE_11] == 2


def test_an_interview_the_counselor_does_not_attend_leaves_their_time_free(client):
    env = office_env()
    _scheduled(env, attends=False)
    assert TUE_10.isoformat() in _starts(client, env)
    assert book(env.service, TUE_10).booking.counselor_id == env.counselor.pk


def test_a_booking_after_an_interview_does_not_land_on_the_attending_counselor():
    env = office_env()
    _scheduled(env)
    with pytest.raises(SlotTaken):
        book(env.service, TUE_10)
    assert book(env.service, TUE_11).booking.counselor_id == env.counselor.pk


def test_cancelling_or_moving_an_interview_gives_its_time_back_to_the_free_times(
    client, django_capture_on_commit_callbacks
):
    env = office_env()
    with django_capture_on_commit_callbacks(execute=True):
        first = _scheduled(env)
    assert TUE_10.isoformat() not in _starts(client, env)
    with django_capture_on_commit_callbacks(execute=True):
        interview_cancel(interview_id=first.pk, by=env.user, now=NOW)
    assert TUE_10.isoformat() in _starts(client, env)

    with django_capture_on_commit_callbacks(execute=True):
        moved = _scheduled(env, employer_email="hr@moved.example.jp")
    assert TUE_10.isoformat() not in _starts(client, env)
    later = jst(2026, 11, 25, 14, 0)
    with django_capture_on_commit_callbacks(execute=True):
        interview_propose_again(interview=moved, starts=[later], by=env.user, now=NOW)
    assert TUE_10.isoformat() in _starts(client, env)


def test_moving_an_interview_may_propose_a_time_over_its_own(client):
    """The interview's own time is not in the way of its new times (the counselor is busy
    then with it alone)."""
    env = office_env()
    moved = _scheduled(env)
    tokens = interview_propose_again(
        interview=moved, starts=[TUE_10 + timedelta(minutes=15)], by=env.user, now=NOW
    )
    assert set(tokens) == {"employer", "job_seeker"}


def test_an_extension_into_the_interview_is_refused():
    env = office_env(max_extension_minutes=30)
    booking = book(env.service, jst(2026, 11, 24, 9, 30)).booking
    booking.status = "confirmed"
    booking.save(update_fields=["status"])
    _scheduled(env)
    during = jst(2026, 11, 24, 9, 40)
    with pytest.raises(SlotTaken, match=str(_("Cannot extend: the counselor is busy then."))):
        booking_extend(booking=booking, by=env.user, minutes=15, now=during)
    booking.refresh_from_db()
    assert booking.end == jst(2026, 11, 24, 10, 0)


def test_a_group_session_over_the_interview_is_refused():
    env = office_env()
    _scheduled(env)
    with pytest.raises(BookingInvalid):
        group_session_schedule(
            service=env.service, counselor=env.counselor, title="面接対策", title_en="",
            start=TUE_10, minutes=60, capacity=10, platform="", by=env.user, now=NOW,
        )  # fmt: skip


def test_a_booking_of_another_person_at_another_time_is_untouched():
    env = office_env()
    _scheduled(env)
    other = book(
        env.service, TUE_11, data=person(email="other@example.jp", job_seeker_number="11111-1")
    )
    assert other.booking.start == TUE_11
