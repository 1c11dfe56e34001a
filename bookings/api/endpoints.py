"""
The public JSON API, /api/v1, with its OpenAPI schema at /api/v1/openapi.json.
Every error is JSON with a `code`; no input produces a 500.
"""

import logging
import re
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.responses import Status

from bookings.exceptions import (
    BookingError,
)
from bookings.selectors.availability_cache import service_remembered, slot_json_cached
from bookings.services.create import booking_create
from common.clock import JST
from common.dates import EARLIEST, LATEST, day_in_bounds
from common.http import client_ip
from offices.models import Office, OpeningHours, Service
from offices.rules import rules_for_service
from terms.exceptions import NoTermsInForce, TermsError, TermsOutdated
from terms.selectors import terms_in_force, terms_version_id_for

logger = logging.getLogger(__name__)

MAX_RANGE_DAYS = 92

api = NinjaAPI(
    title="Online consultation booking API",
    version="1.0.0",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _language(request: HttpRequest) -> str:
    accept = request.headers.get("Accept-Language", "")
    return "en" if accept.lower().startswith("en") else "ja"


def _error(request, status: int, code: str, **fields):
    return api.create_response(request, {"code": code, **fields}, status=status)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [
            str(part)
            for part in error.get("loc", [])
            if part not in ("body", "query", "path", "payload")
        ]
        errors.setdefault(".".join(location) or "request", []).append(error.get("msg", "invalid"))
    return _error(request, 422, "invalid", errors=errors)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    """Ninja's own refusals (a body that is not JSON) in this API's error format."""
    if exc.status_code == 404:
        return _error(request, 404, "not_found", message=str(exc))
    if exc.status_code != 400:
        return _error(request, exc.status_code, "error", message=str(exc))
    with translation.override(_language(request)):
        message = _("The request body is not valid JSON. Send a JSON object.")
    return _error(request, 400, "malformed", message=message)


@api.exception_handler(BookingError)
def _refused(request, error: BookingError):
    """Every domain refusal, by its class: status, code, message and what to act on."""
    with translation.override(_language(request)):
        response = _error(request, error.http_status, error.code, **error.api_fields())
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(TermsError)
def _terms_refused(request, error: TermsError):
    with translation.override(_language(request)):
        if isinstance(error, TermsOutdated):
            return _error(
                request, 409, "terms_outdated", message=str(error.message),
                current_version=error.current_version_id,
                current_version_label=_terms_label(error.current_version_id),
            )  # fmt: skip
        if isinstance(error, NoTermsInForce):
            return _error(request, 409, "no_terms", message=str(error.message))
        return _error(request, 409, "error", message=str(error.message))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", message="Not found.")


@api.exception_handler(RequestDataTooBig)
def _too_large(request, exc):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: refused as JSON, before it is parsed."""
    with translation.override(_language(request)):
        message = _("The request body is too large. Send at most %(size)d KB.") % {
            "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        }
    return _error(request, 413, "too_large", message=message)


# --- Schemas ---------------------------------------------------------------------------


class ServiceOut(Schema):
    slug: str
    name: str
    name_en: str
    slot_minutes: int
    channels: list[str]


class OfficeOut(Schema):
    slug: str
    name: str
    name_en: str
    platform: str
    phone: str
    services: list[ServiceOut]


class HoursOut(Schema):
    weekday: int = Field(description="0 = Monday")
    start: str
    end: str


class RulesOut(Schema):
    slot_minutes: int
    max_extension_minutes: int
    confirmation_mode: str
    email_verification_minutes: int
    lead_time_days: int
    lead_time_unit: str
    horizon_days: int
    online_cancel_allowed: bool
    online_cancel_days_before: int
    job_seeker_number: str


class ServiceDetailOut(ServiceOut):
    hours: list[HoursOut]
    rules: RulesOut


class OfficeDetailOut(Schema):
    slug: str
    name: str
    name_en: str
    platform: str
    phone: str
    employers_may_book: bool
    no_show_grace_minutes: int
    services: list[ServiceDetailOut]


class SlotOut(Schema):
    start: datetime
    end: datetime
    free: int


class SlotsOut(Schema):
    slots: list[SlotOut]


class TermsOut(Schema):
    id: int
    version: str
    effective_from: datetime
    title: str
    body: str


class AttendeeIn(Schema):
    role: str = Field(max_length=20)
    name: str = Field(max_length=100)
    affiliation: str = Field("", max_length=200)


class BookingIn(Schema):
    service: str | None = Field(None, max_length=40)
    start: datetime
    kind: str | None = Field(None, max_length=20)
    name: str = Field(max_length=200)
    name_kana: str | None = Field(None, max_length=200)
    job_seeker_number: str | None = Field(None, max_length=40)
    email: str = Field(max_length=254)
    phone: str = Field(max_length=40)
    company_name: str | None = Field(None, max_length=200)
    attendees: list[AttendeeIn] | None = Field(None, max_length=5)
    note: str | None = Field(None, max_length=2000)
    terms_version: int | str = Field(
        description=(
            "The terms of use the person agreed to: the `version` string that "
            '`GET /offices/{slug}/terms/current` publishes (e.g. "2023-07-14"), or its '
            "`id` (an integer). Anything but the version in force is refused with 409 "
            "`terms_outdated` and the current version's `id` and `version`."
        ),
        examples=["2023-07-14", 2],
    )
    agree_terms: bool


class BookingOut(Schema):
    reference: str
    status: str
    start: datetime
    end: datetime
    manage_url: str


class AlternativeOut(Schema):
    start: datetime
    end: datetime
    free: int


class ErrorOut(Schema):
    code: str
    message: str | None = None
    errors: dict[str, list[str]] | None = None
    alternatives: list[AlternativeOut] | None = None
    current_version: int | None = None
    current_version_label: str | None = None


# --- Helpers ---------------------------------------------------------------------------


def _terms_label(version_id: int) -> str | None:
    from terms.models import TermsVersion

    return TermsVersion.objects.filter(pk=version_id).values_list("version", flat=True).first()


def _channels(service: Service) -> list[str]:
    return [
        name for name, on in (("web", service.accepts_web), ("phone", service.accepts_phone)) if on
    ]


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
        _office(office_slug)  # 404 for an unknown office
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


def _service_out(service: Service) -> dict:
    rules = rules_for_service(service, service.office)
    return {
        "slug": service.slug,
        "name": service.name,
        "name_en": service.name_en,
        "slot_minutes": rules.slot_minutes,
        "channels": _channels(service),
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
            "services": [_service_out(s) for s in o.active_services],
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
                **_service_out(service),
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


class SlotQuery(Schema):
    service: str | None = Field(None, max_length=40)
    from_: date = Field(alias="from", description="First Japan date, YYYY-MM-DD")
    to: date = Field(description="Last Japan date (inclusive), YYYY-MM-DD")


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
        400: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
        503: ErrorOut,
    },
    tags=["booking"],
    exclude_none=True,
)
def booking_create_endpoint(request, slug: str, payload: BookingIn):
    service = _web_service_by_slugs(slug, payload.service)
    language = _language(request)
    data = payload.dict(exclude={"service", "start", "terms_version", "agree_terms"})
    data["attendees"] = [a for a in (data.get("attendees") or [])]
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


def _record_booked(request, booking) -> None:
    """The record of use of an API booking, as the web form writes (never fails the call)."""
    from django.db import DatabaseError, transaction

    from bookings.models import AccessRecord
    from bookings.services.access_records import access_record

    try:
        with transaction.atomic():
            access_record(
                booking=booking, kind=AccessRecord.Kind.BOOKED, ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""), now=request.now,
            )  # fmt: skip
    except DatabaseError:
        logger.warning("record of use for booking id=%s not written", booking.pk)
