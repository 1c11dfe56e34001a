"""
Zoom's event webhook: `meeting.participant_joined` tells when the applicant joined (the
no-show rule uses it). Every request must carry a valid `x-zm-signature` (HMAC-SHA256 of
`v0:{timestamp}:{raw body}` with the app's secret token) and a timestamp at most five
minutes old; `endpoint.url_validation` is answered as Zoom asks. A request replayed
inside that window (the same signature) is ignored: each signature is remembered in the
cache for twice the window. A join counts as the applicant's only when Zoom names the
meeting's registered participant (their email); anyone else is "someone joined", for the
counselor to judge.
"""

import hashlib
import hmac
import json
import logging
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from common import clock
from conferencing.services import meeting_record_join

logger = logging.getLogger(__name__)

MAX_AGE_SECONDS = 300


def _sign(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_is_valid(
    *, secret: str, timestamp: str, body: bytes, signature: str, now: float | None = None
) -> bool:
    if not (secret and timestamp and signature):
        return False
    try:
        age = abs((now or clock.timestamp()) - int(timestamp))
    except ValueError:
        return False
    if age > MAX_AGE_SECONDS:
        return False
    expected = "v0=" + _sign(secret, b"v0:" + timestamp.encode() + b":" + body)
    return hmac.compare_digest(expected, signature)


def _replayed(signature: str) -> bool:
    """True when this signature was seen inside the window (the cache down: not a replay)."""

    key = "zoom-webhook:" + hashlib.sha256(signature.encode()).hexdigest()
    try:
        return not cache.add(key, 1, timeout=2 * MAX_AGE_SECONDS)
    except Exception as error:  # the join is recorded idempotently anyway
        logger.warning("zoom webhook replay check skipped: %s", type(error).__name__)
        return False


@csrf_exempt
@require_POST
def zoom_webhook(request: HttpRequest) -> HttpResponse:
    secret = settings.ZOOM_WEBHOOK_SECRET
    if not signature_is_valid(
        secret=secret,
        timestamp=request.headers.get("x-zm-request-timestamp", ""),
        body=request.body,
        signature=request.headers.get("x-zm-signature", ""),
    ):
        return HttpResponse(status=401)
    if _replayed(request.headers.get("x-zm-signature", "")):
        logger.info("zoom webhook replay ignored")
        return HttpResponse(status=204)
    try:
        event = json.loads(request.body)
        kind, payload = event["event"], event.get("payload", {})
    except (ValueError, KeyError, TypeError, AttributeError):
        return HttpResponse(status=400)
    if kind == "endpoint.url_validation":
        plain = str(payload.get("plainToken", ""))
        return JsonResponse({"plainToken": plain, "encryptedToken": _sign(secret, plain.encode())})
    if kind == "meeting.participant_joined":
        meeting = payload.get("object", {})
        participant = meeting.get("participant", {})
        is_host = participant.get("id") and participant.get("id") == meeting.get("host_id")
        if not is_host:
            try:
                joined_at = datetime.fromisoformat(
                    str(participant["join_time"]).replace("Z", "+00:00")
                )
            except (KeyError, ValueError):
                return HttpResponse(status=400)
            found = meeting_record_join(
                provider="zoom",
                external_id=str(meeting.get("id", "")),
                joined_at=joined_at,
                participant_email=str(participant.get("email") or ""),
            )
            logger.info("zoom join recorded=%s meeting=%s", found, meeting.get("id"))
    return HttpResponse(status=204)
