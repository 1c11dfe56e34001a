"""
An office's counselor accounts, kept by its manager (superusers for every office): create
one for a new hire (it must set up a second factor at its first sign-in, as every staff
account), deactivate one (signed out everywhere, no new bookings), lift its lock, issue a
new password. Each change is recorded (`StaffAccountChange`). A manager acts only on
counselor accounts of their own office: never another office's, a manager's, a
superuser's or their own; an account that signs in with Microsoft Entra ID is kept in
Entra (its groups), so it is neither created, deactivated nor given a password here.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import EntraIdentity, StaffAccountChange
from accounts.services import lockout_lift, second_factor_reset
from accounts.staff_sessions import staff_sessions_end_all
from common.errors import DomainError
from common.text import text_refuse_hidden
from offices.models import Office, User
from offices.roles import COUNSELORS, OFFICE_MANAGERS
from offices.services import counselor_create, counselor_restart, counselor_stop

Change = StaffAccountChange.Kind
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 (no 0/O, 1/l/I)


class StaffAccountRefused(DomainError):
    """A change to a staff account that this person may not make; `message` says why."""

    code = "staff_account_refused"
    http_status = 403


def may_manage(*, by: User, office: Office) -> bool:
    """Whether `by` keeps `office`'s counselor accounts (its manager, or a superuser)."""
    if by.is_superuser:
        return True
    return by.office_id == office.pk and by.has_perm("accounts.manage_office_staff")


def _new_password() -> str:
    groups = ("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def _record(*, by: User, user: User, kind: str, now: datetime, reason: str = "") -> None:
    StaffAccountChange.objects.create(
        at=now, office_id=user.office_id, user=user, by=by, kind=kind, reason=reason
    )


def _reason(reason: str) -> str:

    text_refuse_hidden(reason=reason)  # shown on the record of changes
    if not reason.strip():
        raise StaffAccountRefused(
            _("Say why (for example, “lost phone” or “back from leave”): it is recorded."),
            field="reason",
        )
    return reason.strip()[:300]


def staff_account_check(*, by: User, user: User) -> None:
    """Raises StaffAccountRefused unless `by` may change `user` here (as `_check_target`)."""
    _check_target(by=by, user=user)


def _check_target(*, by: User, user: User, entra_ok: bool = False) -> None:
    office = Office(pk=user.office_id) if user.office_id else None
    if office is None or not may_manage(by=by, office=office) or user.is_superuser:
        raise StaffAccountRefused(_("Only counselor accounts of your own office can be changed."))
    if user.pk == by.pk:
        raise StaffAccountRefused(_("You cannot change your own account here."))
    if user.groups.filter(name=OFFICE_MANAGERS).exists() and not by.is_superuser:
        raise StaffAccountRefused(
            _("A manager's account is changed by a superuser (the site's system administrator).")
        )
    if not entra_ok and EntraIdentity.objects.filter(user=user).exists():
        raise StaffAccountRefused(
            _("This account signs in with Microsoft Entra ID: it is kept there. Ask your "
              "Entra administrator to add or remove the person from the office's group.")
        )  # fmt: skip


@transaction.atomic
def counselor_account_create(
    *, by: User, office: Office, username: str, first_name: str, last_name: str, email: str,
    display_name: str, now: datetime,
) -> tuple[User, str]:  # fmt: skip
    """
    A counselor account of `office` with a new password (returned, to be shown once) and
    its counselor entry. It has no second factor: its first sign-in sets one up.
    """
    if not may_manage(by=by, office=office):
        raise StaffAccountRefused(_("Only your own office's manager can add its counselors."))
    username = username.strip()
    try:
        User.username_validator(username)
    except ValidationError:
        raise StaffAccountRefused(
            _("A username may hold letters, digits and @ . + - _ only, without spaces."),
            field="username",
        ) from None
    if User.objects.filter(username__iexact=username).exists():
        raise StaffAccountRefused(
            _("The username “%(username)s” is taken. Choose another, for example with the "
              "office's name.") % {"username": username},
            field="username",
        )  # fmt: skip
    password = _new_password()
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username, email=email.strip(), password=password,
                first_name=first_name.strip(), last_name=last_name.strip(),
                is_staff=True, office=office,
            )  # fmt: skip
    except IntegrityError:  # taken meanwhile by another request
        raise StaffAccountRefused(
            _("The username “%(username)s” is taken. Choose another.") % {"username": username},
            field="username",
        ) from None
    user.groups.add(Group.objects.get(name=COUNSELORS))
    counselor_create(office=office, user=user, display_name=display_name.strip() or username)
    _record(by=by, user=user, kind=Change.CREATED, now=now)
    return user, password


@transaction.atomic
def counselor_account_deactivate(*, by: User, user: User, now: datetime) -> None:
    """The account can no longer sign in, is signed out everywhere and takes no new
    bookings; its history (bookings, events, records of views) stays."""
    _check_target(by=by, user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    counselor_stop(user=user)
    staff_sessions_end_all(user=user)
    _record(by=by, user=user, kind=Change.DEACTIVATED, now=now)


@transaction.atomic
def counselor_account_unlock(*, by: User, user: User, now: datetime) -> int:
    """Lifts the lockout of the account's username (its failed sign-ins are forgotten)."""
    _check_target(by=by, user=user, entra_ok=True)
    lifted = lockout_lift(username=user.username)
    _record(by=by, user=user, kind=Change.UNLOCKED, now=now)
    return lifted


@transaction.atomic
def counselor_account_new_password(*, by: User, user: User, now: datetime) -> str:
    """A new password (returned, to be shown once); the account is signed out everywhere.
    Its second factor stays: the password alone signs nobody in."""
    _check_target(by=by, user=user)
    password = _new_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    staff_sessions_end_all(user=user)
    lockout_lift(username=user.username)
    _record(by=by, user=user, kind=Change.PASSWORD, now=now)
    return password


@transaction.atomic
def counselor_account_factor_reset(*, by: User, user: User, reason: str, now: datetime) -> None:
    """Removes the account's second factors (a lost or new phone): signed out everywhere,
    its next sign-in sets up a new one; the person is emailed; recorded with the reason."""

    _check_target(by=by, user=user)
    reason = _reason(reason)
    second_factor_reset(user=user, by=by, reason=reason, now=now)
    _record(by=by, user=user, kind=Change.FACTOR_RESET, now=now, reason=reason)


@transaction.atomic
def counselor_account_reactivate(*, by: User, user: User, reason: str, now: datetime) -> None:
    """A deactivated counselor account can sign in again (with its password and second
    factor as they were) and its counselor entry takes bookings; recorded with the reason."""
    _check_target(by=by, user=user)
    reason = _reason(reason)
    if user.is_active:
        raise StaffAccountRefused(_("This account is already active."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    counselor_restart(user=user)
    _record(by=by, user=user, kind=Change.REACTIVATED, now=now, reason=reason)


@dataclass(frozen=True)
class StaffAccountRow:
    user: User
    roles: list[str]
    entra: bool
    second_factor: bool
    locked: bool
    manageable: bool
    reactivatable: bool


def office_staff_accounts(*, office: Office, by: User, now: datetime) -> list[StaffAccountRow]:
    """The office's staff accounts (never a superuser's), what each is, what `by` may do."""

    users = list(
        User.objects.filter(office=office, is_superuser=False)
        .prefetch_related("groups")
        .order_by("-is_active", "username")
    )
    ids = [u.pk for u in users]
    entra = set(EntraIdentity.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
    confirmed = {"user_id__in": ids, "confirmed": True}
    factors = {
        *TOTPDevice.objects.filter(**confirmed).values_list("user_id", flat=True),
        *StaticDevice.objects.filter(**confirmed, token_set__isnull=False).values_list(
            "user_id", flat=True
        ),
        *WebAuthnCredential.objects.filter(user_id__in=ids).values_list("user_id", flat=True),
    }
    since = now - timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES)
    attempts = AccessAttempt.objects.filter(
        username__in=[u.username for u in users], attempt_time__gte=since
    )
    failures = dict(attempts.values_list("username").annotate(total=Sum("failures_since_start")))
    rows = []
    for user in users:
        roles = sorted(g.name for g in user.groups.all())
        manageable = user.pk != by.pk and (by.is_superuser or OFFICE_MANAGERS not in roles)
        rows.append(
            StaffAccountRow(
                user=user, roles=roles, entra=user.pk in entra,
                second_factor=user.pk in factors,
                locked=(failures.get(user.username) or 0) >= settings.AXES_FAILURE_LIMIT,
                manageable=manageable and user.is_active,
                reactivatable=manageable and not user.is_active and user.pk not in entra,
            )
        )  # fmt: skip
    return rows
