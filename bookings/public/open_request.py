"""
Open booking without a proof of work (issue 23): the confirm step's form carries an ALTCHA
widget that solves a challenge while the person reads the terms (bookings.services.proof).
A browser that did not solve it (no JavaScript) books a request that holds no time: its
details wait behind a link emailed to the address given (services.open_requests), and
opening that link books, as the form would have.
"""

import json
from datetime import datetime, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.exceptions import BookingInvalid, SlotTaken
from bookings.models import AccessRecord
from bookings.next_steps import open_request_step
from bookings.public.sent import (
    PARKED_KEY,
    PARKED_SERVICE_KEY,
    already_sent,
    record_booked,
    record_parked,
)
from bookings.public.shared import (
    LINK_PAGE_REFERRER_POLICY,
    office_and_service,
    parse_start,
    record_use,
)
from bookings.services.open_requests import (
    open_request_book,
    open_request_get,
    open_request_park,
    open_request_take,
)
from bookings.services.proof import challenge_issue, proof_accept, proof_required
from common.errors import DomainError
from common.http import client_ip
from offices import display
from offices.rules import rules_for_service


def proof_context(office, now: datetime) -> dict:
    """What the confirm page needs for the widget: the challenge, when proof is on."""
    if not proof_required():
        return {}

    strings = {
        "label": _("Checking this browser (no action needed)"),
        "verifying": _("Checking…"),
        "verified": _("Checked"),
        "waitAlert": _("Checking… please wait."),
        "error": _("The check did not finish. You can still book: we will email you a link."),
        "expired": _("The check expired. Reload the page."),
        "footer": "",
        "ariaLinkLabel": "",
    }
    return {
        "proof_challenge": json.dumps(challenge_issue(office=office, now=now)),
        "proof_strings": json.dumps(strings, ensure_ascii=False),
    }


def park_unless_proven(
    request: HttpRequest, slug: str, service, start, draft
) -> HttpResponse | None:
    """
    The confirm step's POST: None when it may book now (proof off, or solved, or the
    terms not agreed, which booking_create then says); else the request is parked and
    emailed, and the answer is the "check your email" page.
    """
    if not proof_required() or request.POST.get("agree_terms") != "on":
        return None
    if proof_accept(payload=request.POST.get("altcha"), office=service.office, now=request.now):
        return None
    try:
        terms_id = int(request.POST.get("terms_version", ""))
    except ValueError:
        terms_id = None
    try:
        open_request_park(
            service=service, start=start, data=draft["data"], terms_version_id=terms_id,
            agree_terms=True, language=request.LANGUAGE_CODE, now=request.now,
            idempotency_key=draft["idempotency_key"],
        )  # fmt: skip
    except BookingInvalid:
        messages.error(request, _("Please check your details."))
        return redirect(
            reverse("booking-details", args=[slug])
            + f"?service={service.slug}&start={draft['start']}"
        )
    request.session.pop("booking_draft", None)
    record_parked(request, slug, service)  # the sent page names its link page's button
    return redirect("booking-open-request-sent", slug=slug)


@never_cache
def open_request_sent(request: HttpRequest, slug: str) -> HttpResponse:
    if request.session.get(PARKED_KEY) != slug:
        # Booked from its link since (Back to this page): where it stands; else nothing sent.
        return already_sent(request, slug) or redirect("booking-start", slug=slug)
    office, service, _services = office_and_service(slug, request.session.get(PARKED_SERVICE_KEY))
    button = open_request_step(rules_for_service(service, office)).button
    return render(request, "bookings/open_request_sent.html", {"office": office, "button": button})


@never_cache
@require_http_methods(["GET", "POST"])
def open_request_view(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The emailed link: a page with the request and a button (a GET stores nothing)."""

    waiting = open_request_get(token)
    if waiting is None:
        sent = already_sent(request, slug, link=token)  # Back after this browser used it
        if sent is not None:
            return sent
        messages.error(
            request,
            _("This link has lapsed or was already used. Please choose a time again."),
        )
        return redirect("booking-start", slug=slug)
    office, service, _services = office_and_service(slug, None)
    service = office.services.filter(pk=waiting["service"]).first() or service
    start = parse_start(waiting["start"])
    rules = rules_for_service(service, office)
    error = None
    if request.method == "POST" and open_request_take(token) is not None:
        try:
            created = open_request_book(
                waiting=waiting, service=service, start=start, ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""), now=request.now,
            )  # fmt: skip
        except SlotTaken as taken:
            messages.error(request, taken.message)
            return redirect(
                reverse("booking-start", args=[slug])
                + f"?service={service.slug}&from={start.date().isoformat()}"
            )
        except DomainError as refused:
            error = refused.message
        else:
            record_use(request, created.booking, AccessRecord.Kind.BOOKED)
            record_booked(request, created.booking, created.manage_token, link=token)
            return redirect("booking-done", slug=slug)
    context = {
        "office": office,
        "service": service,
        "when": display.format_session(start, start + display_minutes(rules)),
        # The emailed link's step: at a staff-approval office it sends the request, by the
        # name the confirm page gave it ("Send my request").
        "title": display.submit_button(rules, "offer"),
        "submit": open_request_step(rules).button,
        "error": error,
    }
    response = render(request, "bookings/open_request.html", context)
    response["Referrer-Policy"] = LINK_PAGE_REFERRER_POLICY
    return response


def display_minutes(rules):

    return timedelta(minutes=rules.slot_minutes)
