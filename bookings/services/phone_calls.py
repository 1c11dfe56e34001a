"""
The phone list (`bookings.phone_calls.PhoneCall`): a person without an email address is
never left untold. `booking_notify` lists a call wherever it would have sent such a person
an email of `PHONE_LIST_KINDS`, so every path that cancels, moves or decides a booking
reaches the list without knowing of it; counselors then record each call's result here.
"""

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
        booking_event_record(
            call.booking, at=now, actor=by, actor_label=Actor.STAFF,
            reason_code=REASONS[PhoneCallResult(result)], reason=call.note,
        )  # fmt: skip
    return call
