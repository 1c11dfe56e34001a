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

env = environ.Env()
# An optional .env file beside manage.py, for operators who prefer one to exported vars.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Everything the embedded default writes (SQLite, broker, cache, beat's schedule, the demo
# admin's password, collected static files); the test settings point it at a temporary one.
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
# The built-in key is public (it is in this file): fine on a developer's own machine, on
# loopback only (local.py), and refused by production.py.
BUILT_IN_SECRET_KEY = "insecure-local-development-key-change-me"  # noqa: S105 (public on purpose)
SECRET_KEY = env("SECRET_KEY", default=BUILT_IN_SECRET_KEY)


def secret_key_problem(key: str) -> str | None:
    """Why a key cannot sign a production site's sessions and CSRF tokens, or None."""
    if not key:
        return "SECRET_KEY is not set"
    if key == BUILT_IN_SECRET_KEY or "change" in key.lower() or key.startswith("django-insecure"):
        return "SECRET_KEY is the built-in or an example key"
    if len(key) < 50 or len(set(key)) < 5:
        return "SECRET_KEY is shorter than 50 characters or has fewer than 5 different ones"
    return None


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
    # Only for its static files: Swagger UI for /api/v1/docs, at the version pinned with
    # django-ninja in requirements/, served from this site under its own CSP.
    "ninja",
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
# Locked per username and address, and per address across usernames (one address trying
# many usernames); the address is `common.http.client_ip`, the same as everywhere else.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "common.http.client_ip"

# The proxies in front of the app whose X-Forwarded-For is believed (common/http.py):
# their addresses or networks, or (only when nothing can reach the app but through them)
# how many there are. Neither set: the peer's own address, forwarding headers ignored.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

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
# The mail server gets this long per operation (Django waits without end otherwise).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# No task runs without end: a platform or mail server that hangs is cut off (the HTTP and
# SMTP timeouts come first); the nightly purge sets longer limits of its own.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
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
# Without EMAIL_URL, emails are written as files under var/mail/ (one per message, for
# `make run`), never to the console: a console backend would put addresses, names and
# booking links into the log. Production refuses to start without EMAIL_URL.
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@consult.example.jp")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Internationalization -------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

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
# interactive docs (Swagger UI) are files of this site too (the "ninja" app's static).
CONTENT_SECURITY_POLICY = {
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
# A refused form post (a page left open too long, cookies blocked) gets the site's page.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# Staff sessions end after SESSION_COOKIE_AGE or when the browser closes (shared PCs).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Logging: never personal data; records carry ids, not names or contacts -----------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
# Error reports (ADMIN_EMAILS) never carry POST values or local variables: see config/logging.py.
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.logging.NoPersonalDataReporterFilter"

# One configuration for every logger that writes anything: Django's own (server, request,
# security), Celery's (config/celery.py hands its logging to this dict), gunicorn's
# (config/gunicorn.py) and mail to the admins. Every handler redacts (config/logging.py);
# the loggers Django and gunicorn set up for themselves are listed so that their own
# handlers, which do not, are replaced.
_REDACTED = ["redact_secrets"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {
        "redact_secrets": {"()": "config.logging.RedactSecretsFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": _REDACTED,
            "level": LOG_LEVEL,
        },
        "mail_admins": {
            "class": "config.logging.RedactingAdminEmailHandler",
            "filters": ["require_debug_false", *_REDACTED],
            "level": "ERROR",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # At DEBUG it writes whole template contexts (a booking's fields) to the log.
        "django.template": {"level": "INFO"},
        "django.utils.autoreload": {"level": "WARNING"},
        "celery": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "py.warnings": {"handlers": ["console"], "propagate": False},
    },
}

# --- Product settings -----------------------------------------------------------------
# The public site's own address, for links in emails and .ics files.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Abuse limits on the public booking endpoints ("10/m", "100/h"...; "off" for load tests).
RATE_LIMIT_BOOKING = env("RATE_LIMIT_BOOKING", default="10/m")
RATE_LIMIT_VERIFY = env("RATE_LIMIT_VERIFY", default="20/m")
# A booking transaction waits at most this long for a row lock, then says "busy, try again".
BOOKING_LOCK_TIMEOUT_MS = env.int("BOOKING_LOCK_TIMEOUT_MS", default=3000)
# Holds (bookings.services.holds): a public request waiting for a counselor lapses unless
# the person confirms it from the email within the office's email-check window or this
# many minutes; holds per client address per office per day; unconfirmed holds per office
# per session day (0: no limit).
REQUEST_CONFIRM_MINUTES = env.int("REQUEST_CONFIRM_MINUTES", default=60)
HOLD_LIMIT_PER_ADDRESS = env("HOLD_LIMIT_PER_ADDRESS", default="3/d")
HOLD_MAX_UNCONFIRMED_PER_DAY = env.int("HOLD_MAX_UNCONFIRMED_PER_DAY", default=4)
# The device check's measuring endpoints (one check is about a dozen requests) per address,
# and the results one booking may save.
RATE_LIMIT_DEVICE_CHECK = env("RATE_LIMIT_DEVICE_CHECK", default="60/m")
RATE_LIMIT_DEVICE_RESULT = env("RATE_LIMIT_DEVICE_RESULT", default="10/h")
# "Find my booking": requests per email address and per booking reference (each counted
# whether or not they match), and per client address.
RATE_LIMIT_FIND_BOOKING = env("RATE_LIMIT_FIND_BOOKING", default="5/h")
RATE_LIMIT_FIND_BOOKING_IP = env("RATE_LIMIT_FIND_BOOKING_IP", default="20/h")
# Sending the email-check email again, per booking.
RATE_LIMIT_RESEND = env("RATE_LIMIT_RESEND", default="3/h")
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
# A worker calling the platform for a meeting holds its claim this long; an older claim is
# taken to be lost (the worker or the database died mid-call) and taken over.
MEETING_CLAIM_SECONDS = env.int("MEETING_CLAIM_SECONDS", default=120)
# The same for an email being handed to the mail server.
EMAIL_CLAIM_SECONDS = env.int("EMAIL_CLAIM_SECONDS", default=120)

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
    "clear-expired-sessions": {
        "task": "bookings.tasks.clear_expired_sessions",
        "schedule": 60 * 60.0,
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
# Which offices may use each account (slugs); an account not listed serves the office its
# name ends with ("zoom:toyooka" -> toyooka). conferencing/providers refuses any other.
CONFERENCING_ACCOUNT_OFFICES: dict = env.json("CONFERENCING_ACCOUNT_OFFICES", default={})
_secrets_file = env("CONFERENCING_SECRETS_FILE", default="")
if _secrets_file:
    import json as _json

    with open(_secrets_file, encoding="utf-8") as _handle:
        CONFERENCING_ACCOUNTS = {**CONFERENCING_ACCOUNTS, **_json.load(_handle)}
# The hosts a join link pasted by a counselor may point at, per platform; an account may
# narrow them with its own "join_hosts" (e.g. {"teleoffice:kawagoe": {"join_hosts":
# ["kawagoe.to.ideep.com"]}}). "*.example.jp" allows every subdomain of example.jp.
CONFERENCING_JOIN_HOSTS: dict = env.json(
    "CONFERENCING_JOIN_HOSTS",
    default={
        "teleoffice": ["*.to.ideep.com"],
        "zoom": ["zoom.us", "*.zoom.us"],
        "teams": ["teams.microsoft.com", "teams.live.com"],
    },
)
ZOOM_OAUTH_URL = env("ZOOM_OAUTH_URL", default="https://zoom.us/oauth/token")
ZOOM_API_BASE = env("ZOOM_API_BASE", default="https://api.zoom.us/v2")
ZOOM_WEBHOOK_SECRET = env("ZOOM_WEBHOOK_SECRET", default="")
GRAPH_API_BASE = env("GRAPH_API_BASE", default="https://graph.microsoft.com/v1.0")
# Where msal's requests for login.microsoftonline.com go (a proxy; the local fake in tests).
MS_LOGIN_BASE = env("MS_LOGIN_BASE", default="https://login.microsoftonline.com")
CONFERENCING_HTTP_TIMEOUT = env.float("CONFERENCING_HTTP_TIMEOUT", default=10.0)
