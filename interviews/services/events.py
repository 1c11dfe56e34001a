"""
The one writer of `InterviewEvent` (as `bookings.services.events` is of a booking's): a
reason code, who (`Actor`, the staff account), which party; and the one way an interview's
emails go out (through the outbox, `notification_enqueue`, deduplicated per event).
"""

from datetime import datetime

from bookings.selectors.availability_cache import availability_changed
from bookings.state import Actor
from interviews.emails import party_message
from interviews.models import Interview, InterviewEvent, InterviewParty
from interviews.state import InterviewReason
from notifications.services import notification_enqueue
from offices.models import User


def interview_event_record(
    interview: Interview,
    *,
    at: datetime,
    actor_label: Actor,
    reason_code: InterviewReason,
    actor: User | None = None,
    party: str = "",
    reason_params: dict | None = None,
    from_status: str | None = None,
) -> InterviewEvent:
    """Records one event of `interview` at `at`, its status after being the interview's
    current one. Raises ValueError for an actor or a reason that is not one of the codes."""
    return InterviewEvent.objects.create(
        interview=interview,
        at=at,
        from_status=interview.status if from_status is None else from_status,
        to_status=interview.status,
        actor=actor,
        actor_label=Actor(actor_label),
        party=party,
        reason_code=InterviewReason(reason_code),
        reason_params=reason_params or {},
    )


def party_email(party: InterviewParty, kind: str, *, occurrence: str = "", **values) -> None:
    """The email of `kind` to one party, once per interview, party, kind and occurrence,
    written to the outbox in the caller's transaction and sent after commit."""
    interview = party.interview
    recipient = interview.employer.email if party.role == "employer" else interview.applicant.email
    if not recipient:
        return
    notification_enqueue(
        dedupe_key=f"interview:{interview.pk}:{party.role}:{kind}:{occurrence}"[:200],
        kind=kind,
        recipient=recipient,
        language=party.language,
        render=lambda: party_message(party, kind, **values),
        office_id=interview.office_id,
    )


def counselor_time_changed(interview: Interview) -> None:
    """The interview took, or gave back, its counselor's time (scheduled; cancelled, moved
    or settled): when the counselor attends, the office's cached free times are dropped
    once committed, and the waitlist hears of a freed time (`availability_moved`)."""
    if interview.counselor_attends:
        availability_changed(interview.office_id)
