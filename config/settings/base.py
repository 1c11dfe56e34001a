"""
Settings shared by every environment.

This package is the only place that reads environment variables. Every value has an
embedded default that needs no external service (SQLite and a filesystem Celery broker
under var/, email to the console), so `make run` works on a bare machine; production
sets DATABASE_URL, REDIS_URL, EMAIL_URL and friends (see the README for the full list).
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from common import languages

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
    if _entropy_bits(key) < 200 or _repeats(key, 8):
        return "SECRET_KEY has too little randomness (few distinct characters or repeated parts)"
    return None


def _entropy_bits(key: str) -> float:
    """Shannon's estimate of the key's bits (a token_urlsafe(50) has about 320)."""
    import math
    from collections import Counter

    n = len(key)
    return -sum(c / n * math.log2(c / n) for c in Counter(key).values()) * n


def _repeats(key: str, size: int) -> bool:
    """True when some run of `size` characters occurs twice (a pattern typed again)."""
    seen = set()
    for i in range(len(key) - size + 1):
        if key[i : i + size] in seen:
            return True
        seen.add(key[i : i + size])
    return False


def mail_problem(url: str) -> str | None:
    """Why EMAIL_URL cannot deliver a production site's mail, or None."""
    if not url or url.startswith(("consolemail:", "filemail:")):
        return (
            "EMAIL_URL is not set to a mail server. Set it, e.g. "
            "smtp+tls://user:password@smtp.example.jp:587 (the console and file backends would "
            "keep people's addresses and booking links on this server)."
        )
    if url.startswith(("dummymail:", "memorymail:", "locmem")) and not env.bool(
        "EMAIL_DROP_ALLOWED", default=False
    ):
        return (
            "EMAIL_URL names a backend that drops every email (no person would get a link). "
            "Set it to a mail server (smtp+tls://...); only a load test or an image build may "
            "set EMAIL_DROP_ALLOWED=True."
        )
    return None


def proxy_problem(*, ssl_redirect: bool, forwarded_allow_ips: str, trusted: list, count: int):
    """
    Why the site cannot tell its clients apart behind its proxy, or None. A site that
    redirects to HTTPS or that gunicorn tells to trust a proxy's headers is behind a proxy;
    without TRUSTED_PROXIES (or TRUSTED_PROXY_COUNT) every visitor would have the proxy's
    address, and one visitor's failed logins or bookings would lock out everyone.
    """
    behind = ssl_redirect or bool(forwarded_allow_ips.strip())
    if behind and not trusted and count <= 0:
        return (
            "This site is behind a proxy (SECURE_SSL_REDIRECT or FORWARDED_ALLOW_IPS is set) "
            "but TRUSTED_PROXIES is not: every visitor would have the proxy's address. Set "
            "TRUSTED_PROXIES to the proxy's address or network (docker-compose.yml: "
            "172.30.0.10), or TRUSTED_PROXY_COUNT to the number of proxies in front."
        )
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
    "invitations",
    "interviews",
    "waitlist",
    "accounts",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "csp",
    # Only for its static files: Swagger UI for /api/v1/docs, at the version pinned with
    # django-ninja in requirements/, served from this site under its own CSP.
    "ninja",
    "config.apps.OperationsConfig",
]

MIDDLEWARE = [
    # First: the request reads the clock once (`request.now`; `clock.now()` pinned to it).
    "common.clock.ClockMiddleware",
    # The figures and CSV exports read from the replica, when there is one (config/routers.py).
    "config.routers.ReplicaReadsMiddleware",
    "config.middleware.UntrustedForwardingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A change sent from another site's page is refused, the API included (no CSRF there).
    "config.middleware.CrossSiteWriteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.user.is_verified(): signed in with a second factor this session.
    "django_otp.middleware.OTPMiddleware",
    # A staff session idle for STAFF_IDLE_MINUTES is ended and sent to sign in again.
    "accounts.middleware.StaffSessionMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.ServiceUnavailableMiddleware",
    "config.errors.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
    "accounts.middleware.KnownDeviceCookieMiddleware",
]

# Staff sign-ins are protected against guessing (django-axes, counted as accounts/lockout.py
# explains): per username across every address, a slow-down after STAFF_SLOWDOWN_AFTER
# wrong passwords, then a lockout at AXES_FAILURE_LIMIT for STAFF_LOCKOUT_MINUTES (a
# superuser or the person's second factor lifts it sooner); per network (an IPv6 /64)
# across usernames at STAFF_LOCKOUT_ADDRESS_LIMIT, high enough that an office behind one
# address is never locked out by one person's typos. Nothing of it is logged verbosely.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The second factor (django-otp; docs/staff-sign-in.md says why): a passkey
# (django-otp-webauthn), an authenticator app (TOTP) or a recovery code. A staff member
# without one reaches only the setup page (accounts.middleware).
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="オンライン相談予約")
OTP_WEBAUTHN_RP_NAME = env("OTP_WEBAUTHN_RP_NAME", default="オンライン相談予約")
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# OTP_WEBAUTHN_RP_ID and OTP_WEBAUTHN_ALLOWED_ORIGINS follow SITE_URL (below).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
STAFF_SLOWDOWN_AFTER = env.int("STAFF_SLOWDOWN_AFTER", default=3)
STAFF_LOCKOUT_ADDRESS_LIMIT = env.int("STAFF_LOCKOUT_ADDRESS_LIMIT", default=50)
STAFF_LOCKOUT_MINUTES = env.int("STAFF_LOCKOUT_MINUTES", default=60)
AXES_COOLOFF_TIME = STAFF_LOCKOUT_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each alone; the order counts
AXES_HANDLER = "accounts.lockout.StaffLockoutHandler"
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout neither extend it nor count (the person's own retries).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.lockout_address"

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
    # A pool per process (Django's psycopg pool, DB_POOL=True), for a fleet where
    # persistent connections per thread would add up past max_connections. Booking's
    # `SET LOCAL lock_timeout` lives and dies with its transaction, so a connection handed
    # back to the pool never carries it to the next request (tests/production/test_pool.py).
    if env.bool("DB_POOL", default=False):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"] = {
            "pool": {
                "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
                "max_size": env.int("DB_POOL_MAX_SIZE", default=4),
                "timeout": env.int("DB_POOL_TIMEOUT", default=10),
            }
        }
# A streaming replica (read-only) for the figures (実績) and the CSV exports only: the
# views config.routers.REPLICA_VIEWS lists read there, availability and booking never.
# Unset: everything reads the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
REPLICA_DATABASE: str | None = None
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
    }
    REPLICA_DATABASE = "replica"
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
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
            # Django's, keeping one client per pool (common/cache.py).
            "BACKEND": "common.cache.RedisCache",
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
# Three queues, each with workers of its own in a fleet (`make cluster`), so that a slow
# video platform never delays a confirmation email: meetings (the platforms' APIs), mail
# (the outbox and reminders) and default (everything else). A worker started without -Q
# consumes all three (`make run`, docker-compose.yml's single worker).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in ("meetings", "mail", "default")]
CELERY_TASK_ROUTES = {
    "bookings.tasks.issue_meeting": {"queue": "meetings"},
    "bookings.tasks.update_meeting": {"queue": "meetings"},
    "bookings.tasks.delete_meeting": {"queue": "meetings"},
    "bookings.tasks.poll_meeting_attendance": {"queue": "meetings"},
    "bookings.tasks.sweep_meetings": {"queue": "meetings"},
    "interviews.tasks.issue_interview_meeting": {"queue": "meetings"},
    "interviews.tasks.delete_interview_meeting": {"queue": "meetings"},
    "notifications.tasks.*": {"queue": "mail"},
    "bookings.tasks.send_reminders": {"queue": "mail"},
}
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
# The languages offered to people, in the picker's order: common/languages.py (one list for
# the settings, `make messages` and the completeness test tests/test_translations_public.py).
LANGUAGES = languages.settings_languages(_)
languages.register_language_info()
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
# The only pages allowed the camera and microphone (config.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY_DEVICE_PAGES = ("office-device-check", "booking-device-check")

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
# Staff sessions end after SESSION_COOKIE_AGE or when the browser closes (shared PCs),
# and after STAFF_IDLE_MINUTES without a request (ended in the store: docs/staff-sign-in.md).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
STAFF_IDLE_MINUTES = env.int("STAFF_IDLE_MINUTES", default=30)

# --- Logging: never personal data; records carry ids, not names or contacts -----------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
# Error reports (ADMIN_EMAILS) never carry POST values or local variables: see config/logging.py.
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.logging.NoPersonalDataReporterFilter"

# One configuration for every logger that writes anything: Django's own (server, request,
# security), Celery's (config/celery.py hands its logging to this dict), gunicorn's
# (config/gunicorn.py) and mail to the admins. Every handler redacts (config/logging.py);
# the loggers Django and gunicorn set up for themselves are listed so that their own
# handlers, which do not, are replaced.
_REDACTED = ["client_errors_brief", "redact_secrets"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {
        "client_errors_brief": {"()": "config.logging.ClientErrorsWithoutTracebackFilter"},
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
# A passkey belongs to the site's host name and is accepted only from its origin. Browsers
# allow passkeys only over https or on "localhost" (never a bare address such as
# 127.0.0.1): a local site without https uses localhost at SITE_URL's port.
_site = urlsplit(SITE_URL)
_passkey_origin = (
    f"https://{_site.netloc}"
    if _site.scheme == "https"
    else f"http://localhost{f':{_site.port}' if _site.port else ''}"
)
OTP_WEBAUTHN_RP_ID = env("OTP_WEBAUTHN_RP_ID", default=urlsplit(_passkey_origin).hostname)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("OTP_WEBAUTHN_ALLOWED_ORIGINS", default=[_passkey_origin])

# Abuse limits on the public booking endpoints ("10/m", "100/h"...; "off" for load tests).
RATE_LIMIT_BOOKING = env("RATE_LIMIT_BOOKING", default="10/m")
RATE_LIMIT_VERIFY = env("RATE_LIMIT_VERIFY", default="20/m")
# A booking transaction waits at most this long for a row lock, then says "busy, try again".
BOOKING_LOCK_TIMEOUT_MS = env.int("BOOKING_LOCK_TIMEOUT_MS", default=3000)
# Holds (bookings.services.holds): a public request waiting for a counselor lapses unless
# the person confirms it from the email within the office's email-check window or this
# many minutes; holds per client address per office per day (high enough for the people of
# a family, a support facility's Wi-Fi or a carrier's shared address: the proof of work,
# the day's cap and the lapse are what bound a script, issue 23); unconfirmed holds per
# office per session day (0: no limit).
REQUEST_CONFIRM_MINUTES = env.int("REQUEST_CONFIRM_MINUTES", default=60)
HOLD_LIMIT_PER_ADDRESS = env("HOLD_LIMIT_PER_ADDRESS", default="20/d")
HOLD_MAX_UNCONFIRMED_PER_DAY = env.int("HOLD_MAX_UNCONFIRMED_PER_DAY", default=4)
# Requests to change a booking's time (at offices whose counselors confirm) per booking
# per day in Japan: each one emails the person (issue 23).
CHANGE_REQUESTS_PER_BOOKING_PER_DAY = env.int("CHANGE_REQUESTS_PER_BOOKING_PER_DAY", default=3)
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
# Proof of work (ALTCHA) on open online booking (bookings.services.proof): "off" for load
# runs. Its cost, the widget's maxnumber, from a quiet office's to a busy one's (busy: the
# last hour's public holds reach POW_BUSY_SHARE of the next two weeks' free places).
PROOF_OF_WORK = env.bool("PROOF_OF_WORK", default=True)
POW_QUIET_MAX_NUMBER = env.int("POW_QUIET_MAX_NUMBER", default=20_000)
POW_BUSY_MAX_NUMBER = env.int("POW_BUSY_MAX_NUMBER", default=200_000)
POW_BUSY_SHARE = env.float("POW_BUSY_SHARE", default=0.25)
POW_CHALLENGE_MINUTES = env.int("POW_CHALLENGE_MINUTES", default=30)
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
# Days after a session's end before one nobody recorded an outcome for gets its final
# status (bookings.services.closing), so the purge covers it.
BOOKING_CLOSE_AFTER_DAYS = env.int("BOOKING_CLOSE_AFTER_DAYS", default=14)

# The record of who looked at whom (accounts.StaffAccess): kept this many days (three
# years), then purged daily. Views are "unusual" on the managers' review page when one
# account opens at least STAFF_ACCESS_MANY_RECORDS records in a day, or outside
# STAFF_ACCESS_HOURS (Japan time, "HH:MM-HH:MM") or on a Sunday.
STAFF_ACCESS_RETENTION_DAYS = env.int("STAFF_ACCESS_RETENTION_DAYS", default=3 * 365)
STAFF_ACCESS_MANY_RECORDS = env.int("STAFF_ACCESS_MANY_RECORDS", default=40)
STAFF_ACCESS_HOURS = env("STAFF_ACCESS_HOURS", default="07:30-20:00")

# Periodic tasks (Celery beat). The schedule lives here, in code; the README lists it.
CELERY_BEAT_SCHEDULE = {
    "send-queued-emails": {
        "task": "notifications.tasks.send_queued_notifications",
        "schedule": 60.0,
    },
    "waitlist-sweep": {
        "task": "waitlist.tasks.waitlist_sweep_task",
        "schedule": 60.0,
    },
    "expire-unverified-bookings": {
        "task": "bookings.tasks.expire_unverified_bookings",
        "schedule": 60.0,
    },
    "lapse-undecided-requests": {
        "task": "bookings.tasks.lapse_undecided_requests",
        "schedule": 5 * 60.0,
    },
    "close-stale-bookings": {
        "task": "bookings.tasks.close_stale_bookings",
        "schedule": crontab(hour=3, minute=0),
    },
    "send-reminders": {
        "task": "bookings.tasks.send_reminders",
        "schedule": 5 * 60.0,
    },
    "mark-no-shows": {
        "task": "bookings.tasks.mark_no_shows",
        "schedule": 60.0,
    },
    "mark-interview-absences": {
        "task": "interviews.tasks.mark_interview_absences",
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
    "remind-unused-invitations": {
        "task": "invitations.tasks.remind_unused_invitations",
        "schedule": 60 * 60.0,
    },
    "clear-expired-sessions": {
        "task": "bookings.tasks.clear_expired_sessions",
        "schedule": 60 * 60.0,
    },
    "end-idle-staff-sessions": {
        "task": "accounts.tasks.end_idle_staff_sessions",
        "schedule": 10 * 60.0,
    },
    "purge-staff-access-log": {
        "task": "accounts.tasks.purge_staff_access_log",
        "schedule": crontab(hour=3, minute=50),
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

# --- Channels beside email: LINE and SMS (see the README: "LINE and SMS") -------------
# Off unless configured; only pointers go there (a link, never a booking's details).
# The offices' LINE official accounts (Messaging API channels), by office slug:
# {"toyooka": {"channel_secret": ..., "access_token": ..., "basic_id": "@123abcde"}}.
LINE_ACCOUNTS: dict = env.json("LINE_ACCOUNTS", default={})
LINE_API_BASE = env("LINE_API_BASE", default="https://api.line.me")
LINE_ACCESS_BASE = env("LINE_ACCESS_BASE", default="https://access.line.me")
# Where "send this code to the office's account" opens LINE (its URL scheme).
LINE_URL_SCHEME_BASE = env("LINE_URL_SCHEME_BASE", default="https://line.me/R")
LINE_LINK_MINUTES = env.int("LINE_LINK_MINUTES", default=30)
# SMS through Twilio's Programmable Messaging API: {"account_sid": "AC...", "auth_token":
# ..., "from": "+1..." or "messaging_service_sid": "MG..."}.
SMS_ACCOUNT: dict = env.json("SMS_ACCOUNT", default={})
SMS_API_BASE = env("SMS_API_BASE", default="https://api.twilio.com")
CHANNELS_HTTP_TIMEOUT = env.float("CHANNELS_HTTP_TIMEOUT", default=10.0)
# Bounces: the mail relay POSTs each bounce (a DSN, RFC 3464) to /notifications/email/bounce/
# signed with HMAC-SHA256 of the body under this secret (header X-Bounce-Signature, hex).
EMAIL_BOUNCE_SECRET = env("EMAIL_BOUNCE_SECRET", default="")

# --- Staff sign-in with Microsoft Entra ID (docs/staff-sign-in.md) ----------------------
# Off unless the tenant, the application's client id and its secret are set. ENTRA_GROUPS
# maps an Entra group's object id to an office (slug) and a role ("counselor", "manager",
# "report_reader"): {"<group id>": {"office": "kawagoe", "role": "counselor"}}. It is
# applied at every sign-in; a person in no mapped group loses staff access.
ENTRA_TENANT_ID = env("ENTRA_TENANT_ID", default="")
ENTRA_CLIENT_ID = env("ENTRA_CLIENT_ID", default="")
ENTRA_CLIENT_SECRET = env("ENTRA_CLIENT_SECRET", default="")
ENTRA_GROUPS: dict = env.json("ENTRA_GROUPS", default={})
# Where requests for login.microsoftonline.com go (a proxy; the local fake in tests), the
# browser's visit to the sign-in page included.
ENTRA_LOGIN_BASE = env("ENTRA_LOGIN_BASE", default=MS_LOGIN_BASE)
