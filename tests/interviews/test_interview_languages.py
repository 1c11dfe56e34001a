"""
Each party's interview emails are in its own language: the job seeker's as for bookings
(the one the counselor chose, else the one they last booked in, among the shipped ones of
common/languages.py), the employer's Japanese or English; the office's name and the times
written as that language writes them. Managed selection's emails too.
"""

from datetime import date, time

import pytest

from bookings.exceptions import BookingInvalid
from bookings.models import Booking
from interviews.models import InterviewParty
from interviews.services.selection import selection_block_create
from notifications.models import Notification
from tests.helpers import NOW, booking_row, jst
from tests.interviews.helpers import TUE_14, arrange, both_confirm, emails_to, office_env

pytestmark = pytest.mark.django_db


def _mail(address: str, kind: str) -> Notification:
    (found,) = emails_to(address, kind)
    return found


def test_the_employer_in_english_and_the_job_seeker_in_vietnamese():
    env = office_env()
    arranged = arrange(env, starts=[TUE_14], seeker_language="vi", employer_language="en")
    employer = _mail("hr@corp.example.jp", "interview_invited")
    assert employer.language == "en"
    assert "Online interview: please confirm a time" in employer.subject
    assert f"[{env.office.name_en}]" in employer.subject
    assert "Tue 24 Nov 2026, 14:00–14:30 (Japan time)" in employer.body_text
    assert "オンライン面接" not in employer.body_text
    seeker = _mail(env.seeker.email, "interview_invited")
    assert seeker.language == "vi"
    assert "Phỏng vấn trực tuyến: vui lòng xác nhận thời gian" in seeker.subject
    assert 'lang="vi"' in seeker.body_html

    both_confirm(arranged, TUE_14)  # later emails keep each party's language
    assert "the time is confirmed" in _mail("hr@corp.example.jp", "interview_scheduled").subject
    assert "thời gian đã được xác định" in _mail(env.seeker.email, "interview_scheduled").subject


def test_the_job_seeker_is_written_to_in_the_language_they_last_booked_in():
    env = office_env()
    earlier = booking_row(env.service, jst(2026, 11, 16, 10, 0), applicant=env.seeker)
    Booking.objects.filter(pk=earlier.pk).update(language="zh-hans")
    arrange(env, starts=[TUE_14])
    assert "在线面试：请确认时间" in _mail(env.seeker.email, "interview_invited").subject
    party = InterviewParty.objects.get(role="job_seeker")
    assert party.language == "zh-hans"
    employer = _mail("hr@corp.example.jp", "interview_invited")
    assert employer.language == "ja" and "オンライン面接" in employer.subject  # by default


def test_a_job_seeker_who_never_booked_is_written_to_in_japanese():
    env = office_env()
    arrange(env, starts=[TUE_14])
    seeker = _mail(env.seeker.email, "interview_invited")
    assert seeker.language == "ja" and "オンライン面接" in seeker.subject
    assert 'lang="ja"' in seeker.body_html


@pytest.mark.parametrize(
    "field, value",
    [("employer_language", "vi"), ("seeker_language", "xx"), ("employer_language", "")],
)
def test_a_language_not_offered_is_refused_and_nothing_is_written(field, value):
    env = office_env()
    with pytest.raises(BookingInvalid) as refused:
        arrange(env, starts=[TUE_14], **{field: value})
    assert field in refused.value.errors
    assert not InterviewParty.objects.exists() and not Notification.objects.exists()


def test_managed_selection_writes_to_each_candidate_and_the_employer_in_their_language():
    env = office_env()
    earlier = booking_row(env.service, jst(2026, 11, 16, 10, 0), applicant=env.seeker)
    Booking.objects.filter(pk=earlier.pk).update(language="zh-hans")
    selection_block_create(
        office=env.office, job_number="42020-12345678", company_name="株式会社テスト",
        contact_name="人事 一郎", employer_email="hr@corp.example.jp", counselor=env.counselor,
        day=date(2026, 11, 24), first=time(13), last=time(15), turn_minutes=30,
        candidates=[env.seeker], by=env.user, now=NOW, employer_language="en",
    )  # fmt: skip
    assert "管理选考：请选择面试顺序" in _mail(env.seeker.email, "selection_invited").subject
    employer = _mail("hr@corp.example.jp", "selection_employer")
    assert employer.language == "en" and "Managed selection" in employer.subject
