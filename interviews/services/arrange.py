"""The counselor arranges an interview (or proposes new times for one a party asked to
move): who, for which opening, the times proposed; each party is emailed its own link."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from bookings.exceptions import BookingInvalid, NotAllowedNow
from bookings.models import Applicant, ApplicantKind
from bookings.selectors.availability import counselors_busy
from bookings.services.person_guard import bookings_of_person
from bookings.state import Actor
from common import languages
from interviews.emails import Kind
from interviews.models import Employer, Interview, InterviewParty, InterviewTime, job_number_clean
from interviews.selectors import EMPLOYER_LANGUAGES, overlapping
from interviews.selectors import seeker_language as seeker_language_of
from interviews.services.events import (
    counselor_time_changed,
    interview_event_record,
    party_email,
)
from interviews.services.parties import interview_lock
from interviews.state import ACTIVE, InterviewReason, InterviewStatus, Role
from offices import display
from offices.models import Counselor, Office, User
from terms.selectors import terms_in_force_brief

MAX_TIMES = 5
LENGTHS = (30, 45, 60, 90)
HORIZON_DAYS = 90
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class InterviewArranged:
    interview: Interview
    tokens: dict[str, str]  # role -> the secret of its link (only in its email)


def _link_path(token: str) -> str:
    return f"/interviews/{token}/"


def _check_times(
    errors: dict,
    *,
    office: Office,
    starts: list[datetime],
    minutes: int,
    now: datetime,
    counselor: Counselor,
    attends: bool,
    applicant: Applicant,
    employer_id: int | None,
    moving: Interview | None = None,
) -> None:
    """Each time: in the future, within the horizon, once; and free now for the counselor
    (when attending) and the job seeker (the guard takes it again when both confirm).
    `moving`: the interview whose times these replace (its own time is not in the way)."""
    exclude_pk = moving.pk if moving else None
    if not starts:
        errors.setdefault("times", []).append(_("Propose at least one time."))
        return
    if len(starts) > MAX_TIMES:
        errors.setdefault("times", []).append(
            _("Propose at most %(max)d times.") % {"max": MAX_TIMES}
        )
    if len(set(starts)) != len(starts):
        errors.setdefault("times", []).append(_("Each time is proposed once: remove the repeat."))
    for start in starts:
        end = start + timedelta(minutes=minutes)
        label = display.format_session(start, end)
        if start <= now:
            errors.setdefault("times", []).append(
                _("%(time)s has passed: propose a later time.") % {"time": label}
            )
        elif start > now + timedelta(days=HORIZON_DAYS):
            errors.setdefault("times", []).append(
                _("%(time)s is too far ahead: propose a time within %(days)d days.")
                % {"time": label, "days": HORIZON_DAYS}
            )
        elif attends and (
            counselors_busy(
                counselor_ids=[counselor.pk], start=start, end=end, now=now, exclude=moving
            )
            or overlapping(
                office=office,
                start=start,
                end=end,
                counselor_id=counselor.pk,
                exclude_pk=exclude_pk,
            )
            .filter(counselor_id=counselor.pk)
            .exists()
        ):
            errors.setdefault("times", []).append(
                _("The counselor already has a session at %(time)s: propose another time.")
                % {"time": label}
            )
        elif (
            bookings_of_person(
                office=office, email=applicant.email, applicant_id=applicant.pk, now=now
            )
            .filter(start__lt=end, end__gt=start)
            .exists()
            or overlapping(
                office=office,
                start=start,
                end=end,
                applicant_id=applicant.pk,
                employer_id=employer_id,
                exclude_pk=exclude_pk,
            ).exists()
        ):
            errors.setdefault("times", []).append(
                _(
                    "The job seeker or the employer already has a session at %(time)s: "
                    "propose another time."
                )
                % {"time": label}
            )


def interview_arrange(
    *,
    office: Office,
    applicant: Applicant,
    job_number: str,
    company_name: str,
    contact_name: str,
    employer_email: str,
    counselor: Counselor,
    counselor_attends: bool,
    minutes: int,
    starts: list[datetime],
    by: User,
    now: datetime,
    seeker_language: str = "",
    employer_language: str = languages.DEFAULT,
) -> InterviewArranged:
    """
    Arranges an interview for the opening `job_number` between the employer (found by its
    address at the office, else recorded) and the job seeker's record, and emails each
    party its own link to confirm one of `starts`, in its language (`seeker_language`:
    empty, the one they last booked in; `employer_language`: Japanese or English). Raises
    BookingInvalid with every field's error at once (nothing is written then).
    """
    errors: dict[str, list[str]] = {}
    if seeker_language and seeker_language not in languages.SHIPPED:
        errors["seeker_language"] = [_("Choose one of the languages offered.")]
    if employer_language not in EMPLOYER_LANGUAGES:
        errors["employer_language"] = [_("Choose Japanese or English.")]
    try:
        job_number = job_number_clean(job_number)
    except ValidationError as error:
        errors["job_number"] = list(error.messages)
    company_name, contact_name = (company_name or "").strip(), (contact_name or "").strip()
    employer_email = (employer_email or "").strip()
    if not company_name or len(company_name) > 200:
        errors["company_name"] = [_("Enter the company's name (at most 200 characters).")]
    if not contact_name or len(contact_name) > 100:
        errors["contact_name"] = [_("Enter the HR contact's name (at most 100 characters).")]
    try:
        validate_email(employer_email)
    except ValidationError:
        errors["employer_email"] = [
            _("Enter the employer's email address, like name@example.co.jp.")
        ]
    if applicant.office_id != office.pk or applicant.kind != ApplicantKind.JOB_SEEKER:
        errors["applicant"] = [_("Choose a job seeker's record of this office.")]
    elif applicant.personal_data_purged_at or not applicant.email:
        errors["applicant"] = [
            _(
                "This record has no email address: add the address the job seeker gave, then "
                "arrange the interview."
            )
        ]
    if counselor.office_id != office.pk:
        errors["counselor"] = [_("Choose a counselor of this office.")]
    if minutes not in LENGTHS:
        errors["minutes"] = [
            _("Choose a length of %(lengths)s minutes.")
            % {"lengths": "・".join(str(m) for m in LENGTHS)}
        ]
    if terms_in_force_brief(office=office, at=now) is None:
        errors["__all__"] = [
            _(
                "This office has no terms of use in force: the employer must agree to them "
                "first. Publish the terms, then arrange the interview."
            )
        ]
    existing = Employer.objects.filter(office=office, email__iexact=employer_email).first()
    if not errors:
        _check_times(
            errors,
            office=office,
            starts=starts,
            minutes=minutes,
            now=now,
            counselor=counselor,
            attends=counselor_attends,
            applicant=applicant,
            employer_id=existing.pk if existing else None,
        )
    if errors:
        raise BookingInvalid(errors)

    with transaction.atomic():
        employer = existing or Employer.objects.create(
            office=office,
            company_name=company_name,
            contact_name=contact_name,
            email=employer_email,
        )
        if existing and (existing.company_name, existing.contact_name) != (
            company_name,
            contact_name,
        ):
            existing.company_name, existing.contact_name = company_name, contact_name
            existing.save(update_fields=["company_name", "contact_name"])
        interview = Interview.objects.create(
            reference="".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8)),
            office=office,
            job_number=job_number,
            employer=employer,
            applicant=applicant,
            counselor=counselor,
            counselor_attends=counselor_attends,
            minutes=minutes,
            created_by=by,
        )
        times = _times_add(interview, starts)
        interview_event_record(
            interview,
            at=now,
            actor_label=Actor.STAFF,
            actor=by,
            from_status="",
            reason_code=InterviewReason.ARRANGED,
            reason_params={"count": len(times)},
        )
        tokens = {}
        party_languages = {
            Role.EMPLOYER: employer_language,
            Role.JOB_SEEKER: seeker_language_of(applicant, seeker_language),
        }
        for role in (Role.EMPLOYER, Role.JOB_SEEKER):
            party = InterviewParty(interview=interview, role=role, language=party_languages[role])
            token = party.link_new()
            party.save(force_insert=True)
            party_email(party, Kind.INVITED, link_path=_link_path(token), times=times)
            tokens[str(role)] = token
    return InterviewArranged(interview, tokens)


def _times_add(interview: Interview, starts: list[datetime]) -> list[InterviewTime]:
    length = timedelta(minutes=interview.minutes)
    return InterviewTime.objects.bulk_create(
        [InterviewTime(interview=interview, start=s, end=s + length) for s in sorted(starts)]
    )


def interview_propose_again(
    *, interview: Interview, starts: list[datetime], by: User, now: datetime
) -> dict[str, str]:
    """
    New times for an interview (a party asked to move it, or it is still waiting): the old
    times are withdrawn, both confirmations cleared, the time it held freed; each party is
    emailed a new link (the old one ends). Returns role -> token.
    """

    errors: dict[str, list[str]] = {}
    _check_times(
        errors,
        office=interview.office,
        starts=starts,
        minutes=interview.minutes,
        now=now,
        counselor=interview.counselor,
        attends=interview.counselor_attends,
        applicant=interview.applicant,
        employer_id=interview.employer_id,
        moving=interview,
    )
    if errors:
        raise BookingInvalid(errors)
    with transaction.atomic():
        locked = interview_lock(interview.pk)
        if locked.status not in ACTIVE:
            raise NotAllowedNow(_("This interview is over: arrange a new one."))
        before = locked.status
        locked.times.update(withdrawn=True)
        times = _times_add(locked, starts)
        locked.status, locked.start, locked.end = InterviewStatus.PROPOSED, None, None
        locked.move_asked_by = ""
        locked.times_moved += 1
        locked.save(
            update_fields=["status", "start", "end", "move_asked_by", "times_moved", "updated_at"]
        )
        interview_event_record(
            locked,
            at=now,
            actor_label=Actor.STAFF,
            actor=by,
            from_status=before,
            reason_code=InterviewReason.MOVED,
        )
        if before == InterviewStatus.SCHEDULED:
            counselor_time_changed(locked)
        tokens = {}
        for party in locked.parties.all():
            token = party.link_new()  # the old link ends
            party.confirmed_time, party.confirmed_at = None, None
            party.joined_at = party.absent_at = None
            party.join_url = party.registrant_id = ""  # told again once the time is taken
            party.save(
                update_fields=[
                    "token_hash",
                    "confirmed_time",
                    "confirmed_at",
                    "joined_at",
                    "absent_at",
                    "join_url",
                    "registrant_id",
                ]
            )
            party.interview = locked
            party_email(
                party,
                Kind.MOVED,
                occurrence=str(locked.times_moved),
                link_path=_link_path(token),
                times=times,
            )
            tokens[party.role] = token
    return tokens
