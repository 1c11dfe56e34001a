"""
The second factor's pages: asked after the password, set up when missing. The passkey
buttons are django-otp-webauthn's scripts (static files, CSP-safe); an authenticator app
or a recovery code is typed here.
"""

from base64 import b32encode
from urllib.parse import urlsplit

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token

from accounts.forms import SecondFactorCodeForm
from accounts.selectors import has_second_factor
from accounts.services import recovery_codes_issue, totp_device_confirm, totp_device_start

_RECOVERY_SESSION_KEY = "accounts_recovery_codes"


def _next(request: HttpRequest) -> str:
    """Where to go on: a staff page's path on this site (its query dropped), or the index."""
    target = request.POST.get("next") or request.GET.get("next") or "/admin/"
    path = urlsplit(target).path
    if path.startswith("/admin/") and url_has_allowed_host_and_scheme(
        path, {request.get_host()}, request.is_secure()
    ):
        return path
    return "/admin/"


@never_cache
@login_required(login_url="/admin/login/")
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next(request))
    if not has_second_factor(user=request.user):
        return redirect("second-factor-setup")
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"].strip().replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error(
            "code",
            _("That code is not right, or was already used. Type the code the app shows now."),
        )
    context = {"form": form, "next": _next(request), "title": _("Confirm it is you")}
    return render(request, "accounts/second_factor_verify.html", context)


@never_cache
@login_required(login_url="/admin/login/")
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Adds a passkey or an authenticator app; the first factor also issues recovery codes."""
    if has_second_factor(user=request.user) and not request.user.is_verified():
        return redirect("second-factor-verify")
    device = totp_device_start(user=request.user)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = totp_device_confirm(user=request.user, code=form.cleaned_data["code"])
        if confirmed is not None:
            otp_login(request, confirmed)
            request.session[_RECOVERY_SESSION_KEY] = recovery_codes_issue(user=request.user)
            return redirect("second-factor-recovery")
        form.add_error(
            "code",
            _(
                "That code is not right. Check that the app shows this site's entry and type "
                "the code it shows now (it changes every 30 seconds)."
            ),
        )
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": _next(request),
        "secret": device.key and _base32(device.bin_key),
        "qr_svg": qr.svg_inline(scale=4, title=_("QR code for the authenticator app")),
        "title": _("Set up a second factor"),
    }
    return render(request, "accounts/second_factor_setup.html", context)


@never_cache
@login_required(login_url="/admin/login/")
def second_factor_recovery(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once (after setting up a factor, or asked for again)."""
    if not request.user.is_verified():
        return redirect("second-factor-verify")
    if request.method == "POST":
        request.session[_RECOVERY_SESSION_KEY] = recovery_codes_issue(user=request.user)
    codes = request.session.pop(_RECOVERY_SESSION_KEY, None)
    context = {"codes": codes, "title": _("Your recovery codes")}
    return render(request, "accounts/second_factor_recovery.html", context)


def _base32(key: bytes) -> str:

    return b32encode(key).decode()
