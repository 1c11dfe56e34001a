"""Work handed to Celery after commit, by task name (`common.queue`)."""

import pytest
from celery import current_app

from common.queue import enqueue_after_commit


def test_every_task_named_by_the_code_is_registered_in_a_web_process():
    """The names the services hand over exist: an unknown name raises at once."""
    import ast
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    names = set()
    for path in [*root.glob("bookings/**/*.py"), *root.glob("notifications/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.fullmatch(r"(bookings|notifications)\.tasks\.\w+", node.value)
            ):
                names.add(node.value)
    assert names >= {
        "bookings.tasks.issue_meeting",
        "bookings.tasks.delete_meeting",
        "bookings.tasks.update_meeting",
        "notifications.tasks.send_notification",
    }
    assert names <= set(current_app.tasks)


@pytest.mark.django_db
def test_an_unknown_task_name_is_a_bug_raised_at_once():
    with pytest.raises(KeyError):
        enqueue_after_commit("bookings.tasks.no_such_task", 1, what="nothing")
