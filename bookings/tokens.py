"""
Secret links. A token is 192 random bits (`secrets.token_urlsafe(24)`), derived from
nothing (not the booking's UUID, which is public in the .ics UID and meeting links, nor
SECRET_KEY): only its SHA-256 is stored, on a `BookingLink` row (or, for a row that one
link opens, on the row itself: `SecretLinked`), so a link can be ended alone and a leaked
database opens no page. A token for one purpose opens nothing else.
"""

import hashlib
import secrets

from django.db import models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

MANAGE = "manage"
VERIFY = "verify"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SecretLinked(models.Model):
    """
    A row that a secret link of its own opens (an interview's party, a managed selection's
    candidate or employer): the link's token is made here (`link_new`, the only time it
    exists in clear), only its SHA-256 is kept, and a row is found by the token it was
    given (`opened_by`). Retention ends such links without a token ever matching again
    (`links_end`). Bookings keep several links a booking (`BookingLink`); this is one link
    a row, which a new one replaces.
    """

    token_hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        abstract = True

    def link_new(self) -> str:
        """A new token for this row (the caller saves it, and sends the token)."""
        token = new_token()
        self.token_hash = token_hash(token)
        return token

    @classmethod
    def opened_by(cls, token: str, rows=None):
        """The row of `rows` (default: all) whose link is `token`, or None."""
        if not token or len(token) > 100:
            return None
        rows = cls.objects.all() if rows is None else rows
        return rows.filter(token_hash=token_hash(token)).first()


ENDED = "ended-"  # a link's hash once ended: no token hashes to it (a hash is hex digits)


def links_end(rows) -> int:
    """Ends the links of `rows` (a queryset of a `SecretLinked` model), each hash replaced
    by a value unique to its row; those ended already are skipped. Returns how many."""
    return rows.exclude(token_hash__startswith=ENDED).update(
        token_hash=Concat(Value(ENDED), Cast("pk", CharField()))
    )
