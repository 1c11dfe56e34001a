"""`make run`: the embedded defaults, with DEBUG on."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
CONFERENCING_FAKE = env.bool("CONFERENCING_FAKE", default=True)
