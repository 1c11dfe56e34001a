"""
`manage.py check --deploy` says what the production settings refuse at start, whichever
settings module is in use (a site's own module may bypass production.py's refusals).
"""

import os

from django.conf import settings
from django.core.checks import Error, Tags, register

from config.settings.base import mail_problem, proxy_problem, secret_key_problem


@register(Tags.security, deploy=True)
def production_settings_check(app_configs=None, **kwargs) -> list[Error]:
    problems = [
        (
            "operations.E001",
            proxy_problem(
                ssl_redirect=settings.SECURE_SSL_REDIRECT,
                forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", ""),
                trusted=list(getattr(settings, "TRUSTED_PROXIES", []) or []),
                count=int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0),
            ),
        ),
        ("operations.E002", mail_problem(getattr(settings, "EMAIL_URL", "") or "")),
        ("operations.E003", secret_key_problem(settings.SECRET_KEY)),
    ]
    return [Error(message, id=code) for code, message in problems if message]
