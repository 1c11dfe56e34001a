"""Proposing another free time for a request; the person accepts it from their page."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bookings.admin.scope import (
    PHONE_DAYS,
    booking_or_404,
    day_to_return_to,
    require_change,
    schedule_url,
)
from bookings.selectors.availability import slot_list_available
from bookings.services.staff import booking_propose_time
from common.clock import JST
from common.errors import DomainError
from offices import display


def propose_view(model_admin: ModelAdmin, request: HttpRequest, booking_id: int) -> HttpResponse:
    """Offer the person of a request another free time; they accept it from their page."""
    require_change(model_admin, request)
    booking = booking_or_404(model_admin, request, booking_id)
    now = request.now
    first_day = now.astimezone(JST).date()
    slots = slot_list_available(
        service=booking.service, first_day=first_day,
        last_day=first_day + timedelta(days=PHONE_DAYS), now=now,
    )  # fmt: skip
    error = None
    was_on = booking.start.astimezone(JST).date()
    if request.method == "POST":
        choice = request.POST.get("start", "")
        try:
            start = datetime.fromisoformat(choice)
            booking_propose_time(booking=booking, by=request.user, start=start, now=request.now)
        except ValueError:
            error = _("Choose one of the free times.")
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _("%(reference)s: the new time was proposed to the person by email.")
                % {"reference": booking.reference},
            )
            return redirect(schedule_url(booking.office, day_to_return_to(request, was_on)))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Propose another time"),
        "booking": booking,
        "when": display.format_session(booking.start, booking.end),
        "days": _by_day(slots),
        "back": (request.GET.get("back") or request.POST.get("back") or "")[:10],
        "error": error,
    }
    return render(request, "admin/bookings/propose.html", context, status=409 if error else 200)


def _by_day(slots) -> list[tuple[str, list[tuple[str, str]]]]:
    """The free times grouped by day: (the day, [(value, "10:00〜10:30"), ...])."""
    days: dict = {}
    for slot in slots:
        start, end = slot.start.astimezone(JST), slot.end.astimezone(JST)
        days.setdefault(start.date(), []).append(
            (slot.start.isoformat(), f"{start:%H:%M}〜{end:%H:%M}")
        )
    return [(display.format_date(day), times) for day, times in days.items()]
