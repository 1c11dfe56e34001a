"""Writes for staff sign-in: notices, known devices, lockouts lifted."""

import hashlib
import secrets
from base64 import b32encode
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.emails import (
    KIND_FACTOR_RESET,
    KIND_LOCKOUT,
    KIND_NEW_DEVICE,
    factor_reset_message,
    lockout_message,
    new_device_message,
)
from accounts.models import KnownDevice, SecondFactorReset
from accounts.selectors import failed_sign_ins
from accounts.staff_sessions import staff_sessions_end_all
from common.privacy import device_type
from common.text import text_refuse_hidden
from notifications.services import notification_enqueue
from offices.models import User


def lockout_notify(*, username: str, now: datetime) -> None:
    """
    Emails the account (if one by that name has an address) that it is locked; once per
    lockout, however many attempts meet it (the lockout is named by its last failure).
    """
    user = User.objects.filter(username=username).exclude(email="").first()
    failures = failed_sign_ins(username=username, now=now)
    if user is None or failures.last is None:
        return
    until = failures.last + timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES)
    notification_enqueue(
        dedupe_key=f"staff-lockout:{user.pk}:{failures.last.isoformat()}",
        kind=KIND_LOCKOUT,
        recipient=user.email,
        language="ja",
        office_id=user.office_id,
        render=lambda: lockout_message(
            username=user.username,
            until=until,
            self_unlock=self_unlock_possible(username=user.username),
        ),
    )


def lockout_lift(*, username: str) -> int:
    """Forgets the failed sign-ins of a username (the person proved who they are)."""
    deleted, _ = AccessAttempt.objects.filter(username=username).delete()
    return deleted


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@transaction.atomic
def known_device_sign_in(*, user: User, cookie: str | None, user_agent: str,
                         now: datetime) -> str | None:  # fmt: skip
    """
    Records a sign-in's browser. Returns a new cookie value for a browser not seen before
    (and emails the account about it, unless it is the account's first browser ever), or
    None for a known one.
    """
    if cookie:
        known = KnownDevice.objects.filter(user=user, key_hash=_hash(cookie)).first()
        if known is not None:
            known.last_seen = now
            known.save(update_fields=["last_seen"])
            return None
    had_devices = KnownDevice.objects.filter(user=user).exists()
    value = secrets.token_urlsafe(32)
    label = device_type(user_agent)[:40]
    device = KnownDevice.objects.create(
        user=user, key_hash=_hash(value), device_type=label, first_seen=now, last_seen=now
    )
    if had_devices and user.email:
        notification_enqueue(
            dedupe_key=f"staff-new-device:{device.pk}",
            kind=KIND_NEW_DEVICE,
            recipient=user.email,
            language="ja",
            office_id=user.office_id,
            render=lambda: new_device_message(username=user.username, device=label, at=now),
        )
    return value


RECOVERY_CODES = 10


def recovery_codes_issue(*, user: User) -> list[str]:
    """
    New recovery codes (each works once), replacing any earlier ones: shown to the person
    once, stored by django-otp's static device.
    """

    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="recovery", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def totp_device_start(*, user: User):
    """The authenticator app being set up: an unconfirmed TOTP device, kept until confirmed."""

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def totp_device_confirm(*, user: User, code: str):
    """Confirms the app being set up if `code` is its current code; returns it or None."""
    device = totp_device_start(user=user)
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def second_factor_reset(*, user: User, by: User, reason: str, now: datetime):
    """
    Removes every second factor of `user` (passkeys, apps, recovery codes) and signs them
    out everywhere: the next sign-in asks them to set up a new one. Recorded with
    who and why, and the person is emailed.
    """
    # Not at module level: accounts.staff_accounts builds on this module (lockout_lift).
    from accounts.staff_accounts import staff_account_check

    if not by.is_superuser:  # a manager: a counselor account of their own office only
        staff_account_check(by=by, user=user)
    text_refuse_hidden(reason=reason)  # shown on the record of resets

    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
    staff_sessions_end_all(user=user)  # signed out everywhere: a lost phone may be signed in
    record = SecondFactorReset.objects.create(user=user, by=by, reason=reason.strip(), at=now)
    if user.email:
        notification_enqueue(
            dedupe_key=f"staff-factor-reset:{record.pk}",
            kind=KIND_FACTOR_RESET,
            recipient=user.email,
            language="ja",
            office_id=user.office_id,
            render=lambda: factor_reset_message(username=user.username, at=now),
        )
    return record


def demo_totp_ensure(*, usernames: list[str]) -> dict[str, str]:
    """
    Local trials only (`make run`): each named staff account gets a confirmed
    authenticator-app device named "demo". Returns each account's key (base32).
    """

    keys = {}
    for user in User.objects.filter(username__in=usernames, is_staff=True).order_by("username"):
        device = TOTPDevice.objects.filter(user=user, name="demo").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
        keys[user.username] = b32encode(device.bin_key).decode()
    return keys


def _code_devices(user: User) -> list:
    """The account's authenticator apps and recovery codes (what a code can prove)."""

    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True, token_set__isnull=False).distinct(),
    ]


def self_unlock_possible(*, username: str) -> bool:
    """Whether the account can lift its own lockout: an active staff account with a code."""
    user = User.objects.filter(username=username, is_active=True, is_staff=True).first()
    return user is not None and bool(_code_devices(user))


def lockout_lift_with_factor(*, username: str, code: str) -> bool:
    """
    The person lifts their own lockout with their second factor (an authenticator app's
    code or a recovery code, which is used up). django-otp's throttling slows guesses at the
    code. True when the code was right and the lock is lifted.
    """
    user = User.objects.filter(username=username, is_active=True, is_staff=True).first()
    if user is None:
        return False
    token = code.strip().replace(" ", "")
    for device in _code_devices(user):
        allowed, _info = device.verify_is_allowed()
        if allowed and device.verify_token(token):
            lockout_lift(username=username)
            return True
    return False
