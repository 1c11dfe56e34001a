"""
`make run`: the embedded defaults, with DEBUG on. Emails are files under var/mail/.

With the built-in (public) SECRET_KEY the site answers only clients on this machine
(`LoopbackOnlyMiddleware`) and names only loopback hosts (a system check): anyone who
reached it from the network could forge a staff session with that key.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import BUILT_IN_SECRET_KEY, MIDDLEWARE, SECRET_KEY, env

DEBUG = env.bool("DEBUG", default=True)
CONFERENCING_FAKE = env.bool("CONFERENCING_FAKE", default=True)
if SECRET_KEY == BUILT_IN_SECRET_KEY:
    MIDDLEWARE = ["config.middleware.LoopbackOnlyMiddleware", *MIDDLEWARE]
