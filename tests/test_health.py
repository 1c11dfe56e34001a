"""/healthz says the process is alive; /readyz whether the database, broker and migrations are."""

import pytest
from django.db import connection
from kombu import Connection

from config.celery import app as celery_app


@pytest.mark.django_db
def test_readyz_is_ok_when_database_broker_and_migrations_are(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "broker": "ok",
        "migrations": "ok",
        "proxy": "ok",
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_alive_without_touching_the_database_or_the_broker(client, monkeypatch):
    """The load balancer's check (deploy/haproxy.cfg): the process answers, nothing more.
    No `db` fixture: a query here would fail the test."""

    def no_broker():
        raise AssertionError("the liveness check asked the broker")

    monkeypatch.setattr(celery_app, "connection_for_write", no_broker)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_503_and_healthz_200_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "down"
    assert "server closed" not in response.content.decode()
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_readyz_is_503_when_the_broker_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(
        celery_app, "connection_for_write", lambda: Connection("redis://127.0.0.1:1/0")
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "down"
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.redis
@pytest.mark.django_db
def test_readyz_checks_the_real_redis_broker(client, settings):
    assert celery_app.conf.broker_url.startswith("redis://")
    assert client.get("/readyz").json()["checks"]["broker"] == "ok"


@pytest.mark.redis
def test_the_production_cache_configuration_works_against_redis(settings):
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-health"})
    cache.set("probe", {"ok": True}, timeout=5)
    assert cache.get("probe") == {"ok": True}
    cache.delete("probe")


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_a_database_outage_is_a_503_with_retry_after_not_a_500(client, monkeypatch, db):
    from django.db import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("the connection is closed")

    monkeypatch.setattr("offices.views.office_list_published", down)
    response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "保存されていません" in response.content.decode()

    monkeypatch.setattr("bookings.api.endpoints.Office.objects.filter", down, raising=False)
    api = client.get("/api/v1/offices")
    assert api.status_code == 503 and api.json() == {"code": "unavailable", "retry_after": 30}
