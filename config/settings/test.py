"""
The test suite. PostgreSQL and Redis are used when DATABASE_URL / REDIS_URL are set (CI
sets both); otherwise SQLite and the file cache, and the PostgreSQL-only tests are skipped.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR

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
CONFERENCING_JOIN_HOSTS = {
    "teleoffice": ["*.to.ideep.com", "teleoffice.example"],
    "zoom": ["zoom.us", "*.zoom.us"],
    "teams": ["teams.microsoft.com"],
}
