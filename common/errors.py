"""
The one base class of every refusal a person can act on, in every app (Zulip's
`JsonableError` shape). `code` and `http_status` are the API's answer, `api_fields()` adds
what a client needs to act on it, `retry_after` (seconds), when set, becomes the
Retry-After header, `field` names the form field the message belongs to, and `message` is
the translated sentence a person reads. The API maps it in one handler
(`bookings/api/errors.py`); a page shows `message` where it catches the error, and an
uncaught one becomes the refusal page (`config.errors.DomainErrorMiddleware`).
"""

from django.utils.functional import Promise


class DomainError(Exception):
    code = "error"
    http_status = 409
    retry_after: int | None = None
    field: str | None = None

    def __init__(self, message: str | Promise, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        if field is not None:
            self.field = field

    def api_fields(self) -> dict:
        return {"message": str(self.message)}

    def texts(self) -> list[str]:
        """What to tell a person, one message per line (a refusal has one; invalid input
        has one per field's problem)."""
        return [str(self.message)]
