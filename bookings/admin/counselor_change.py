"""Giving a booking to another counselor at the same time (a counselor off sick)."""

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bookings.admin.scope import booking_or_404, require_change, schedule_url
from bookings.selectors.counselors import counselor_choices
from bookings.services.counselor_change import booking_change_counselor
from common.clock import JST
from common.errors import DomainError
from offices import display


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def change_counselor_view(
    model_admin: ModelAdmin, request: HttpRequest, booking_id: int
) -> HttpResponse:
    """The office's other counselors, free ones to choose, the rest with why not; then the
    change through `booking_change_counselor`, back to the day's schedule."""
    require_change(model_admin, request)
    booking = booking_or_404(model_admin, request, booking_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            booking_change_counselor(
                booking=booking, by=request.user,
                counselor_id=_int(request.POST.get("counselor")),
                reason=request.POST.get("reason", ""), now=request.now,
            )  # fmt: skip
        except DomainError as refused:
            errors = refused.texts()
        else:
            booking.refresh_from_db()
            messages.success(
                request,
                _(
                    "%(reference)s: now with %(counselor)s. The person is not emailed: "
                    "nothing they see changes."
                )
                % {"reference": booking.reference, "counselor": booking.counselor.display_name},
                extra_tags=f"booking-{booking.pk}",
            )
            day = booking.start.astimezone(JST).date()
            return redirect(schedule_url(booking.office, day) + f"#result-{booking.pk}")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Change counselor"),
        "booking": booking,
        "when": display.format_session(booking.start, booking.end),
        "choices": counselor_choices(booking, now=request.now),
        "errors": errors,
        "reason": request.POST.get("reason", ""),
        "schedule_url": schedule_url(booking.office, booking.start.astimezone(JST).date())
        + f"#booking-{booking.pk}",
    }
    return render(
        request, "admin/bookings/change_counselor.html", context, status=409 if errors else 200
    )
