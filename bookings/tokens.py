"""
Secret links. A token is derived from the booking's UUID, its purpose and SECRET_KEY
(HMAC-SHA256, 192 bits), like Django's password-reset tokens: it is never stored, only
its SHA-256 for lookup, and a token for one purpose opens nothing else. Deriving rather
than generating lets an idempotent replay of a booking request return the same link.
"""

import base64
import hashlib
import hmac
from uuid import UUID

from django.conf import settings

MANAGE = "manage"
VERIFY = "verify"


def booking_token(booking_uuid: UUID, purpose: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"booking-{purpose}:{booking_uuid}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
