"""
The review's high finding, replayed: behind docker-compose's proxy every visitor had the
proxy's address, so five wrong passwords locked every staff account out. Now the shipped
env file names the proxy, production refuses to start behind a proxy without it (and
`check --deploy` says so), a forwarding header from any other peer is logged once and
reported by /readyz, and the loopback guard of the local settings sees through a proxy
on the same host.

Replay: `.venv/bin/python -m pytest tests/production/test_behind_the_proxy.py -q`.
"""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from offices.models import User
from tests.test_settings_safety import GOOD_KEY, _production

ROOT = Path(settings.BASE_DIR)
PROXY = "172.30.0.10"


def _example_env() -> dict[str, str]:
    lines = (ROOT / "compose.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_the_shipped_env_file_trusts_the_proxy_at_the_address_compose_gives_it():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    address = compose["services"]["proxy"]["networks"]["backend"]["ipv4_address"]
    assert _example_env()["TRUSTED_PROXIES"] == address == PROXY


@pytest.mark.django_db
def test_behind_the_proxy_one_visitors_wrong_passwords_lock_out_only_that_visitor(
    client, db, frozen
):
    """As many guesses as lock an address (were they all the proxy's, the superuser's own
    sign-in would be refused with them)."""
    User.objects.create_superuser("root-proxy", "root-proxy@example.jp", "pw-proxy-root-1")
    with override_settings(TRUSTED_PROXIES=_example_env()["TRUSTED_PROXIES"].split(",")):
        for attempt in range(settings.STAFF_LOCKOUT_ADDRESS_LIMIT):
            frozen.shift(1)
            client.post(
                "/admin/login/",
                {"username": f"invented-{attempt}", "password": "wrong"},
                REMOTE_ADDR=PROXY,
                HTTP_X_FORWARDED_FOR="203.0.113.5",
            )
        response = client.post(
            "/admin/login/",
            {"username": "root-proxy", "password": "pw-proxy-root-1"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    assert response.status_code == 302, "the superuser from another address signs in"


def test_production_refuses_to_start_behind_a_proxy_without_trusting_it(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        _production(monkeypatch, TRUSTED_PROXIES=None)
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        _production(monkeypatch, TRUSTED_PROXIES=None, SECURE_SSL_REDIRECT="False",
                    FORWARDED_ALLOW_IPS="172.30.0.10")  # fmt: skip
    served_directly = _production(
        monkeypatch, TRUSTED_PROXIES=None, SECURE_SSL_REDIRECT="False", FORWARDED_ALLOW_IPS=None
    )
    assert served_directly.TRUSTED_PROXIES == []
    assert _production(
        monkeypatch, TRUSTED_PROXIES=None, TRUSTED_PROXY_COUNT="1", SECURE_SSL_REDIRECT=None
    )


def test_check_deploy_reports_a_proxy_that_is_not_trusted():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUSTED_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", SECRET_KEY=GOOD_KEY,
               SECURE_SSL_REDIRECT="True", FORWARDED_ALLOW_IPS=PROXY)  # fmt: skip
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "s.SECURE_SSL_REDIRECT=True;from django.core.management import call_command;"
        "call_command('check','--deploy','--fail-level','ERROR')"
    )
    result = subprocess.run(  # noqa: S603 (the suite's own interpreter and code)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "operations.E001" in result.stderr and "TRUSTED_PROXIES" in result.stderr


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["10.9.9.9"])
def test_a_forwarding_header_from_an_untrusted_peer_is_logged_once_and_reported_by_readyz(
    client, caplog
):
    assert client.get("/readyz").json()["checks"]["proxy"] == "ok"
    caplog.set_level(logging.ERROR, logger="config.middleware")
    from config.middleware import UntrustedForwardingMiddleware

    middleware = UntrustedForwardingMiddleware(lambda request: "served")
    factory = RequestFactory()
    for _ in range(3):
        request = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
        assert middleware(request) == "served"
    errors = [r for r in caplog.records if "TRUSTED_PROXIES" in r.getMessage()]
    assert len(errors) == 1 and "203.0.113.5" not in errors[0].getMessage()
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "broker": "ok", "migrations": "ok", "proxy": "misconfigured"},
    }


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=[PROXY])
def test_a_forwarding_header_from_the_trusted_proxy_is_no_error(client, caplog):
    caplog.set_level(logging.ERROR)
    response = client.get("/readyz", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert response.json()["status"] == "ok"
    assert not [r for r in caplog.records if "TRUSTED_PROXIES" in r.getMessage()]


@pytest.mark.django_db
def test_readyz_is_503_while_a_migration_is_pending(client, monkeypatch):
    monkeypatch.setattr("config.views._migrations_applied", lambda: False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "pending"


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_X_FORWARDED_FOR": "203.0.113.5"}, {"HTTP_X_REAL_IP": "203.0.113.5"},
     {"HTTP_FORWARDED": "for=203.0.113.5;proto=https"}, {"HTTP_FORWARDED": 'for="[2001:db8::1]"'},
     {"HTTP_X_FORWARDED_FOR": "unknown"}],
)  # fmt: skip
def test_the_loopback_guard_refuses_a_proxy_on_the_same_host(headers):
    from config.middleware import LoopbackOnlyMiddleware

    middleware = LoopbackOnlyMiddleware(lambda request: "served")
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", **headers)
    assert middleware(request).status_code == 403
    local = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert middleware(local) == "served"
