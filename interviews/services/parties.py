"""
What each party does from its own link: confirm a time (the employer agreeing to the
terms in force as it does), ask to move, cancel; and what the office does for them.

The time is taken when the second party confirms the time the first chose, through the
booking guard: the interview's row is locked, then the office's counselors
(`office_commitment_lock`: the lock every booking takes, so bookings and interviews of the
office are taken one at a time, and a booking that waited for it reads the counselors'
commitments again), and under it the counselor (when attending), the job seeker and the
employer are re-checked against bookings, group sessions and interviews; PostgreSQL's
exclusion constraints refuse an overlap among interviews whatever code writes them. The
other way round, a booking reads the interviews a counselor attends as busy time
(`bookings.hooks`, registered in `interviews.apps`). Lock order: interview -> office's
counselors, as `bookings.services.locking` writes it.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.exceptions import AlreadyBooked, BookingInvalid, NotAllowedNow, SlotTaken
from bookings.selectors.availability import counselors_busy
from bookings.services.locking import booking_transaction, office_commitment_lock
from bookings.services.person_guard import person_guard_check
from bookings.state import Actor
from common.queue import enqueue_after_commit
from interviews.emails import Kind
from interviews.models import Interview, InterviewParty
from interviews.selectors import change_deadline, overlapping, times_open
from interviews.services.events import (
    counselor_time_changed,
    interview_event_record,
    party_email,
)
from interviews.state import ACTIVE, CancelledBy, InterviewReason, InterviewStatus, Role
from terms.models import Consent
from terms.services import consent_give

# The names of migration 0002's exclusion constraints.
OVERLAP_CONSTRAINTS = {
    "interview_counselor_no_overlap",
    "interview_applicant_no_overlap",
    "interview_employer_no_overlap",
}


def interview_lock(interview_id: int) -> Interview:
    """First in the order: the interview's row alone, read with its office, employer and
    job seeker (unlocked)."""
    return (
        Interview.objects.select_for_update(of=("self",), no_key=True)
        .select_related("office", "employer", "applicant", "counselor")
        .get(pk=interview_id)
    )


def _taken() -> SlotTaken:
    return SlotTaken(
        _(
            "That time was just taken. The office will propose another time: there is nothing "
            "more to do now."
        ),
        alternatives=[],
    )


def _take_time(interview: Interview, *, start: datetime, end: datetime, now: datetime) -> None:
    """Schedules `interview` at [start, end) or raises SlotTaken; the caller holds the
    interview's lock, inside a booking transaction."""
    office_commitment_lock(interview.office)
    if interview.counselor_attends and counselors_busy(
        counselor_ids=[interview.counselor_id], start=start, end=end, now=now
    ):
        raise _taken()
    try:
        person_guard_check(
            office=interview.office,
            email=interview.applicant.email,
            applicant_id=interview.applicant_id,
            start=start,
            end=end,
            now=now,
            adds=False,
        )
    except AlreadyBooked as error:
        raise _taken() from error
    if overlapping(
        office=interview.office,
        start=start,
        end=end,
        exclude_pk=interview.pk,
        counselor_id=interview.counselor_id if interview.counselor_attends else None,
        applicant_id=interview.applicant_id,
        employer_id=interview.employer_id,
    ).exists():
        raise _taken()
    interview.status, interview.start, interview.end = InterviewStatus.SCHEDULED, start, end
    try:
        with transaction.atomic():
            interview.save(update_fields=["status", "start", "end", "updated_at"])
    except IntegrityError as error:
        cause = getattr(error.__cause__, "diag", None)
        if getattr(cause, "constraint_name", None) in OVERLAP_CONSTRAINTS:
            raise _taken() from error
        raise
    counselor_time_changed(interview)


def interview_confirm(
    *,
    party: InterviewParty,
    time_id: int | None,
    agree_terms: bool,
    terms_version_id: int | None,
    ip_address: str | None = None,
    user_agent: str = "",
    now: datetime,
) -> Interview:
    """
    The party confirms one of the proposed times (the employer agreeing to the terms in
    force). When the other party has confirmed the same time, the time is taken and both
    are told; the meeting is issued after commit. Confirming again is a no-op. Raises
    BookingInvalid (no time, or terms not agreed), NotAllowedNow, TermsOutdated,
    SlotTaken (the time was taken meanwhile: nothing is recorded) or BookingBusy.
    """
    if party.role == Role.EMPLOYER and not agree_terms:
        raise BookingInvalid(
            {"agree_terms": [_("To confirm, read the terms of use and tick the box to agree.")]}
        )
    with booking_transaction():
        interview = interview_lock(party.interview_id)
        party = InterviewParty.objects.get(pk=party.pk)
        party.interview = interview
        if party.confirmed_at is not None and party.confirmed_time_id == time_id:
            return interview  # a double click
        if interview.status != InterviewStatus.PROPOSED:
            raise NotAllowedNow(_("This interview is no longer waiting for a time."))
        chosen = next((t for t in times_open(interview, now=now) if t.pk == time_id), None)
        if chosen is None:
            raise BookingInvalid({"time": [_("Choose one of the times shown.")]})
        if party.role == Role.EMPLOYER:
            consent = consent_give(
                office=interview.office,
                terms_version_id=terms_version_id,
                applicant_uuid=interview.employer.uuid,
                applicant_kind=Consent.ApplicantKind.EMPLOYER,
                channel=Consent.Channel.WEB,
                ip_address=ip_address,
                user_agent=user_agent,
                now=now,
            )
            interview.employer_consent = consent
            interview.save(update_fields=["employer_consent", "updated_at"])
            interview_event_record(
                interview,
                at=now,
                actor_label=Actor.APPLICANT,
                party=party.role,
                reason_code=InterviewReason.TERMS_AGREED,
            )
        party.confirmed_time, party.confirmed_at = chosen, now
        party.save(update_fields=["confirmed_time", "confirmed_at"])
        interview_event_record(
            interview,
            at=now,
            actor_label=Actor.APPLICANT,
            party=party.role,
            reason_code=InterviewReason.PARTY_CONFIRMED,
            reason_params={"role": party.role, "start_at": chosen.start.isoformat()},
        )
        other = interview.parties.exclude(pk=party.pk).get()
        if other.confirmed_time_id != chosen.pk:
            return interview  # waiting for the other party
        _take_time(interview, start=chosen.start, end=chosen.end, now=now)
        interview_event_record(
            interview,
            at=now,
            actor_label=Actor.APPLICANT,
            party=party.role,
            from_status=InterviewStatus.PROPOSED,
            reason_code=InterviewReason.SCHEDULED,
        )
        for each in interview.parties.all():
            each.interview = interview
            party_email(each, Kind.SCHEDULED, occurrence=f"{interview.times_moved}")
        enqueue_after_commit(
            "interviews.tasks.issue_interview_meeting",
            interview.pk,
            what=f"the meeting of interview id={interview.pk}",
        )
    return interview


def _may_change(interview: Interview, now: datetime) -> None:
    if interview.status not in ACTIVE:
        raise NotAllowedNow(_("This interview is over or cancelled: nothing can be changed."))
    deadline = change_deadline(interview)
    if deadline is None or now >= deadline:
        raise NotAllowedNow(
            _("It is too late to change this interview online. Please phone the office: %(phone)s.")
            % {"phone": interview.office.phone}
        )


def interview_move_ask(*, party: InterviewParty, now: datetime) -> Interview:
    """The party asks the office to move the interview (within the office's rules); the
    office proposes new times (`interview_propose_again`). Raises NotAllowedNow."""
    with booking_transaction():
        interview = interview_lock(party.interview_id)
        _may_change(interview, now)
        if interview.move_asked_by:
            return interview
        interview.move_asked_by = party.role
        interview.save(update_fields=["move_asked_by", "updated_at"])
        interview_event_record(
            interview,
            at=now,
            actor_label=Actor.APPLICANT,
            party=party.role,
            reason_code=InterviewReason.MOVE_ASKED,
            reason_params={"role": party.role},
        )
    return interview


def interview_cancel(
    *, interview_id: int, by_party: str = "", by: object = None, now: datetime
) -> Interview:
    """Cancels the interview: by a party from its link (`by_party`, within the office's
    rules) or by the office (`by`, a staff account, at any time before it ends). Both
    parties are told; an issued meeting is deleted after commit."""
    with booking_transaction():
        interview = interview_lock(interview_id)
        if by_party:
            _may_change(interview, now)
        elif interview.status not in ACTIVE:
            raise NotAllowedNow(_("This interview is over or cancelled: nothing can be changed."))
        before = interview.status
        interview.status = InterviewStatus.CANCELLED
        interview.cancelled_by = by_party or CancelledBy.OFFICE
        interview.save(update_fields=["status", "cancelled_by", "updated_at"])
        interview_event_record(
            interview,
            at=now,
            actor_label=Actor.APPLICANT if by_party else Actor.STAFF,
            actor=by,
            party=by_party,
            from_status=before,
            reason_code=InterviewReason.CANCELLED,
            reason_params={"by": interview.cancelled_by},
        )
        for each in interview.parties.all():
            each.interview = interview
            party_email(each, Kind.CANCELLED)
        if before == InterviewStatus.SCHEDULED:
            counselor_time_changed(interview)
            enqueue_after_commit(
                "interviews.tasks.delete_interview_meeting",
                interview.pk,
                what=f"deletion of the meeting of interview id={interview.pk}",
            )
    return interview
