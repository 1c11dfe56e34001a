"""
Proof of work for open online booking (ALTCHA, issue 23): a booking that holds a time
from the open web form or the API carries a solved challenge, so holding times costs
whoever sends many requests, not the one person who books. Self-hosted: the challenge is
made and checked here (`altcha`, its v1 scheme: find the number, at most `maxnumber`,
whose SHA-256 with the salt is the challenge) and the widget is a static file of this
site (static/vendor/altcha); no third party, no cookie.

The cost (`maxnumber`) follows the office's pressure: the public holds made in the last
hour against the free places of the coming two weeks. A quiet office costs
`POW_QUIET_MAX_NUMBER`, rising linearly to `POW_BUSY_MAX_NUMBER` when the last hour's
holds reach `POW_BUSY_SHARE` of the free places. A challenge is good for
`POW_CHALLENGE_MINUTES`, for one office, and once (remembered in the cache). A request
without a solved challenge (no JavaScript) is not refused: it holds no time until its
email link is opened (`services.open_requests`). `PROOF_OF_WORK=off` turns it off, for
load runs (loadtest/limits.py).
"""

import base64
import hashlib
import json
import logging
from datetime import datetime, timedelta
from urllib.parse import parse_qs

from altcha import ChallengeOptionsV1, create_challenge_v1, verify_solution_v1
from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from bookings.models import Booking
from bookings.selectors.availability_cache import slot_list_cached
from bookings.state import TIME_HOLDING_STATUSES
from common.clock import JST
from offices.models import Office

logger = logging.getLogger(__name__)

PUBLIC = ("web", "api")


def proof_required() -> bool:
    return bool(settings.PROOF_OF_WORK)


def _key() -> str:
    return salted_hmac("bookings.proof", "altcha").hexdigest()


def office_pressure(office: Office, now: datetime) -> float:
    """Public holds made in the last hour / free places in the next two weeks (0 when none
    were made; counted as busy when no place is free)."""

    recent = Booking.objects.filter(
        office=office,
        channel__in=PUBLIC,
        created_at__gte=now - timedelta(hours=1),
        status__in=TIME_HOLDING_STATUSES,
    ).count()
    if not recent:
        return 0.0
    today = now.astimezone(JST).date()
    free = 0
    for service in office.services.filter(is_active=True, accepts_web=True):
        slots = slot_list_cached(
            service=service, first_day=today, last_day=today + timedelta(days=13), now=now
        )
        free += sum(slot.free for slot in slots)
    return recent / max(free, 1)


def proof_cost(office: Office, now: datetime) -> int:
    quiet, busy = settings.POW_QUIET_MAX_NUMBER, settings.POW_BUSY_MAX_NUMBER
    share = min(1.0, office_pressure(office, now) / settings.POW_BUSY_SHARE)
    return int(quiet + (busy - quiet) * share)


def challenge_issue(*, office: Office, now: datetime, max_number: int | None = None) -> dict:
    """A challenge for the widget or an API client (the JSON the widget reads)."""

    until = now + timedelta(minutes=settings.POW_CHALLENGE_MINUTES)
    challenge = create_challenge_v1(
        ChallengeOptionsV1(
            hmac_key=_key(),
            max_number=max_number or proof_cost(office, now),
            params={"office": str(office.pk), "until": str(int(until.timestamp()))},
        )
    )
    return {
        "algorithm": challenge.algorithm,
        "challenge": challenge.challenge,
        "maxnumber": challenge.max_number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }


def proof_accept(*, payload: str | None, office: Office, now: datetime) -> bool:
    """
    Whether `payload` (the widget's base64 `altcha` field) solves a challenge this site
    made for this office that has not expired nor been used; it is used up by this call.
    """

    if not payload or len(payload) > 2000:
        return False
    try:
        ok, _error = verify_solution_v1(payload, _key(), check_expires=False)
    except Exception:  # a payload of any shape: simply not a proof
        return False
    if not ok:
        return False

    solved = json.loads(base64.b64decode(payload).decode())
    params = parse_qs(str(solved["salt"]).partition("?")[2])
    try:
        until = int(params["until"][0].rstrip("&"))
        office_id = int(params["office"][0].rstrip("&"))
    except (KeyError, ValueError):
        return False
    if office_id != office.pk or until < now.timestamp():
        return False
    used = "proof:" + hashlib.sha256(str(solved["signature"]).encode()).hexdigest()[:40]
    try:
        first = cache.add(used, 1, timeout=settings.POW_CHALLENGE_MINUTES * 60 + 60)
    except Exception as error:  # the cache down: a proof is still a proof
        logger.warning("proof not remembered, cache unavailable: %s", type(error).__name__)
        return True
    return bool(first)
