"""
The review's finding, replayed: under the file cache of `make run`, every "per hour" or
"per day" limit reset five minutes after its last hit (`BaseCache.incr` re-sets the
default timeout). Each backend now keeps the window's length.

Replay: `.venv/bin/python -m pytest tests/production/test_rate_windows.py -q`.
"""

from datetime import timedelta

import pytest
from django.test import override_settings

from common.ratelimit import hit

BACKENDS = {
    "file": "django.core.cache.backends.filebased.FileBasedCache",
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "database": "django.core.cache.backends.db.DatabaseCache",
}


@pytest.mark.django_db
@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_an_hourly_limit_still_counts_ten_minutes_after_its_last_hit(
    backend, tmp_path, frozen, settings
):
    location = str(tmp_path) if backend == "file" else "ratelimit_test_cache"
    caches = {"default": {"BACKEND": BACKENDS[backend], "LOCATION": location}}
    with override_settings(CACHES=caches):
        from django.core.cache import caches as handler

        handler._settings = None
        if backend == "database":
            from django.core.management import call_command

            call_command("createcachetable", "ratelimit_test_cache", verbosity=0)
        handler.close_all()
        # The suite's moment is 10:00:00: the window is 10:00-11:00, the last hit at 10:00.
        assert hit(scope="t", key="k", rate="2/h") is None
        assert hit(scope="t", key="k", rate="2/h") is None
        frozen.shift(timedelta(minutes=10))
        assert hit(scope="t", key="k", rate="2/h") is not None, "the window was cut short"
    handler._settings = None
