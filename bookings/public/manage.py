"""
The booking's own page behind its secret link (予約の確認・キャンセル): the booking, its
calendar file, cancelling, agreeing to changed terms, and answering a proposed time.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.accommodation import accommodation_lines
from bookings.emails.ics import booking_ics
from bookings.exceptions import BookingInvalid
from bookings.forms import AccommodationForm
from bookings.models import AccessRecord, BookingChange, BookingStatus
from bookings.next_steps import booking_story
from bookings.public.channels import channels_context
from bookings.public.shared import (
    LINK_PAGE_REFERRER_POLICY,
    booking_or_404,
    record_use,
    token_page,
)
from bookings.selectors.bookings import (
    booking_can_cancel_online,
    cancellation_deadline,
    meeting_for_person,
)
from bookings.selectors.consent import booking_needs_reconsent
from bookings.services.accommodation import (
    accommodation_change_refusal,
    booking_accommodation_change,
)
from bookings.services.holds import answer_deadline
from bookings.services.public import (
    booking_accept_proposal,
    booking_cancel_by_applicant,
    booking_reconsent,
    booking_refuse_proposal,
)
from bookings.services.reschedule import booking_reschedule_refusal
from bookings.tokens import MANAGE
from common.errors import DomainError
from common.http import client_ip
from offices import display
from offices.accommodation import office_means
from offices.rules import rules_for_service
from terms.selectors import terms_in_force


def _manage_context(booking, now) -> dict:

    rules = rules_for_service(booking.service, booking.office)
    deadline = cancellation_deadline(booking)
    pending = booking.changes.filter(status=BookingChange.Status.PENDING).first()
    meeting = meeting_for_person(booking)
    return {
        **_accommodation_context(booking, now),
        "reschedule_refusal": booking_reschedule_refusal(booking, now),
        "pending_change": display.format_session(pending.to_start, pending.to_end)
        if pending
        else "",
        # By when a counselor answers the change, as a request's (services.holds).
        "change_answer_by": display.format_datetime(
            answer_deadline(
                booking,
                rules,
                sent=pending.requested_at,
                latest=min(pending.to_start, booking.start),
            )
        )
        if pending
        else "",
        "office": booking.office,
        "booking": booking,
        "when": display.format_session(booking.start, booking.end),
        "platform_guidance": display.platform_guidance(booking.office.platform),
        "common_preparation": display.common_preparation(),
        "session_rules": display.session_rules(grace_minutes=booking.office.no_show_grace_minutes),
        "can_cancel": booking_can_cancel_online(booking, now),
        "cancellation": display.cancellation_text(rules),
        "deadline": display.format_datetime(deadline - timedelta(minutes=1)) if deadline else "",
        "is_active": booking.is_active,
        "story": booking_story(booking, join_link=meeting is not None),
        "meeting": meeting,
        "book_again_url": reverse("booking-start", args=[booking.office.slug])
        + f"?service={booking.service.slug}",
    }


def _accommodation_context(booking, now) -> dict:
    """What the booking asks for, and the form to change it while it can be changed."""

    offered = bool(office_means(booking.office))
    can_change = offered and accommodation_change_refusal(booking, now) is None
    form = None
    if can_change:
        form = AccommodationForm(
            office=booking.office,
            changing=bool(booking.accommodations or booking.accommodation_other),
            initial={
                "accommodations": booking.accommodations,
                "accommodation_other": booking.accommodation_other,
            },
        )
    return {
        "accommodation_lines": accommodation_lines(booking),
        "accommodation_offered": offered,
        "accommodation_form": form,
    }


def _reconsent_context(booking, now) -> dict:

    if not booking_needs_reconsent(booking, now=now):
        return {"needs_reconsent": False}
    terms = terms_in_force(office=booking.office, at=now)
    summary = (
        terms.change_summary_en
        if get_language() == "en" and terms.change_summary_en
        else terms.change_summary
    )
    return {"needs_reconsent": True, "new_terms": terms, "new_terms_summary": summary}


def manage_context(request: HttpRequest, booking, token: str) -> dict:

    now = request.now
    context = {
        **_manage_context(booking, now), **_reconsent_context(booking, now),
        **channels_context(booking, token), "token": token,
    }  # fmt: skip
    if booking.status == BookingStatus.SWITCHED_TO_PHONE:
        switched = booking.events.filter(to_status=BookingStatus.SWITCHED_TO_PHONE).last()
        context["switched_at"] = display.format_datetime(switched.at) if switched else ""
    return context


@never_cache
def booking_manage(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_or_404(token, MANAGE)
    # No record of use here: mail scanners open links (a GET), people act (a POST).
    return token_page(request, "bookings/manage.html", manage_context(request, booking, token))


@never_cache
@require_http_methods(["POST"])
def booking_agree_view(request: HttpRequest, token: str) -> HttpResponse:
    """An employer agrees to the terms that changed since they booked (before the session)."""

    booking = booking_or_404(token, MANAGE)
    if request.POST.get("agree_terms") != "on":
        messages.error(request, _("To join, read the new terms of use and tick the box to agree."))
        return redirect("booking-manage", token=token)
    try:
        terms_id = int(request.POST.get("terms_version", ""))
    except ValueError:
        terms_id = None
    try:
        booking_reconsent(
            booking=booking, terms_version_id=terms_id, ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""), now=request.now,
        )  # fmt: skip
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Thank you. You agreed to the current terms of use."))
    return redirect("booking-manage", token=token)


@never_cache
def booking_calendar(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_or_404(token, MANAGE)
    ics = booking_ics(
        booking,
        manage_url=settings.SITE_URL.rstrip("/") + reverse("booking-manage", args=[token]),
        meeting=meeting_for_person(booking) if booking.is_active else None,
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.reference}.ics"'
    response["Referrer-Policy"] = LINK_PAGE_REFERRER_POLICY
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """A confirmation page (GET) and the cancellation itself (POST, with CSRF). A booking that
    holds no time any more (Back after cancelling) has nothing to cancel: its page says why."""
    booking = booking_or_404(token, MANAGE)
    if request.method == "GET" and not booking.is_active:
        return redirect("booking-manage", token=token)
    error = None
    if request.method == "POST":
        try:
            booking_cancel_by_applicant(
                booking=booking, reason=request.POST.get("reason", ""), now=request.now
            )
        except DomainError as refused:
            error = refused.message
        else:
            record_use(request, booking, AccessRecord.Kind.CANCELLED)
            messages.success(request, _("Your booking was cancelled."))
            return redirect("booking-manage", token=token)
    context = {**_manage_context(booking, request.now), "token": token, "error": error}
    return token_page(request, "bookings/cancel.html", context, status=409 if error else 200)


@never_cache
@require_http_methods(["POST"])
def booking_accept_proposal_view(request: HttpRequest, token: str) -> HttpResponse:
    """The person accepts the time a counselor proposed (a POST from the booking page)."""

    booking = booking_or_404(token, MANAGE)
    try:
        booking_accept_proposal(booking=booking, now=request.now)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        record_use(request, booking, AccessRecord.Kind.ACCEPTED)
        messages.success(request, _("Thank you. Your booking is confirmed at this time."))
    return redirect("booking-manage", token=token)


@never_cache
@require_http_methods(["POST"])
def booking_refuse_proposal_view(request: HttpRequest, token: str) -> HttpResponse:
    """ "This time does not suit me": the request goes back to the counselor."""

    booking = booking_or_404(token, MANAGE)
    try:
        booking_refuse_proposal(booking=booking, now=request.now)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _(
                "Thank you. We told the office the proposed time does not suit you; a "
                "counselor will contact you by email with another time."
            ),
        )
    return redirect("booking-manage", token=token)


@never_cache
@require_http_methods(["POST"])
def booking_accommodation_view(request: HttpRequest, token: str) -> HttpResponse:
    """The person changes the accommodation they asked for (a POST from the booking page)."""

    booking = booking_or_404(token, MANAGE)
    data = AccommodationForm(request.POST, office=booking.office).values()
    try:
        booking_accommodation_change(booking=booking, data=data, now=request.now)
    except BookingInvalid as invalid:
        for errors in invalid.errors.values():
            for error in errors:
                messages.error(request, error)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Saved: the office sees the accommodation shown below."),
        )
    return redirect(reverse("booking-manage", args=[token]) + "#accommodation")
