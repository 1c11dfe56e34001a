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
        from notifications.kinds import kind_labels_register
        from waitlist.services.notices import register_notices

        register_notices()
        # The outbox (staff) names the waitlist's kinds.
        kind_labels_register({
            "waitlist_joined": _("Waitlist: joined (or confirm the address)"),
            "waitlist_offer": _("Waitlist: a freed time offered"),
            "waitlist_offer_lapsed": _("Waitlist: the offer passed on"),
        })  # fmt: skip
        import waitlist.tasks  # noqa: F401  (registers the tasks with Celery)
