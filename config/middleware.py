import logging
import re
from collections.abc import Callable
from contextlib import suppress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers

from bookings.api.errors import request_language
from common import clock
from common.db import is_lock_failure
from common.http import client_address, forwarded_by_untrusted_peer
from config.errors import CrossSiteRefused, refused

logger = logging.getLogger(__name__)


class ChosenLanguageMiddleware:
    """
    Japanese unless the person chose another language with the switch (the language
    cookie). Unlike Django's LocaleMiddleware, the browser's Accept-Language is ignored:
    the service is Japanese first, and a phone set to English still opens in Japanese,
    one tap away from English.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class ServiceUnavailableMiddleware:
    """
    The database unreachable (restarting, failing over) is an outage, not a bug: the person
    gets 503 with Retry-After and a page that says to try again shortly, in their language,
    rendered without touching the database. Nothing was saved by the failed request (each
    write runs in a transaction), so trying again is safe.
    """

    RETRY_AFTER_SECONDS = 30
    BUSY_RETRY_SECONDS = 2

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # A lock that could not be had in time (lock_timeout) or a deadlock is contention,
        # not an outage: "busy, try again in a moment" (services raise BookingBusy for it;
        # this catches a lock taken anywhere else).
        busy = is_lock_failure(exception)
        code, retry = ("busy", self.BUSY_RETRY_SECONDS) if busy else ("unavailable", None)
        retry = retry or self.RETRY_AFTER_SECONDS
        logger.warning("database %s: %s", code, type(exception).__name__)
        if request.path.startswith("/api/"):
            response = HttpResponse(
                f'{{"code": "{code}", "retry_after": {retry}}}',
                status=503,
                content_type="application/json",
            )
        else:
            template = "503_busy.html" if busy else "503.html"
            response = HttpResponse(render_to_string(template, request=None), status=503)
        response["Retry-After"] = str(retry)
        return response


UNTRUSTED_FORWARDING_KEY = "operations:untrusted-forwarding"


class UntrustedForwardingMiddleware:
    """
    A forwarding header from a peer that is not a trusted proxy is a configuration error
    (TRUSTED_PROXIES misses the proxy, or the app is reachable around it): logged once per
    process, with no address, and kept in the cache for a day, where /readyz reports it.
    The request itself goes on, with the peer's address as the client's.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.reported = False

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.reported and forwarded_by_untrusted_peer(request):
            self.reported = True
            logger.error(
                "configuration error: X-Forwarded-For from a peer not in TRUSTED_PROXIES; "
                "every client behind it has the proxy's address. Set TRUSTED_PROXIES to "
                "the proxy's address, and let nothing reach the app around the proxy."
            )

            try:
                cache.set(UNTRUSTED_FORWARDING_KEY, clock.timestamp(), timeout=86400)
            except Exception:  # the cache down: the log line above still says it
                logger.warning("untrusted forwarding not recorded: cache unavailable")
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """
    No page may use the camera, the microphone or other powerful features, except the
    device check's pages (named in settings.PERMISSIONS_POLICY_DEVICE_PAGES), which ask
    for the camera and the microphone of this site only.
    """

    DENY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()"
    DEVICE = (
        "camera=(self), microphone=(self), geolocation=(), payment=(), usb=(), display-capture=()"
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        device = match is not None and match.url_name in settings.PERMISSIONS_POLICY_DEVICE_PAGES
        response.headers.setdefault("Permissions-Policy", self.DEVICE if device else self.DENY)
        return response


LOOPBACK_ADDRESSES = ("127.0.0.1", "::1")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def _only_loopback(request: HttpRequest) -> bool:
    """
    The peer is this machine, and so is every client a forwarding header names: a proxy
    on the same host (peer 127.0.0.1) passes on someone else's request, and its header
    says so. A header that cannot be read counts as someone else.
    """

    if request.META.get("REMOTE_ADDR") not in LOOPBACK_ADDRESSES:
        return False
    named = []
    for key in ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP"):
        named += [part for part in request.META.get(key, "").split(",") if part.strip()]
    named += re.findall(r"for=\"?\[?([^;,\"\]]*)", request.META.get("HTTP_FORWARDED", ""), re.I)

    return all(client_address(value, None) in LOOPBACK_ADDRESSES for value in named)


class LoopbackOnlyMiddleware:
    """
    Local settings with the built-in SECRET_KEY: a client from anywhere but this machine
    gets a 403 (the socket's peer, REMOTE_ADDR, not a header it could send).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _only_loopback(request):
            return HttpResponse(
                "This development server uses the built-in SECRET_KEY and answers only "
                "on this machine (127.0.0.1). Set SECRET_KEY to serve it elsewhere.\n",
                status=403,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


_SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
# What a browser says of a request another site's page made it send (Fetch Metadata):
# "same-site" is a sibling host (another tenant of a shared domain), as foreign as any.
_FOREIGN_FETCH_SITES = ("cross-site", "same-site")


def _own_origins(request: HttpRequest) -> set[str]:
    """The hosts (host[:port]) this site's own pages post from."""

    hosts = {urlsplit(settings.SITE_URL).netloc.lower()}
    hosts |= {urlsplit(origin).netloc.lower() for origin in settings.CSRF_TRUSTED_ORIGINS}

    with suppress(DisallowedHost):  # a Host not in ALLOWED_HOSTS: the configured origins only
        hosts.add(request.get_host().lower())
    return hosts


def is_cross_site_write(request: HttpRequest) -> bool:
    """
    A request that changes something, sent by the browser from a page of another site:
    its `Sec-Fetch-Site` says so, or its `Origin` names another host (or is "null", as
    from a sandboxed frame). A request with neither header (a server, curl, an API client)
    is not a browser's, and passes to the other checks (CSRF for forms, JSON for the API).
    """

    if request.method in _SAFE_METHODS:
        return False
    if request.headers.get("Sec-Fetch-Site", "").lower() in _FOREIGN_FETCH_SITES:
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    netloc = urlsplit(origin.strip()).netloc.lower()
    return not netloc or netloc not in _own_origins(request)


class CrossSiteWriteMiddleware:
    """
    Nothing is booked, changed or cancelled by a request another site's page made a
    visitor's browser send (issue 23: a page that auto-submits a form or a fetch to the
    booking API). Refused with 403 before any view runs, forms and API alike: CSRF already
    stops a form without this site's token, and this also covers the API, which takes no
    CSRF token. JSON under /api/ in the language asked for (Accept-Language), else the
    site's refusal page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_cross_site_write(request):
            return self.get_response(request)

        logger.info("refused: cross-site %s", request.method)
        if request.path.startswith("/api/"):
            with translation.override(request_language(request)):
                return refused(request, CrossSiteRefused.make())
        return refused(request, CrossSiteRefused.make())
