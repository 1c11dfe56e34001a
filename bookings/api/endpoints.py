"""
The public JSON API, /api/v1, with its OpenAPI schema at /api/v1/openapi.json.
Every error is JSON with a `code` (`errors`); no input produces a 500.
"""

import logging
import re

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query
from ninja.errors import HttpError
from ninja.responses import Status

from bookings.api import errors
from bookings.api.errors import request_language
from bookings.api.parser import JsonOnlyParser
from bookings.api.schemas import (
    BookingIn,
    BookingOut,
    ChallengeOut,
    ErrorOut,
    OfficeDetailOut,
    OfficeOut,
    SlotQuery,
    SlotsOut,
    TermsOut,
)
from bookings.exceptions import ServiceClosed
from bookings.models import AccessRecord
from bookings.selectors.availability_cache import service_remembered, slot_json_cached
from bookings.services.access_records import access_record
from bookings.services.create import booking_create
from bookings.services.open_requests import open_request_park
from bookings.services.proof import challenge_issue, proof_accept, proof_required
from common.clock import JST
from common.dates import EARLIEST, LATEST, day_in_bounds
from common.http import client_ip
from offices.display import booking_access_text, not_open_online_text
from offices.models import Office, OpeningHours, Service
from offices.rules import rules_for_service
from terms.selectors import terms_in_force, terms_version_id_for

logger = logging.getLogger(__name__)

MAX_RANGE_DAYS = 92

api = NinjaAPI(
    title="Online consultation booking API",
    version="1.0.0",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=JsonOnlyParser(),
)

errors.install(api)


def _channels(service: Service) -> list[str]:
    """How the service is booked: "web" (open online booking, this API included),
    "invitation" (online with a counselor's personal invitation), "phone"."""
    ways = (
        ("web", service.accepts_web),
        ("invitation", service.accepts_invitations),
        ("phone", service.accepts_phone),
    )
    return [name for name, on in ways if on]


_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")


def _is_slug(value: str | None) -> bool:
    """A slug can only name an office or a service if it looks like one: anything else
    (a NUL byte, which PostgreSQL refuses in text, or 10 kB) is a 404 without a query."""
    return bool(value) and _SLUG.fullmatch(value) is not None


def _office(slug: str) -> Office:
    if not _is_slug(slug):
        raise Http404
    office = Office.objects.filter(slug=slug, is_published=True).first()
    if office is None:
        raise Http404
    return office


def _web_service_by_slugs(office_slug: str, service_slug: str | None) -> Service:
    """One query on the hot path; the error path looks closer to say what is missing."""
    if not _is_slug(office_slug):
        raise Http404
    if service_slug and not _is_slug(service_slug):
        raise HttpError(404, "No such service taking web bookings at this office.")
    services = Service.objects.select_related("office").filter(
        office__slug=office_slug, office__is_published=True, is_active=True, accepts_web=True
    )
    if service_slug:
        services = services.filter(slug=service_slug)
    service = services.order_by("position", "slug").first()
    if service is None:
        office = _office(office_slug)  # 404 for an unknown office
        closed = Service.objects.filter(office=office, is_active=True, accepts_web=False)
        if service_slug:
            closed = closed.filter(slug=service_slug)
        closed = closed.order_by("position", "slug").first()
        if closed is not None:  # invitation or phone only: say how to book it
            raise ServiceClosed(not_open_online_text(closed, office))
        raise HttpError(404, "No such service taking web bookings at this office.")
    return service


def _web_service_cached(office_slug: str, service_slug: str | None) -> Service:
    """
    `_web_service_by_slugs`, remembered by this process for a few seconds: the slots
    endpoint then answers a cache hit without touching the database. A service switched
    off in the admin stops being offered here within seconds; booking always re-checks it.
    """
    return service_remembered(
        (office_slug, service_slug or ""),
        lambda: _web_service_by_slugs(office_slug, service_slug),
    )


def _service_out(service: Service, language: str) -> dict:
    rules = rules_for_service(service, service.office)
    with translation.override(language):
        how_to_book = booking_access_text(service, service.office)
    return {
        "slug": service.slug,
        "name": service.name,
        "name_en": service.name_en,
        "slot_minutes": rules.slot_minutes,
        "channels": _channels(service),
        "how_to_book": how_to_book,
    }


# --- Endpoints -------------------------------------------------------------------------


@api.get("/offices", response=list[OfficeOut], tags=["offices"])
def office_list(request):
    services = Service.objects.filter(is_active=True).order_by("position", "slug")
    offices = Office.objects.filter(is_published=True).prefetch_related(
        Prefetch("services", queryset=services, to_attr="active_services")
    )
    return [
        {
            "slug": o.slug,
            "name": o.name,
            "name_en": o.name_en,
            "platform": o.platform,
            "phone": o.phone,
            "services": [_service_out(s, request_language(request)) for s in o.active_services],
        }
        for o in offices
    ]


@api.get(
    "/offices/{slug}",
    response={200: OfficeDetailOut, 404: ErrorOut},
    tags=["offices"],
    exclude_none=True,
)
def office_detail(request, slug: str):
    office = _office(slug)
    hours = OpeningHours.objects.order_by("weekday", "start")
    services = Service.objects.filter(office=office, is_active=True).order_by("position", "slug")
    services = services.prefetch_related(Prefetch("opening_hours", queryset=hours))
    result = []
    for service in services:
        service.office = office
        rules = rules_for_service(service, office)
        result.append(
            {
                **_service_out(service, request_language(request)),
                "hours": [
                    {"weekday": h.weekday, "start": f"{h.start:%H:%M}", "end": f"{h.end:%H:%M}"}
                    for h in service.opening_hours.all()
                ],
                "rules": {
                    "slot_minutes": rules.slot_minutes,
                    "max_extension_minutes": rules.max_extension_minutes,
                    "confirmation_mode": rules.confirmation_mode.value,
                    "email_verification_minutes": rules.email_verification_minutes,
                    "lead_time_days": rules.lead_time_days,
                    "lead_time_unit": rules.lead_time_unit.value,
                    "horizon_days": rules.horizon_days,
                    "online_cancel_allowed": rules.online_cancel_allowed,
                    "online_cancel_days_before": rules.online_cancel_days_before,
                    "job_seeker_number": rules.job_seeker_number.value,
                },
            }
        )
    return {
        "slug": office.slug,
        "name": office.name,
        "name_en": office.name_en,
        "platform": office.platform,
        "phone": office.phone,
        "employers_may_book": office.employers_may_book,
        "no_show_grace_minutes": office.no_show_grace_minutes,
        "services": result,
    }


@api.get(
    "/offices/{slug}/slots",
    response={200: SlotsOut, 404: ErrorOut, 422: ErrorOut},
    tags=["booking"],
    exclude_none=True,
)
def slot_list(request, slug: str, query: Query[SlotQuery]):
    if not (day_in_bounds(query.from_) and day_in_bounds(query.to)):
        return Status(
            422,
            {
                "code": "invalid",
                "errors": {"from": [f"Ask for days between {EARLIEST} and {LATEST}."]},
            },
        )
    if query.to < query.from_:
        return Status(
            422, {"code": "invalid", "errors": {"to": ["`to` must not be before `from`."]}}
        )
    if (query.to - query.from_).days + 1 > MAX_RANGE_DAYS:
        return Status(
            422,
            {
                "code": "invalid",
                "errors": {"to": [f"Ask for at most {MAX_RANGE_DAYS} days."]},
            },
        )
    with translation.override(request_language(request)):
        service = _web_service_cached(slug, query.service)
    # Serialized and cached as bytes rather than re-validated by the response schema (kept
    # for OpenAPI): the hottest endpoint, and these values are built by this code.
    body = slot_json_cached(
        service=service, first_day=query.from_, last_day=query.to, now=request.now
    )
    return HttpResponse(body, content_type="application/json")


@api.get(
    "/offices/{slug}/terms/current",
    response={200: TermsOut, 404: ErrorOut},
    tags=["terms"],
    exclude_none=True,
)
def terms_current(request, slug: str):
    office = _office(slug)
    version = terms_in_force(office=office, at=request.now)
    if version is None:
        return Status(
            404, {"code": "no_terms", "message": "This office has no terms of use in force."}
        )
    return Status(
        200,
        {
            "id": version.pk,
            "version": version.version,
            "effective_from": version.effective_from.astimezone(JST),
            "title": version.title,
            "body": version.body,
        },
    )


@api.post(
    "/offices/{slug}/bookings",
    response={
        201: BookingOut,
        202: ErrorOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
        503: ErrorOut,
    },
    tags=["booking"],
    exclude_none=True,
)
def booking_create_endpoint(request, slug: str, payload: BookingIn):
    language = request_language(request)
    with translation.override(language):
        service = _web_service_by_slugs(slug, payload.service)
    data = payload.dict(exclude={"service", "start", "terms_version", "agree_terms", "altcha"})
    data["attendees"] = [a for a in (data.get("attendees") or [])]
    if proof_required() and not proof_accept(
        payload=payload.altcha, office=service.office, now=request.now
    ):
        return _park(request, service, payload, data, language)
    with translation.override(language):
        created = booking_create(
            service=service,
            start=payload.start,
            data=data,
            terms_version_id=terms_version_id_for(
                office=service.office, label_or_id=payload.terms_version
            ),
            agree_terms=payload.agree_terms,
            channel="api",
            language=language,
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            now=request.now,
        )
    booking = created.booking
    if not created.replayed:
        _record_booked(request, booking)
    manage_url = settings.SITE_URL.rstrip("/") + reverse(
        "booking-manage", args=[created.manage_token]
    )
    body = {
        "reference": booking.reference,
        "status": booking.status,
        "start": booking.start.astimezone(JST),
        "end": booking.end.astimezone(JST),
        "manage_url": manage_url,
    }
    # A replay (same Idempotency-Key) answers exactly as the first request did.
    return Status(201, body)


@api.get(
    "/offices/{slug}/challenge",
    response={200: ChallengeOut, 404: ErrorOut},
    tags=["booking"],
)
def challenge_get(request, slug: str):
    """A proof-of-work challenge (ALTCHA) for one booking at this office: its cost,
    `maxnumber`, follows the office's current pressure; good for one use, 30 minutes."""
    response = api.create_response(
        request, challenge_issue(office=_office(slug), now=request.now), status=200
    )
    response["Cache-Control"] = "no-store"
    return response


def _park(request, service, payload, data: dict, language: str):
    """No proof of work: a request that holds no time until its emailed link is opened."""

    with translation.override(language):
        open_request_park(
            service=service, start=payload.start, data=data,
            terms_version_id=terms_version_id_for(
                office=service.office, label_or_id=payload.terms_version
            ),
            agree_terms=payload.agree_terms, language=language, now=request.now,
            idempotency_key=request.headers.get("Idempotency-Key", "")[:100],
        )  # fmt: skip
        message = _(
            "Request received. The time is not held yet: we emailed a link to the address "
            "given, and opening it books the time."
        )
    return Status(202, {"code": "check_email", "message": message})


def _record_booked(request, booking) -> None:
    """The record of use of an API booking, as the web form writes (never fails the call)."""

    try:
        with transaction.atomic():
            access_record(
                booking=booking, kind=AccessRecord.Kind.BOOKED, ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""), now=request.now,
            )  # fmt: skip
    except DatabaseError:
        logger.warning("record of use for booking id=%s not written", booking.pk)
