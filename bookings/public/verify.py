"""
The email-check link (メールアドレスの確認): the page says which booking; only its button
(a POST) confirms it.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.models import AccessRecord, BookingStatus
from bookings.next_steps import booking_story
from bookings.public.shared import booking_or_404, record_use, token_page
from bookings.selectors.bookings import meeting_for_person
from bookings.services.links import booking_link_issue
from bookings.services.public import booking_verify
from bookings.tokens import MANAGE, VERIFY
from common.errors import DomainError
from common.http import client_ip
from offices import display


@never_cache
@require_http_methods(["GET", "POST"])
def booking_verify_view(request: HttpRequest, token: str) -> HttpResponse:
    """The email-check link opens a page; only its button (a POST) confirms. A GET stores
    nothing: the link to the booking page is issued by a POST (the button again, once
    confirmed), never one per GET (issue 23)."""
    booking = booking_or_404(token, VERIFY)
    error = None
    if request.method == "POST":
        try:
            booking = booking_verify(token=token, ip_address=client_ip(request), now=request.now)
        except DomainError as refused:
            error = refused.message
        else:
            record_use(request, booking, AccessRecord.Kind.VERIFIED)
            return redirect(
                "booking-manage", token=booking_link_issue(booking=booking, purpose=MANAGE)
            )
    booking.refresh_from_db()
    context = {
        "office": booking.office,
        "booking": booking,
        "when": display.format_session(booking.start, booking.end),
        "pending": booking.status in (BookingStatus.PENDING_VERIFICATION, BookingStatus.REQUESTED)
        and booking.verification_expires_at is not None
        and booking.verification_expires_at > request.now,
        "lapsed": booking.status == BookingStatus.EXPIRED
        or (
            booking.status == BookingStatus.PENDING_VERIFICATION
            and booking.verification_expires_at <= request.now
        ),
        "done": booking.status not in (BookingStatus.PENDING_VERIFICATION, BookingStatus.EXPIRED),
        "book_again_url": reverse("booking-start", args=[booking.office.slug])
        + f"?service={booking.service.slug}",
        "until": display.format_datetime(booking.verification_expires_at)
        if booking.verification_expires_at
        else "",
        "story": booking_story(booking, join_link=meeting_for_person(booking) is not None),
        "error": error,
        "token": token,
    }
    return token_page(request, "bookings/verify.html", context, status=409 if error else 200)
