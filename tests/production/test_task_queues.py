"""
The Celery queues of a fleet (CELERY_TASK_ROUTES in config/settings/base.py): the video
platforms' work on `meetings`, the outbox on `mail`, everything else on `default`, so a
platform answering slowly (or with 429s) never holds up a confirmation email.
"""

from django.conf import settings

from config.celery import app

QUEUES = {"meetings", "mail", "default"}


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_platform_work_and_mail_run_on_queues_of_their_own():
    assert _queue("bookings.tasks.issue_meeting") == "meetings"
    assert _queue("bookings.tasks.update_meeting") == "meetings"
    assert _queue("bookings.tasks.delete_meeting") == "meetings"
    assert _queue("notifications.tasks.send_notification") == "mail"
    assert _queue("notifications.tasks.send_queued_notifications") == "mail"
    assert _queue("bookings.tasks.expire_unverified_bookings") == "default"


def test_every_task_and_every_periodic_one_lands_on_a_known_queue():
    app.loader.import_default_modules()
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    assert len(ours) >= 13
    assert {name: _queue(name) for name in ours if _queue(name) not in QUEUES} == {}
    beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert beat <= set(ours)


def test_a_worker_started_without_a_queue_consumes_all_three():
    """`make run` and docker-compose.yml's single worker name no queue: they take them all."""
    assert {queue.name for queue in app.conf.task_queues} == QUEUES
    assert app.conf.task_default_queue == "default"
