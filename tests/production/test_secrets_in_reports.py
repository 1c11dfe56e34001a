"""
The review's medium findings, replayed: an anonymous request that causes a 500 mailed the
admins Django's settings section, where EMAIL_URL, REDIS_URL, the broker's URL and the
cache's LOCATION carry passwords; and the record link's token went to the logs in clear.

Replay: `.venv/bin/python -m pytest tests/production/test_secrets_in_reports.py -q`.
"""

import logging

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from config.logging import redact

PASSWORDS = {
    "EMAIL_URL": "smtp+tls://mailer:mail-pw-Secret1@smtp.example.jp:587",
    "REDIS_URL": "redis://:redis-pw-Secret2@redis:6379/0",
    "CELERY_BROKER_URL": "redis://default:broker-pw-Secret3@redis:6379/0",
    "DATABASE_URL_COPY": "postgres://consult:db-pw-Secret4@postgres:5432/consult",
}
TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789-abc"


@pytest.fixture
def reporting(settings):
    """Error emails on, as production sends them (the handler is in LOGGING already)."""
    import logging.config

    settings.ADMINS = [("ops", "ops@example.jp")]
    settings.DEBUG = False
    logging.config.dictConfig(settings.LOGGING)
    yield
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_an_anonymous_500_mails_the_admins_no_password_of_any_setting(client, reporting):
    client.raise_request_exception = False
    cache = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                         "LOCATION": "redis://:cache-pw-Secret5@redis:6379/1"}}  # fmt: skip
    with override_settings(**PASSWORDS, CACHES=cache):
        assert client.get("/boom/").status_code == 500
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    everything = message.subject + message.body + str(message.alternatives)
    for secret in ("mail-pw", "redis-pw", "broker-pw", "db-pw", "cache-pw", "Secret"):
        assert secret not in everything, secret
    assert "RuntimeError" in everything  # still a useful report


def test_redact_masks_the_userinfo_of_every_url():
    for url in PASSWORDS.values():
        assert "pw-Secret" not in redact(f"connecting to {url} failed")
    assert redact("redis://:pw@redis:6379/0") == "redis://[userinfo]@redis:6379/0"


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _token_routes(routes):
    import re

    secret = re.compile(r"<(?:str:|uuid:|path:)?(\w*token\w*|\w*uuid\w*)>")
    return [route for route in routes if secret.search(route)]


def test_every_route_that_carries_a_token_is_redacted_in_the_logs():
    import re

    routes = _token_routes(set(_routes()))
    assert "invitations/<str:token>/" in routes
    for route in routes:
        path = "/" + re.sub(r"<slug:\w+>", "kawagoe", route)  # an office's slug is public
        path = re.sub(r"<(?:\w+:)?\w+>", TOKEN, path)
        for line in (f'"GET {path} HTTP/1.1"', f"https://consult.example.jp{path}"):
            assert TOKEN not in redact(line), route


def test_a_new_token_route_is_caught_by_the_walk_until_the_rule_covers_it():
    new = ["vouchers/<str:token>/", "offices/<slug:slug>/"]
    routes = _token_routes(new)
    assert routes == ["vouchers/<str:token>/"]
    assert TOKEN in redact(f"/vouchers/{TOKEN}/"), "the walk above would fail for it"


def test_an_old_record_link_never_reaches_the_log_in_clear(caplog):
    """The page is gone (issue 23), but links emailed before still arrive: a 404, logged."""
    caplog.set_level(logging.INFO)
    from config.logging import RedactSecretsFilter

    record = logging.getLogger("django.request").makeRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s",
        (f"/records/link/{TOKEN}/",), None,
    )  # fmt: skip
    RedactSecretsFilter().filter(record)
    assert TOKEN not in record.getMessage()
    assert "/records/link/[token]/" in record.getMessage()
