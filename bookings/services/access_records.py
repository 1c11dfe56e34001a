"""Records of use of the booking pages, kept pseudonymous (see `AccessRecord`)."""

import hashlib
import hmac
from datetime import datetime

from django.conf import settings

from bookings.models import AccessRecord, Booking
from common.privacy import device_type
from terms.services import truncate_ip


def device_key(ip_address: str | None, user_agent: str) -> str:
    raw = f"{truncate_ip(ip_address)}|{user_agent or ''}".encode()
    key = hashlib.sha256(b"access-record:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, raw, hashlib.sha256).hexdigest()[:16]


def network_key(ip_address: str | None) -> str:
    """The network alone (IPv4 /24, IPv6 /48), keyed: what the bursts page groups by."""
    prefix = truncate_ip(ip_address)
    if not prefix:
        return ""
    key = hashlib.sha256(b"access-network:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, prefix.encode(), hashlib.sha256).hexdigest()[:16]


def access_record(
    *, booking: Booking, kind: str, ip_address: str | None, user_agent: str, now: datetime
) -> AccessRecord:
    return AccessRecord.objects.create(
        office_id=booking.office_id,
        booking=booking,
        at=now,
        kind=kind,
        device=device_key(ip_address, user_agent),
        device_type=device_type(user_agent)[:40],
        network=network_key(ip_address),
    )
