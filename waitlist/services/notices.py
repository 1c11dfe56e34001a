"""
The waitlist's messages beside email: an entry owns LINE and SMS channels as a booking
does (`notifications.Owner`, kind `WAITLIST_OWNER`), added on the entry's page. An offer
and its lapse also go there as a pointer (a fixed sentence and a new link to the entry's
page, never the time or the name); an offer that reached the person nowhere (the email
refused or bounced, every channel failed, or no email and no channel) is a call on the
office's phone list. Registered with `notifications` when Django starts.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from bookings.services.phone_calls import phone_call_add_for_owner
from notifications.kinds import kind_pointers_register, undelivered_handler_register
from waitlist.emails import OFFERED, POINTER_KINDS, waitlist_pointer_text
from waitlist.models import WAITLIST_OWNER, WaitlistEntry
from waitlist.services.entries import waitlist_link_issue


def entry_pointer_render(notification) -> str | None:
    """The pointer of an entry's message, in the entry's language, with a new link."""
    entry = WaitlistEntry.objects.select_related("office").filter(pk=notification.owner_id).first()
    if entry is None:
        return None
    with translation.override(notification.language or entry.language):
        return waitlist_pointer_text(
            kind=notification.kind,
            office_name=entry.office.name,
            url=settings.SITE_URL.rstrip("/")
            + reverse("waitlist-entry", args=[waitlist_link_issue(entry=entry)]),
        )


def entry_undelivered(notification) -> None:
    """An offer that reached none of the person's channels: a call for a counselor (the
    time is held for the office's minutes; the counselor phones within them)."""
    if notification.kind != OFFERED:
        return
    entry = WaitlistEntry.objects.filter(pk=notification.owner_id).first()
    if entry is not None:
        phone_call_add_for_owner(
            owner_kind=WAITLIST_OWNER, owner_id=entry.pk, office_id=entry.office_id,
            kind=OFFERED, dedupe_key=f"undelivered:{notification.pk}",
        )  # fmt: skip


def register_notices() -> None:
    """Registers the waitlist's pointers and its undelivered handler with `notifications`
    (called once, at start-up)."""

    kind_pointers_register(dict.fromkeys(POINTER_KINDS, entry_pointer_render))
    undelivered_handler_register(WAITLIST_OWNER, entry_undelivered)
