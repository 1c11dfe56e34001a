"""
The WSGI entry point (gunicorn). Without DJANGO_SETTINGS_MODULE it runs the production
settings, which refuse to start without a real SECRET_KEY and EMAIL_URL: a server never
comes up by accident with DEBUG on and the public development key. (`manage.py` keeps the
local settings as its default, for development.)
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# What the first request would otherwise load (the URLconf, templates, ...): config/warmup.py.
from config.warmup import warm  # noqa: E402 (the app must be set up first)

warm()
