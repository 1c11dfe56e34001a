"""
The API's error format: every refusal is JSON with a `code` (and a message, the fields to
act on, Retry-After where it applies), in the language the request asked for. `install`
registers the handlers on the API object.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from bookings.api.parser import declared_json
from common.errors import DomainError


def request_language(request: HttpRequest) -> str:
    """The first shipped language of Accept-Language (`vi`, `zh-Hans-CN`, `en-US`…), else ja."""
    for part in request.headers.get("Accept-Language", "").split(","):
        tag = part.split(";", 1)[0].strip().lower()
        if not tag or tag == "*":
            continue
        try:
            return translation.get_supported_language_variant(tag)
        except LookupError:
            continue
    return "ja"


def install(api: NinjaAPI) -> None:
    """Registers this API's error handlers on `api`."""

    def _error(request, status: int, code: str, **fields):
        return api.create_response(request, {"code": code, **fields}, status=status)

    @api.exception_handler(ValidationError)
    def _invalid(request, exc: ValidationError):
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            location = [
                str(part)
                for part in error.get("loc", [])
                if part not in ("body", "query", "path", "payload")
            ]
            errors.setdefault(".".join(location) or "request", []).append(
                error.get("msg", "invalid")
            )
        return _error(request, 422, "invalid", errors=errors)

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        """Ninja's own refusals (a body that is not JSON) in this API's error format."""
        if exc.status_code == 404:
            return _error(request, 404, "not_found", message=str(exc))
        if exc.status_code != 400:
            return _error(request, exc.status_code, "error", message=str(exc))

        if not declared_json(request):
            # Never parsed (api.parser): a form another site's page could submit (issue 23).
            with translation.override(request_language(request)):
                message = _(
                    "Send the request body as JSON, with the header Content-Type: application/json."
                )
            return _error(request, 415, "unsupported_media_type", message=message)
        with translation.override(request_language(request)):
            message = _("The request body is not valid JSON. Send a JSON object.")
        return _error(request, 400, "malformed", message=message)

    @api.exception_handler(DomainError)
    def _refused(request, error: DomainError):
        """Every domain refusal of every app, by its class: status, code, message, what to
        act on, and Retry-After when the class says how long to wait."""
        with translation.override(request_language(request)):
            response = _error(request, error.http_status, error.code, **error.api_fields())
        if error.retry_after:
            response["Retry-After"] = str(error.retry_after)
        return response

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return _error(request, 404, "not_found", message="Not found.")

    @api.exception_handler(RequestDataTooBig)
    def _too_large(request, exc):
        """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: refused as JSON, before it is parsed."""
        with translation.override(request_language(request)):
            message = _("The request body is too large. Send at most %(size)d KB.") % {
                "size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
            }
        return _error(request, 413, "too_large", message=message)
