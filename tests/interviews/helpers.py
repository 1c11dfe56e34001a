"""An interview at Sasebo through the real services, and the tokens of its emails."""

import re
from datetime import time
from types import SimpleNamespace

from bookings.models import Applicant
from interviews.models import Interview
from interviews.selectors import party_by_token
from interviews.services.arrange import interview_arrange
from interviews.services.parties import interview_confirm
from notifications.models import Notification
from offices.models import Counselor, Office
from terms.selectors import terms_in_force
from tests.factories import ApplicantFactory, office_with
from tests.helpers import NOW, jst

TUE_14 = jst(2026, 11, 24, 14, 0)
TUE_15 = jst(2026, 11, 24, 15, 0)


def sasebo_env(n: int = 1, *, slug: str = "sasebo") -> SimpleNamespace:
    office = Office.objects.get(slug=slug)
    counselor = Counselor.objects.filter(office=office, is_active=True).order_by("pk").first()
    seeker = ApplicantFactory(
        office=office,
        kind="job_seeker",
        name=f"面接 花子{n}",
        name_kana="メンセツ ハナコ",
        job_seeker_number=f"42020-{n:07d}",
        email=f"seeker{n}@example.jp",
        phone="09011112222",
        identity_key=f"jsn:42020-{n:07d}",
    )
    return SimpleNamespace(office=office, counselor=counselor, user=counselor.user, seeker=seeker)


def office_env(*, counselors: int = 1, n: int = 1, **rules) -> SimpleNamespace:
    """An office of the test's own (`office_with`: one web service open 9:30-12:00 on
    weekdays, terms in force) with `counselors` counselors, and a job seeker of it."""
    office = office_with(counselors=counselors, **rules)
    counselor = Counselor.objects.filter(office=office).order_by("pk").first()
    seeker = ApplicantFactory(
        office=office, kind="job_seeker", name=f"面接 次郎{n}", email=f"jiro{n}@example.jp"
    )
    return SimpleNamespace(
        office=office, counselor=counselor, user=counselor.user, seeker=seeker,
        service=office.services.get(),
    )  # fmt: skip


def both_confirm(arranged, at) -> Interview:
    """Both parties confirm the time `at` from their own links (the employer agreeing to
    the terms in force)."""
    time = arranged.interview.times.get(start=at)
    terms_id = terms_in_force(office=arranged.interview.office, at=NOW).pk
    for role in ("employer", "job_seeker"):
        interview_confirm(
            party=party_by_token(arranged.tokens[role]), time_id=time.pk, agree_terms=True,
            terms_version_id=terms_id, now=NOW,
        )  # fmt: skip
    return Interview.objects.get(pk=arranged.interview.pk)


def arrange(
    env,
    *,
    starts=(TUE_14, TUE_15),
    now=NOW,
    attends=False,
    employer_email="hr@corp.example.jp",
    **overrides,
):
    kwargs = dict(
        office=env.office,
        applicant=env.seeker,
        job_number="42020-12345678",
        company_name="株式会社テスト",
        contact_name="人事 一郎",
        employer_email=employer_email,
        counselor=env.counselor,
        counselor_attends=attends,
        minutes=30,
        starts=list(starts),
        by=env.user,
        now=now,
    )
    kwargs.update(overrides)
    return interview_arrange(**kwargs)


def token_in(notification: Notification) -> str:
    return re.search(r"/interviews/([A-Za-z0-9_\-]+)/", notification.body_text).group(1)


def emails_to(address: str, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=address, kind=kind).order_by("pk"))


def seeker_record(applicant_id: int) -> Applicant:
    return Applicant.objects.get(pk=applicant_id)


# seedE: the interview tests' offices, built by the test (issue 22).


def sasebo_office(*, slug: str = "sasebo", **rules) -> Office:
    """ハローワーク佐世保 as the interview tests meet it: TeleOffice, employers book, its
    counselors confirm each request and a party cancels online until the day before; two
    counselors (staff accounts in the Counselors group); one service open weekdays
    8:30-16:45, which the interview times (14:00, 15:00) fall in; its terms in force.
    `rules` change any of it (another slug, platform...)."""
    from django.contrib.auth.models import Group

    from offices.roles import COUNSELORS

    office = office_with(**{
        "slug": slug, "name": "ハローワーク佐世保", "name_en": "Hello Work Sasebo",
        "platform": "teleoffice", "phone": "0956-88-2003", "employers_may_book": True,
        "confirmation_mode": "staff_approval", "online_cancel_allowed": True,
        "online_cancel_days_before": 1, "counselors": 2, "hours": (time(8, 30), time(16, 45)),
        **rules,
    })  # fmt: skip
    group = Group.objects.get(name=COUNSELORS)
    for counselor in office.counselors.all():
        counselor.user.groups.add(group)
    return office
