from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from bookings.selectors.availability_cache import connect_signals

        connect_signals()
        from bookings.services.notify import register_email_kinds

        register_email_kinds()
        # The tasks register with Celery here, so that work named by its task's name
        # (`common.queue`) finds them in every process, not only in workers.
        import bookings.tasks  # noqa: F401
