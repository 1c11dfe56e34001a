from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from offices.roles import COUNSELORS, role_permissions_grant

        role_permissions_grant(
            "notifications", COUNSELORS,
            ["view_notification", "view_delivery", "view_contactchannel"],
        )  # fmt: skip
        # The tasks register with Celery in every process (web too), so that work named
        # by its task's name (`common.queue`) finds them.
        import notifications.tasks  # noqa: F401
