"""
Public booking pages: time -> details -> confirm -> done, then the booking's own page
behind its secret link. Each view validates, calls one service, and renders.
"""

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.emails.ics import booking_ics
from bookings.exceptions import AlreadyBooked, BookingError, BookingInvalid, SlotTaken
from bookings.forms import ROLE_LABELS, DetailsForm
from bookings.models import AccessRecord, BookingStatus
from bookings.selectors.availability_cache import slot_list_cached
from bookings.selectors.bookings import (
    booking_can_cancel_online,
    booking_get_by_token,
    cancellation_deadline,
    session_before_next_business_day,
)
from bookings.services.create import booking_create
from bookings.services.links import booking_link_issue
from bookings.services.public import booking_cancel_by_applicant, booking_verify
from bookings.tokens import MANAGE, VERIFY
from bookings.validation import validate_applicant
from common.clock import JST
from common.dates import parse_day, parse_moment
from common.http import client_ip
from offices import display
from offices.models import Office, Service
from offices.rules import rules_for_service
from terms.exceptions import TermsError, TermsOutdated
from terms.selectors import consent_status, terms_in_force

DAYS_PER_PAGE = 14
SESSION_KEY = "booking_draft"
# The bookings made from this browser session (ids), so a second overlapping one can link
# the first without telling anyone else that an address has bookings.
BOOKED_KEY = "bookings_made"
CONFIRM_ERROR_KEY = "booking_confirm_error"
# Pages behind a secret link never leak it to other sites through the Referer header.
# "same-origin" rather than "no-referrer": under no-referrer, browsers send `Origin: null`
# with the page's own form posts (verify, cancel), which CSRF protection must refuse.
logger = logging.getLogger(__name__)

LINK_PAGE_REFERRER_POLICY = "same-origin"


def _office_and_service(
    slug: str, service_slug: str | None
) -> tuple[Office, Service, list[Service]]:
    try:
        office = Office.objects.get(slug=slug, is_published=True)
    except Office.DoesNotExist:
        raise Http404 from None
    services = list(
        Service.objects.filter(office=office, is_active=True, accepts_web=True)
        .select_related("office")
        .order_by("position", "slug")
    )
    if not services:
        raise Http404
    chosen = next((s for s in services if s.slug == service_slug), services[0])
    return office, chosen, services


def _parse_start(value: str | None) -> datetime | None:
    return parse_moment(value)


def _days_with_slots(service: Service, first_day, now):
    slots = slot_list_cached(
        service=service,
        first_day=first_day,
        last_day=first_day + timedelta(days=DAYS_PER_PAGE - 1),
        now=now,
    )
    days: dict = {}
    for slot in slots:
        days.setdefault(slot.start.date(), []).append(slot)
    return [
        {
            "date": day,
            "label": display.format_date(day),
            "slots": [
                {
                    "value": slot.start.isoformat(),
                    "label": display.format_window(slot.start.timetz(), slot.end.timetz()),
                }
                for slot in day_slots
            ],
        }
        for day, day_slots in sorted(days.items())
    ]


@never_cache
def booking_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 1: days with free times, times as large radio buttons."""
    office, service, services = _office_and_service(slug, request.GET.get("service"))
    now = request.now
    today = now.astimezone(JST).date()
    rules = rules_for_service(service, office)
    # Any day typed in the address is kept between today and the end of the booking horizon.
    first_day = parse_day(request.GET.get("from")) or today
    first_day = min(max(first_day, today), today + timedelta(days=rules.horizon_days))
    context = {
        "office": office,
        "service": service,
        "services": services,
        "days": _days_with_slots(service, first_day, now),
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


def _draft(request: HttpRequest, slug: str) -> dict | None:
    draft = request.session.get(SESSION_KEY)
    return draft if draft and draft.get("office") == slug else None


@never_cache
@require_http_methods(["GET", "POST"])
def booking_details(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 2: who is booking. Checked now, so the confirm step only asks for agreement."""
    source = request.POST if request.method == "POST" else request.GET
    office, service, _services = _office_and_service(slug, source.get("service"))
    start = _parse_start(source.get("start"))
    if start is None:
        messages.error(request, _("Choose a time first."))
        return redirect(reverse("booking-start", args=[slug]) + f"?service={service.slug}")
    rules = rules_for_service(service, office)
    draft = _draft(request, slug)
    if request.method == "POST" and request.POST.get("language"):
        return _switch_language_keeping_input(request, slug, service, start, office, rules)
    if request.method == "POST":
        form = DetailsForm(request.POST, office=office, rules=rules)
        if form.is_valid():
            _refuse_over_the_cap(form, office, request.now)
        if form.is_valid():
            request.session[SESSION_KEY] = {
                "office": slug,
                "service": service.slug,
                "start": start.isoformat(),
                "data": form.raw_data(),
                "idempotency_key": uuid.uuid4().hex,
            }
            return redirect("booking-confirm", slug=slug)
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
    }
    # 200 with the form and its errors: a 4xx would make Back ask to resubmit.
    return render(request, "bookings/details.html", context)


def _switch_language_keeping_input(request, slug, service, start, office, rules) -> HttpResponse:
    """The language switch pressed mid-form: keep the input (unchecked) and show it again."""
    language = request.POST["language"]
    # What was typed, unchecked: the errors are shown when the form is sent.
    form = DetailsForm(request.POST, office=office, rules=rules)
    data = form.raw_data_from({name: form.data.get(name, "") for name in form.fields})
    previous = _draft(request, slug) or {}
    request.session[SESSION_KEY] = {
        **previous,
        "office": slug,
        "service": service.slug,
        "start": start.isoformat(),
        "data": data,
        "idempotency_key": previous.get("idempotency_key") or uuid.uuid4().hex,
    }
    target = reverse("booking-details", args=[slug]) + f"?service={service.slug}&start="
    target += start.isoformat().replace("+", "%2B")
    response = redirect(target)
    if language in {code for code, _name in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
        )  # fmt: skip
    return response


def _refuse_over_the_cap(form: DetailsForm, office: Office, now) -> None:
    """
    The cap on upcoming bookings, checked at the details step rather than after the terms.
    Counted by the email address typed (the address the bookings' links went to), and the
    message names no number of bookings.
    """
    from bookings.selectors.bookings import upcoming_count_for_email

    email = form.cleaned_email()
    if not email:
        return
    limit = settings.BOOKING_MAX_UPCOMING_PER_PERSON
    if upcoming_count_for_email(office=office, email=email, now=now) >= limit:
        from bookings.services.public import booking_links_send

        booking_links_send(office=office, email=email, language=get_language(), now=now)
        form.add_error(
            "email",
            _(
                "No more upcoming bookings can be made with this email address at this "
                "office now (at most %(max)d per person). We sent the links to your bookings "
                "to this address: cancel one there, or book after a session."
            )
            % {"max": limit},
        )


@never_cache
@require_http_methods(["GET", "POST"])
def booking_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 3: the terms in force and the agree box; the booking is made here."""
    draft = _draft(request, slug)
    if draft is None and _booked_here(request, slug):
        # Back (or a resubmit) after booking: the booking is made; show it, not an error.
        messages.info(request, _("Your booking is complete. Its details are below."))
        return redirect("booking-done", slug=slug)
    if draft is None:
        messages.error(request, _("Your session ended. Please choose a time again."))
        return redirect("booking-start", slug=slug)
    office, service, _services = _office_and_service(slug, draft["service"])
    start = _parse_start(draft["start"])
    now = request.now
    terms = terms_in_force(office=office, at=now)
    rules = rules_for_service(service, office)
    error, error_field = None, None
    if request.method == "POST":
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
        except (BookingError, TermsError) as refused:
            error = refused.message
        else:
            if not created.replayed:
                _record(request, created.booking, AccessRecord.Kind.BOOKED)
            request.session["booking_done"] = created.booking.pk
            # The manage link, shown once on the done page and then dropped from the session.
            request.session["booking_done_token"] = created.manage_token
            request.session[BOOKED_KEY] = [
                *request.session.get(BOOKED_KEY, [])[-9:],
                created.booking.pk,
            ]
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
        "when": display.format_session(start, start + timedelta(minutes=rules.slot_minutes)),
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
        "confirmation": display.confirmation_text(rules),
        "error": error,
        "error_field": error_field,
    }
    return render(request, "bookings/confirm.html", context)


def _booked_here(request: HttpRequest, slug: str) -> bool:
    from bookings.models import Booking

    booking_id = request.session.get("booking_done")
    return bool(booking_id) and Booking.objects.filter(pk=booking_id, office__slug=slug).exists()


def _already_booked(request: HttpRequest, slug: str, already: AlreadyBooked) -> HttpResponse:
    """
    A second booking overlapping the first. Booked from this browser: the first one's
    page is linked. Otherwise only the email address's owner can reach it (its link is in
    their email), so nothing about it is shown.
    """
    from django.utils.html import format_html

    existing = already.existing
    request.session.pop(SESSION_KEY, None)
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
        from bookings.services.public import booking_links_send

        booking_links_send(
            office=existing.office, email=existing.email, language=get_language(), now=request.now
        )
        messages.error(request, already.message)
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
    from bookings.models import Booking

    booking_id = request.session.get("booking_done")
    booking = (
        Booking.objects.select_related("office", "service")
        .filter(pk=booking_id, office__slug=slug)
        .first()
    )
    if booking is None:
        return redirect("office-detail", slug=slug)
    rules = rules_for_service(booking.service, booking.office)
    token = request.session.pop("booking_done_token", None)
    if token is None and booking.pk in request.session.get(BOOKED_KEY, []):
        # Back to the done page in the browser that booked: a link of its own again.
        token = booking_link_issue(booking=booking, purpose=MANAGE)
    context = {
        "office": booking.office,
        "booking": booking,
        "when": display.format_session(booking.start, booking.end),
        "manage_url": reverse("booking-manage", args=[token]) if token else "",
        "verify_window": display.format_duration(rules.email_verification_minutes),
        "session_before_next_business_day": session_before_next_business_day(booking, request.now),
    }
    response = render(request, "bookings/done.html", context)
    response["Referrer-Policy"] = LINK_PAGE_REFERRER_POLICY
    return response


@never_cache
@require_http_methods(["POST"])
def booking_done_resend(request: HttpRequest, slug: str) -> HttpResponse:
    """The email-check email again, to the booking's own address (rate-limited)."""
    from bookings.models import Booking
    from bookings.services.public import booking_resend_verification

    booking = Booking.objects.filter(
        pk=request.session.get("booking_done"), office__slug=slug
    ).first()
    if booking is None:
        return redirect("office-detail", slug=slug)
    try:
        booking_resend_verification(booking=booking, now=request.now)
    except BookingError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("We sent the email again to %(email)s.") % {"email": booking.email},
        )
    return redirect("booking-done", slug=slug)


def _record(request: HttpRequest, booking, kind: str) -> None:
    """A record of use (pseudonymous device); never fails the page."""
    from bookings.services.access_records import access_record

    try:
        with transaction.atomic():
            access_record(
                booking=booking, kind=kind, ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""), now=request.now,
            )  # fmt: skip
    except DatabaseError:
        logger.warning("record of use for booking id=%s not written", booking.pk)


def _booking_or_404(token: str, purpose: str):
    booking = booking_get_by_token(token=token, purpose=purpose)
    if booking is None:
        raise Http404
    return booking


def _token_page(
    request: HttpRequest, template: str, context: dict, status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Referrer-Policy"] = LINK_PAGE_REFERRER_POLICY
    response["X-Robots-Tag"] = "noindex"
    return response


def _public_meeting(booking) -> dict | None:
    """What the applicant may see of the meeting: never the host link."""
    from bookings.selectors.bookings import meeting_for
    from conferencing.models import OnlineMeeting

    meeting = meeting_for(booking)
    if meeting is None or meeting.status != OnlineMeeting.Status.ISSUED:
        return None
    zoom = booking.office.platform == "zoom"
    return {
        "join_url": meeting.join_url,
        "meeting_number": meeting.meeting_number if zoom else "",
        "passcode": meeting.passcode if zoom else "",
    }


def _manage_context(booking, now) -> dict:
    from bookings.models import BookingChange
    from bookings.services.reschedule import booking_reschedule_refusal

    rules = rules_for_service(booking.service, booking.office)
    deadline = cancellation_deadline(booking)
    pending = booking.changes.filter(status=BookingChange.Status.PENDING).first()
    return {
        "reschedule_refusal": booking_reschedule_refusal(booking, now),
        "pending_change": display.format_session(pending.to_start, pending.to_end)
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
        "meeting": _public_meeting(booking),
        "book_again_url": reverse("booking-start", args=[booking.office.slug])
        + f"?service={booking.service.slug}",
    }


def _reconsent_context(booking, now) -> dict:
    from bookings.selectors.consent import booking_needs_reconsent

    if not booking_needs_reconsent(booking, now=now):
        return {"needs_reconsent": False}
    terms = terms_in_force(office=booking.office, at=now)
    summary = (
        terms.change_summary_en
        if get_language() == "en" and terms.change_summary_en
        else terms.change_summary
    )
    return {"needs_reconsent": True, "new_terms": terms, "new_terms_summary": summary}


@never_cache
def booking_manage(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking_or_404(token, MANAGE)
    # No record of use here: mail scanners open links (a GET), people act (a POST).
    now = request.now
    context = {**_manage_context(booking, now), **_reconsent_context(booking, now), "token": token}
    if booking.status == BookingStatus.SWITCHED_TO_PHONE:
        switched = booking.events.filter(to_status=BookingStatus.SWITCHED_TO_PHONE).last()
        context["switched_at"] = display.format_datetime(switched.at) if switched else ""
    return _token_page(request, "bookings/manage.html", context)


@never_cache
@require_http_methods(["POST"])
def booking_agree_view(request: HttpRequest, token: str) -> HttpResponse:
    """An employer agrees to the terms that changed since they booked (before the session)."""
    from bookings.services.public import booking_reconsent

    booking = _booking_or_404(token, MANAGE)
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
    except (BookingError, TermsError) as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Thank you. You agreed to the current terms of use."))
    return redirect("booking-manage", token=token)


@never_cache
def booking_calendar(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking_or_404(token, MANAGE)
    meeting = _public_meeting(booking) if booking.is_active else None
    ics = booking_ics(
        booking,
        manage_url=settings.SITE_URL.rstrip("/") + reverse("booking-manage", args=[token]),
        join_url=meeting["join_url"] if meeting else "",
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.reference}.ics"'
    response["Referrer-Policy"] = LINK_PAGE_REFERRER_POLICY
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """A confirmation page (GET) and the cancellation itself (POST, with CSRF)."""
    booking = _booking_or_404(token, MANAGE)
    error = None
    if request.method == "POST":
        try:
            booking_cancel_by_applicant(
                booking=booking, reason=request.POST.get("reason", ""), now=request.now
            )
        except BookingError as refused:
            error = refused.message
        else:
            _record(request, booking, AccessRecord.Kind.CANCELLED)
            messages.success(request, _("Your booking was cancelled."))
            return redirect("booking-manage", token=token)
    context = {**_manage_context(booking, request.now), "token": token, "error": error}
    return _token_page(request, "bookings/cancel.html", context, status=409 if error else 200)


@never_cache
@require_http_methods(["POST"])
def booking_accept_proposal_view(request: HttpRequest, token: str) -> HttpResponse:
    """The person accepts the time a counselor proposed (a POST from the booking page)."""
    from bookings.services.public import booking_accept_proposal

    booking = _booking_or_404(token, MANAGE)
    try:
        booking_accept_proposal(booking=booking, now=request.now)
    except BookingError as refused:
        messages.error(request, refused.message)
    else:
        _record(request, booking, AccessRecord.Kind.ACCEPTED)
        messages.success(request, _("Thank you. Your booking is confirmed at this time."))
    return redirect("booking-manage", token=token)


@never_cache
@require_http_methods(["POST"])
def booking_refuse_proposal_view(request: HttpRequest, token: str) -> HttpResponse:
    """ "This time does not suit me": the request goes back to the counselor."""
    from bookings.services.public import booking_refuse_proposal

    booking = _booking_or_404(token, MANAGE)
    try:
        booking_refuse_proposal(booking=booking, now=request.now)
    except BookingError as refused:
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
@require_http_methods(["GET", "POST"])
def booking_verify_view(request: HttpRequest, token: str) -> HttpResponse:
    """The email-check link opens a page; only its button (a POST) confirms."""
    booking = _booking_or_404(token, VERIFY)
    error = None
    if request.method == "POST":
        try:
            booking = booking_verify(token=token, ip_address=client_ip(request), now=request.now)
        except BookingError as refused:
            error = refused.message
        else:
            _record(request, booking, AccessRecord.Kind.VERIFIED)
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
        "manage_url": reverse(
            "booking-manage", args=[booking_link_issue(booking=booking, purpose=MANAGE)]
        ),
        "book_again_url": reverse("booking-start", args=[booking.office.slug])
        + f"?service={booking.service.slug}",
        "until": display.format_datetime(booking.verification_expires_at)
        if booking.verification_expires_at
        else "",
        "error": error,
        "token": token,
    }
    return _token_page(request, "bookings/verify.html", context, status=409 if error else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def record_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """
    The link sent to the address on record: the page says which booking; only its button
    (a POST) adds the booking to the person's record.
    """
    from bookings.services.identity import applicant_link, claim_get_by_token

    claim = claim_get_by_token(token=token)
    if claim is None:
        raise Http404
    linked = claim.linked_at is not None
    error = None
    if request.method == "POST" and not linked:
        try:
            applicant_link(claim=claim, by=None, reason="", now=request.now)
        except BookingError as refused:
            error = refused.message
        else:
            linked = True
    bookings = [
        {"reference": b.reference, "when": display.format_session(b.start, b.end)}
        for b in claim.bookings.order_by("start")
    ]
    context = {"office": claim.office, "bookings": bookings, "linked": linked, "error": error}
    return _token_page(request, "bookings/record_link.html", context, status=409 if error else 200)
