"""
A web process readied before it serves anyone (`config/wsgi.py` calls `warm()` once the
app is loaded): what Django and the libraries otherwise do lazily, on the first request
that needs each piece, is done at the worker's boot. Measured in process (issue 28), a
fresh worker's first request cost 0.7 to 1.1 s of CPU (the URLconf and the API's schemas,
the Redis client, the country's holiday tables, the public pages' templates compiled, the
email validator's expressions, the task queue's app and transport), against 5 to 45 ms for the same
request once warm; under the realistic mix each of gunicorn's workers paid it at the
start of the run, and the requests queued behind them made the tail (p99).

Nothing here opens a connection (to PostgreSQL, Redis or the broker): under gunicorn's
`--preload` it runs in the master, whose connections the forked workers must not share.
A step that fails is logged and skipped: warming never stops a server from starting.
"""

import gc
import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.validators import validate_email
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

from common import clock
from config.celery import app
from offices.business_days import national_holiday_name

logger = logging.getLogger(__name__)

# The templates of the pages people open (not the admin's, not the emails', which the
# worker renders): compiled once here rather than by the first person to open each page.
PUBLIC_TEMPLATE_FOLDERS = ("bookings", "offices", "terms", "waitlist", "invitations", "interviews")


def warm() -> float:
    """Readies this process; returns the CPU seconds it took."""
    began = time.process_time()
    for step in (_urls, _cache_client, _holidays, _templates, _validators, _translations, _tasks):
        try:
            step()
        except Exception:  # warming is an optimisation: a failure is logged, never raised
            logger.warning("warming the web process: %s failed", step.__name__, exc_info=True)
    # Everything loaded so far lives as long as the process: set aside from the garbage
    # collector, whose full collections otherwise walk all of it (70 to 160 ms of CPU in
    # one request of every worker some 50 requests after its start, under the mix), and
    # under --preload left unwritten, so the workers keep sharing the master's pages.
    gc.collect()
    gc.freeze()
    return time.process_time() - began


def _urls() -> None:
    """Imports every view module and the API's schemas, and compiles the routes."""

    get_resolver().reverse_dict  # noqa: B018 (populating it compiles every pattern)


def _cache_client() -> None:
    """The cache backend's client module (redis-py: about 0.3 s of CPU to import); the
    client object only, no connection."""

    getattr(cache, "_cache", None)


def _holidays() -> None:

    today = clock.now().date()
    for year in (today.year, today.year + 1):
        national_holiday_name(today.replace(year=year, month=1, day=1))


def _templates() -> None:

    root = Path(settings.BASE_DIR) / "templates"
    names = ["base.html", "error.html"] + [
        str(path.relative_to(root))
        for folder in PUBLIC_TEMPLATE_FOLDERS
        for path in sorted((root / folder).rglob("*.html"))
    ]
    for name in names:
        get_template(name)


def _validators() -> None:
    """Django's email validator compiles its expressions on first use (0.1 s)."""

    validate_email("warm@example.jp")


def _translations() -> None:
    """Each language's catalogues, read once per process."""

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Book")


def _tasks() -> None:
    """The task queue's app finalized (every task bound) and its message layer built, as
    the first booking's `.delay()` would; the broker is not contacted."""

    app.finalize(auto=True)
    app.amqp  # noqa: B018
    connection = app.connection_for_write()  # a description: nothing is connected yet
    try:
        connection.transport  # noqa: B018 (loads the broker's transport module)
    finally:
        connection.release()
