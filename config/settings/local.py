"""
`make run` and `make dev`: the embedded defaults. `make run` serves with gunicorn and
DEBUG off (the site's own error pages, static files gathered by collectstatic and served
by whitenoise); `make dev` sets DEBUG=True for the auto-reloading development server.
Emails are files under var/mail/.

With the built-in (public) SECRET_KEY the site answers only clients on this machine
(`LoopbackOnlyMiddleware`) and names only loopback hosts (a system check): anyone who
reached it from the network could forge a staff session with that key.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import BUILT_IN_SECRET_KEY, MIDDLEWARE, SECRET_KEY, env

DEBUG = env.bool("DEBUG", default=False)
CONFERENCING_FAKE = env.bool("CONFERENCING_FAKE", default=True)
if SECRET_KEY == BUILT_IN_SECRET_KEY:
    MIDDLEWARE = ["config.middleware.LoopbackOnlyMiddleware", *MIDDLEWARE]
