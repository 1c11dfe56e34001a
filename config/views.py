"""Operational endpoints."""

import logging

from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app
from config.middleware import UNTRUSTED_FORWARDING_KEY

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database unreachable")
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return True
    except Exception:
        logger.exception("health check: broker unreachable")
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """
    Liveness: 200 while this process serves requests, touching neither the database nor
    the broker (their outage is `/readyz`'s to report). The load balancer's health check
    (deploy/haproxy.cfg): a node taken out for the database's outage would take every node
    out, and the site's own 503 with Retry-After is a better answer than the proxy's.
    """
    return JsonResponse({"status": "ok"})


def _migrations_applied() -> bool:

    try:
        executor = MigrationExecutor(connection)
        return not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        logger.exception("readiness check: migrations could not be read")
        return False


def _forwarding_trusted() -> bool:

    try:
        return cache.get(UNTRUSTED_FORWARDING_KEY) is None
    except Exception:
        return True  # the cache's own outage is not this check's to report


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """
    Whether this node should take traffic: 503 unless the database answers, the broker
    answers and every migration is applied. A forwarding header seen from an untrusted peer
    (config.middleware.UntrustedForwardingMiddleware) is reported as "proxy": "misconfigured"
    and the status "degraded", without a 503: a client reaching a node around the proxy
    must not be able to take every node out of the load balancer.
    """
    database = _database_ok()
    checks = {
        "database": "ok" if database else "down",
        "broker": "ok" if _broker_ok() else "down",
        "migrations": "ok" if database and _migrations_applied() else "pending",
        "proxy": "ok" if _forwarding_trusted() else "misconfigured",
    }
    ready = all(checks[name] == "ok" for name in ("database", "broker", "migrations"))
    status = ("ok" if checks["proxy"] == "ok" else "degraded") if ready else "down"
    return JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)
