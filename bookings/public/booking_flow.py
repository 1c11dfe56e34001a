"""
Booking on the web: time -> details -> confirm -> done. Each view validates, calls one
service, and renders. The booking's own page behind its secret link is in `manage`.
"""

import uuid
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.exceptions import AlreadyBooked, BookingInvalid, RateLimited, SlotTaken
from bookings.forms import ROLE_LABELS, DetailsForm
from bookings.models import AccessRecord, Booking
from bookings.public.drafts import SESSION_KEY, keep_input, switch_language_keeping_input
from bookings.public.drafts import draft_of as _draft
from bookings.public.open_request import park_unless_proven, proof_context
from bookings.public.sent import (
    BOOKED_KEY,
    DONE_KEY,
    DONE_LINK_KEY,
    already_sent,
    record_booked,
)
from bookings.public.shared import (
    DAYS_PER_PAGE,
    LINK_PAGE_REFERRER_POLICY,
    confirm_accommodation_context,
    days_with_slots,
    done_context,
    office_and_service,
    parse_start,
    record_use,
    services_not_open,
)
from bookings.selectors.bookings import booking_made_here_at
from bookings.selectors.group_sessions import group_sessions_upcoming
from bookings.services.create import booking_create
from bookings.services.holds import hold_allowance_check, is_public_hold
from bookings.services.links import booking_link_issue
from bookings.services.public import booking_links_send, booking_resend_verification
from bookings.tokens import MANAGE
from bookings.validation import email_typo_suggestion, validate_applicant
from common.clock import JST
from common.dates import parse_day
from common.errors import DomainError
from common.http import client_ip
from offices import confirmation, display
from offices.models import Office
from offices.rules import rules_for_service
from terms.exceptions import TermsOutdated
from terms.selectors import consent_status, terms_in_force

CONFIRM_ERROR_KEY = "booking_confirm_error"


@never_cache
def booking_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 1: days with free times, times as large radio buttons."""
    office, service, services = office_and_service(slug, request.GET.get("service"))
    now = request.now
    today = now.astimezone(JST).date()
    rules = rules_for_service(service, office)
    # Any day typed in the address is kept between today and the end of the booking horizon.
    first_day = parse_day(request.GET.get("from")) or today
    first_day = min(max(first_day, today), today + timedelta(days=rules.horizon_days))
    address_full = _address_full(request, office, rules)
    context = {
        "office": office,
        "service": service,
        "services": services,
        # An address that made its requests today is told here, before anything is typed.
        "address_full": address_full,
        "services_not_open": services_not_open(office),
        "days": []
        if address_full
        else days_with_slots(service, first_day, now, public_hold=is_public_hold(rules)),
        "sessions": sessions_with_seats(service, now),
        "period": display.format_date(first_day)
        + " – "
        + display.format_date(first_day + timedelta(days=DAYS_PER_PAGE - 1)),
        "next_from": (first_day + timedelta(days=DAYS_PER_PAGE)).isoformat(),
        "previous_from": (first_day - timedelta(days=DAYS_PER_PAGE)).isoformat()
        if first_day > today
        else None,
        "more_days": first_day + timedelta(days=DAYS_PER_PAGE)
        <= today + timedelta(days=rules.horizon_days),
        "lead_time": display.lead_time_text(rules),
        "length": display.session_length_text(rules),
        "error": request.GET.get("error"),
    }
    return render(request, "bookings/choose_time.html", context)


def sessions_with_seats(service, now) -> list[dict]:
    """The service's upcoming group sessions, each with its seats left (one query)."""

    english = not (get_language() or "ja").startswith("ja")
    return [
        {
            "session": session,
            "title": session.title_en if english and session.title_en else session.display_title,
            "when": display.format_session(session.start, session.end),
            "left": max(0, session.capacity - session.taken),
        }
        for session in group_sessions_upcoming(service=service, now=now)
    ]


def _address_full(request: HttpRequest, office: Office, rules) -> str:
    """The time step's answer when this connection made its holds at the office today
    (services.holds), else "": asked before the person types their details."""

    if not is_public_hold(rules):
        return ""
    try:
        hold_allowance_check(office=office, ip_address=client_ip(request), now=request.now)
    except RateLimited as full:
        return str(full.message)
    return ""


@never_cache
@require_http_methods(["GET", "POST"])
def booking_details(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 2: who is booking. Checked now, so the confirm step only asks for agreement."""
    source = request.POST if request.method == "POST" else request.GET
    office, service, _services = office_and_service(slug, source.get("service"))
    start = parse_start(source.get("start"))
    if start is None:
        messages.error(request, _("Choose a time first."))
        return redirect(reverse("booking-start", args=[slug]) + f"?service={service.slug}")
    rules = rules_for_service(service, office)
    draft = _draft(request, slug)
    if request.method == "GET" and _address_full(request, office, rules):
        return redirect(reverse("booking-start", args=[slug]) + f"?service={service.slug}")
    if request.method == "POST" and request.POST.get("language"):
        return switch_language_keeping_input(request, slug, service, start, office, rules)
    if request.method == "POST" and request.POST.get("change_time"):
        # 「時間を変える」 keeps what was typed (unchecked) for the next details page.
        keep_input(request, slug, service, start, office, rules)
        return redirect(
            reverse("booking-start", args=[slug])
            + f"?service={service.slug}&from={start.astimezone(JST).date().isoformat()}"
        )
    if request.method == "POST":
        form = DetailsForm(request.POST, office=office, rules=rules)
        # Nothing is looked up by the address or number typed: the step answers the same
        # whatever they hold (issue 23); the booking's own checks tell them by email.
        if form.is_valid():
            request.session[SESSION_KEY] = {
                "office": slug,
                "service": service.slug,
                "start": start.isoformat(),
                "data": form.raw_data(),
                "idempotency_key": uuid.uuid4().hex,
            }
            return redirect("booking-confirm", slug=slug)
        # The errors answer this POST; Back or reload then asks for the page's GET address
        # (static/js/get-after-post.js), which shows what was typed, kept here.
        keep_input(request, slug, service, start, office, rules)
        get_url = (
            reverse("booking-details", args=[slug])
            + "?"
            + urlencode({"service": service.slug, "start": start.isoformat()})
        )
    else:
        initial = {}
        if draft:
            initial = {k: v for k, v in draft["data"].items() if k != "attendees"}
            for i, attendee in enumerate(draft["data"].get("attendees", [])[:2]):
                for key in ("role", "name", "affiliation"):
                    initial[f"attendee_{i}_{key}"] = attendee.get(key, "")
        form = DetailsForm(initial=initial, office=office, rules=rules)
    context = {
        "office": office,
        "service": service,
        "start": start.isoformat(),
        "when": display.format_session(start, start + timedelta(minutes=rules.slot_minutes)),
        "form": form,
        # The header's language button sends this form, so switching keeps what was typed.
        "language_switch_form": "details-form",
        "get_url": get_url if request.method == "POST" else "",
    }
    # 200 with the form and its errors: a 4xx would make Back ask to resubmit.
    return render(request, "bookings/details.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def booking_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 3: the terms in force and the agree box; the booking is made here."""
    draft = _draft(request, slug)
    if draft is None:
        # Back (or a resubmit) after sending: the page that says where it stands.
        sent = already_sent(request, slug)
        if sent is not None:
            return sent
        messages.error(request, _("Your session ended. Please choose a time again."))
        return redirect("booking-start", slug=slug)
    office, service, _services = office_and_service(slug, draft["service"])
    start = parse_start(draft["start"])
    now = request.now
    terms = terms_in_force(office=office, at=now)
    rules = rules_for_service(service, office)
    error, error_field = None, None
    if request.method == "POST":
        made_here = booking_made_here_at(
            booking_ids=request.session.get(BOOKED_KEY, []), office_slug=slug,
            email=draft["data"].get("email", ""), start=start,
            end=start + timedelta(minutes=rules.slot_minutes),
        )  # fmt: skip
        if made_here is not None:  # this browser booked it: nothing new is told
            return _already_booked(request, slug, AlreadyBooked("", existing=made_here))
        parked = park_unless_proven(request, slug, service, start, draft)
        if parked is not None:  # no proof of work: a request that holds no time
            return parked
        try:
            terms_id = int(request.POST.get("terms_version", ""))
        except ValueError:
            terms_id = None
        try:
            created = booking_create(
                service=service,
                start=start,
                data=draft["data"],
                terms_version_id=terms_id,
                agree_terms=request.POST.get("agree_terms") == "on",
                channel="web",
                language=get_language() or "ja",
                idempotency_key=draft["idempotency_key"],
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                now=request.now,
            )
        except SlotTaken as taken:
            messages.error(request, taken.message)
            return redirect(
                reverse("booking-start", args=[slug])
                + f"?service={service.slug}&from={start.date().isoformat()}"
            )
        except AlreadyBooked as already:
            return _already_booked(request, slug, already)
        except TermsOutdated as outdated:
            error, error_field = outdated.message, "agree_terms"
        except BookingInvalid as invalid:
            if set(invalid.errors) == {"agree_terms"}:
                error, error_field = invalid.errors["agree_terms"][0], "agree_terms"
            else:
                messages.error(request, _("Please check your details."))
                return redirect(
                    reverse("booking-details", args=[slug])
                    + f"?service={service.slug}&start={draft['start']}"
                )
        except DomainError as refused:
            error = refused.message
        else:
            if not created.replayed:
                record_use(request, created.booking, AccessRecord.Kind.BOOKED)
            # The manage link, shown once on the done page and then dropped from the session.
            record_booked(request, created.booking, created.manage_token)
            request.session.pop(SESSION_KEY, None)
            return redirect("booking-done", slug=slug)
        # Redirect after the post: Back and reload never ask to send the form again.
        request.session[CONFIRM_ERROR_KEY] = {"message": str(error), "field": error_field}
        return redirect("booking-confirm", slug=slug)
    shown = request.session.pop(CONFIRM_ERROR_KEY, None)
    if shown:
        error, error_field = shown["message"], shown["field"]
    person, _errors = validate_applicant(draft["data"], office=office, rules=rules)
    context = {
        "office": office,
        "service": service,
        "consent": _consent_status(office, now),
        **confirm_accommodation_context(office, rules, start, person),
        "draft": draft["data"],
        "person": person,
        "attendees": [
            {**a, "role_label": ROLE_LABELS.get(a["role"], a["role"])} for a in person.attendees
        ],
        "terms": terms,
        "terms_html": (
            terms.body_en_html if get_language() == "en" and terms.body_en_html else terms.body_html
        )
        if terms
        else "",
        "confirmation": confirmation.confirmation_text(rules),
        "confirmation_phone": confirmation.confirmation_asks_to_phone(rules),
        "submit": display.submit_button(rules),
        **proof_context(office, now),
        "error": error,
        "error_field": error_field,
        "email_suggestion": email_typo_suggestion(person.email),
    }
    return render(request, "bookings/confirm.html", context)


def _already_booked(request: HttpRequest, slug: str, already: AlreadyBooked) -> HttpResponse:
    """
    A second booking overlapping the first. Booked from this browser: the first one's
    page is linked. Otherwise only the email address's owner can reach it (its link is in
    their email), so nothing about it is shown.
    """

    existing = already.existing  # the draft stays: another time keeps what was typed
    if existing.pk in request.session.get(BOOKED_KEY, []):
        link = reverse(
            "booking-manage", args=[booking_link_issue(booking=existing, purpose=MANAGE)]
        )
        messages.error(
            request,
            format_html(
                "{} <a href=\"{}\">{}</a>",
                _("You already booked this time (%(reference)s). A second booking at the same "
                  "time is not possible.") % {"reference": existing.reference},
                link,
                _("Open your booking"),
            ),
        )  # fmt: skip
    else:
        booking_links_send(
            office=existing.office, email=existing.email, language=get_language(), now=request.now
        )
        messages.error(
            request,
            _(
                "This email address already has a booking at this office at this time. "
                "We sent its link to that address; choose another time to book a second "
                "session."
            ),
        )
    return redirect(reverse("booking-start", args=[slug]) + f"?service={existing.service.slug}")


def _consent_status(office: Office, now):
    """
    The terms to agree to, the same for everyone: the page never looks the typed number or
    email up, so it cannot tell a stranger whether that person has used the office. What
    changed in this version is shown to everyone (`terms.change_summary`).
    """
    return consent_status(office=office, applicant_uuid=None, at=now)


@never_cache
def booking_done(request: HttpRequest, slug: str) -> HttpResponse:

    booking_id = request.session.get(DONE_KEY)
    booking = (
        Booking.objects.select_related("office", "service")
        .filter(pk=booking_id, office__slug=slug)
        .first()
    )
    if booking is None:
        return redirect("office-detail", slug=slug)
    token = request.session.pop(DONE_LINK_KEY, None)
    if token is None and booking.pk in request.session.get(BOOKED_KEY, []):
        # Back to the done page in the browser that booked: a link of its own again.
        token = booking_link_issue(booking=booking, purpose=MANAGE)
    manage_url = reverse("booking-manage", args=[token]) if token else ""
    response = render(request, "bookings/done.html", done_context(booking, manage_url))
    response["Referrer-Policy"] = LINK_PAGE_REFERRER_POLICY
    return response


@never_cache
@require_http_methods(["POST"])
def booking_done_resend(request: HttpRequest, slug: str) -> HttpResponse:
    """The email-check email again, to the booking's own address (rate-limited)."""

    booking = Booking.objects.filter(pk=request.session.get(DONE_KEY), office__slug=slug).first()
    if booking is None:
        return redirect("office-detail", slug=slug)
    try:
        booking_resend_verification(booking=booking, now=request.now)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("We sent the email again to %(email)s.") % {"email": booking.email},
        )
    return redirect("booking-done", slug=slug)
