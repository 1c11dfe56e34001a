"""
`make run` and `make dev`: the embedded defaults. `make run` serves with gunicorn and
DEBUG off (the site's own error pages, static files gathered by collectstatic and served
by whitenoise); `make dev` sets DEBUG=True for the auto-reloading development server.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DEBUG", default=False)
CONFERENCING_FAKE = env.bool("CONFERENCING_FAKE", default=True)
