"""
Managed selection (管理選考): the counselor sets a block of turns for one opening and
refers candidates to it; each candidate picks a turn from their own link; the turn taken
becomes an interview of its own between the employer and that candidate (scheduled at
once: one meeting, each side's own way in, the same outcome and 10-minute rule).

Picking is guarded like a booking: the turn's row is locked (two candidates picking one
turn at once: one wins, the other is told it was just taken), then the office's counselors;
under that lock the candidate must hold no booking or interview at the office then; a
candidate holds one turn of a block at most (a unique column). Lock order: the candidate,
the turn, the office's counselors.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.exceptions import AlreadyBooked, BookingInvalid, NotAllowedNow, SlotTaken
from bookings.models import Applicant, ApplicantKind
from bookings.services.locking import booking_transaction, office_booking_lock
from bookings.services.person_guard import person_guard_check
from bookings.state import Actor
from common import languages
from common.clock import JST
from common.queue import enqueue_after_commit
from interviews.emails import Kind, selection_message
from interviews.models import (
    Employer,
    Interview,
    InterviewParty,
    SelectionBlock,
    SelectionCandidate,
    SelectionTurn,
    job_number_clean,
)
from interviews.selectors import EMPLOYER_LANGUAGES, overlapping, seeker_language
from interviews.services.arrange import _REFERENCE_ALPHABET
from interviews.services.events import interview_event_record, party_email
from interviews.state import InterviewReason, InterviewStatus, Role
from notifications.services import notification_enqueue
from offices.models import Counselor, Office, User
from terms.models import Consent
from terms.selectors import terms_in_force_brief
from terms.services import consent_give

TURN_LENGTHS = (15, 20, 30, 45, 60)
MAX_CANDIDATES = 30


@dataclass(frozen=True)
class BlockSetUp:
    block: SelectionBlock
    employer_token: str
    candidate_tokens: dict[int, str]  # applicant id -> token


def _reference() -> str:

    return "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def selection_block_create(
    *,
    office: Office,
    job_number: str,
    company_name: str,
    contact_name: str,
    employer_email: str,
    counselor: Counselor,
    day: date,
    first: time,
    last: time,
    turn_minutes: int,
    candidates: list[Applicant],
    by: User,
    now: datetime,
    employer_language: str = languages.DEFAULT,
) -> BlockSetUp:
    """
    Sets up a block on `day` from `first` to `last` in turns of `turn_minutes`, refers the
    `candidates` (the office's job seekers' records, with an email) and emails each its own
    link to pick a turn, and the employer its link to the day's list. Raises BookingInvalid
    with every error at once.
    """
    errors: dict[str, list[str]] = {}
    try:
        job_number = job_number_clean(job_number)
    except ValidationError as error:
        errors["job_number"] = list(error.messages)
    company_name, contact_name = (company_name or "").strip(), (contact_name or "").strip()
    if not company_name or len(company_name) > 200:
        errors["company_name"] = [_("Enter the company's name (at most 200 characters).")]
    if not contact_name or len(contact_name) > 100:
        errors["contact_name"] = [_("Enter the HR contact's name (at most 100 characters).")]
    try:
        validate_email(employer_email or "")
    except ValidationError:
        errors["employer_email"] = [
            _("Enter the employer's email address, like name@example.co.jp.")
        ]
    if employer_language not in EMPLOYER_LANGUAGES:
        errors["employer_language"] = [_("Choose Japanese or English.")]
    if turn_minutes not in TURN_LENGTHS:
        errors["turn_minutes"] = [
            _("Choose a turn of %(lengths)s minutes.")
            % {"lengths": "・".join(str(m) for m in TURN_LENGTHS)}
        ]
    start = datetime.combine(day, first, tzinfo=JST)
    end = datetime.combine(day, last, tzinfo=JST)
    if start <= now:
        errors["day"] = [_("The block must start later than now: choose a later day or time.")]
    elif end <= start or (
        turn_minutes in TURN_LENGTHS and end - start < timedelta(minutes=turn_minutes)
    ):
        errors["last"] = [_("The block must end after its start, with room for one turn at least.")]
    if not candidates or len(candidates) > MAX_CANDIDATES:
        errors["candidates"] = [
            _("Choose between 1 and %(max)d job seekers.") % {"max": MAX_CANDIDATES}
        ]
    elif any(
        c.office_id != office.pk
        or c.kind != ApplicantKind.JOB_SEEKER
        or not c.email
        or c.personal_data_purged_at
        for c in candidates
    ):
        errors["candidates"] = [
            _("Choose job seekers of this office whose records have an email address.")
        ]
    if terms_in_force_brief(office=office, at=now) is None:
        errors["__all__"] = [
            _(
                "This office has no terms of use in force: the employer must agree to them "
                "first. Publish the terms, then arrange the interview."
            )
        ]
    if errors:
        raise BookingInvalid(errors)

    with transaction.atomic():
        employer = Employer.objects.filter(office=office, email__iexact=employer_email).first()
        if employer is None:
            employer = Employer.objects.create(
                office=office,
                company_name=company_name,
                contact_name=contact_name,
                email=employer_email,
            )
        block = SelectionBlock(
            office=office,
            job_number=job_number,
            employer=employer,
            counselor=counselor,
            start=start,
            end=end,
            turn_minutes=turn_minutes,
            employer_language=employer_language,
            created_by=by,
        )
        employer_token = block.link_new()
        block.save(force_insert=True)
        length = timedelta(minutes=turn_minutes)
        turns, at = [], start
        while at + length <= end:
            turns.append(SelectionTurn(block=block, start=at, end=at + length))
            at += length
        SelectionTurn.objects.bulk_create(turns)
        tokens = {}
        for applicant in {c.pk: c for c in candidates}.values():
            candidate = SelectionCandidate(block=block, applicant=applicant)
            token = candidate.link_new()
            candidate.save(force_insert=True)
            tokens[applicant.pk] = token
            _email(
                block, candidate, f"/selection/{token}/", Kind.SELECTION_INVITED, applicant.email,
                seeker_language(applicant),
            )  # fmt: skip
        _email(
            block, None, f"/selection/{employer_token}/", Kind.SELECTION_EMPLOYER, employer.email,
            employer_language,
        )  # fmt: skip
    return BlockSetUp(block, employer_token, tokens)


def _email(block, candidate, link_path: str, kind: str, recipient: str, language: str) -> None:
    who = f"c{candidate.pk}" if candidate else "employer"
    notification_enqueue(
        dedupe_key=f"selection:{block.pk}:{who}:{kind}",
        kind=kind,
        recipient=recipient,
        language=language,
        render=lambda: selection_message(
            block, candidate, kind, link_path=link_path, language=language
        ),
        office_id=block.office_id,
    )


def selection_employer_agree(
    *,
    block: SelectionBlock,
    terms_version_id: int | None,
    ip_address: str | None = None,
    user_agent: str = "",
    now: datetime,
) -> SelectionBlock:
    """The employer agrees to the terms in force before the day (once is enough)."""
    with transaction.atomic():
        block = (
            SelectionBlock.objects.select_for_update(of=("self",), no_key=True)
            .select_related("office", "employer")
            .get(pk=block.pk)
        )
        if block.employer_consent_id is None:
            block.employer_consent = consent_give(
                office=block.office,
                terms_version_id=terms_version_id,
                applicant_uuid=block.employer.uuid,
                applicant_kind=Consent.ApplicantKind.EMPLOYER,
                channel=Consent.Channel.WEB,
                ip_address=ip_address,
                user_agent=user_agent,
                now=now,
            )
            block.save(update_fields=["employer_consent"])
            Interview.objects.filter(turn__block=block, employer_consent__isnull=True).update(
                employer_consent=block.employer_consent
            )
    return block


def _turn_taken() -> SlotTaken:
    return SlotTaken(_("That turn was just taken. Please choose another turn."), alternatives=[])


def selection_turn_pick(
    *, candidate: SelectionCandidate, turn_id: int | None, now: datetime
) -> SelectionTurn:
    """
    The candidate takes a free turn (giving back the one they held, if any): the turn
    becomes their interview with the employer, scheduled at once, its meeting issued after
    commit. Raises SlotTaken (taken meanwhile, or the candidate is busy then at the office),
    BookingInvalid (not a turn of the block), NotAllowedNow (the block is closed).
    """
    with booking_transaction():
        candidate = (
            SelectionCandidate.objects.select_for_update(of=("self",), no_key=True)
            .select_related("block__office", "block__employer", "applicant")
            .get(pk=candidate.pk)
        )
        block = candidate.block
        if block.status != SelectionBlock.Status.OPEN:
            raise NotAllowedNow(_("This managed selection is closed."))
        turn = (
            SelectionTurn.objects.select_for_update(of=("self",), no_key=True)
            .filter(block=block, pk=turn_id, start__gt=now)
            .first()
        )
        if turn is None:
            raise BookingInvalid({"turn": [_("Choose one of the turns shown.")]})
        if turn.candidate_id == candidate.pk:
            return turn  # a double click
        if turn.candidate_id is not None:
            raise _turn_taken()
        office_booking_lock(block.office)
        applicant = candidate.applicant
        try:
            person_guard_check(
                office=block.office,
                email=applicant.email,
                applicant_id=applicant.pk,
                start=turn.start,
                end=turn.end,
                now=now,
                adds=False,
            )
        except AlreadyBooked as error:
            raise SlotTaken(
                _(
                    "You already have a session at the office at that time. "
                    "Please choose another turn."
                ),
                alternatives=[],
            ) from error
        previous = (
            SelectionTurn.objects.filter(candidate=candidate).select_related("interview").first()
        )
        busy = overlapping(
            office=block.office,
            start=turn.start,
            end=turn.end,
            applicant_id=applicant.pk,
            employer_id=block.employer_id,
            exclude_pk=previous.interview_id if previous else None,
        )
        if busy.exclude(applicant=applicant).exists():  # the employer, in another block
            raise _turn_taken()
        if busy.exists():
            raise SlotTaken(
                _(
                    "You already have a session at the office at that time. "
                    "Please choose another turn."
                ),
                alternatives=[],
            )
        if previous is not None:
            _give_back(previous, now=now)
        interview = Interview(
            reference=_reference(),
            office=block.office,
            job_number=block.job_number,
            employer=block.employer,
            applicant=applicant,
            counselor=block.counselor,
            counselor_attends=False,
            minutes=block.turn_minutes,
            start=turn.start,
            end=turn.end,
            status=InterviewStatus.SCHEDULED,
            employer_consent=block.employer_consent,
            created_by=block.created_by,
        )
        try:
            with transaction.atomic():  # the employer or the candidate busy in another interview
                interview.save(force_insert=True)
        except IntegrityError as error:
            raise _turn_taken() from error
        party_languages = {
            Role.EMPLOYER: block.employer_language,
            Role.JOB_SEEKER: seeker_language(applicant),
        }
        for role in (Role.EMPLOYER, Role.JOB_SEEKER):
            party = InterviewParty(
                interview=interview, role=role, confirmed_at=now, language=party_languages[role]
            )
            party.link_new()  # a turn's parties act from the block's and candidate's links
            party.save(force_insert=True)
        turn.candidate, turn.interview = candidate, interview
        try:
            with transaction.atomic():
                turn.save(update_fields=["candidate", "interview"])
        except IntegrityError as error:
            raise _turn_taken() from error
        interview_event_record(
            interview,
            at=now,
            actor_label=Actor.APPLICANT,
            party=Role.JOB_SEEKER,
            from_status="",
            reason_code=InterviewReason.TURN_PICKED,
        )
        party = interview.parties.get(role=Role.JOB_SEEKER)
        party.interview = interview
        party_email(party, Kind.SCHEDULED)
        enqueue_after_commit(
            "interviews.tasks.issue_interview_meeting",
            interview.pk,
            what=f"the meeting of interview id={interview.pk}",
        )
    return turn


def _give_back(turn: SelectionTurn, *, now: datetime) -> None:
    """The candidate's earlier turn is free again; its interview cancelled by them."""
    interview = turn.interview
    turn.candidate, turn.interview = None, None
    turn.save(update_fields=["candidate", "interview"])
    if interview is not None and interview.status == InterviewStatus.SCHEDULED:
        interview.status, interview.cancelled_by = InterviewStatus.CANCELLED, Role.JOB_SEEKER
        interview.save(update_fields=["status", "cancelled_by", "updated_at"])
        interview_event_record(
            interview,
            at=now,
            actor_label=Actor.APPLICANT,
            party=Role.JOB_SEEKER,
            from_status=InterviewStatus.SCHEDULED,
            reason_code=InterviewReason.CANCELLED,
            reason_params={"by": Role.JOB_SEEKER},
        )
        enqueue_after_commit(
            "interviews.tasks.delete_interview_meeting",
            interview.pk,
            what=f"deletion of the meeting of interview id={interview.pk}",
        )
