"""
Work handed to a Celery worker once the current transaction commits, named by the task's
name: the services that schedule work never import the tasks that call them (no import
cycle), and a broker that is down never fails the change that scheduled it: the periodic
sweeps pick the work up later.
"""

import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_after_commit(task_name: str, *args, what: str) -> None:
    """`task_name` runs with `args` after commit; `what` names the work in a warning. An
    unknown task name is a bug and raises here, at once, not in the after-commit hook."""

    task = current_app.tasks[task_name]

    def send() -> None:
        try:
            task.delay(*args)
        except Exception as error:  # broker down: a periodic sweep takes it up
            logger.warning("broker unavailable, %s not queued: %s", what, type(error).__name__)

    transaction.on_commit(send)
