"""
Staff sign-in with Microsoft Entra ID: OpenID Connect's authorization code flow with PKCE.

msal runs the flow (state, nonce and the PKCE verifier in `initiate_auth_code_flow`, the
state check and the code exchange in `acquire_token_by_auth_code_flow`). msal no longer
validates the ID token (since 1.38: "validation is the application's responsibility"), so
`id_token_validate` does, with PyJWT (msal's own dependency): the signature against the
tenant's published keys (JWKS), the issuer from the tenant's discovery document, the
audience (this application), the expiry against the site's clock, and the nonce.

`entra_sign_in` then applies the deployment's mapping (`ENTRA_GROUPS`) from the token's
`groups` claim to an office and roles, at every sign-in.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import jwt
import msal
import requests
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import EntraIdentity
from common.errors import DomainError
from offices.models import Counselor, Office, User
from offices.roles import COUNSELORS, OFFICE_MANAGERS, REPORT_READERS

MICROSOFT_LOGIN = "https://login.microsoftonline.com"
ROLES = {"counselor": COUNSELORS, "manager": OFFICE_MANAGERS, "report_reader": REPORT_READERS}
# `amr` values that mean more than one factor: Entra's "mfa", Windows Hello ("ngcmfa"), a
# FIDO2 security key or passkey ("fido").
MFA_METHODS = {"mfa", "ngcmfa", "fido"}
CLOCK_SKEW = timedelta(minutes=2)
TIMEOUT = 10


class EntraRefused(DomainError):
    """An Entra sign-in that is not let in; `message` says why and what to do."""

    http_status = 403
    code = "entra_refused"


def entra_configured() -> bool:
    return bool(
        settings.ENTRA_TENANT_ID and settings.ENTRA_CLIENT_ID and settings.ENTRA_CLIENT_SECRET
    )


def _route(url: str) -> str:
    """Microsoft's login host goes to ENTRA_LOGIN_BASE when that is another address."""
    base = settings.ENTRA_LOGIN_BASE.rstrip("/")
    if base == MICROSOFT_LOGIN or not url.startswith(MICROSOFT_LOGIN):
        return url
    target, parts = urlsplit(base), urlsplit(url)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))


class _Router(requests.Session):
    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(method, _route(url), *args, **kwargs)


def _app() -> msal.ConfidentialClientApplication:
    """A new application per step (no token cache shared between people)."""
    return msal.ConfidentialClientApplication(
        settings.ENTRA_CLIENT_ID,
        client_credential=settings.ENTRA_CLIENT_SECRET,
        authority=f"{MICROSOFT_LOGIN}/{settings.ENTRA_TENANT_ID}",
        instance_discovery=False,
        http_client=_Router(),
        token_cache=msal.TokenCache(),
    )


def flow_start(*, redirect_uri: str) -> dict:
    """msal's flow (state, nonce, PKCE verifier) to keep in the session; `auth_uri` routed."""
    try:
        flow = _app().initiate_auth_code_flow(
            scopes=[], redirect_uri=redirect_uri, prompt="select_account"
        )
    except (ValueError, requests.RequestException) as error:
        raise EntraRefused(_unreachable()) from error
    flow["auth_uri"] = _route(flow["auth_uri"])
    return flow


def _unreachable() -> str:
    return _(
        "Microsoft's sign-in service could not be reached. Try again in a few minutes, or "
        "sign in with your username and password."
    )


def _untrusted(detail: str) -> str:
    return _(
        "Microsoft's answer could not be trusted (%(detail)s), so you are not signed in. Start "
        "again from the sign-in page; if it happens again, tell your site's system "
        "administrator."
    ) % {"detail": detail}


def flow_finish(*, flow: dict | None, answer: dict, now: datetime) -> dict:
    """The code exchanged and the ID token validated: its claims."""
    if not flow:
        raise EntraRefused(
            _(
                "This sign-in was not started here, or took too long. Start again from the "
                "sign-in page."
            )
        )
    if answer.get("error"):
        raise EntraRefused(
            _("Microsoft did not sign you in (%(error)s). Start again from the sign-in page.")
            % {"error": str(answer.get("error"))[:60]}
        )
    if answer.get("state") != flow.get("state"):
        raise EntraRefused(_untrusted(_("the answer belongs to another sign-in")))
    try:
        result = _app().acquire_token_by_auth_code_flow(flow, answer)
    except RuntimeError as error:  # msal's own nonce check
        raise EntraRefused(_untrusted(_("the sign-in's nonce does not match"))) from error
    except ValueError as error:
        raise EntraRefused(_untrusted(_("the answer belongs to another sign-in"))) from error
    except requests.RequestException as error:
        raise EntraRefused(_unreachable()) from error
    if "error" in result or "id_token" not in result:
        raise EntraRefused(
            _("Microsoft did not sign you in (%(error)s). Start again from the sign-in page.")
            % {"error": str(result.get("error", "no ID token"))[:60]}
        )
    return id_token_validate(result["id_token"], nonce=flow.get("nonce", ""), now=now)


def _discovery() -> dict:
    url = f"{MICROSOFT_LOGIN}/{settings.ENTRA_TENANT_ID}/v2.0/.well-known/openid-configuration"
    response = requests.get(_route(url), timeout=TIMEOUT)
    response.raise_for_status()
    return response.json()


def id_token_validate(token: str, *, nonce: str, now: datetime) -> dict:
    """The token's claims if Entra signed it for this application, now, for this sign-in."""
    try:
        discovery = _discovery()
        keys = requests.get(_route(discovery["jwks_uri"]), timeout=TIMEOUT)
        keys.raise_for_status()
        key_set = jwt.PyJWKSet.from_dict(keys.json())
    except (requests.RequestException, KeyError, ValueError, jwt.PyJWTError) as error:
        raise EntraRefused(_unreachable()) from error
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = next((k for k in key_set.keys if k.key_id == kid), None)
        if key is None:
            raise jwt.InvalidSignatureError("unknown key")
        claims = jwt.decode(
            token, key=key, algorithms=["RS256"], audience=settings.ENTRA_CLIENT_ID,
            issuer=discovery["issuer"],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                     "require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
        )  # fmt: skip
    except jwt.InvalidAudienceError as error:
        raise EntraRefused(_untrusted(_("it was meant for another application"))) from error
    except jwt.InvalidIssuerError as error:
        raise EntraRefused(_untrusted(_("it was issued by another tenant"))) from error
    except jwt.InvalidSignatureError as error:
        raise EntraRefused(_untrusted(_("its signature is not Microsoft's"))) from error
    except jwt.PyJWTError as error:
        raise EntraRefused(_untrusted(_("the token is malformed"))) from error
    if datetime.fromtimestamp(claims["exp"], UTC) + CLOCK_SKEW < now or (
        datetime.fromtimestamp(claims["iat"], UTC) - CLOCK_SKEW > now
    ):
        raise EntraRefused(_untrusted(_("the token has expired")))
    if claims["nonce"] != hashlib.sha256(nonce.encode()).hexdigest():
        raise EntraRefused(_untrusted(_("the sign-in's nonce does not match")))
    return claims


@dataclass(frozen=True)
class EntraResult:
    user: User
    mfa: bool


def _mapped(claims: dict) -> tuple[Office | None, set[str]]:
    if "groups" in (claims.get("_claim_names") or {}):
        raise EntraRefused(
            _(
                "Your Microsoft account is in too many groups for the sign-in token. Ask your "
                "system administrator to send only the groups assigned to this application."
            )
        )
    entries = [
        settings.ENTRA_GROUPS[g] for g in claims.get("groups") or () if g in settings.ENTRA_GROUPS
    ]
    slugs = {entry.get("office") for entry in entries}
    if len(slugs) > 1:
        raise EntraRefused(
            _(
                "Your Microsoft account is in the groups of more than one office. Ask your "
                "system administrator to keep you in one office's groups."
            )
        )
    office = Office.objects.filter(slug=slugs.pop()).first() if slugs else None
    roles = {ROLES[entry.get("role")] for entry in entries if entry.get("role") in ROLES}
    if slugs and (office is None or not roles):
        office = None
    return (office, roles) if office is not None and roles else (None, set())


def _no_access() -> str:
    return _(
        "Your Microsoft account is not in any group that gives access to this site's staff "
        "pages. If you should have access (a new post, a transfer), ask your office's manager "
        "to have you added to the group."
    )


def entra_sign_in(*, claims: dict, now: datetime) -> EntraResult:
    """
    The staff account of a validated Entra sign-in, its office and roles set from the
    mapped groups (created at the first sign-in). Someone in no mapped group loses staff
    access (kept, not rolled back, when the refusal is raised) and is refused.
    """
    tenant = claims.get("tid") or settings.ENTRA_TENANT_ID
    oid = claims.get("oid") or claims["sub"]
    identity = (
        EntraIdentity.objects.select_related("user").filter(tenant_id=tenant, object_id=oid).first()
    )
    office, roles = _mapped(claims)
    user = identity.user if identity else None
    role_groups = list(Group.objects.filter(name__in=ROLES.values()))
    if office is None:
        if user is not None:
            with transaction.atomic():
                user.is_staff = False
                user.save(update_fields=["is_staff"])
                user.groups.remove(*role_groups)
                Counselor.objects.filter(user=user).update(is_active=False)
        raise EntraRefused(_no_access())
    with transaction.atomic():
        if user is None:
            user = User(username=_free_username(claims, oid))
            user.set_unusable_password()
        if user.office_id is not None and user.office_id != office.pk:
            Counselor.objects.filter(user=user).exclude(office=office).update(is_active=False)
        user.office, user.is_staff = office, True
        user.first_name = (claims.get("given_name") or user.first_name)[:150]
        user.last_name = (claims.get("family_name") or user.last_name)[:150]
        user.email = claims.get("email") or user.email
        user.save()
        user.groups.remove(*[g for g in role_groups if g.name not in roles])
        user.groups.add(*[g for g in role_groups if g.name in roles])
        EntraIdentity.objects.update_or_create(
            tenant_id=tenant, object_id=oid, defaults={"user": user, "last_sign_in": now}
        )
    return EntraResult(user=user, mfa=bool(MFA_METHODS & set(claims.get("amr") or ())))


def _free_username(claims: dict, oid: str) -> str:
    """The person's sign-in name; a local account of that name keeps it (never taken over)."""
    wanted = (claims.get("preferred_username") or oid)[:130]
    if not User.objects.filter(username=wanted).exists():
        return wanted
    return f"{wanted}~{oid[:8]}"
