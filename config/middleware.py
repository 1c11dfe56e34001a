import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

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
    LOCK_FAILURES = ("55P03", "40P01")  # lock_not_available, deadlock_detected

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        from django.db import InterfaceError, OperationalError
        from django.template.loader import render_to_string

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # A lock that could not be had in time (lock_timeout) or a deadlock is contention,
        # not an outage: "busy, try again in a moment" (services raise BookingBusy for it;
        # this catches a lock taken anywhere else).
        cause = exception.__cause__ or exception
        busy = getattr(cause, "sqlstate", None) in self.LOCK_FAILURES
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


LOOPBACK_ADDRESSES = ("127.0.0.1", "::1")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


class LoopbackOnlyMiddleware:
    """
    Local settings with the built-in SECRET_KEY: a client from anywhere but this machine
    gets a 403 (the socket's peer, REMOTE_ADDR, not a header it could send).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("REMOTE_ADDR") not in LOOPBACK_ADDRESSES:
            return HttpResponse(
                "This development server uses the built-in SECRET_KEY and answers only "
                "on this machine (127.0.0.1). Set SECRET_KEY to serve it elsewhere.\n",
                status=403,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
