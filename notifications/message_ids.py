import hashlib

from django.conf import settings

from notifications.models import Notification


def message_id(notification: Notification) -> str:
    """
    The same Message-ID for every attempt of one email: should a worker die between the
    mail server accepting it and the outbox recording that, the second copy carries the
    same ID, which mail clients use to collapse duplicates.
    """
    digest = hashlib.sha256(notification.dedupe_key.encode()).hexdigest()[:24]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<{notification.pk}.{digest}@{domain}>"
