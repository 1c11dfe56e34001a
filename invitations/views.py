"""
The person's side of an invitation, behind its secret link (`/invitations/<token>/`): the
office, the service and the days; a free time within them; the terms in force and the
button. Name and contact come from the office's record; the person may give an address
for this booking and a note. An unknown link is the site's 404, whatever it is; a link that
no longer books says why, kindly, with the office's phone. Where the service keeps a
waitlist and the days shown are full, the page offers it: the record the invitation names
is the entry's, so only the days are asked (`invitations.waitlist_path`).
"""

import uuid
from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.exceptions import BookingInvalid, SlotTaken
from bookings.forms import AccommodationForm
from bookings.models import Booking
from bookings.public.shared import parse_start, token_page
from common.clock import JST
from common.dates import parse_day
from common.errors import DomainError
from common.http import client_ip
from invitations.emails import invitation_facts
from invitations.errors import InvitationClosed
from invitations.models import Invitation
from invitations.selectors import (
    DAYS_PER_PAGE,
    OPEN,
    USED_UP,
    invitation_get_by_token,
    invitation_slots,
    invitation_state,
    invitation_window,
)
from invitations.services import closed_message, invitation_book, used_up_step_is_phone
from invitations.waitlist_path import invitation_waitlist_join
from offices import display
from offices.accommodation import office_means
from offices.plain import plain_summary_for
from offices.rules import rules_for_service
from terms.exceptions import TermsOutdated
from terms.selectors import terms_in_force
from waitlist.forms import DaysForm
from waitlist.services.entries import MAX_DAYS

DONE_KEY = "invitation_done"


def _invitation_or_404(token: str) -> Invitation:
    invitation = invitation_get_by_token(token=token)
    if invitation is None:
        raise Http404
    return invitation


def _closed(request: HttpRequest, invitation: Invitation, state: str) -> HttpResponse:
    if state == USED_UP and _booked_here(request, invitation):
        # Back (or a resubmit) after booking: it was sent; the done page says where it stands.
        messages.info(request, _("You already sent this. Where it stands is below."))
        return redirect("invitation-done", token=request.resolver_match.kwargs["token"])
    context = {
        "office": invitation.office,
        "message": closed_message(invitation, state),
        "phone_step": state != USED_UP or used_up_step_is_phone(invitation),
    }
    return token_page(request, "invitations/closed.html", context, status=410)


def _booked_here(request: HttpRequest, invitation: Invitation) -> bool:
    """Whether this browser's session made a booking with this invitation."""
    done = request.session.get(DONE_KEY) or {}
    return Booking.objects.filter(
        pk=done.get("booking"), invitation_use__invitation=invitation
    ).exists()


def _days(slots) -> list[dict]:
    days: dict = {}
    for slot in slots:
        days.setdefault(slot.start.astimezone(JST).date(), []).append(slot)
    return [
        {
            "date": day,
            "label": display.format_date(day),
            "slots": [
                {
                    "value": s.start.isoformat(),
                    "label": display.format_window(
                        s.start.astimezone(JST).timetz(), s.end.astimezone(JST).timetz()
                    ),
                }
                for s in day_slots
            ],
        }
        for day, day_slots in sorted(days.items())
    ]


def _masked(email: str) -> str:
    """`t•••@example.jp`: the person recognizes their address; a stray link shows little."""
    local, _at, domain = email.rpartition("@")
    return f"{local[:1]}•••@{domain}" if local else ""


@never_cache
def invitation_start(request: HttpRequest, token: str) -> HttpResponse:
    """Step 1: what the invitation is for, and the free times within its days."""
    invitation = _invitation_or_404(token)
    now = request.now
    state = invitation_state(invitation, now)
    if state != OPEN:
        return _closed(request, invitation, state)
    first, last = invitation_window(invitation, now)
    from_day = min(max(parse_day(request.GET.get("from")) or first, first), last)
    slots = invitation_slots(invitation, first_day=from_day, now=now)
    next_from = from_day + timedelta(days=DAYS_PER_PAGE)
    context = {
        **invitation_facts(invitation),
        "office": invitation.office,
        "service": invitation.service,
        "token": token,
        "days": _days(slots),
        "next_from": next_from.isoformat() if next_from <= last else None,
        "previous_from": (from_day - timedelta(days=DAYS_PER_PAGE)).isoformat()
        if from_day > first
        else None,
        "length": display.session_length_text(rules_for_service(invitation.service)),
        "uses_left": invitation.max_uses - invitation.uses,
        "waitlist_form": _waitlist_form(invitation, first, last) if not slots else None,
    }
    return token_page(request, "invitations/choose_time.html", context)


def _waitlist_form(invitation: Invitation, first, last) -> DaysForm | None:
    """The waitlist's days, the invitation's own (at most the waitlist's longest range)."""
    if not invitation.service.waitlist_enabled:
        return None
    last = min(last, first + timedelta(days=MAX_DAYS - 1))
    return DaysForm(initial={"first_day": first, "last_day": last})


@never_cache
@require_http_methods(["POST"])
def invitation_waitlist(request: HttpRequest, token: str) -> HttpResponse:
    """The person joins the service's waitlist for days of their invitation."""
    invitation = _invitation_or_404(token)
    if not invitation.service.waitlist_enabled:
        raise Http404
    form = DaysForm(request.POST)
    if form.is_valid():
        days = form.cleaned_data
        try:
            joined = invitation_waitlist_join(
                invitation=invitation, first_day=days["first_day"], last_day=days["last_day"],
                earliest=days.get("earliest"), latest=days.get("latest"),
                language=get_language() or "ja", now=request.now,
            )  # fmt: skip
        except InvitationClosed as closed:
            return _closed(request, invitation, closed.state)
        except BookingInvalid as invalid:  # the record lacks what the service asks for
            for errors in invalid.errors.values():
                form.add_error(None, str(errors[0]))
        except DomainError as refused:
            form.add_error(refused.field if refused.field in form.fields else None,
                           str(refused.message))  # fmt: skip
        else:
            messages.success(request, _("You are on the waitlist."))
            return redirect("waitlist-entry", token=joined.token)
    context = {**invitation_facts(invitation), "office": invitation.office, "token": token,
               "waitlist_form": form}  # fmt: skip
    return token_page(request, "invitations/waitlist.html", context, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: who (from the record), an address and a note if they wish, the terms, book."""
    invitation = _invitation_or_404(token)
    now = request.now
    state = invitation_state(invitation, now)
    source = request.POST if request.method == "POST" else request.GET
    start = parse_start(source.get("start"))
    if state != OPEN and request.method == "GET":
        return _closed(request, invitation, state)
    back = reverse("invitation", args=[token])
    if start is None:
        messages.error(request, _("Choose a time first."))
        return redirect(back)
    errors: dict[str, str] = {}
    field_errors: dict = {}
    asked = (
        AccommodationForm(request.POST, office=invitation.office).values()
        if request.method == "POST"
        else {"accommodations": [], "accommodation_other": ""}
    )
    if request.method == "POST":
        try:
            terms_id = int(request.POST.get("terms_version", ""))
        except ValueError:
            terms_id = None
        try:
            created = invitation_book(
                invitation=invitation,
                start=start,
                email=request.POST.get("email", "")[:254],
                note=request.POST.get("note", "")[:2000],
                accommodation=asked,
                terms_version_id=terms_id,
                agree_terms=request.POST.get("agree_terms") == "on",
                language=get_language() or "ja",
                idempotency_key=request.POST.get("idempotency_key", "")[:100],
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                now=now,
            )
        except InvitationClosed as closed:
            return _closed(request, invitation, closed.state)
        except SlotTaken as taken:
            messages.error(request, taken.message)
            day = start.astimezone(JST).date().isoformat()
            return redirect(f"{back}?from={day}")
        except BookingInvalid as invalid:
            errors = {name: str(messages_[0]) for name, messages_ in invalid.errors.items()}
            field_errors = invalid.errors
            if "start" in errors:
                messages.error(request, errors["start"])
                return redirect(back)
        except TermsOutdated as outdated:
            errors = {"agree_terms": str(outdated.message)}
        except DomainError as refused:
            errors = {"__all__": str(refused.message)}
        else:
            request.session[DONE_KEY] = {
                "booking": created.booking.pk,
                "token": created.manage_token,
            }
            return redirect("invitation-done", token=token)
    person = invitation.applicant
    terms = terms_in_force(office=invitation.office, at=now)
    rules = rules_for_service(invitation.service)
    english = get_language() == "en"
    context = {
        **invitation_facts(invitation),
        "office": invitation.office,
        "token": token,
        "start": start.isoformat(),
        "when": display.format_session(start, start + timedelta(minutes=rules.slot_minutes)),
        "person_name": person.name,
        "form": AccommodationForm.as_sent(asked, office=invitation.office, errors=field_errors)
        if office_means(invitation.office)
        else None,
        "plain": plain_summary_for(
            invitation.office, rules, staff_decides=False, email_check=False
        ),
        "email_on_record": _masked(person.email),
        "email": request.POST.get("email", "") if request.method == "POST" else "",
        "note": request.POST.get("note", "") if request.method == "POST" else "",
        "terms": terms,
        "terms_html": (terms.body_en_html if english and terms.body_en_html else terms.body_html)
        if terms
        else "",
        "errors": errors,
        "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
    }
    return token_page(request, "invitations/confirm.html", context, status=200)


@never_cache
def invitation_done(request: HttpRequest, token: str) -> HttpResponse:

    invitation = _invitation_or_404(token)
    done = request.session.get(DONE_KEY) or {}
    booking = (
        Booking.objects.filter(pk=done.get("booking"), invitation_use__invitation=invitation)
        .select_related("office", "service")
        .first()
    )
    if booking is None:
        return redirect("invitation", token=token)
    context = {
        "office": booking.office,
        "booking": booking,
        "when": display.format_session(booking.start, booking.end),
        "manage_url": reverse("booking-manage", args=[done["token"]]) if done.get("token") else "",
    }
    return token_page(request, "invitations/done.html", context)
