"""
The phone list (`bookings.phone_calls.PhoneCall`): a person without an email address is
never left untold. `booking_notify` lists a call wherever it would have sent such a person
an email of `PHONE_LIST_KINDS`, so every path that cancels, moves or decides a booking
reaches the list without knowing of it; counselors then record each call's result here.
An app above this one lists calls about its own things (`phone_call_add_for_owner`: an
offer from the waitlist that reached the person nowhere) and tells the list what to show
of them (`phone_call_subject_register`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from bookings.exceptions import BookingInvalid, NotAllowedNow
from bookings.models import Booking, PhoneCall, PhoneCallResult
from bookings.phone_calls import PHONE_CALL_DONE
from bookings.services.events import booking_event_record
from bookings.services.locking import booking_transaction
from bookings.state import Actor, EmailKind, Reason
from offices.models import User

# What a person without email must hear from the office: each change of their booking they
# did not make themselves and would otherwise learn of only by email.
PHONE_LIST_KINDS = (
    EmailKind.CONFIRMED,
    EmailKind.CANCELLED,
    EmailKind.CANCELLED_FOR_CLOSURE,
    EmailKind.EXPIRED,
    EmailKind.PROPOSED,
    EmailKind.RESCHEDULED,
)

REASONS = {
    PhoneCallResult.REACHED: Reason.PHONED_REACHED,
    PhoneCallResult.MESSAGE_LEFT: Reason.PHONED_MESSAGE_LEFT,
    PhoneCallResult.NO_ANSWER: Reason.PHONED_NO_ANSWER,
}


def phone_call_add(booking: Booking, kind: EmailKind, *, occurrence: str = "") -> PhoneCall:
    """
    Lists a call about `kind` for the booking's person, once per booking, kind, occurrence
    and status (the email's own dedupe); runs inside the caller's transaction.
    """
    key = f"booking:{booking.pk}:{kind.value}:{occurrence}:{booking.status}"
    call, _created = PhoneCall.objects.get_or_create(
        dedupe_key=key,
        defaults={"booking": booking, "office_id": booking.office_id, "kind": kind.value},
    )
    return call


def phone_call_add_undelivered(booking: Booking, kind: str, *, notification_id: int) -> PhoneCall:
    """Lists a call for a message that reached none of the person's channels (the email
    bounced or was refused, LINE and SMS failed): once per message."""
    call, _created = PhoneCall.objects.get_or_create(
        dedupe_key=f"undelivered:{notification_id}",
        defaults={"booking": booking, "office_id": booking.office_id, "kind": kind[:40]},
    )
    return call


def phone_call_add_for_owner(
    *, owner_kind: str, owner_id: int, office_id: int, kind: str, dedupe_key: str
) -> PhoneCall:
    """Lists a call about something of another app (`owner_kind`, `owner_id`), once per
    `dedupe_key`; runs inside the caller's transaction."""
    call, _created = PhoneCall.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={"owner_kind": owner_kind, "owner_id": owner_id, "office_id": office_id,
                  "kind": kind[:40]},
    )  # fmt: skip
    return call


def phone_calls_forget(*, owner_kind: str, ids: list[int]) -> int:
    """The owners' personal data is purged (retention): the notes of their calls go too."""
    return (
        PhoneCall.objects.filter(owner_kind=owner_kind, owner_id__in=ids)
        .exclude(note="")
        .update(note="")
    )


@dataclass(frozen=True)
class CallSubject:
    """What the phone list shows of a call about something other than a booking."""

    label: str  # what it is, e.g. the waitlist entry's service and days
    url: str  # its page in the admin
    when: str  # the time it concerns
    name: str
    phone: str


_subjects: dict[str, Callable[[list[PhoneCall]], dict[int, CallSubject]]] = {}


def phone_call_subject_register(
    owner_kind: str, describe: Callable[[list[PhoneCall]], dict[int, CallSubject]]
) -> None:
    """`describe(calls)` returns, by call id, what the list shows of calls about owners of
    this kind (one query for a page of calls)."""
    _subjects[owner_kind] = describe


def phone_call_subjects_attach(calls: list[PhoneCall]) -> None:
    """Sets `call.subject` (a CallSubject or None) on each call not about a booking."""
    by_kind: dict[str, list[PhoneCall]] = {}
    for call in calls:
        call.subject = None
        if call.booking_id is None:
            by_kind.setdefault(call.owner_kind, []).append(call)
    for owner_kind, owned in by_kind.items():
        describe = _subjects.get(owner_kind)
        found = describe(owned) if describe is not None else {}
        for call in owned:
            call.subject = found.get(call.pk)


def phone_call_record(
    *, call: PhoneCall, by: User, result: str, note: str = "", now: datetime
) -> PhoneCall:
    """
    A counselor phoned the person: the result is kept on the call (reached or a message
    left takes it off the list; no answer keeps it there) and on the booking's history.
    """
    if result not in PhoneCallResult.values:
        raise BookingInvalid({"result": [_("Choose the result of the call.")]})
    with booking_transaction():
        call = (
            PhoneCall.objects.select_for_update(of=("self",), no_key=True)
            .select_related("booking")
            .get(pk=call.pk)
        )
        if not (by.is_superuser or by.office_id == call.office_id):
            raise NotAllowedNow(_("This booking belongs to another office."))
        if call.done_at is not None:
            raise NotAllowedNow(_("This call was already marked as done."))
        call.result, call.note = result, note.strip()[:300]
        call.attempts += 1
        call.last_called_at, call.last_called_by = now, by
        if result in PHONE_CALL_DONE:
            call.done_at = now
        call.save(
            update_fields=[
                "result", "note", "attempts", "last_called_at", "last_called_by", "done_at",
            ]
        )  # fmt: skip
        if call.booking is not None:  # a call about another owner keeps its result itself
            booking_event_record(
                call.booking, at=now, actor=by, actor_label=Actor.STAFF,
                reason_code=REASONS[PhoneCallResult(result)], reason=call.note,
            )  # fmt: skip
    return call
