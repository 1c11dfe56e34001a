"""Reads of interviews: a party by its link, what each party is shown, the office's rules
for moving and cancelling, and what overlaps a time (the guard's reads)."""

from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet

from bookings.models import Booking
from common import languages
from common.clock import JST
from conferencing.models import OnlineMeeting
from interviews.models import (
    Interview,
    InterviewParty,
    InterviewTime,
    SelectionBlock,
    SelectionCandidate,
    SelectionTurn,
)
from interviews.state import HOLDS_TIME, Role
from offices import display
from offices.models import Office


def party_by_token(token: str) -> InterviewParty | None:
    """The party whose secret link this is (its interview, office, employer and job seeker
    read with it), or None."""
    return InterviewParty.opened_by(
        token,
        InterviewParty.objects.select_related(
            "interview__office", "interview__employer", "interview__applicant", "confirmed_time"
        ),
    )


EMPLOYER_LANGUAGES = ("ja", "en")


def seeker_language(applicant, chosen: str = "") -> str:
    """The language of a job seeker's interview emails: the one the counselor chose, else
    the one they last booked in at the office (as every message after a booking is), else
    Japanese; a language not shipped is Japanese."""
    if not chosen:
        chosen = (
            Booking.objects.filter(applicant=applicant)
            .order_by("-created_at")
            .values_list("language", flat=True)
            .first()
        )
    return languages.supported(chosen)


def times_open(interview: Interview, *, now: datetime) -> list[InterviewTime]:
    """The proposed times a party may still confirm: not withdrawn, not begun; once the
    other party confirmed one, that one only."""
    times = [t for t in interview.times.all() if not t.withdrawn and t.start > now]
    chosen = {p.confirmed_time_id for p in interview.parties.all() if p.confirmed_time_id}
    if chosen:
        times = [t for t in times if t.pk in chosen]
    return times


def change_deadline(interview: Interview) -> datetime | None:
    """Until when a party may move or cancel online (the office's rule for bookings); None
    when only by phone. An interview not yet scheduled may be cancelled until it is."""
    office = interview.office
    if not office.online_cancel_allowed:
        return None
    if interview.start is None:
        return datetime.max.replace(tzinfo=JST)
    if office.online_cancel_days_before == 0:
        return interview.start
    day = interview.start.astimezone(JST).date() - timedelta(days=office.online_cancel_days_before)
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=JST)


def what_party_sees(party: InterviewParty) -> dict:
    """What one party's page and emails say. The employer sees what a referral shares of
    the job seeker (the name); never an address, a phone or a job-seeker number."""
    interview = party.interview
    facts = {
        "reference": interview.reference,
        "office_name": interview.office.name,
        "office_phone": interview.office.phone,
        "job_number": interview.job_number,
        "company_name": interview.employer.company_name,
        "role": party.role,
    }
    if party.role == Role.EMPLOYER:
        facts["greeting_name"] = interview.employer.contact_name
        facts["other_name"] = interview.applicant.name
    else:
        facts["greeting_name"] = interview.applicant.name
        facts["other_name"] = interview.employer.company_name
    return facts


def overlapping(
    *,
    office: Office,
    start: datetime,
    end: datetime,
    exclude_pk: int | None = None,
    counselor_id: int | None = None,
    applicant_id: int | None = None,
    employer_id: int | None = None,
) -> QuerySet[Interview]:
    """Scheduled interviews of the office over [start, end) with the same counselor (where
    they attend), job seeker or employer."""
    whose = Q(applicant_id=applicant_id) | Q(employer_id=employer_id)
    if counselor_id is not None:
        whose |= Q(counselor_id=counselor_id, counselor_attends=True)
    found = Interview.objects.filter(
        whose, office=office, status__in=HOLDS_TIME, start__lt=end, end__gt=start
    )
    return found.exclude(pk=exclude_pk) if exclude_pk else found


def holding_counselors() -> QuerySet[Interview]:
    """The interviews that hold their counselor's time: scheduled, the counselor attending
    (what `bookings.hooks` reads as the counselor's commitments; the exclusion constraint
    `interview_counselor_no_overlap` names the same rows)."""
    return Interview.objects.filter(status__in=HOLDS_TIME, counselor_attends=True)


def interviews_of_day(*, office: Office, day: date) -> QuerySet[Interview]:
    """The office's scheduled and past interviews starting on `day` (Japan time)."""
    first = datetime.combine(day, datetime.min.time(), tzinfo=JST)
    return (
        Interview.objects.filter(
            office=office, start__gte=first, start__lt=first + timedelta(days=1)
        )
        .select_related("employer", "applicant", "counselor")
        .order_by("start")
    )


def interviews_of_day_with_meetings(
    *, office: Office, day: date
) -> list[tuple[Interview, OnlineMeeting | None]]:
    """The office's interviews of `day` with a time, each with its meeting (None before one
    is issued): two queries, one when there is none."""
    found = list(interviews_of_day(office=office, day=day))
    if not found:
        return []
    meetings = {
        m.booking_uuid: m
        for m in OnlineMeeting.objects.filter(booking_uuid__in=[i.uuid for i in found])
    }
    return [(interview, meetings.get(interview.uuid)) for interview in found]


def candidate_by_token(token: str) -> SelectionCandidate | None:
    return SelectionCandidate.opened_by(
        token,
        SelectionCandidate.objects.select_related("block__office", "block__employer", "applicant"),
    )


def block_by_employer_token(token: str) -> SelectionBlock | None:
    return SelectionBlock.opened_by(
        token, SelectionBlock.objects.select_related("office", "employer")
    )


def block_turns(block: SelectionBlock) -> list[SelectionTurn]:
    """The block's turns with who took each (two queries whatever their number)."""
    return list(
        block.turns.select_related("candidate__applicant", "interview").prefetch_related(
            "interview__parties"
        )
    )


def employer_day_list(block: SelectionBlock) -> list[dict]:
    """The employer's view of the day: each turn, the candidate's name (what a referral
    shares: never an address, a phone or a job-seeker number), the employer's own link to
    that turn's meeting once issued, and what became of it."""
    rows = []
    for turn in block_turns(block):
        interview = turn.interview
        employer_link = ""
        if interview is not None:
            employer_link = next(
                (p.join_url for p in interview.parties.all() if p.role == Role.EMPLOYER), ""
            )
        rows.append(
            {
                "when": display.format_session(turn.start, turn.end),
                "name": turn.candidate.applicant.name if turn.candidate else "",
                "join_url": employer_link if interview and interview.status == "scheduled" else "",
                "status": interview.get_status_display() if interview else "",
            }
        )
    return rows
