"""
Keeping personal data and secrets out of logs and error reports.

- `redact()` replaces the secret tokens of booking links in a path (`/bookings/<token>/`,
  `/verify/<token>/`) with `[token]`; `RedactSecretsFilter` applies it to every log record
  of Django's handlers, and `RedactingGunicornLogger` to gunicorn's access log.
- `NoPersonalDataReporterFilter` is Django's exception reporter filter for error emails
  (ADMIN_EMAILS): it hides every POST value and every local variable of the traceback,
  because any of them may hold a person's name, number, email or phone.
"""

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

_TOKEN_PATH = re.compile(r"/(bookings|verify)/[A-Za-z0-9_\-]{16,}")


def redact(text: str) -> str:
    return _TOKEN_PATH.sub(r"/\1/[token]", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
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


try:  # gunicorn is a production dependency; the class is only used when it runs
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = None

if _GunicornLogger is not None:

    class RedactingGunicornLogger(_GunicornLogger):
        """gunicorn's access log without the secret tokens of booking links."""

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            for key in ("r", "U", "f"):
                if isinstance(atoms.get(key), str):
                    atoms[key] = redact(atoms[key])
            return atoms
