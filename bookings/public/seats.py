"""
A seat in a group session on the web: one page with the session, the person's details, the
terms and the agree box; the seat is booked by `seat_book` (the same access rules and
guard as a booking) and the person lands on the booking's done page, as for any booking.
"""

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.exceptions import BookingInvalid
from bookings.forms import DetailsForm
from bookings.models import AccessRecord, GroupSession, GroupSessionStatus
from bookings.public.sent import already_sent, record_booked
from bookings.public.shared import office_and_service, record_use
from bookings.selectors.group_sessions import seats_taken
from bookings.services.seats import seat_book
from common.errors import DomainError
from common.http import client_ip
from offices import confirmation, display
from offices.rules import rules_for_service
from terms.exceptions import TermsOutdated
from terms.selectors import terms_in_force


@never_cache
@require_http_methods(["GET", "POST"])
def seat_book_view(request: HttpRequest, slug: str, session_uuid: uuid.UUID) -> HttpResponse:
    session = (
        GroupSession.objects.select_related("service", "office", "counselor")
        .filter(uuid=session_uuid, office__slug=slug, status=GroupSessionStatus.SCHEDULED)
        .first()
    )
    if session is None:
        raise Http404
    if request.method == "GET":  # Back after this browser took a seat here: where it stands
        sent = already_sent(request, slug, group_session=session)
        if sent is not None:
            return sent
    office, service, _services = office_and_service(slug, session.service.slug)
    now = request.now
    rules = rules_for_service(service, office)
    terms = terms_in_force(office=office, at=now)
    error, error_field = None, None
    form = DetailsForm(request.POST or None, office=office, rules=rules, attendees=False)
    key = request.POST.get("key") or uuid.uuid4().hex
    if request.method == "POST" and form.is_valid():
        try:
            terms_id = int(request.POST.get("terms_version", ""))
        except ValueError:
            terms_id = None
        try:
            created = seat_book(
                session=session, data=form.raw_data(), terms_version_id=terms_id,
                agree_terms=request.POST.get("agree_terms") == "on", channel="web",
                language=get_language() or "ja", idempotency_key=key[:100],
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""), now=now,
            )  # fmt: skip
        except TermsOutdated as outdated:
            error, error_field = outdated.message, "agree_terms"
        except BookingInvalid as invalid:
            messages = [str(m) for ms in invalid.errors.values() for m in ms]
            error = " ".join(messages)
            error_field = "agree_terms" if "agree_terms" in invalid.errors else None
        except DomainError as refused:
            error = refused.message
        else:
            if not created.replayed:
                record_use(request, created.booking, AccessRecord.Kind.BOOKED)
            record_booked(request, created.booking, created.manage_token)
            return redirect("booking-done", slug=slug)
    left = max(0, session.capacity - seats_taken(session, now=now))
    context = {
        "office": office,
        "service": service,
        "session": session,
        "title": session.title_en
        if not (get_language() or "ja").startswith("ja") and session.title_en
        else session.display_title,
        "when": display.format_session(session.start, session.end),
        "left": left,
        "form": form,
        "key": key,
        "terms": terms,
        "terms_html": (
            terms.body_en_html if get_language() == "en" and terms.body_en_html else terms.body_html
        )
        if terms
        else "",
        "confirmation": confirmation.confirmation_text(rules),
        "confirmation_phone": confirmation.confirmation_asks_to_phone(rules),
        "submit": display.submit_button(rules, "seat"),
        "error": error,
        "error_field": error_field,
    }
    return render(request, "bookings/seat.html", context)
