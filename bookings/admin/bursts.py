"""Suspicious bursts of public bookings at the office (bookings.selectors.bursts), and
declining one in a single action (bookings.services.bursts)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bookings.admin.scope import office_for, offices_for, require_change
from bookings.selectors.bursts import BURST_HOURS, BURST_MIN_BOOKINGS, booking_bursts
from bookings.services.bursts import burst_decline
from common.errors import DomainError


def bursts_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """The office's bursts; `?decline=<network>` asks to confirm declining one (a POST)."""

    office = office_for(request)
    here = request.path + "?" + urlencode({"office": office.slug})
    error = None
    if request.method == "POST":
        require_change(model_admin, request)
        try:
            declined = burst_decline(
                office=office, network=request.POST.get("network", "")[:16],
                by=request.user, reason=request.POST.get("reason", "")[:300],
                message=request.POST.get("message", "")[:300], now=request.now,
            )  # fmt: skip
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _("%(count)s requests were declined; each person was emailed.")
                % {"count": declined},
            )
            return redirect(here)
    bursts = booking_bursts(office=office, now=request.now)
    asked = request.POST.get("network") or request.GET.get("decline")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Suspicious bursts of bookings"),
        "office": office,
        "offices": offices_for(request),
        "bursts": bursts,
        "declining": next((b for b in bursts if b.network == asked), None),
        "error": error,
        "reason": request.POST.get("reason", ""),
        "message": request.POST.get("message", ""),
        "hours": BURST_HOURS,
        "at_least": BURST_MIN_BOOKINGS,
        "can_change": model_admin.has_change_permission(request),
    }
    return render(request, "admin/bookings/bursts.html", context, status=400 if error else 200)
