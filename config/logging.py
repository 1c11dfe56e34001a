"""
Keeping personal data and secrets out of logs and error reports.

- `redact()` replaces the secret part of a link (`/bookings/<token>/`, `/verify/<token>/`,
  `/meet/<uuid>/`, any `token=` in a query) with `[token]`, and email addresses, phone
  numbers and job-seeker numbers with a mark. `RedactSecretsFilter` applies it to every
  record of every handler of `LOGGING` (message, arguments and traceback text), and
  `RedactingGunicornLogger` to gunicorn's access and error logs.
- `RedactingAdminEmailHandler` is the "mail to admins" handler: the report it sends
  carries no query values, no headers but a few harmless ones, and redacted paths.
- `NoPersonalDataReporterFilter` is Django's exception reporter filter for those emails:
  it hides every POST and GET value, every header but a few, and every local variable of
  the traceback, because any of them may hold a person's name, number, email or phone.

Names cannot be recognised by a pattern: they stay out of logs because no code logs a
booking's fields (records name bookings by id or reference) and because emails, the one
place they are written out, never go to a log (production refuses the console backend).
"""

import logging
import re

from django.utils.log import AdminEmailHandler
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# Every route whose path carries a secret (tests/production/test_secrets_in_reports.py
# walks the URL patterns and fails for a token route this rule misses).
SECRET_PATH_PREFIXES = (
    "bookings",
    "verify",
    "meet",
    "records/link",
    "invitations",
    "interviews",
    "selection",
    "book/request",
    "sessions",
    "notifications/line/link",
    "waitlist",
)
_SECRET_PATH = re.compile(
    r"(?<!/admin)/(" + "|".join(re.escape(p) for p in SECRET_PATH_PREFIXES) + r")/[^/\s?#\"'<>]+"
)
# A URL's userinfo (`redis://:password@host`, `smtp+tls://user:password@host`).
_USERINFO = re.compile(r"([a-z][a-z0-9+.-]*://)[^/\s@\"'<>]+@", re.IGNORECASE)
_SECRET_QUERY = re.compile(r"([?&](?:token|t|key|linkToken)=)[^&\s#\"'<>]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_JOB_SEEKER_NUMBER = re.compile(r"(?<![\w-])\d{5}-\d{1,8}(?![\w-])")
_PHONE = re.compile(r"(?<![\w+-])(?:\+81|0)\d{1,4}-?\d{1,4}-?\d{3,4}(?![\w-])")

# Request headers an error report may show: nothing a person typed or a link carried.
_SAFE_META = ("REQUEST_METHOD", "CONTENT_TYPE", "CONTENT_LENGTH", "SERVER_PROTOCOL")


def redact(text: str) -> str:
    text = _USERINFO.sub(r"\1[userinfo]@", text)
    text = _SECRET_PATH.sub(r"/\1/[token]", text)
    text = _SECRET_QUERY.sub(r"\1[token]", text)
    text = _EMAIL.sub("[email]", text)
    text = _JOB_SEEKER_NUMBER.sub("[number]", text)
    return _PHONE.sub("[phone]", text)


class RedactSecretsFilter(logging.Filter):
    """Rewrites the record in place, so every handler after it sees the redacted text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep only its template
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not getattr(record, "_redacted_exc", False):
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record._redacted_exc = True
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class ClientErrorsWithoutTracebackFilter(logging.Filter):
    """A request refused with a 4xx (403 PermissionDenied, 400 SuspiciousOperation) is the
    client's mistake, not the server's: its one WARNING line is kept, the traceback Django
    attaches is dropped (40 lines of framework frames per refused URL, in every log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info, record.exc_text = None, None
        return True


class NoPersonalDataReporterFilter(SafeExceptionReporterFilter):
    def is_active(self, request) -> bool:
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {key: self.cleansed_substitute for key in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_request_meta(self, request):
        meta = getattr(request, "META", {})
        return {
            key: (meta[key] if key in _SAFE_META else self.cleansed_substitute)
            for key in meta
            if key in _SAFE_META or key.startswith("HTTP_")
        }

    def get_safe_settings(self):
        """No settings section: URLs there carry passwords (EMAIL_URL, REDIS_URL, the
        broker's, the cache's LOCATION) under names Django's filter does not hide."""
        return {}

    def get_safe_cookies(self, request):
        return {key: self.cleansed_substitute for key in getattr(request, "COOKIES", {})}


class NoPersonalDataExceptionReporter(ExceptionReporter):
    """Django's reporter without query values, and with the secret part of paths hidden."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            substitute = self.filter.cleansed_substitute
            data["request_GET_items"] = [(key, substitute) for key in self.request.GET]
            data["request_FILES_items"] = [(key, substitute) for key in self.request.FILES]
            data["request_insecure_uri"] = redact(self.request.path)
        if data.get("exception_value"):
            data["exception_value"] = redact(str(data["exception_value"]))
        return data


class RedactingAdminEmailHandler(AdminEmailHandler):
    """Mail to admins, with the same redaction as the logs over subject and bodies."""

    def __init__(self, include_html=False, email_backend=None, reporter_class=None):
        super().__init__(
            include_html=False,
            email_backend=email_backend,
            reporter_class=reporter_class or "config.logging.NoPersonalDataExceptionReporter",
        )

    def send_mail(self, subject, message, *args, **kwargs):
        kwargs.pop("html_message", None)
        super().send_mail(redact(subject), redact(message), *args, **kwargs)


try:  # gunicorn is a production dependency; the class is only used when it runs
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = None

if _GunicornLogger is not None:

    class RedactingGunicornLogger(_GunicornLogger):
        """gunicorn's access and error logs without the secret tokens of booking links."""

        def setup(self, cfg):
            super().setup(cfg)
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    if not any(isinstance(f, RedactSecretsFilter) for f in handler.filters):
                        handler.addFilter(RedactSecretsFilter())

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            for key in ("r", "U", "q", "f"):
                if isinstance(atoms.get(key), str):
                    atoms[key] = redact(atoms[key])
            return atoms
