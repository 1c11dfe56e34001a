"""
Secret links. A token is 192 random bits (`secrets.token_urlsafe(24)`), derived from
nothing (not the booking's UUID, which is public in the .ics UID and meeting links, nor
SECRET_KEY): only its SHA-256 is stored, on a `BookingLink` row, so a link can be ended
alone and a leaked database opens no page. A token for one purpose opens nothing else.
"""

import hashlib
import secrets

MANAGE = "manage"
VERIFY = "verify"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
