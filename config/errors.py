"""
The site's own error pages (404, 500, 403, 400 and a refused form post), in its layout and
language, phone-sized, with a way home and, on an office's pages, that office's phone.
A JSON answer under /api/. The 500 page must render even when the database is down, so
the office lookup is best effort.
"""

import logging
import re
from collections.abc import Callable

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control

from common.errors import DomainError
from offices.content import content_name
from offices.models import Office

logger = logging.getLogger(__name__)

_OFFICE_PATH = re.compile(r"^/offices/(?P<slug>[-a-zA-Z0-9_]+)/")


def _office_for(request: HttpRequest) -> dict | None:
    """The published office whose pages the request was for (name and phone), if any."""
    match = _OFFICE_PATH.match(request.path)
    if match is None:
        return None
    try:
        office = (
            Office.objects.filter(slug=match["slug"], is_published=True)
            .only("slug", "name", "name_en", "phone")
            .first()
        )
        if office is None:
            return None
        return {
            "slug": office.slug, "name": content_name(office),
            "phone": office.phone, "phone_tel": office.phone_tel,
        }  # fmt: skip
    except Exception:  # the error page itself never fails (a database outage included)
        logger.warning("error page: office not looked up")
        return None


def _page(request: HttpRequest, status: int, title, explanation) -> HttpResponse:
    if request.path.startswith("/api/"):
        # An API client says its language in Accept-Language, as for the API's own errors.
        from bookings.api.errors import request_language

        codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 500: "server_error"}
        with translation.override(request_language(request)):
            message = str(title)
        return JsonResponse({"code": codes[status], "message": message}, status=status)
    context = {
        "status": status,
        "title": title,
        "explanation": explanation,
        "office": _office_for(request),
    }
    try:
        body = render_to_string("error.html", context, request=request)
    except Exception:  # a broken request (no session, no CSRF cookie) still gets a page
        logger.warning("error page rendered without the request")
        body = render_to_string("error.html", {**context, "bare": True})
    return HttpResponse(body, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        gettext_lazy("This page was not found"),
        gettext_lazy(
            "The address may be mistyped, or the page may no longer exist. If you opened "
            "a link from an email, copy the whole link from the email into the address bar."
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        500,
        gettext_lazy("Sorry, something went wrong on our side"),
        gettext_lazy(
            "Your request could not be completed. Please try again in a few minutes. If you "
            "were booking, check your email first: a confirmation means the booking was made."
        ),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        gettext_lazy("You cannot open this page"),
        gettext_lazy("This page is not open to you. Start again from the home page."),
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        400,
        gettext_lazy("The request could not be understood"),
        gettext_lazy("Please go back and try again, or start again from the home page."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted from a page left open too long, or with cookies blocked."""
    return _page(
        request,
        403,
        gettext_lazy("The form could not be sent"),
        gettext_lazy(
            "The page was open for a long time, or your browser blocks cookies. Go back, "
            "reload the page and send the form again. Nothing was saved."
        ),
    )


class CrossSiteRefused(DomainError):
    """A change sent from another site's page (config.middleware.CrossSiteWriteMiddleware)."""

    code = "cross_site"
    http_status = 403

    @classmethod
    def make(cls) -> "CrossSiteRefused":
        return cls(
            _(
                "This request came from another website, so nothing was booked or changed. "
                "To book, open this site's own page and use its form."
            )
        )


def refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    """A refusal no view caught: its own status, its message and, when it says how long
    to wait, Retry-After. JSON under /api/ (the API's own handler answers first there)."""
    if request.path.startswith("/api/"):
        body = {"code": error.code, **error.api_fields()}
        response = JsonResponse(body, status=error.http_status)
    else:
        response = _page(
            request,
            error.http_status,
            _("This could not be done"),
            str(error.message),
        )
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


class DomainErrorMiddleware:
    """The pages' one mapping of `DomainError`: a view shows the message where it catches
    one; one it does not catch is the refusal page, never a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, DomainError):
            return None
        logger.info("refused: %s", exception.code)
        return refused(request, exception)


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    path = finders.find("favicon.ico")
    if path is None:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")
