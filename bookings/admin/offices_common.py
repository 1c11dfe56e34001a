"""
What the office's and the counselor's pages share when a change would leave bookings wrong:
the choices, who a cancellation emails and who it puts on the phone list (by name), and the
report of what became of each booking.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from bookings.exceptions import BookingBusy
from bookings.models import Booking
from bookings.services.locking import booking_transaction, office_setup_change_lock
from offices import display

CANCEL, KEEP = "cancel", "keep"


def listed(bookings: list[Booking]) -> str:
    return "、".join(
        f"{b.reference} {display.format_session(b.start, b.end)} {b.name}" for b in bookings
    )


def who_is_told(bookings: list[Booking]) -> str:
    """Who a cancellation would email, and who it would put on the phone list, by name."""
    emailed = [b for b in bookings if b.email]
    phoned = [b for b in bookings if not b.email]
    parts = []
    if emailed:
        parts.append(_("If cancelled, emailed: %(list)s.") % {"list": listed(emailed)})
    if phoned:
        parts.append(
            _("No email, so put on the phone list for a counselor to call: %(list)s.")
            % {"list": listed(phoned)}
        )
    return " ".join(parts)


def who_was_told(bookings: list[Booking]) -> str:
    emailed = sum(1 for b in bookings if b.email)
    phoned = len(bookings) - emailed
    if not phoned:
        return _("Each person is emailed.")
    return _(
        "%(emailed)d emailed; %(phoned)d without email are on the phone list to be called."
    ) % {"emailed": emailed, "phoned": phoned}


def report_changes(model_admin, request, done: str, refused: list) -> None:
    """Says on the page what became of the bookings an office change touched: `done`, and
    each booking that could not be changed with why."""
    if done:
        model_admin.message_user(request, done)
    for booking, why in refused:
        model_admin.message_user(
            request,
            _("%(reference)s was not changed: %(why)s. It still stands; change it in the schedule.")
            % {"reference": booking.reference, "why": why},
            messages.WARNING,
        )


def cancelled_text(done: list[Booking]) -> str:
    if not done:
        return ""
    return _("%(count)d bookings were cancelled: %(list)s. %(who)s") % {
        "count": len(done), "list": listed(done), "who": who_was_told(done),
    }  # fmt: skip


class SetupChangeLocked:
    """
    For the office's and the counselor's admin: a save (POST) runs under the office's
    setup-change lock, from the question about the bookings it leaves wrong to the save, so
    no booking made meanwhile escapes the question (`office_setup_change_lock`). Busy (the
    lock not had in time) is a message and the page again, never a 500.
    """

    def office_of(self, obj):
        raise NotImplementedError

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if request.method != "POST" or obj is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            with booking_transaction():
                office_setup_change_lock(self.office_of(obj))
                return super().changeform_view(request, object_id, form_url, extra_context)
        except BookingBusy as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
