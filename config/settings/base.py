"""
Settings shared by every environment.

This package is the only place that reads environment variables. Every value has an
embedded default that needs no external service (SQLite and a filesystem Celery broker
under var/, email to the console), so `make run` works on a bare machine; production
sets DATABASE_URL, REDIS_URL, EMAIL_URL and friends (see the README for the full list).
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# An optional .env file beside manage.py, for operators who prefer one to exported vars.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "offices",
    "terms",
    "bookings",
    "conferencing",
    "notifications",
    "reports",
    "axes",
    "csp",
]

MIDDLEWARE = [
    # First: the request reads the clock once (`request.now`; `clock.now()` pinned to it).
    "common.clock.ClockMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.ServiceUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Admin logins are protected against guessing (django-axes): after AXES_FAILURE_LIMIT
# wrong passwords for one username from one address, that pair is locked out for
# AXES_COOLOFF_MINUTES; a success resets the count. Nothing of it is logged verbosely.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours; the lockout page says "30 minutes"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0) or None

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process, the Celery worker and beat share one SQLite file under `make run`:
    # WAL lets readers proceed during a write, IMMEDIATE transactions take the write lock
    # up front (no "database is locked" on upgrade), and the timeout waits for it.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "offices.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Cache and Celery -----------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="consult"),
        }
    }
else:
    # A file cache is shared by the web process and the workers, unlike local memory.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker" / "queue"),
        "data_folder_out": str(VAR_DIR / "broker" / "queue"),
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith("redis"):
    # acks_late tasks are re-delivered after this long without an ack; it must exceed the
    # longest countdown/ETA a task is scheduled with, or Redis re-delivers it early.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# A publish while the broker is down gives up within about a second (the outbox and the
# periodic sweeps carry the work), so a booking never waits on an absent broker.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = "Asia/Tokyo"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Email ----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@consult.example.jp")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Internationalization -------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security defaults (production.py tightens them) ----------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy (django-csp): no inline or third-party script anywhere (the site
# needs no script at all; the admin's are files of its own). Inline style attributes are
# allowed: the admin and the day's schedule position things with them. The API's
# interactive docs load Swagger UI from a CDN and are the one exception.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/v1/docs"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# Staff sessions end after SESSION_COOKIE_AGE or when the browser closes (shared PCs).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Logging: never personal data; records carry ids, not names or contacts -----------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
# Error reports (ADMIN_EMAILS) never carry POST values or local variables: see config/logging.py.
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.logging.NoPersonalDataReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"redact_secrets": {"()": "config.logging.RedactSecretsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
            "level": LOG_LEVEL,
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.utils.autoreload": {"level": "WARNING"},
    },
}

# --- Product settings -----------------------------------------------------------------
# The public site's own address, for links in emails and .ics files.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Abuse limits on the public booking endpoints ("10/m", "100/h"...; "off" for load tests).
RATE_LIMIT_BOOKING = env("RATE_LIMIT_BOOKING", default="10/m")
RATE_LIMIT_VERIFY = env("RATE_LIMIT_VERIFY", default="20/m")
# How many upcoming bookings one person may hold at one office.
BOOKING_MAX_UPCOMING_PER_PERSON = env.int("BOOKING_MAX_UPCOMING_PER_PERSON", default=2)
# Reminders: on the office's previous business day at this time (Japan), and this many
# minutes before the start.
REMINDER_DAY_BEFORE_AT = env("REMINDER_DAY_BEFORE_AT", default="10:00")
REMINDER_SOON_MINUTES = env.int("REMINDER_SOON_MINUTES", default=30)

# Meetings: the first retry after a platform's 5xx or timeout waits this long, doubling
# each time (with jitter); the periodic sweep re-queues meeting work untouched this long.
MEETING_RETRY_BASE_SECONDS = env.int("MEETING_RETRY_BASE_SECONDS", default=10)
MEETING_SWEEP_STALE_MINUTES = env.int("MEETING_SWEEP_STALE_MINUTES", default=15)

# Personal data of bookings that ended this many days ago is erased (names, numbers,
# contacts, notes, email bodies); the rows stay, anonymous, for the office's counts.
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=365)

# Periodic tasks (Celery beat). The schedule lives here, in code; the README lists it.
CELERY_BEAT_SCHEDULE = {
    "send-queued-emails": {
        "task": "notifications.tasks.send_queued_notifications",
        "schedule": 60.0,
    },
    "expire-unverified-bookings": {
        "task": "bookings.tasks.expire_unverified_bookings",
        "schedule": 60.0,
    },
    "send-reminders": {
        "task": "bookings.tasks.send_reminders",
        "schedule": 5 * 60.0,
    },
    "mark-no-shows": {
        "task": "bookings.tasks.mark_no_shows",
        "schedule": 60.0,
    },
    "poll-meeting-attendance": {
        "task": "bookings.tasks.poll_meeting_attendance",
        "schedule": 5 * 60.0,
    },
    "notify-terms-changes": {
        "task": "bookings.tasks.notify_recent_terms_changes",
        "schedule": 15 * 60.0,
    },
    "sweep-meetings": {
        "task": "bookings.tasks.sweep_meetings",
        "schedule": 5 * 60.0,
    },
    "purge-personal-data": {
        "task": "bookings.tasks.purge_personal_data",
        "schedule": crontab(hour=3, minute=30),  # CELERY_TIMEZONE: 03:30 in Japan
    },
}

# --- Video platforms (see the README: "Connecting Zoom or Microsoft 365") -------------
# Every office on the fake provider (links on this site): on for `make run` and tests.
CONFERENCING_FAKE = env.bool("CONFERENCING_FAKE", default=False)
# Accounts by name, e.g. {"zoom:toyooka": {"account_id": ..., "client_id": ...,
# "client_secret": ..., "host": "counselor@example.jp"}}, from the environment and/or a
# JSON secrets file; an office names its account in the admin.
CONFERENCING_ACCOUNTS: dict = env.json("CONFERENCING_ACCOUNTS", default={})
_secrets_file = env("CONFERENCING_SECRETS_FILE", default="")
if _secrets_file:
    import json as _json

    with open(_secrets_file, encoding="utf-8") as _handle:
        CONFERENCING_ACCOUNTS = {**CONFERENCING_ACCOUNTS, **_json.load(_handle)}
ZOOM_OAUTH_URL = env("ZOOM_OAUTH_URL", default="https://zoom.us/oauth/token")
ZOOM_API_BASE = env("ZOOM_API_BASE", default="https://api.zoom.us/v2")
ZOOM_WEBHOOK_SECRET = env("ZOOM_WEBHOOK_SECRET", default="")
GRAPH_API_BASE = env("GRAPH_API_BASE", default="https://graph.microsoft.com/v1.0")
# Where msal's requests for login.microsoftonline.com go (a proxy; the local fake in tests).
MS_LOGIN_BASE = env("MS_LOGIN_BASE", default="https://login.microsoftonline.com")
CONFERENCING_HTTP_TIMEOUT = env.float("CONFERENCING_HTTP_TIMEOUT", default=10.0)
