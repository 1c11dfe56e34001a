"""
The person's channels beside email (`ContactChannel`): an SMS number added on the booking
page, LINE linked through LINE's account-link flow, either removed again. LINE's flow, as
its Messaging API documents it ("Linking user accounts"), started from the booking page:

1. The booking page asks to link LINE: a one-time code (128 bits, kept as a hash) is shown
   with a button that opens a chat with the office's official account, the code typed in.
2. The person sends it; LINE's webhook brings the message with their LINE user id; the
   office's account issues a link token for that user and replies with a link to this
   site carrying the code and the token.
3. That link (`line_link_nonce`) makes a nonce (kept as a hash) and sends the browser to
   LINE's account-link dialog with the token and the nonce.
4. The person agrees; LINE's webhook brings an `accountLink` event with the nonce and the
   user id, which binds the user id to the booking's channel (`line_account_linked`).
"""

import hashlib
import secrets
import unicodedata
from datetime import datetime, timedelta
from urllib.parse import quote

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from notifications.exceptions import ChannelInvalid
from notifications.models import ContactChannel

LINE_CODE_PREFIX = "LINK "


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def contact_channels(booking_id: int) -> list[ContactChannel]:
    """The booking's channels that are in use or being linked, LINE first."""
    return list(
        ContactChannel.objects.filter(booking_id=booking_id)
        .exclude(status=ContactChannel.Status.REMOVED)
        .order_by("kind")
    )


def booking_ids_with_channels(booking_ids: list[int]) -> set[int]:
    return set(
        ContactChannel.objects.filter(
            booking_id__in=booking_ids, status=ContactChannel.Status.ACTIVE
        ).values_list("booking_id", flat=True)
    )


def sms_number_normalise(value: str) -> str:
    """
    A Japanese mobile number (070, 080 or 090 and eight digits, as written: hyphens,
    spaces, full-width digits, or +81) in E.164 (+819012345678); ChannelInvalid otherwise.
    """
    text = unicodedata.normalize("NFKC", value or "")
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.strip().startswith("+") or (digits.startswith("81") and len(digits) == 12):
        digits = "0" + digits.removeprefix("81") if digits.startswith("81") else ""
    if len(digits) != 11 or digits[:3] not in ("070", "080", "090"):
        raise ChannelInvalid(
            _(
                "Enter a Japanese mobile number that starts with 070, 080 or 090 and has 11 "
                "digits, for example 090-1234-5678."
            ),
            field="sms_number",
        )
    return "+81" + digits[1:]


def sms_number_display(e164: str) -> str:
    """090-****-5678: enough for the person to recognise their number on a shared screen."""
    local = "0" + e164.removeprefix("+81")
    return f"{local[:3]}-****-{local[-4:]}"


def contact_sms_set(
    *, booking_id: int, office_id: int, number: str, now: datetime
) -> ContactChannel:
    """Adds (or changes) the booking's SMS number."""
    e164 = sms_number_normalise(number)
    with transaction.atomic():
        contact = (
            ContactChannel.objects.select_for_update(no_key=True)
            .filter(booking_id=booking_id, kind=ContactChannel.Kind.SMS)
            .exclude(status=ContactChannel.Status.REMOVED)
            .first()
        )
        if contact is None:
            contact = ContactChannel(
                booking_id=booking_id, office_id=office_id, kind=ContactChannel.Kind.SMS
            )
        contact.address, contact.status, contact.linked_at = e164, ContactChannel.Status.ACTIVE, now
        try:
            with transaction.atomic():
                contact.save()
        except IntegrityError:  # a second tab added one at the same moment: it stands
            pass
    return contact


def contact_remove(*, booking_id: int, kind: str, now: datetime) -> int:
    return (
        ContactChannel.objects.filter(booking_id=booking_id, kind=kind)
        .exclude(status=ContactChannel.Status.REMOVED)
        .update(
            status=ContactChannel.Status.REMOVED, removed_at=now, address="",
            link_code_hash="", nonce_hash="",
        )
    )  # fmt: skip


def line_offered(office_slug: str) -> bool:
    from notifications.channels import line_provider

    return line_provider(office_slug) is not None


def sms_offered() -> bool:
    from notifications.channels import sms_provider

    return sms_provider() is not None


def line_link_start(*, booking_id: int, office_id: int, office_slug: str, now: datetime) -> str:
    """
    Step 1: a new one-time code for linking the booking to the office's LINE account
    (an earlier code of this booking ends); returns the LINE link that opens a chat with
    the account, the code typed in. The code exists in clear only in that link.
    """
    from notifications.channels import line_provider

    provider = line_provider(office_slug)
    if provider is None:
        raise ChannelInvalid(_("This office does not send notices by LINE."))
    code = secrets.token_urlsafe(16)
    expires = now + timedelta(minutes=settings.LINE_LINK_MINUTES)
    with transaction.atomic():
        contact = (
            ContactChannel.objects.select_for_update(no_key=True)
            .filter(booking_id=booking_id, kind=ContactChannel.Kind.LINE)
            .exclude(status=ContactChannel.Status.REMOVED)
            .first()
        )
        if contact is not None and contact.status == ContactChannel.Status.ACTIVE:
            raise ChannelInvalid(_("LINE is already linked to this booking."))
        if contact is None:
            contact = ContactChannel(
                booking_id=booking_id, office_id=office_id, kind=ContactChannel.Kind.LINE
            )
        contact.link_code_hash, contact.nonce_hash = _hash(code), ""
        contact.link_expires_at = expires
        try:
            with transaction.atomic():
                contact.save()
        except IntegrityError:
            raise ChannelInvalid(
                _("LINE is being linked in another window. Reload this page.")
            ) from None
    text = quote(LINE_CODE_PREFIX + code)
    return f"{settings.LINE_URL_SCHEME_BASE}/oaMessage/{quote(provider.basic_id)}/?{text}"


def _linking(*, code_hash: str = "", nonce_hash: str = "", now: datetime):
    query = ContactChannel.objects.filter(
        status=ContactChannel.Status.LINKING, link_expires_at__gt=now
    )
    if code_hash:
        return query.filter(link_code_hash=code_hash).first()
    return query.filter(nonce_hash=nonce_hash).first() if nonce_hash else None


def line_code_of(text: str) -> str:
    """The code in a message the person sent (the text the booking page typed in)."""
    text = (text or "").strip()
    return (
        text.removeprefix(LINE_CODE_PREFIX.strip()).strip()
        if text.startswith(LINE_CODE_PREFIX.strip())
        else ""
    )


def line_link_contact(*, code: str, office_id: int, now: datetime) -> ContactChannel | None:
    """Step 2's check: the booking's channel that this code links, at this office, unlapsed."""
    contact = _linking(code_hash=_hash(code), now=now) if code else None
    return contact if contact is not None and contact.office_id == office_id else None


def line_link_nonce(*, code: str, now: datetime) -> str | None:
    """Step 3: a new nonce for the channel this code links (None: unknown or lapsed)."""
    contact = _linking(code_hash=_hash(code), now=now) if code else None
    if contact is None:
        return None
    nonce = secrets.token_urlsafe(16)
    ContactChannel.objects.filter(pk=contact.pk).update(nonce_hash=_hash(nonce))
    return nonce


def line_account_linked(
    *, nonce: str, user_id: str, office_id: int, now: datetime
) -> ContactChannel | None:
    """Step 4: LINE says the person agreed; the user id is bound, the code and nonce end."""
    with transaction.atomic():
        contact = _linking(nonce_hash=_hash(nonce), now=now) if nonce else None
        if contact is None or contact.office_id != office_id or not user_id:
            return None
        updated = ContactChannel.objects.filter(
            pk=contact.pk, status=ContactChannel.Status.LINKING
        ).update(
            status=ContactChannel.Status.ACTIVE, address=user_id, linked_at=now,
            link_code_hash="", nonce_hash="", link_expires_at=None,
        )  # fmt: skip
    return contact if updated else None


def line_user_left(*, user_id: str, office_id: int, now: datetime) -> int:
    """The person blocked or left the office's account: nothing can reach them there."""
    return (
        ContactChannel.objects.filter(
            kind=ContactChannel.Kind.LINE, address=user_id, office_id=office_id,
            status=ContactChannel.Status.ACTIVE,
        ).update(status=ContactChannel.Status.REMOVED, removed_at=now, address="")
    )  # fmt: skip


def contacts_forget(*, booking_ids: list[int], now: datetime) -> int:
    """The bookings' personal data is purged (retention): their numbers and LINE user ids
    go with it."""
    return (
        ContactChannel.objects.filter(booking_id__in=booking_ids)
        .exclude(address="", status=ContactChannel.Status.REMOVED)
        .update(
            status=ContactChannel.Status.REMOVED, address="", link_code_hash="",
            nonce_hash="", removed_at=now,
        )
    )  # fmt: skip
