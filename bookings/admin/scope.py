"""
What the counselor's pages share: the office and day asked for (limited to the user's own
office: another office's booking or schedule asked for by address is a 404), the booking
by id, the change permission, and the schedule's address.
"""

from datetime import date

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from bookings.models import Booking
from common.clock import JST
from common.dates import EARLIEST, LATEST, parse_day
from offices.models import Office

PHONE_DAYS = 21  # how far ahead the phone form (and a proposal) lists free times


def today(request: HttpRequest) -> date:
    return request.now.astimezone(JST).date()


def offices_for(request: HttpRequest) -> QuerySet[Office]:
    if request.user.is_superuser:
        return Office.objects.order_by("pk")
    return Office.objects.filter(pk=request.user.office_id)


def office_for(request: HttpRequest) -> Office:
    """The office asked for (`?office=<slug>`), which must be the user's own: else 404."""
    offices = offices_for(request)
    slug = request.GET.get("office") or request.POST.get("office")
    office = offices.filter(slug=slug).first() if slug else offices.first()
    if office is None:
        raise Http404
    return office


def day_asked(request: HttpRequest) -> date:
    """The day asked for (`?date=YYYY-MM-DD`, 2000 to 2100), else today with a warning."""
    value = request.GET.get("date") or request.POST.get("date")
    if not value:
        return today(request)
    day = parse_day(value)
    if day is None:
        messages.warning(
            request,
            _("“%(value)s” is not a date between %(first)s and %(last)s: today is shown.")
            % {"value": value[:20], "first": EARLIEST, "last": LATEST},
        )
        return today(request)
    return day


def day_to_return_to(request: HttpRequest, default: date) -> date:
    """The schedule's day the counselor came from (`back=YYYY-MM-DD`), else `default`: after
    a phone booking or a proposal the schedule stays on the day it showed."""
    return parse_day(request.POST.get("back") or request.GET.get("back")) or default


def schedule_url(office: Office, day: date) -> str:
    query = urlencode({"office": office.slug, "date": day.isoformat()})
    return reverse("admin:bookings_booking_schedule") + "?" + query


def booking_or_404(model_admin: ModelAdmin, request: HttpRequest, booking_id) -> Booking:
    booking = (
        model_admin.get_queryset(request)
        .select_related("office", "service", "counselor")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise Http404
    return booking


def require_change(model_admin: ModelAdmin, request: HttpRequest) -> None:
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
