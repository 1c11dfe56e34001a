import logging

from celery import shared_task

from common import clock
from notifications.services import notification_ids_due, notification_send

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_notification(notification_id: int) -> bool:
    return notification_send(notification_id=notification_id, now=clock.now())


@shared_task
def send_queued_notifications() -> int:
    """Periodic: sends whatever is still queued (broker was down, SMTP failed...)."""
    sent = 0
    now = clock.now()
    for notification_id in notification_ids_due(now=now):
        sent += notification_send(notification_id=notification_id, now=now)
    return sent


def send_after_commit(notification_id: int) -> None:
    """Hands the email to a worker; if the broker is down, the periodic task sends it."""
    try:
        send_notification.delay(notification_id)
    except Exception as error:
        logger.warning(
            "broker unavailable, email id=%s left queued: %s", notification_id, type(error).__name__
        )
