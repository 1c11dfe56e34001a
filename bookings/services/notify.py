"""
The emails of a booking's events, written to the outbox as intent (kind, booking,
parameters) in the event's transaction and rendered by the worker that sends them
(`booking_notice_render`, `staff_notice_render`), so a booking's transaction renders no
text, HTML or calendar file and issues no link of an email.

Emails to an office's counselors: a request waiting for their approval, a meeting that
needs them (it failed to issue, the platform account is missing, or the platform takes a
link pasted by hand), and the accommodation a person asks for (bookings.accommodation).
Each names the booking by reference and time and links to it in the admin; the person's
name and contact stay behind the staff login.
"""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from bookings.accommodation import STAFF_KIND as ACCOMMODATION_KIND
from bookings.accommodation import tells_counselors_at
from bookings.emails.applicant import booking_message, booking_template
from bookings.emails.pointers import pointer_text
from bookings.emails.staff import staff_message
from bookings.models import Booking, BookingStatus
from bookings.selectors.availability_cache import setup_cached
from bookings.selectors.bookings import session_before_next_business_day
from bookings.services.links import booking_email_links, booking_link_issue
from bookings.services.phone_calls import (
    PHONE_LIST_KINDS,
    phone_call_add,
    phone_call_add_undelivered,
)
from bookings.state import EmailKind
from bookings.tokens import MANAGE
from conferencing.models import OnlineMeeting
from notifications.contacts import owner_ids_with_channels
from notifications.kinds import (
    kind_labels_register,
    kind_pointers_register,
    kind_renderers_register,
    undelivered_handler_register,
)
from notifications.services import (
    BOOKING_OWNER,
    Intent,
    Message,
    notification_intents_enqueue,
    notification_waiting,
)
from offices.models import User
from offices.roles import COUNSELORS

STAFF_KINDS = (
    "staff_request_waiting",
    "staff_meeting_needs_action",
    "staff_change_waiting",
    ACCOMMODATION_KIND,
)


def office_counselor_emails(office_id: int) -> list[tuple[int, str]]:
    """(user id, email) of the office's active counselors who have an email address
    (remembered under the office's setup version: a staff change forgets it)."""

    return setup_cached(
        office_id,
        "counselor-emails",
        lambda: list(
            User.objects.filter(
                office_id=office_id, is_active=True, is_staff=True, groups__name=COUNSELORS
            )
            .exclude(email="")
            .order_by("pk")
            .values_list("pk", "email")
            .distinct()
        ),
    )


def _moment(booking: Booking) -> dict:
    """What an email shows that may change before it is sent: the event's own values."""
    return {
        "status": booking.status,
        "start": booking.start.isoformat(),
        "end": booking.end.isoformat(),
    }


def _staff_intents(
    booking: Booking, kind: str, *, meeting=None, dedupe_suffix: str = ""
) -> list[Intent]:
    if kind not in STAFF_KINDS:
        raise ValueError(f"not a staff notice: {kind}")
    params = _moment(booking) | {
        "kind": kind,
        "meeting_id": meeting.pk if meeting else None,
        "meeting_status": meeting.status if meeting else "",
    }
    return [
        Intent(
            dedupe_key=f"booking:{booking.pk}:{kind}{dedupe_suffix}:user:{user_id}",
            kind=kind, recipient=email, language="ja", booking_id=booking.pk, params=params,
            office_id=booking.office_id,
        )
        for user_id, email in office_counselor_emails(booking.office_id)
    ]  # fmt: skip


def staff_notify(booking: Booking, kind: str, *, meeting=None, dedupe_suffix: str = "") -> int:
    """
    Writes the notice for each counselor of the booking's office to the outbox, once per
    booking, kind and counselor (inside the caller's transaction; rendered when sent).
    Returns how many counselors it names.
    """
    intents = _staff_intents(booking, kind, meeting=meeting, dedupe_suffix=dedupe_suffix)
    notification_intents_enqueue(intents)
    return len(intents)


def booking_request_receipt(booking: Booking) -> None:
    """The receipt of a request the person just sent from its email: where it stands and by
    when a counselor answers. Not while the booking's first email is still in the outbox (a
    broker that was down): rendered when it goes, it says the same, and two emails would
    carry one subject."""
    if not notification_waiting(booking_id=booking.pk, kind=f"booking_{EmailKind.CREATED.value}"):
        booking_notify(booking, EmailKind.REQUESTED)


def booking_notify(
    booking: Booking, kind: EmailKind, *, occurrence: str = "", extra: dict | None = None
) -> None:
    """
    Writes the email for this event to the outbox in the current transaction, as intent
    (the kind, the booking, the parameters; with a request's notices to the office's
    counselors, all in one INSERT), and hands it to a worker after commit, which renders
    and sends it; a mail or broker failure never fails the booking. `occurrence` tells
    apart emails of one kind that may be sent more than once (each proposed time); it goes
    into the dedupe key. `extra` is more for the email (the office's reason for a
    cancellation).
    """

    kind = EmailKind(kind)
    intents = []
    # A person without email is reached by LINE or SMS where they added one (the outbox's
    # pointer; a pointer that fails is listed for a phone call then), else by phone.
    # An event without an email template sends nothing.
    has_message = booking_template(booking, kind) is not None
    reachable = bool(booking.email) or (
        has_message
        and kind in POINTER_KINDS
        and booking.pk in owner_ids_with_channels(BOOKING_OWNER, [booking.pk])
    )
    if not reachable and kind in PHONE_LIST_KINDS:
        phone_call_add(booking, kind, occurrence=occurrence)
    if reachable and has_message:
        intents.append(
            Intent(
                dedupe_key=(
                    f"booking:{booking.pk}:{_dedupe_kind(kind, occurrence)}:{booking.status}"
                ),
                kind=f"booking_{kind.value}",
                recipient=booking.email,
                language=booking.language,
                booking_id=booking.pk,
                params=_moment(booking)
                | {"kind": kind.value, "occurrence": occurrence, "extra": extra or {}},
                office_id=booking.office_id,
            )
        )
    # Counselors hear of a request once the person confirmed it from the email (then by
    # `booking_verify`), never of one that may still lapse unconfirmed.
    if awaits_staff(booking):
        intents += _staff_intents(booking, "staff_request_waiting")  # with the accommodation
    elif tells_counselors_at(booking, kind):
        intents += _staff_intents(booking, ACCOMMODATION_KIND)
    notification_intents_enqueue(intents)


def _booking_at_event(notification) -> Booking:
    """The email's booking, with the status and time it had when the email was written."""
    booking = Booking.objects.select_related("office", "service").get(pk=notification.booking_id)
    booking.status = notification.params["status"]
    booking.start = datetime.fromisoformat(notification.params["start"])
    booking.end = datetime.fromisoformat(notification.params["end"])
    return booking


def booking_notice_render(notification) -> Message | None:
    """The person's email, rendered when sent: its own secret links are issued now."""

    booking = _booking_at_event(notification)
    params = notification.params
    kind = EmailKind(params["kind"])
    extra = dict(params.get("extra") or {})
    if booking.status == BookingStatus.REQUESTED and kind == EmailKind.CREATED:
        soon = session_before_next_business_day(booking, booking.created_at)
        extra["session_before_next_business_day"] = soon
    return booking_message(
        booking,
        kind,
        occurrence=params.get("occurrence", ""),
        extra=extra,
        links=booking_email_links(booking),
    )


def staff_notice_render(notification) -> Message:

    booking = _booking_at_event(notification)
    meeting = None
    if notification.params.get("meeting_id"):
        meeting = OnlineMeeting.objects.get(pk=notification.params["meeting_id"])
        meeting.status = notification.params["meeting_status"]
    return staff_message(booking, notification.params["kind"], meeting=meeting)


# The person's messages that also go by LINE or SMS, as a pointer (not the request's email
# check, which only email can do, nor the new link, which is an email's own).
POINTER_KINDS = tuple(
    kind for kind in EmailKind if kind not in (EmailKind.CREATED, EmailKind.NEW_LINK)
)
REMINDER_KINDS = ("reminder_day_before", "reminder_soon")


def booking_pointer_render(notification) -> str | None:
    """The pointer of a person's message (LINE, SMS): the office's name, a fixed sentence
    and a new link to the booking's page, in the person's language; never the details."""

    booking = Booking.objects.select_related("office").filter(pk=notification.booking_id).first()
    if booking is None:
        return None
    with translation.override(notification.language or booking.language):
        return pointer_text(
            kind=notification.kind,
            office_name=booking.office.name,
            url=settings.SITE_URL.rstrip("/")
            + reverse("booking-manage", args=[booking_link_issue(booking=booking, purpose=MANAGE)]),
        )


def booking_undelivered(notification) -> None:
    """A person's message that reached none of their channels: a call for a counselor."""

    booking = Booking.objects.filter(pk=notification.booking_id).first()
    if booking is not None:
        kind = (notification.params or {}).get("kind") or notification.kind
        phone_call_add_undelivered(booking, kind, notification_id=notification.pk)


def awaits_staff(booking: Booking) -> bool:
    """A request counselors are to answer: confirmed from its email, no proposal pending."""
    return (
        booking.status == BookingStatus.REQUESTED
        and booking.verification_expires_at is None
        and booking.proposed_at is None
    )


def _dedupe_kind(kind: EmailKind, occurrence: str) -> str:
    # The keys written before the enum read `proposed:<timestamp>`: kept, so no email repeats.
    return f"{kind.value}:{occurrence}" if occurrence else kind.value


def register_email_kinds() -> None:
    """Names this app's email kinds for the admin's outbox (called once, at start-up)."""

    kind_labels_register(
        {
            **{f"booking_{kind.value}": kind.label for kind in EmailKind},
            "staff_request_waiting": _("To counselors: a request waits"),
            "staff_meeting_needs_action": _("To counselors: a meeting needs action"),
            "staff_change_waiting": _("To counselors: a change of time waits"),
            ACCOMMODATION_KIND: _("To counselors: accommodation asked for"),
            "record_link": _("Was this booking yours? (to the address on record)"),
            "booking_link": _("The link to a booking, asked for again"),
            "meeting_issued": _("Meeting link"),
            "reminder_day_before": _("Reminder the business day before"),
            "reminder_soon": _("Reminder shortly before"),
            "terms_changed": _("Terms of use changed"),
        }
    )
    kind_renderers_register(
        {f"booking_{kind.value}": booking_notice_render for kind in EmailKind}
        | dict.fromkeys(STAFF_KINDS, staff_notice_render)
    )
    kind_pointers_register(
        dict.fromkeys([f"booking_{kind.value}" for kind in POINTER_KINDS], booking_pointer_render)
        | dict.fromkeys(REMINDER_KINDS, booking_pointer_render)
    )
    undelivered_handler_register(BOOKING_OWNER, booking_undelivered)
