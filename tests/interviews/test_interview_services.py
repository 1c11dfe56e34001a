"""Online interviews through their services (issue 30 part 1): arranged by a counselor,
confirmed by each party from its own link, the time taken through the booking guard, one
meeting with each party's own way in, move and cancel within the office's rules, the
10-minute rule per party, and the outcome recorded with reason codes."""

from datetime import timedelta

import pytest

from bookings.exceptions import BookingInvalid, NotAllowedNow, SlotTaken
from conferencing.models import OnlineMeeting
from interviews.models import Interview, InterviewEvent, job_number_clean
from interviews.selectors import party_by_token
from interviews.services.arrange import interview_propose_again
from interviews.services.meetings import interview_meeting_issue, interview_meeting_set_link
from interviews.services.outcomes import (
    interview_held,
    interview_party_joined,
    interviews_absent_sweep,
)
from interviews.services.parties import interview_cancel, interview_confirm, interview_move_ask
from interviews.state import InterviewReason, InterviewStatus
from terms.exceptions import TermsOutdated
from terms.selectors import terms_in_force
from tests.helpers import NOW, book, person, service
from tests.interviews.helpers import (
    TUE_14,
    TUE_15,
    arrange,
    emails_to,
    sasebo_env,
    sasebo_office,
    token_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def env(db):
    """Sasebo as built by the test: TeleOffice, two counselors, open 8:30-16:45 on
    weekdays, a party cancels online until the end of the day before."""
    sasebo_office(platform="teleoffice", online_cancel_allowed=True, online_cancel_days_before=1)
    return sasebo_env()


def _confirm(token, time, *, now=NOW, agree=True, terms_id="current"):
    party = party_by_token(token)
    if terms_id == "current":
        terms_id = terms_in_force(office=party.interview.office, at=now).pk
    return interview_confirm(
        party=party, time_id=time.pk, agree_terms=agree, terms_version_id=terms_id, now=now
    )


def _both_confirm(arranged, at=TUE_14):
    time = arranged.interview.times.get(start=at)
    _confirm(arranged.tokens["employer"], time)
    return _confirm(arranged.tokens["job_seeker"], time)


def test_arranging_emails_each_party_its_own_link_and_records_the_event(env):
    arranged = arrange(env)
    employer_mail = emails_to("hr@corp.example.jp", "interview_invited")
    seeker_mail = emails_to("seeker1@example.jp", "interview_invited")
    assert len(employer_mail) == len(seeker_mail) == 1
    assert token_in(employer_mail[0]) == arranged.tokens["employer"]
    assert token_in(seeker_mail[0]) == arranged.tokens["job_seeker"]
    assert arranged.tokens["employer"] != arranged.tokens["job_seeker"]
    assert "42020-12345678" in employer_mail[0].body_text
    event = InterviewEvent.objects.get(interview=arranged.interview)
    assert event.reason_code == InterviewReason.ARRANGED and event.actor == env.user


@pytest.mark.parametrize(
    "typed", ["42020-12345678", "４２０２０－１２３４５６７８", " 42020ー12345678 "]
)
def test_a_job_number_as_printed_is_accepted_in_half_width(typed):
    assert job_number_clean(typed) == "42020-12345678"


@pytest.mark.parametrize(
    "typed", ["", "4202012345678", "42020-1234567", "4202-12345678", "abcde-12345678"]
)
def test_a_job_number_not_as_hello_work_prints_it_is_refused_saying_how(env, typed):
    with pytest.raises(BookingInvalid) as refused:
        arrange(env, job_number=typed)
    assert "job_number" in refused.value.errors
    assert not Interview.objects.exists()


def test_every_field_error_is_given_at_once_and_nothing_is_written(env):
    with pytest.raises(BookingInvalid) as refused:
        arrange(env, job_number="x", company_name="", employer_email="not-an-address", minutes=7)
    assert {"job_number", "company_name", "employer_email", "minutes"} <= set(refused.value.errors)
    assert not Interview.objects.exists()


def test_a_time_in_the_past_is_refused(env):
    with pytest.raises(BookingInvalid) as refused:
        arrange(env, starts=[NOW - timedelta(hours=1)])
    assert "times" in refused.value.errors


def test_both_parties_confirming_the_same_time_schedules_it(env):
    arranged = arrange(env)
    time = arranged.interview.times.get(start=TUE_14)
    first = _confirm(arranged.tokens["employer"], time)
    assert first.status == InterviewStatus.PROPOSED
    interview = _confirm(arranged.tokens["job_seeker"], time)
    assert interview.status == InterviewStatus.SCHEDULED
    assert (interview.start, interview.end) == (TUE_14, TUE_14 + timedelta(minutes=30))
    assert interview.employer_consent.applicant_kind == "employer"
    assert len(emails_to("hr@corp.example.jp", "interview_scheduled")) == 1
    assert len(emails_to("seeker1@example.jp", "interview_scheduled")) == 1


def test_the_employer_must_agree_to_the_terms_in_force(env):
    arranged = arrange(env)
    time = arranged.interview.times.first()
    with pytest.raises(BookingInvalid) as refused:
        _confirm(arranged.tokens["employer"], time, agree=False)
    assert "agree_terms" in refused.value.errors
    with pytest.raises(TermsOutdated):
        _confirm(arranged.tokens["employer"], time, terms_id=None)
    assert not party_by_token(arranged.tokens["employer"]).confirmed_at


def test_the_job_seeker_confirms_without_terms(env):
    arranged = arrange(env)
    interview = _confirm(
        arranged.tokens["job_seeker"], arranged.interview.times.first(), agree=False
    )
    assert interview.status == InterviewStatus.PROPOSED
    assert party_by_token(arranged.tokens["job_seeker"]).confirmed_at == NOW


def test_the_second_party_may_confirm_only_the_time_the_first_chose(env):
    arranged = arrange(env)
    _confirm(arranged.tokens["employer"], arranged.interview.times.get(start=TUE_14))
    with pytest.raises(BookingInvalid):
        _confirm(arranged.tokens["job_seeker"], arranged.interview.times.get(start=TUE_15))


def test_a_double_click_confirms_once(env):
    arranged = arrange(env)
    time = arranged.interview.times.first()
    _confirm(arranged.tokens["employer"], time)
    _confirm(arranged.tokens["employer"], time)
    assert InterviewEvent.objects.filter(reason_code=InterviewReason.PARTY_CONFIRMED).count() == 1


def test_the_counselor_attending_is_not_double_booked_with_a_booking(env):
    arranged = arrange(env, attends=True)
    # Meanwhile every counselor of the office is booked at 14:00 by job seekers.
    svc = service("sasebo")
    counselors = env.office.counselors.filter(is_active=True).count()
    for n in range(counselors):
        book(
            svc,
            TUE_14,
            data=person(email=f"other{n}@example.jp", job_seeker_number=f"42020-{n + 100:07d}"),
        )
    from bookings.models import Booking

    assert Booking.objects.filter(counselor=env.counselor, start=TUE_14).exists()
    with pytest.raises(SlotTaken):
        _both_confirm(arranged)
    interview = Interview.objects.get()
    assert interview.status == InterviewStatus.PROPOSED and interview.start is None


def test_the_job_seeker_is_not_double_booked_at_the_office(env):
    arranged = arrange(env)
    book(
        service("sasebo"),
        TUE_14,
        data=person(email="seeker1@example.jp", name="面接 花子1"),
        channel="phone",
        created_by=env.user,
    )
    with pytest.raises(SlotTaken):
        _both_confirm(arranged)


def test_the_employer_is_not_double_booked_by_another_interview(env):
    _both_confirm(arrange(env))
    other = sasebo_env(2)
    with pytest.raises(BookingInvalid):  # refused when proposed, too
        arrange(other, starts=[TUE_14])
    arranged = arrange(other, starts=[TUE_15])
    assert _both_confirm(arranged, at=TUE_15).status == InterviewStatus.SCHEDULED


def test_one_meeting_and_each_party_its_own_join_link(env):
    interview = _both_confirm(arrange(env))
    interview_meeting_issue(interview_id=interview.pk, now=NOW)
    interview_meeting_issue(interview_id=interview.pk, now=NOW)  # a duplicate task
    assert OnlineMeeting.objects.filter(booking_uuid=interview.uuid).count() == 1
    links = {p.role: p.join_url for p in interview.parties.all()}
    assert links["employer"] and links["job_seeker"] and links["employer"] != links["job_seeker"]
    employer_join = emails_to("hr@corp.example.jp", "interview_join")
    seeker_join = emails_to("seeker1@example.jp", "interview_join")
    assert len(employer_join) == len(seeker_join) == 1
    assert links["employer"] in employer_join[0].body_text
    assert links["job_seeker"] not in employer_join[0].body_text


def test_teleoffice_waits_for_the_pasted_link_which_both_parties_get(env, settings):
    settings.CONFERENCING_FAKE = False
    settings.CONFERENCING_JOIN_HOSTS = {"teleoffice": ["teleoffice.example.jp"]}
    interview = _both_confirm(arrange(env))
    meeting = interview_meeting_issue(interview_id=interview.pk, now=NOW)
    assert meeting.status == OnlineMeeting.Status.MANUAL_NEEDED
    assert not emails_to("hr@corp.example.jp", "interview_join")
    interview_meeting_set_link(
        interview=interview, join_url="https://teleoffice.example.jp/r/abc", by=env.user, now=NOW
    )
    for address in ("hr@corp.example.jp", "seeker1@example.jp"):
        (mail,) = emails_to(address, "interview_join")
        assert "https://teleoffice.example.jp/r/abc" in mail.body_text


def test_a_party_cancels_within_the_rules_and_both_are_told(env):
    interview = _both_confirm(arrange(env))
    seeker = interview.parties.get(role="job_seeker")
    cancelled = interview_cancel(interview_id=interview.pk, by_party=seeker.role, now=NOW)
    assert cancelled.status == InterviewStatus.CANCELLED and cancelled.cancelled_by == "job_seeker"
    assert len(emails_to("hr@corp.example.jp", "interview_cancelled")) == 1
    event = InterviewEvent.objects.filter(reason_code=InterviewReason.CANCELLED).get()
    assert "the job seeker" in event.describe() or "求職者" in event.describe()


def test_a_party_cannot_cancel_online_after_the_offices_deadline(env):
    interview = _both_confirm(arrange(env))
    # Sasebo: online until the end of the day before.
    with pytest.raises(NotAllowedNow):
        interview_cancel(
            interview_id=interview.pk, by_party="employer", now=TUE_14 - timedelta(hours=2)
        )
    with pytest.raises(NotAllowedNow):
        interview_move_ask(
            party=interview.parties.get(role="employer"), now=TUE_14 - timedelta(hours=2)
        )
    assert (
        interview_cancel(
            interview_id=interview.pk, by=env.user, now=TUE_14 - timedelta(hours=2)
        ).cancelled_by
        == "office"
    )


def test_moving_proposes_new_times_and_ends_the_old_links(env):
    arranged = arrange(env)
    interview = _both_confirm(arranged)
    interview_move_ask(party=interview.parties.get(role="employer"), now=NOW)
    new = interview_propose_again(
        interview=interview, starts=[TUE_15 + timedelta(days=1)], by=env.user, now=NOW
    )
    assert party_by_token(arranged.tokens["employer"]) is None
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.PROPOSED and interview.times_moved == 1
    assert token_in(emails_to("hr@corp.example.jp", "interview_moved")[0]) == new["employer"]
    assert InterviewEvent.objects.filter(reason_code=InterviewReason.MOVED).exists()


def test_ten_minutes_after_the_start_each_party_not_joined_is_absent(env):
    interview = _both_confirm(arrange(env))
    interview_party_joined(interview_id=interview.pk, role="employer", by=env.user, now=TUE_14)
    assert interviews_absent_sweep(now=TUE_14 + timedelta(minutes=9)) == 0
    assert interviews_absent_sweep(now=TUE_14 + timedelta(minutes=10)) == 1
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SEEKER_ABSENT
    seeker = interview.parties.get(role="job_seeker")
    assert seeker.absent_at is not None and interview.parties.get(role="employer").absent_at is None


def test_the_employer_absent_is_its_own_outcome(env):
    interview = _both_confirm(arrange(env))
    interview_party_joined(interview_id=interview.pk, role="job_seeker", by=env.user, now=TUE_14)
    interviews_absent_sweep(now=TUE_14 + timedelta(minutes=10))
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.EMPLOYER_ABSENT


def test_held_is_recorded_once_both_joined(env):
    interview = _both_confirm(arrange(env))
    with pytest.raises(NotAllowedNow):
        interview_held(interview_id=interview.pk, by=env.user, now=TUE_14)
    for role in ("employer", "job_seeker"):
        interview_party_joined(interview_id=interview.pk, role=role, by=env.user, now=TUE_14)
    assert interviews_absent_sweep(now=TUE_14 + timedelta(minutes=10)) == 0
    done = interview_held(interview_id=interview.pk, by=env.user, now=TUE_14 + timedelta(minutes=5))
    assert done.status == InterviewStatus.HELD
    codes = list(
        InterviewEvent.objects.filter(interview=interview).values_list("reason_code", flat=True)
    )
    assert codes[-1] == InterviewReason.HELD and codes.count(InterviewReason.JOINED) == 2
