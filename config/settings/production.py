"""
Production: everything from the environment, HTTPS assumed behind a reverse proxy (the
one in docker-compose.yml) whose X-Forwarded-Proto gunicorn trusts from its address only
(config/gunicorn.py). `manage.py check --deploy` is clean with these settings.

The site refuses to start without a real SECRET_KEY (a public one lets anyone forge a
staff session) and without EMAIL_URL (the fallback writes emails, with their addresses
and booking links, to files on the server).
"""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import (
    EMAIL_URL,
    TRUSTED_PROXIES,
    TRUSTED_PROXY_COUNT,
    env,
    mail_problem,
    proxy_problem,
    secret_key_problem,
)

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
if problem := secret_key_problem(SECRET_KEY):
    raise ImproperlyConfigured(
        f"{problem}. Set SECRET_KEY to a long random string, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )
if problem := mail_problem(EMAIL_URL):
    raise ImproperlyConfigured(problem)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
if problem := proxy_problem(
    ssl_redirect=SECURE_SSL_REDIRECT,
    forwarded_allow_ips=env("FORWARDED_ALLOW_IPS", default=""),
    trusted=TRUSTED_PROXIES,
    count=TRUSTED_PROXY_COUNT,
):
    raise ImproperlyConfigured(problem)
# Health checks come from inside the deployment over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

ADMINS = [("Operators", address) for address in env.list("ADMIN_EMAILS", default=[])]
