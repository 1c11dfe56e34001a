"""
The test suite. PostgreSQL and Redis are used when DATABASE_URL / REDIS_URL are set (CI
sets both); otherwise SQLite and the file cache, and the PostgreSQL-only tests are skipped.
"""

import atexit
import os
import shutil
import tempfile

# The suite never writes into the run's own var/ (its database, broker, the demo admin's
# password): everything it writes goes to a temporary directory of its own, removed at
# exit, which servers the tests start inherit through the environment.
_TEST_VAR_DIR = tempfile.mkdtemp(prefix="consult-tests-")
atexit.register(shutil.rmtree, _TEST_VAR_DIR, ignore_errors=True)
os.environ["VAR_DIR"] = _TEST_VAR_DIR

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import VAR_DIR  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    }
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "test-celerybeat-schedule")
WHITENOISE_AUTOREFRESH = True
# Tasks run inline in tests; the outbox and broker fault tests switch this off.
CELERY_TASK_ALWAYS_EAGER = True
CONFERENCING_FAKE = True
# The hold limits per address and per day (bookings.services.holds) are off for the suite,
# whose flows book many times from one test client; tests/security/test_holds.py sets them.
HOLD_LIMIT_PER_ADDRESS = "off"
HOLD_MAX_UNCONFIRMED_PER_DAY = 0
# Proof of work (bookings.services.proof) is off for the suite's many bookings;
# tests/security/test_proof_of_work.py turns it on.
PROOF_OF_WORK = False
CONFERENCING_JOIN_HOSTS = {
    "teleoffice": ["*.to.ideep.com", "teleoffice.example"],
    "zoom": ["zoom.us", "*.zoom.us"],
    "teams": ["teams.microsoft.com"],
}
# The replica of a fleet, here the same test database (a mirror): off unless a test turns
# replica reads on (`settings.REPLICA_DATABASE = "replica"`,
# tests/production/test_replica_routing.py).
DATABASES = {
    **DATABASES,  # noqa: F405
    "replica": {**DATABASES["default"], "TEST": {"MIRROR": "default"}},  # noqa: F405
}
REPLICA_DATABASE = None
