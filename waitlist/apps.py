from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WaitlistConfig(AppConfig):
    name = "waitlist"
    verbose_name = _("Waitlist")

    def ready(self) -> None:
        from offices.roles import COUNSELORS, role_permissions_grant
        from waitlist import receivers

        # Counselors see their office's waitlist and its offers (read-only lists).
        role_permissions_grant("waitlist", COUNSELORS, [
            "view_waitlistentry", "view_waitlistoffer",
        ])  # fmt: skip
        receivers.connect()
        from waitlist.services.notices import register_notices

        register_notices()
        import waitlist.tasks  # noqa: F401  (registers the tasks with Celery)
