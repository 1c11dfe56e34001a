"""
What the public pages share: the office and service in the address, the free times by
day, the booking behind a secret link, the response of a page behind such a link, the
record of use, and what the person may see of the meeting.
"""

import logging
from datetime import datetime, timedelta

from django.db import DatabaseError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from bookings.exceptions import ServiceClosed
from bookings.next_steps import booking_story
from bookings.selectors.availability_cache import slot_list_cached
from bookings.selectors.bookings import booking_get_by_token, meeting_for_person
from bookings.services.access_records import access_record
from bookings.services.holds import days_at_hold_cap
from common.dates import parse_moment
from common.http import client_ip
from offices import display
from offices.accommodation import extra_minutes_for, means_labels
from offices.display import booking_access_text, not_open_online_text
from offices.models import Office, Service
from offices.plain import plain_summary_for
from offices.rules import rules_for_service

logger = logging.getLogger(__name__)

DAYS_PER_PAGE = 14
# Pages behind a secret link never leak it to other sites through the Referer header.
# "same-origin" rather than "no-referrer": under no-referrer, browsers send `Origin: null`
# with the page's own form posts (verify, cancel), which CSRF protection must refuse.
LINK_PAGE_REFERRER_POLICY = "same-origin"


def office_and_service(
    slug: str, service_slug: str | None
) -> tuple[Office, Service, list[Service]]:
    try:
        office = Office.objects.get(slug=slug, is_published=True)
    except Office.DoesNotExist:
        raise Http404 from None
    active = list(
        Service.objects.filter(office=office, is_active=True)
        .select_related("office")
        .order_by("position", "slug")
    )
    services = [s for s in active if s.accepts_web]
    asked = next((s for s in active if s.slug == service_slug), None)
    if asked is not None and not asked.accepts_web:
        # Invitation or phone only: say how to book it, never show a form that refuses.
        raise ServiceClosed(not_open_online_text(asked, office))
    if not services:
        if not active:
            raise Http404
        raise ServiceClosed(not_open_online_text(active[0], office))
    chosen = asked or services[0]
    return office, chosen, services


def services_not_open(office: Office) -> list[dict]:
    """The office's active services that take no open online booking, with how to book
    each (for the time step, beside the services it offers)."""
    return [
        {"service": service, "access": booking_access_text(service, office)}
        for service in Service.objects.filter(
            office=office, is_active=True, accepts_web=False
        ).order_by("position", "slug")
    ]


def parse_start(value: str | None) -> datetime | None:
    return parse_moment(value)


def days_with_slots(service: Service, first_day, now, *, public_hold: bool = False):
    """The page's days and their free times; with `public_hold` (the open booking of a
    service whose bookings hold a time undecided), not the days whose undecided holds
    reached their cap (`services.holds.days_at_hold_cap`)."""
    slots = slot_list_cached(
        service=service,
        first_day=first_day,
        last_day=first_day + timedelta(days=DAYS_PER_PAGE - 1),
        now=now,
    )
    days: dict = {}
    for slot in slots:
        days.setdefault(slot.start.date(), []).append(slot)
    if public_hold:
        free = {day: sum(slot.free for slot in day_slots) for day, day_slots in days.items()}
        for day in days_at_hold_cap(service=service, free_by_day=free, now=now):
            del days[day]
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


def record_use(request: HttpRequest, booking, kind: str) -> None:
    """A record of use (pseudonymous device); never fails the page."""

    try:
        with transaction.atomic():
            access_record(
                booking=booking, kind=kind, ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""), now=request.now,
            )  # fmt: skip
    except DatabaseError:
        logger.warning("record of use for booking id=%s not written", booking.pk)


def booking_or_404(token: str, purpose: str):
    booking = booking_get_by_token(token=token, purpose=purpose)
    if booking is None:
        raise Http404
    return booking


def token_page(
    request: HttpRequest, template: str, context: dict, status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Referrer-Policy"] = LINK_PAGE_REFERRER_POLICY
    response["X-Robots-Tag"] = "noindex"
    return response


def confirm_accommodation_context(office, rules, start, person) -> dict:
    """The confirm step's time (with the minutes more time adds), the accommodation asked
    for, and the office's rules in short (offices.plain) as open booking confirms."""

    minutes = rules.slot_minutes + extra_minutes_for(office, person.accommodations)
    return {
        "when": display.format_session(start, start + timedelta(minutes=minutes)),
        "accommodation": means_labels(person.accommodations, person.accommodation_other),
        "plain": plain_summary_for(office, rules),
    }


def done_context(booking, manage_url: str) -> dict:
    """The done page's (and the page after Back's) facts: the booking's stage, its booking
    page, and whether that page cancels (not at a phone-only office, issue 26 minor)."""
    return {
        "office": booking.office,
        "booking": booking,
        "when": display.format_session(booking.start, booking.end),
        "manage_url": manage_url,
        "story": booking_story(booking, join_link=meeting_for_person(booking) is not None),
        "cancel_online": rules_for_service(booking.service, booking.office).online_cancel_allowed,
    }
