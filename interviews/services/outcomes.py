"""
What became of an interview: each party checked in (by the counselor), held, or a party
absent. The office's no-show rule applies per party: a party not joined
`no_show_grace_minutes` (10) after the start is recorded absent, and the interview's
outcome names who was absent (the job seeker first when both were).
"""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from bookings.exceptions import NotAllowedNow
from bookings.services.locking import booking_transaction
from bookings.state import Actor
from interviews.models import Interview
from interviews.services.events import counselor_time_changed, interview_event_record
from interviews.services.parties import interview_lock
from interviews.state import InterviewReason, InterviewStatus, Role
from offices.models import User


def interview_party_joined(
    *, interview_id: int, role: str, by: User | None, now: datetime
) -> Interview:
    """The counselor records that one party has joined (from the check-in window on)."""
    with booking_transaction():
        interview = interview_lock(interview_id)
        if interview.status != InterviewStatus.SCHEDULED:
            raise NotAllowedNow(_("Only a scheduled interview has parties to check in."))
        opens = interview.start - timedelta(minutes=interview.office.check_in_opens_minutes)
        if now < opens:
            raise NotAllowedNow(_("Check-in opens shortly before the start."))
        party = interview.parties.get(role=Role(role))
        if party.joined_at is None:
            party.joined_at = now
            party.save(update_fields=["joined_at"])
            interview_event_record(
                interview,
                at=now,
                actor_label=Actor.STAFF,
                actor=by,
                party=role,
                reason_code=InterviewReason.JOINED,
                reason_params={"role": role},
            )
    return interview


def interview_held(*, interview_id: int, by: User, now: datetime) -> Interview:
    """The counselor records the interview held (from its start, both parties joined)."""
    with booking_transaction():
        interview = interview_lock(interview_id)
        if interview.status != InterviewStatus.SCHEDULED or now < interview.start:
            raise NotAllowedNow(_("An interview is recorded held once it has begun."))
        missing = [p for p in interview.parties.all() if p.joined_at is None]
        if missing:
            raise NotAllowedNow(
                _("Check in both parties first: %(who)s not checked in.")
                % {"who": "、".join(str(p.get_role_display()) for p in missing)}
            )
        interview.status = InterviewStatus.HELD
        interview.save(update_fields=["status", "updated_at"])
        interview_event_record(
            interview,
            at=now,
            actor_label=Actor.STAFF,
            actor=by,
            from_status=InterviewStatus.SCHEDULED,
            reason_code=InterviewReason.HELD,
        )
        counselor_time_changed(interview)  # the rest of its time, if it ended early
    return interview


def interviews_absent_sweep(*, now: datetime) -> int:
    """The 10-minute rule for every party of every scheduled interview past its grace:
    whoever has not joined is recorded absent. Returns how many interviews it settled."""
    # Begun ones (few at a time); each one's own office's grace is checked under its lock.
    due = (
        Interview.objects.filter(status=InterviewStatus.SCHEDULED, start__lte=now)
        .order_by("start")
        .values_list("pk", flat=True)
    )
    settled = 0
    for interview_id in list(due[:500]):
        with booking_transaction():
            interview = interview_lock(interview_id)
            grace = timedelta(minutes=interview.office.no_show_grace_minutes)
            if interview.status != InterviewStatus.SCHEDULED or now < interview.start + grace:
                continue
            absent = [p for p in interview.parties.all() if p.joined_at is None]
            if not absent:
                continue  # both came: the counselor records it held
            roles = {p.role for p in absent}
            interview.status = (
                InterviewStatus.SEEKER_ABSENT
                if Role.JOB_SEEKER in roles
                else InterviewStatus.EMPLOYER_ABSENT
            )
            interview.save(update_fields=["status", "updated_at"])
            minutes = int(grace.total_seconds() // 60)
            for party in absent:
                party.absent_at = now
                party.save(update_fields=["absent_at"])
                interview_event_record(
                    interview,
                    at=now,
                    actor_label=Actor.SYSTEM,
                    party=party.role,
                    from_status=InterviewStatus.SCHEDULED,
                    reason_code=InterviewReason.ABSENT,
                    reason_params={"role": party.role, "minutes": minutes},
                )
            counselor_time_changed(interview)
            settled += 1
    return settled
