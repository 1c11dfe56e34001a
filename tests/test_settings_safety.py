"""
Settings that fail safe: production refuses to start without a real SECRET_KEY or a mail
server, the server entry points default to production, the local settings answer only
this machine with the built-in key, and every logging handler redacts.
"""

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from config.logging import RedactingAdminEmailHandler, RedactSecretsFilter, redact
from tests.factories import office_with
from tests.helpers import counselor_account

ROOT = Path(settings.BASE_DIR)
GOOD_KEY = "Zq3vN8xK2pLw7RtY5mJc9HbF4sGd6QeA1uVn0oXiT_kEyWrPz-aBcDfGhIjKlMnOpQ"
TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789-abc"


def _production(monkeypatch, **env):
    import importlib

    base = {
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "consult.example.jp",
        "EMAIL_URL": "smtp+tls://u:p@smtp.example.jp:587",
        "TRUSTED_PROXIES": "172.30.0.10",
    }
    for key, value in {**base, **env}.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    for name in ("config.settings.production", "config.settings.base"):
        sys.modules.pop(name, None)
    try:
        return importlib.import_module("config.settings.production")
    finally:
        for name in ("config.settings.production", "config.settings.base"):
            sys.modules.pop(name, None)


@pytest.mark.parametrize(
    "key",
    [None, "", "insecure-local-development-key-change-me", "CHANGE-to-a-long-random-string",
     "short", "x" * 60, "django-insecure-" + "abcdefghij" * 5],
)  # fmt: skip
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, key):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        _production(monkeypatch, SECRET_KEY=key)


@pytest.mark.parametrize("url", [None, "", "consolemail://", "filemail:///tmp/mail"])
def test_production_refuses_to_start_without_a_mail_server(monkeypatch, url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        _production(monkeypatch, EMAIL_URL=url)


def test_production_starts_with_both_and_trusts_no_forwarded_proto_header_itself(monkeypatch):
    production = _production(monkeypatch)
    assert production.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    # gunicorn decides the scheme from the proxy's address (config/gunicorn.py)
    assert not hasattr(production, "SECURE_PROXY_SSL_HEADER")


def test_without_email_url_the_local_emails_are_files_never_the_console():
    env = {k: v for k, v in os.environ.items() if k != "EMAIL_URL"}
    code = "import config.settings.local as s; print(s.EMAIL_BACKEND); print(s.EMAIL_FILE_PATH)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    backend, path = result.stdout.splitlines()
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    # Under var/ (the run's, or the one the test settings give the suite: VAR_DIR).
    assert path == str(Path(env.get("VAR_DIR", ROOT / "var")) / "mail")


@pytest.mark.parametrize("module", ["config.wsgi", "config.celery"])
def test_the_server_entry_points_default_to_the_production_settings(module):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY")}
    # The Celery app reads the settings when it loads its tasks, the WSGI app at once.
    code = {
        "config.wsgi": "import config.wsgi",
        "config.celery": "import config.celery as c; c.app.loader.import_default_modules()",
    }[module]
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_manage_py_keeps_the_local_settings_for_development():
    assert '"config.settings.local"' in (ROOT / "manage.py").read_text()


def test_the_local_settings_with_the_built_in_key_answer_only_loopback():
    from config.middleware import LoopbackOnlyMiddleware

    middleware = LoopbackOnlyMiddleware(lambda request: "served")
    factory = RequestFactory()
    assert middleware(factory.get("/", REMOTE_ADDR="127.0.0.1")) == "served"
    assert middleware(factory.get("/", REMOTE_ADDR="::1")) == "served"
    refused = middleware(factory.get("/", REMOTE_ADDR="192.168.1.20"))
    assert refused.status_code == 403 and b"SECRET_KEY" in refused.content
    spoofed = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert middleware(spoofed).status_code == 403


def test_the_local_settings_put_the_loopback_guard_first_with_the_built_in_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    code = "import config.settings.local as s;print(s.MIDDLEWARE[0]);print(s.ALLOWED_HOSTS)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    first, hosts = result.stdout.splitlines()
    assert first == "config.middleware.LoopbackOnlyMiddleware"
    assert set(eval(hosts)) <= {"127.0.0.1", "localhost", "::1"}  # noqa: S307


def test_every_logging_handler_and_djangos_own_loggers_redact():
    config = settings.LOGGING
    for name, handler in config["handlers"].items():
        assert "redact_secrets" in handler.get("filters", []), name
    for logger in ("django", "django.server", "celery", "gunicorn.error", "gunicorn.access"):
        assert config["loggers"][logger]["handlers"], logger
        assert config["loggers"][logger]["propagate"] is False
    assert config["handlers"]["mail_admins"]["class"] == "config.logging.RedactingAdminEmailHandler"


def test_the_celery_worker_takes_this_logging_not_its_own():
    from celery.signals import setup_logging

    assert setup_logging.receivers, "Celery would set up its own handlers, unredacted"


def test_redact_hides_tokens_contacts_and_numbers_but_keeps_admin_paths():
    line = (
        f'"GET /bookings/{TOKEN}/cancel/?token={TOKEN} HTTP/1.1" /verify/{TOKEN}/ '
        "/meet/8f0e2a8e-3c1a-4c57-9d2e-5c6f0a4d7b11/ taro@example.jp 090-1234-5678 "
        "09012345678 12345-1234567 /admin/bookings/booking/12/change/"
    )
    redacted = redact(line)
    for secret in (TOKEN, "8f0e2a8e", "taro@", "1234-5678", "09012345678", "12345-1234567"):
        assert secret not in redacted
    assert "/admin/bookings/booking/12/change/" in redacted


def test_a_record_and_its_traceback_are_redacted_before_any_handler_writes_them():
    try:
        raise ValueError(f"no booking for /bookings/{TOKEN}/ (taro@example.jp)")
    except ValueError:
        record = logging.getLogger("t").makeRecord(
            "t", logging.ERROR, __file__, 1, "Not Found: %s", (f"/verify/{TOKEN}/",),
            sys.exc_info(),
        )  # fmt: skip
    RedactSecretsFilter().filter(record)
    text = logging.Formatter().format(record)
    assert TOKEN not in text and "taro@example.jp" not in text
    assert "/verify/[token]/" in text


@override_settings(ADMINS=[("ops", "ops@example.jp")], DEBUG=False)
def test_the_error_email_to_admins_carries_no_query_values_headers_or_tokens():
    request = RequestFactory().get(
        f"/bookings/{TOKEN}/",
        {"email": "taro@example.jp", "name": "山田"},
        HTTP_REFERER=f"https://consult.example.jp/verify/{TOKEN}/",
        HTTP_USER_AGENT="Mozilla/5.0 secret-agent",
    )
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
            (request.path,), sys.exc_info(),
        )  # fmt: skip
    record.request = request
    record.status_code = 500
    handler = RedactingAdminEmailHandler()
    handler.addFilter(RedactSecretsFilter())
    handler.handle(record)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    everything = message.subject + message.body + str(message.alternatives)
    for secret in (TOKEN, "taro@example.jp", "山田", "secret-agent"):
        assert secret not in everything, secret
    assert "Internal Server Error: /bookings/[token]/" in message.subject


@pytest.mark.django_db
def test_a_refused_staff_url_logs_one_warning_line_and_no_traceback(client):
    """The outside walk of issue 26 found a counselor's 403 written with Django's 40-line
    traceback. A 4xx keeps its one line; a server error (5xx) would keep its traceback."""
    office = office_with(counselors=1)
    client.force_login(counselor_account(office))
    handler = next(  # the console, where django.request's records go (via "django")
        h for h in logging.getLogger("django").handlers if type(h) is logging.StreamHandler
    )
    written = io.StringIO()
    stream = handler.setStream(written)
    try:
        response = client.get("/admin/bookings/applicant/add/")
    finally:
        handler.setStream(stream)
    assert response.status_code == 403
    assert "Forbidden (Permission denied): /admin/bookings/applicant/add/" in written.getvalue()
    assert "Traceback" not in written.getvalue()
    try:
        raise RuntimeError("a server fault")
    except RuntimeError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (),
            sys.exc_info(), extra={"status_code": 500},
        )  # fmt: skip
    for kept in handler.filters:
        kept.filter(record)
    assert "Traceback" in handler.format(record)
