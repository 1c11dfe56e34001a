from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.selectors import has_second_factor
from accounts.signals import DEVICE_COOKIE
from accounts.staff_sessions import staff_session_is_idle, staff_session_touch


class KnownDeviceCookieMiddleware:
    """Hands a browser signed in for the first time its known-device cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        value = getattr(request, "staff_device_cookie", None)
        if value:
            response.set_cookie(
                DEVICE_COOKIE, value, max_age=400 * 24 * 60 * 60, httponly=True,
                secure=settings.SESSION_COOKIE_SECURE, samesite="Lax", path="/admin/",
            )  # fmt: skip
        return response


SECOND_FACTOR_PREFIX = "/admin/second-factor/"
_OPEN_PATHS = ("/admin/login/", "/admin/logout/", SECOND_FACTOR_PREFIX)


class SecondFactorRequiredMiddleware:
    """
    A staff member signed in with a password alone reaches no admin page: with a second
    factor set up they are asked for it, without one they are sent to set one up. Runs
    after django-otp's OTPMiddleware (`request.user.is_verified()`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:

        user = getattr(request, "user", None)
        path = request.path
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and path.startswith("/admin/")
            and not path.startswith(_OPEN_PATHS)
            and not user.is_verified()
        ):
            step = "verify" if has_second_factor(user=user) else "setup"
            return redirect(f"{SECOND_FACTOR_PREFIX}{step}/?{urlencode({'next': path})}")
        return self.get_response(request)


class StaffSessionMiddleware:
    """
    A staff session idle for `STAFF_IDLE_MINUTES` is ended (signed out, deleted from the
    session store) at its next request, which is sent to sign in with a message saying
    why; an active one has its last activity moved (`accounts.staff_sessions`). Runs after
    the messages' and the authentication's middleware, before the second factor's.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            if staff_session_is_idle(request=request, now=request.now):
                return self._signed_out(request)
            staff_session_touch(request=request, user=user, now=request.now)
        return self.get_response(request)

    def _signed_out(self, request: HttpRequest) -> HttpResponse:

        logout(request)
        messages.warning(
            request,
            _("You were signed out after %(minutes)s minutes without activity, to protect "
              "the records on this screen. Sign in again to go on.")
            % {"minutes": settings.STAFF_IDLE_MINUTES},
        )  # fmt: skip
        if request.path.startswith("/admin/"):
            next_path = request.get_full_path() if request.method == "GET" else "/admin/"
            return redirect(f"/admin/login/?{urlencode({'next': next_path})}")
        return self.get_response(request)
