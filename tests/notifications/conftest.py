"""A real SMTP server on loopback (aiosmtpd) that a test can keep down, then bring up."""

from datetime import time

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


@pytest.fixture
def office(db):
    """An office whose counselor confirms each request, with one counselor account."""
    from offices.roles import COUNSELORS
    from tests.factories import office_with
    from tests.helpers import staff

    office = office_with(confirmation_mode="staff_approval", hours=(time(9, 30), time(12, 0)))
    staff(office, COUNSELORS, "counselor-1")
    return office


@pytest.fixture
def fake_line(settings, office):
    """The fake LINE platform, as the office's LINE official account."""
    from tests.fakes.line import FakeLine

    fake = FakeLine().start()
    settings.LINE_ACCOUNTS = {office.slug: fake.account()}
    settings.LINE_API_BASE = settings.LINE_ACCESS_BASE = fake.base
    yield fake
    fake.stop()


@pytest.fixture
def fake_twilio(settings):
    """The fake Twilio, as the site's SMS account."""
    from tests.fakes.twilio import FakeTwilio

    fake = FakeTwilio().start()
    settings.SMS_ACCOUNT = fake.account()
    settings.SMS_API_BASE = fake.base
    yield fake
    fake.stop()
