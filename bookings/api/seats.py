"""
The API's group sessions (`bookings.group_sessions`): the upcoming sessions of a service
with their seats left, and a seat booked through `seat_book` (the same access rules,
guard and errors as a booking: a full session is 409 `session_full`, with `waitlist_url`
where the service keeps a waitlist). What an address holds is told only at that address
(issue 23): where a request waits for its email link (the email check, or a counselor's
confirmation) the answer is 201 whatever seat the address holds, and the one-seat rule
runs when the link is opened; 409 `seat_held` is left only at a service that confirms at
once without an email check, where the database holds one seat per address.
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from ninja import Field, Query, Schema
from ninja.responses import Status

from bookings.api.endpoints import _is_slug, _record_booked, _web_service_by_slugs, api
from bookings.api.errors import request_language
from bookings.api.schemas import BookingIn, ErrorOut
from bookings.exceptions import SessionFull
from bookings.models import GroupSession, GroupSessionStatus
from bookings.selectors.group_sessions import group_sessions_upcoming
from bookings.services.proof import proof_accept, proof_required
from bookings.services.seats import seat_book
from common.clock import JST
from common.http import client_ip
from terms.selectors import terms_version_id_for


class SessionOut(Schema):
    id: uuid.UUID = Field(description="The session's id: book one of its seats with it.")
    service: str
    title: str
    title_en: str
    start: datetime
    end: datetime
    capacity: int = Field(description="Seats in all.")
    seats_left: int = Field(description="Seats not taken now (0: full).")


class SessionsOut(Schema):
    sessions: list[SessionOut]


class SessionQuery(Schema):
    service: str | None = Field(None, max_length=40)


class SeatIn(BookingIn):
    """A booking's fields without its time: the session names it."""

    start: datetime | None = Field(None, description="Ignored: the session's start.")


class SeatOut(Schema):
    reference: str
    status: str
    start: datetime
    end: datetime
    manage_url: str
    session: uuid.UUID


@api.get(
    "/offices/{slug}/sessions",
    response={200: SessionsOut, 404: ErrorOut, 422: ErrorOut},
    tags=["group sessions"],
    exclude_none=True,
)
def session_list(request, slug: str, query: Query[SessionQuery]):
    """Upcoming group sessions (seminars) of a service taking web bookings, with the seats
    left in each."""
    with translation.override(request_language(request)):
        service = _web_service_by_slugs(slug, query.service)
    sessions = group_sessions_upcoming(service=service, now=request.now)
    return Status(
        200,
        {
            "sessions": [
                {
                    "id": s.uuid,
                    "service": service.slug,
                    "title": s.display_title,
                    "title_en": s.title_en,
                    "start": s.start.astimezone(JST),
                    "end": s.end.astimezone(JST),
                    "capacity": s.capacity,
                    "seats_left": max(0, s.capacity - s.taken),
                }
                for s in sessions
            ]
        },
    )


@api.post(
    "/offices/{slug}/sessions/{session_id}/seats",
    response={
        201: SeatOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
        503: ErrorOut,
    },
    tags=["group sessions"],
    exclude_none=True,
)
def seat_create(request, slug: str, session_id: uuid.UUID, payload: SeatIn):
    """Books a seat in a group session for the person described (as a booking's fields).
    Where the request waits for its email link, 201 whatever the address holds: a second
    seat of the address is released when its link is opened, the page and an email telling
    the address. 409 `seat_held` only at a service confirmed at once without an email check."""
    language = request_language(request)
    if not _is_slug(slug):
        raise Http404
    session = (
        GroupSession.objects.select_related("service", "office", "counselor")
        .filter(uuid=session_id, office__slug=slug, status=GroupSessionStatus.SCHEDULED)
        .first()
    )
    if session is None:
        raise Http404
    with translation.override(language):
        _web_service_by_slugs(slug, session.service.slug)  # open online, or why not
    if proof_required() and not proof_accept(
        payload=payload.altcha, office=session.office, now=request.now
    ):
        return Status(
            400,
            {
                "code": "proof_required",
                "message": "Solve the proof of work from GET /offices/{slug}/challenge "
                "and send it as `altcha`.",
            },
        )
    try:
        created = _seat_book(request, session, payload, language)
    except SessionFull as full:
        if session.service.waitlist_enabled:  # the page to join the session's waitlist
            path = reverse("waitlist-session-join", args=[slug, session.uuid])
            full.waitlist_url = settings.SITE_URL.rstrip("/") + path
        raise
    booking = created.booking
    if not created.replayed:
        _record_booked(request, booking)
    manage = reverse("booking-manage", args=[created.manage_token])
    return Status(
        201,
        {
            "reference": booking.reference, "status": booking.status,
            "start": booking.start.astimezone(JST), "end": booking.end.astimezone(JST),
            "manage_url": settings.SITE_URL.rstrip("/") + manage, "session": session.uuid,
        },
    )  # fmt: skip


def _seat_book(request, session: GroupSession, payload: SeatIn, language: str):
    data = payload.dict(exclude={"service", "start", "terms_version", "agree_terms", "altcha"})
    data["attendees"] = list(data.get("attendees") or [])
    with translation.override(language):
        return seat_book(
            session=session, data=data,
            terms_version_id=terms_version_id_for(
                office=session.office, label_or_id=payload.terms_version
            ),
            agree_terms=payload.agree_terms, channel="api", language=language,
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            ip_address=client_ip(request), user_agent=request.headers.get("User-Agent", ""),
            now=request.now,
        )  # fmt: skip
