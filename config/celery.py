"""
The Celery application. Tasks live beside their services in each app's tasks.py.

Without DJANGO_SETTINGS_MODULE it runs the production settings, like config/wsgi.py
(`make run` sets the local ones). Its logging is Django's LOGGING, not Celery's own
handlers, so the worker's and beat's records are redacted like the web's.
"""

import logging.config
import os
from pathlib import Path

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun
from django.conf import settings

from common.clock import pin_for_task, unpin_for_task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("consult")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _use_django_logging(**kwargs) -> None:
    """Connected, this replaces Celery's logging set-up: the one LOGGING dict applies."""

    logging.config.dictConfig(settings.LOGGING)


@task_prerun.connect
def _pin_the_clock(task_id=None, **kwargs) -> None:
    """A task reads the clock once, at its start (see `common.clock`)."""

    pin_for_task(task_id)


@task_postrun.connect
def _unpin_the_clock(task_id=None, **kwargs) -> None:

    unpin_for_task(task_id)


@app.on_after_configure.connect
def ensure_embedded_broker_folders(sender: Celery, **kwargs) -> None:
    """The filesystem transport (the embedded default) needs its folders to exist."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)
