"""A real SMTP server on loopback (aiosmtpd) that a test can keep down, then bring up."""

import pytest

from loadtest.processes import SmtpServer


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend pointed at a loopback port; the server starts down."""
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 3
    yield server
    server.stop()
