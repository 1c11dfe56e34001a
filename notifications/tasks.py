import logging

from celery import shared_task

from common import clock
from notifications.delivery import pointers_reclaim
from notifications.services import (
    notification_ids_due,
    notification_ids_keyed,
    notification_send,
)

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_notification(notification_id: int) -> bool:
    return notification_send(notification_id=notification_id, now=clock.now())


@shared_task(acks_late=True)
def send_notifications_keyed(keys: list[str]) -> int:
    """The emails one event wrote as intent (by dedupe key): rendered and sent."""
    now = clock.now()
    return sum(
        notification_send(notification_id=pk, now=now) for pk in notification_ids_keyed(keys)
    )


@shared_task
def send_queued_notifications() -> int:
    """Periodic: sends whatever is still queued (broker was down, SMTP failed...), and the
    pointers whose worker was lost (their claim lapsed)."""
    sent = 0
    now = clock.now()
    for notification_id in notification_ids_due(now=now):
        sent += notification_send(notification_id=notification_id, now=now)
    return sent + pointers_reclaim(now=now)
