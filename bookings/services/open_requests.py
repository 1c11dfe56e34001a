"""
An open request without a proof of work (a browser without JavaScript, an API client
that did not solve the challenge): not refused, and not a booking yet. It holds no time
and has no status in the state table: its details wait in the cache, for the office's
hold window, behind a link emailed to the address given. Opening the link (a page; its
POST books) makes the booking through `booking_create` as any other, the email address
then checked (so no second email check, and the person's checks run then: a time the
address already holds, or its most bookings, refuse it, on the page and by email to the
address, issue 23). The time may have been taken meanwhile: the person is then offered
the free times. The link carries a random token only; nothing personal is in an address
or a log.
"""

import hashlib
import logging
import secrets
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.emails.applicant import open_request_message, open_request_refused_message
from bookings.exceptions import AlreadyBooked, BookingInvalid, BookingLimitReached
from bookings.services.create import booking_create
from bookings.services.holds import hold_minutes
from bookings.services.person_guard import person_cap
from bookings.validation import validate_applicant
from notifications.services import notification_enqueue
from offices.models import Service
from offices.rules import rules_for_service

logger = logging.getLogger(__name__)


def _key(token: str) -> str:
    return "open-request:" + hashlib.sha256(token.encode()).hexdigest()


def open_request_park(
    *, service: Service, start: datetime, data: dict, terms_version_id: int | None,
    agree_terms: bool, language: str, idempotency_key: str, now: datetime,
) -> str:  # fmt: skip
    """Checks the details as a booking would, keeps them and emails the link; the token."""

    rules = rules_for_service(service, service.office)
    cleaned, errors = validate_applicant(data, office=service.office, rules=rules)
    if not agree_terms:
        errors.add(
            "agree_terms", _("To book, read the terms of use and tick the box to agree to them.")
        )
    if errors:
        raise BookingInvalid(errors)
    token = secrets.token_urlsafe(24)
    minutes = hold_minutes(rules)
    cache.set(
        _key(token),
        {
            "service": service.pk, "start": start.isoformat(), "data": data,
            "terms_version_id": terms_version_id, "language": language,
            "idempotency_key": idempotency_key,
        },
        timeout=minutes * 60,
    )  # fmt: skip
    url = settings.SITE_URL.rstrip("/") + reverse(
        "booking-open-request", args=[service.office.slug, token]
    )
    with transaction.atomic():
        notification_enqueue(
            dedupe_key=f"open-request:{_key(token)[-32:]}",
            kind="open_request",
            recipient=cleaned.email,
            language=language,
            render=lambda: open_request_message(
                service=service, start=start, name=cleaned.name, url=url, minutes=minutes,
                language=language,
            ),
            office_id=service.office_id,
        )  # fmt: skip
    logger.info("open request parked office=%s", service.office.slug)
    return token


def open_request_get(token: str) -> dict | None:
    """The waiting request behind a link, or None (lapsed, used, or never)."""
    if not token or len(token) > 64:
        return None
    return cache.get(_key(token))


def open_request_take(token: str) -> dict | None:
    """The waiting request, removed: a link books once."""
    request = open_request_get(token)
    if request is not None:
        cache.delete(_key(token))
    return request


def open_request_book(
    *, waiting: dict, service: Service, start: datetime, ip_address: str | None,
    user_agent: str, now: datetime,
):  # fmt: skip
    """
    Books the request behind an opened link (taken by the caller: a link books once),
    through `booking_create`, the address now shown to be the person's. When the person's
    checks refuse it (the address holds that time, or its most bookings), the refusal is
    raised for the page and emailed to the address as well, as for a hold whose link was
    opened (`services.public.booking_verify`). Raises what `booking_create` raises.
    """

    try:
        return booking_create(
            service=service, start=start, data=waiting["data"],
            terms_version_id=waiting["terms_version_id"], agree_terms=True, channel="web",
            language=waiting["language"], idempotency_key=waiting["idempotency_key"],
            ip_address=ip_address, user_agent=user_agent, email_verified=True, now=now,
        )  # fmt: skip
    except (AlreadyBooked, BookingLimitReached) as refused:
        _refusal_send(waiting, service, start, "overlap" if isinstance(refused, AlreadyBooked)
                      else "limit")  # fmt: skip
        raise


def _refusal_send(waiting: dict, service: Service, start: datetime, refused: str) -> None:
    """The person's checks refused the request: the address is told what and what to do."""

    rules = rules_for_service(service, service.office)
    cleaned, _errors = validate_applicant(waiting["data"], office=service.office, rules=rules)
    key = hashlib.sha256(f"{waiting['idempotency_key']}:{start.isoformat()}".encode()).hexdigest()
    with transaction.atomic():
        notification_enqueue(
            dedupe_key=f"open-request-refused:{key[:32]}",
            kind="open_request_refused",
            recipient=cleaned.email,
            language=waiting["language"],
            render=lambda: open_request_refused_message(
                service=service, start=start, name=cleaned.name, refused=refused,
                max_upcoming=person_cap(), language=waiting["language"],
            ),
            office_id=service.office_id,
        )  # fmt: skip
    logger.info("open request refused office=%s why=%s", service.office.slug, refused)
