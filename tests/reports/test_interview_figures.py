"""
The office's figures (実績) count its online interviews: held, the job seeker absent, the
employer absent, cancelled by each side or the office, and those still to come, in the
period and the one before, for the office's own interviews only. `reports` reads them
through `bookings.hooks` (it may not import the interviews app).
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from interviews.figures import interview_counts
from interviews.models import Interview
from interviews.state import InterviewStatus
from offices.roles import REPORT_READERS
from reports.periods import Period
from tests.factories import ApplicantFactory, UserFactory
from tests.helpers import jst
from tests.interviews.helpers import arrange, both_confirm, office_env

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)


def _interview(env, n: int, status: str, *, cancelled_by: str = "", month_back: bool = False):
    """An interview of its own job seeker and employer at Tuesday 9:00 + n hours, scheduled
    through the services, then given the outcome the test names."""
    at = jst(2026, 11, 24, 9, 0) + timedelta(hours=n)
    seeker = ApplicantFactory(office=env.office, kind="job_seeker", name=f"面接 {n}")
    mine = type(env)(**{**vars(env), "seeker": seeker})
    interview = both_confirm(arrange(mine, starts=[at], employer_email=f"hr{n}@x.example.jp"), at)
    shift = timedelta(days=35) if month_back else timedelta(0)
    Interview.objects.filter(pk=interview.pk).update(
        status=status, cancelled_by=cancelled_by,
        start=interview.start - shift, end=interview.end - shift,
    )  # fmt: skip
    return interview


@pytest.fixture
def month():
    """At one office: in November two held, one of each side absent, one cancelled by each
    of the three, one still to come; in October one held. At another office one held."""
    env = office_env()
    for n in (0, 1):
        _interview(env, n, InterviewStatus.HELD)
    _interview(env, 2, InterviewStatus.SEEKER_ABSENT)
    _interview(env, 3, InterviewStatus.EMPLOYER_ABSENT)
    for n, by in ((4, "employer"), (5, "job_seeker"), (6, "office")):
        _interview(env, n, InterviewStatus.CANCELLED, cancelled_by=by)
    _interview(env, 7, InterviewStatus.SCHEDULED)
    _interview(env, 8, InterviewStatus.HELD, month_back=True)
    other = office_env(n=2)
    _interview(other, 0, InterviewStatus.HELD)
    return env


def test_interviews_held_absent_by_side_and_cancelled_by_whom_are_counted(month):
    november, october = interview_counts(
        [month.office.pk],
        [(NOVEMBER.start, NOVEMBER.end), (NOVEMBER.previous().start, NOVEMBER.previous().end)],
    )
    assert november == {
        "held": 2, "seeker_absent": 1, "employer_absent": 1, "cancelled_employer": 1,
        "cancelled_job_seeker": 1, "cancelled_office": 1, "scheduled": 1,
    }  # fmt: skip
    assert october["held"] == 1 and sum(october.values()) == 1


def test_the_dashboard_shows_the_interviews_figure_in_japanese(client, month):
    reader = UserFactory(office=month.office, username="r-i", is_staff=True)
    reader.groups.add(Group.objects.get(name=REPORT_READERS))
    client.force_login(reader)
    page = client.get(
        reverse("reports:dashboard"), {"office": month.office.slug, "month": "2026-11"}
    ).content.decode()
    figure = page.split('id="figure-interviews"')[1].split("</section>")[0]
    rows = {
        cells[0]: cells[1:]
        for cells in (re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in figure.split("<tr>"))
        if cells
    }
    assert rows["実施"][:2] == ["2", "1"]  # November, October
    assert rows["求職者が欠席"][0] == "1" and rows["求人者が欠席"][0] == "1"
    for side in ("求人者が取り消し", "求職者が取り消し", "ハローワークが取り消し"):
        assert rows[side][0] == "1"
    assert "面接 0" not in page and "hr0@x.example.jp" not in page  # counts only
