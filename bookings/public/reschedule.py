"""
Changing the time (予約の変更) from the booking page, in the booking flow's steps: the free
times of the same service by day (GET, the day picker and the sticky 「次へ」 bar of the time
page), the confirm step ("from X to Y: change?", GET: Back and reload never send anything)
and the move itself (its button's POST, with CSRF), through `booking_reschedule_by_applicant`.
"""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bookings.exceptions import BookingInvalid, SlotTaken
from bookings.models import BookingChange
from bookings.public.shared import (
    DAYS_PER_PAGE,
    booking_or_404,
    days_with_slots,
    parse_start,
    token_page,
)
from bookings.selectors.slots import slot_at
from bookings.services.reschedule import (
    booking_reschedule_by_applicant,
    booking_reschedule_refusal,
)
from common.clock import JST
from common.dates import parse_day
from common.errors import DomainError
from offices import display
from offices.rules import rules_for_service


@never_cache
@require_http_methods(["GET", "POST"])
def booking_change(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_or_404(token, "manage")
    now = request.now
    error, status = None, 200
    if request.method == "POST":
        try:
            result = booking_reschedule_by_applicant(
                booking=booking, start=parse_start(request.POST.get("start")), now=now
            )
        except BookingInvalid as invalid:
            error, status = next(iter(invalid.errors.values()))[0], 400
        except SlotTaken as taken:
            error, status = taken.message, 409
        except DomainError as refused:
            error, status = refused.message, 409
        else:
            if result.change is not None:
                messages.success(
                    request,
                    _(
                        "Your request to change the time was sent. A counselor will confirm "
                        "it; until then your booking keeps its present time."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("Your booking was moved to %(when)s. We sent you an email with the new time.")
                    % {"when": display.format_session(result.booking.start, result.booking.end)},
                )
            return redirect("booking-manage", token=token)
        booking.refresh_from_db()
    return token_page(
        request, "bookings/change.html", _times(request, booking, token, error), status=status
    )


def _times(request: HttpRequest, booking, token: str, error) -> dict:
    """The change page: the booking's free times by day (not its present time)."""
    now = request.now
    today = now.astimezone(JST).date()
    first_day = max(parse_day(request.GET.get("from")) or today, today)
    refusal = booking_reschedule_refusal(booking, now)
    rules = rules_for_service(booking.service, booking.office)
    days = []
    if refusal is None:
        for day in days_with_slots(booking.service, first_day, now):
            present = booking.start.astimezone(JST).isoformat()
            day["slots"] = [s for s in day["slots"] if s["value"] != present]
            if day["slots"]:
                days.append(day)
    pending = booking.changes.filter(status=BookingChange.Status.PENDING).first()
    context = {
        "office": booking.office,
        "booking": booking,
        "token": token,
        "when": display.format_session(booking.start, booking.end),
        "refusal": refusal,
        "error": error,
        "days": days,
        "pending": display.format_session(pending.to_start, pending.to_end) if pending else "",
        "left": max(rules.reschedule_limit - booking.reschedule_count, 0),
        "period": display.format_date(first_day)
        + " – "
        + display.format_date(first_day + timedelta(days=DAYS_PER_PAGE - 1)),
        "next_from": (first_day + timedelta(days=DAYS_PER_PAGE)).isoformat(),
        "previous_from": (first_day - timedelta(days=DAYS_PER_PAGE)).isoformat()
        if first_day > today
        else None,
        "more_days": first_day + timedelta(days=DAYS_PER_PAGE)
        <= today + timedelta(days=rules.horizon_days),
    }
    return context


def _needs_approval(booking) -> bool:
    """A move of this booking is a request a counselor confirms (it keeps its time till then)."""
    rules = rules_for_service(booking.service, booking.office)
    return rules.needs_staff_approval and booking.status == "confirmed"


@never_cache
@require_GET
def booking_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The confirm step: the present time, the chosen one, and the button that moves (or asks
    for) it. Anything but a free time of this booking goes back to the times with a message;
    Back after the change (the booking at that time, or asking for it) opens the booking."""
    booking = booking_or_404(token, "manage")
    now = request.now
    times = reverse("booking-change", args=[token])
    if booking_reschedule_refusal(booking, now):
        return redirect(times)  # the change page says why, and whom to phone
    start = parse_start(request.GET.get("start"))
    if start is None:
        messages.error(request, _("Choose one of the free times."))
        return redirect(times)
    start = start.astimezone(JST)
    pending = booking.changes.filter(status=BookingChange.Status.PENDING, to_start=start)
    if start == booking.start or pending.exists():
        messages.info(request, _("You already sent this. Where it stands is below."))
        return redirect("booking-manage", token=token)
    times += f"?from={start.date().isoformat()}"
    if slot_at(service=booking.service, start=start, now=now) is None:
        messages.error(request, _("That time was just taken. Please choose another time."))
        return redirect(times)
    context = {
        "office": booking.office,
        "booking": booking,
        "token": token,
        "start": start.isoformat(),
        # The time zone once, after the new time (offices.display, in a language but Japanese).
        "was": display.format_session(booking.start, booking.end, zone=False),
        "to": display.format_session(start, start + (booking.end - booking.start)),
        "needs_approval": _needs_approval(booking),
        "times": times,
    }
    return token_page(request, "bookings/change_confirm.html", context)
