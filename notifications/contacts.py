"""
The person's channels beside email (`ContactChannel`), each for its owner (a booking, a
waitlist entry: `Owner`): an SMS number, in use once the 6-digit code sent to it is typed
back; LINE linked through LINE's account-link flow; either removed again. LINE's flow, as
its Messaging API documents it ("Linking user accounts"), started from the owner's page:

1. The booking page asks to link LINE: a one-time code (128 bits, kept as a hash) is shown
   with a button that opens a chat with the office's official account, the code typed in.
2. The person sends it; LINE's webhook brings the message with their LINE user id; the
   office's account issues a link token for that user and replies with a link to this
   site carrying the code and the token.
3. That link (`line_link_nonce`) makes a nonce (kept as a hash) and sends the browser to
   LINE's account-link dialog with the token and the nonce.
4. The person agrees; LINE's webhook brings an `accountLink` event with the nonce and the
   user id, which binds the user id to the owner's channel (`line_account_linked`).

An SMS number typed on a page is confirmed first (`sms_code_send`, `sms_code_confirm`): a
6-digit code, at most `SMS_CODE_TRIES` wrong tries, lapsing after `SMS_CODE_MINUTES`, at
most `SMS_CODES` codes until one is confirmed. A number a counselor took down on the phone
(`contact_sms_set`) is in use at once: the person said it to the office.
"""

import hashlib
import hmac
import secrets
import unicodedata
from datetime import datetime, timedelta
from urllib.parse import quote

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.channels import (
    DeliveryFailed,
    line_configured,
    line_provider,
    sms_configured,
    sms_provider,
)
from notifications.exceptions import ChannelInvalid
from notifications.models import ContactChannel, Owner

LINE_CODE_PREFIX = "LINK "
SMS_CODE_MINUTES = 10  # a code sent by SMS works this long
SMS_CODE_TRIES = 5  # wrong codes typed before a new one must be asked for
SMS_CODES = 5  # codes sent to an owner's numbers until one is confirmed


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _of(owner: Owner):
    return ContactChannel.objects.filter(owner_kind=owner.kind, owner_id=owner.id)


def contact_channels(owner: Owner) -> list[ContactChannel]:
    """The owner's channels that are in use, being linked or confirmed, LINE first."""
    return list(_of(owner).exclude(status=ContactChannel.Status.REMOVED).order_by("kind"))


def owner_ids_with_channels(owner_kind: str, ids: list[int]) -> set[int]:
    """Those of `ids` with a channel in use (a person without email reachable there)."""
    return set(
        ContactChannel.objects.filter(
            owner_kind=owner_kind, owner_id__in=ids, status=ContactChannel.Status.ACTIVE
        ).values_list("owner_id", flat=True)
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


def _lock(owner: Owner, kind: str) -> ContactChannel | None:
    return (
        _of(owner)
        .select_for_update(no_key=True)
        .filter(kind=kind)
        .exclude(status=ContactChannel.Status.REMOVED)
        .first()
    )


def _save_new_or_refuse(contact: ContactChannel, refusal) -> None:
    """Saves the channel; another window adding one at the same moment wins (refusal)."""
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        raise ChannelInvalid(refusal) from None


def contact_sms_set(*, owner: Owner, office_id: int, number: str, now: datetime) -> ContactChannel:
    """A number a counselor took down from the person on the phone: in use at once."""
    e164 = sms_number_normalise(number)
    with transaction.atomic():
        contact = _lock(owner, ContactChannel.Kind.SMS) or ContactChannel(
            owner_kind=owner.kind, owner_id=owner.id, office_id=office_id,
            kind=ContactChannel.Kind.SMS,
        )  # fmt: skip
        contact.address, contact.status, contact.linked_at = e164, ContactChannel.Status.ACTIVE, now
        contact.link_code_hash, contact.link_expires_at = "", None
        try:
            with transaction.atomic():
                contact.save()
        except IntegrityError:  # a second tab added one at the same moment: it stands
            pass
    return contact


def _sms_code_hash(owner: Owner, code: str) -> str:
    return _hash(f"sms:{owner.kind}:{owner.id}:{code}")


def sms_code_send(
    *, owner: Owner, office_id: int, office_name: str, number: str, language: str,
    now: datetime,
) -> ContactChannel:  # fmt: skip
    """
    Step 1 of an SMS number typed on a page: a new 6-digit code is sent to it (an earlier
    code ends); the number is not used until the code is typed back (`sms_code_confirm`).
    A new number replaces the one in use, which stops at once. The provider is spoken to
    after the commit. Raises ChannelInvalid (not a mobile number, SMS off, too many
    codes, the provider refused).
    """

    e164 = sms_number_normalise(number)
    provider = sms_provider()
    if provider is None:
        raise ChannelInvalid(_("This office does not send notices by SMS."))
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        contact = _lock(owner, ContactChannel.Kind.SMS)
        if contact is not None and contact.status == ContactChannel.Status.ACTIVE:
            if contact.address == e164:
                raise ChannelInvalid(_("Notices already come by SMS to this number."))
            contact_remove(owner=owner, kind=ContactChannel.Kind.SMS, now=now)
            contact = None
        if contact is None:
            contact = ContactChannel(
                owner_kind=owner.kind, owner_id=owner.id, office_id=office_id,
                kind=ContactChannel.Kind.SMS, status=ContactChannel.Status.LINKING,
            )  # fmt: skip
        if contact.codes_sent >= SMS_CODES:
            raise ChannelInvalid(
                _("Too many codes were sent. Please phone the office to add your number."),
                field="sms_number",
            )
        contact.address, contact.language = e164, language
        contact.link_code_hash = _sms_code_hash(owner, code)
        contact.link_expires_at = now + timedelta(minutes=SMS_CODE_MINUTES)
        contact.tries, contact.codes_sent = 0, contact.codes_sent + 1
        _save_new_or_refuse(contact, _("A number is being added in another window. Reload."))
    with translation.override(language):
        text = (
            office_name
            + _(": ")
            + _("Your confirmation code is %(code)s. It works for %(minutes)d minutes.")
            % {"code": code, "minutes": SMS_CODE_MINUTES}
        )
    try:
        provider.send(
            to=e164, text=text, idempotency_key=f"sms-code:{contact.pk}:{contact.codes_sent}"
        )
    except DeliveryFailed:
        raise ChannelInvalid(
            _("No SMS could be sent to this number. Check it and try again."),
            field="sms_number",
        ) from None
    return contact


def sms_code_confirm(*, owner: Owner, code: str, now: datetime) -> ContactChannel:
    """Step 2: the code typed back puts the number in use. A wrong code counts a try;
    after SMS_CODE_TRIES, or once lapsed, only a new code confirms. Raises ChannelInvalid."""
    typed = "".join(ch for ch in unicodedata.normalize("NFKC", code or "") if ch.isdigit())
    refusal = None
    with transaction.atomic():
        contact = _lock(owner, ContactChannel.Kind.SMS)
        if contact is None or contact.status != ContactChannel.Status.LINKING:
            refusal = _("Ask for a code first: enter your mobile number.")
        elif contact.link_expires_at is None or contact.link_expires_at <= now:
            refusal = _("This code has lapsed. Ask for a new code.")
        elif contact.tries >= SMS_CODE_TRIES:
            refusal = _("Too many wrong codes. Ask for a new code.")
        elif not hmac.compare_digest(_sms_code_hash(owner, typed), contact.link_code_hash):
            contact.tries += 1
            contact.save(update_fields=["tries"])
            left = SMS_CODE_TRIES - contact.tries
            refusal = (
                _("The code is not right. Tries left: %(left)d.") % {"left": left}
                if left
                else _("Too many wrong codes. Ask for a new code.")
            )
        else:
            contact.status, contact.linked_at = ContactChannel.Status.ACTIVE, now
            contact.link_code_hash, contact.link_expires_at = "", None
            contact.tries = contact.codes_sent = 0
            contact.save(update_fields=[
                "status", "linked_at", "link_code_hash", "link_expires_at", "tries", "codes_sent",
            ])  # fmt: skip
    if refusal is not None:  # after the commit: a wrong try stays counted
        raise ChannelInvalid(refusal, field="sms_code")
    return contact


def contact_remove(*, owner: Owner, kind: str, now: datetime) -> int:
    return (
        _of(owner)
        .filter(kind=kind)
        .exclude(status=ContactChannel.Status.REMOVED)
        .update(
            status=ContactChannel.Status.REMOVED, removed_at=now, address="",
            link_code_hash="", nonce_hash="",
        )
    )  # fmt: skip


def line_offered(office_slug: str) -> bool:
    return line_configured(office_slug)


def sms_offered() -> bool:
    return sms_configured()


def line_link_start(
    *, owner: Owner, office_id: int, office_slug: str, language: str, now: datetime
) -> str:
    """
    Step 1: a new one-time code for linking the owner to the office's LINE account (an
    earlier code of the owner ends); returns the LINE link that opens a chat with the
    account, the code typed in. The code exists in clear only in that link. The account's
    replies while linking speak `language`.
    """

    provider = line_provider(office_slug)
    if provider is None:
        raise ChannelInvalid(_("This office does not send notices by LINE."))
    code = secrets.token_urlsafe(16)
    expires = now + timedelta(minutes=settings.LINE_LINK_MINUTES)
    with transaction.atomic():
        contact = _lock(owner, ContactChannel.Kind.LINE)
        if contact is not None and contact.status == ContactChannel.Status.ACTIVE:
            raise ChannelInvalid(_("LINE is already linked to this booking."))
        if contact is None:
            contact = ContactChannel(
                owner_kind=owner.kind, owner_id=owner.id, office_id=office_id,
                kind=ContactChannel.Kind.LINE,
            )  # fmt: skip
        contact.link_code_hash, contact.nonce_hash = _hash(code), ""
        contact.link_expires_at, contact.language = expires, language
        _save_new_or_refuse(contact, _("LINE is being linked in another window. Reload this page."))
    text = quote(LINE_CODE_PREFIX + code)
    return f"{settings.LINE_URL_SCHEME_BASE}/oaMessage/{quote(provider.basic_id)}/?{text}"


def _linking(*, code_hash: str = "", nonce_hash: str = "", now: datetime):
    query = ContactChannel.objects.filter(
        kind=ContactChannel.Kind.LINE, status=ContactChannel.Status.LINKING,
        link_expires_at__gt=now,
    )  # fmt: skip
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
    """Step 2's check: the owner's channel that this code links, at this office, unlapsed."""
    contact = _linking(code_hash=_hash(code), now=now) if code else None
    return contact if contact is not None and contact.office_id == office_id else None


def line_code_language(*, code: str, office_id: int) -> str:
    """The language of the person who was given this code, lapsed or not (for the reply
    that says it lapsed); Japanese for a code never given."""
    language = (
        ContactChannel.objects.filter(
            kind=ContactChannel.Kind.LINE, office_id=office_id, link_code_hash=_hash(code)
        )
        .values_list("language", flat=True)
        .first()
        if code
        else None
    )
    return language or "ja"


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


def contacts_forget(*, owner_kind: str, ids: list[int], now: datetime) -> int:
    """The owners' personal data is purged (retention): their numbers and LINE user ids go
    with it."""
    return (
        ContactChannel.objects.filter(owner_kind=owner_kind, owner_id__in=ids)
        .exclude(address="", status=ContactChannel.Status.REMOVED)
        .update(
            status=ContactChannel.Status.REMOVED, address="", link_code_hash="",
            nonce_hash="", removed_at=now,
        )
    )  # fmt: skip
