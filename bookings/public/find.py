"""
予約の確認: the reference and email address in, a link to the booking page out by email.
The page answers the same whether or not they matched, and never shows the link.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.exceptions import BookingInvalid, RateLimited
from bookings.forms import FindBookingForm
from bookings.services.find import booking_link_resend
from common.http import client_ip
from offices.models import Office


def _office_asked(request: HttpRequest) -> Office | None:
    """The office whose page led here (`?office=<slug>`, kept through the form): the
    reference alone does not say which office a booking is at, and the page must not."""
    slug = (request.POST.get("office") or request.GET.get("office") or "").strip()
    return Office.objects.filter(slug=slug[:60], is_published=True).first() if slug else None


@never_cache
@require_http_methods(["GET", "POST"])
def booking_find(request: HttpRequest) -> HttpResponse:
    form = FindBookingForm(request.POST or None)
    sent, limited, status = False, None, 200
    if request.method == "POST" and not form.is_valid():
        status = 400
    elif request.method == "POST":
        try:
            booking_link_resend(
                reference=form.cleaned_data["reference"],
                email=form.cleaned_data["email"],
                ip_address=client_ip(request),
                now=request.now,
            )
        except BookingInvalid as invalid:
            for name, errors in invalid.errors.items():
                for error in errors:
                    form.add_error(name, error)
            status = 400
        except RateLimited as refused:
            limited, status = refused.message, 429
        else:
            sent = True
    response = render(
        request,
        "bookings/find.html",
        {"form": form, "sent": sent, "limited": limited, "office": _office_asked(request)},
        status=status,
    )
    if limited:
        response["Retry-After"] = "3600"
    return response
