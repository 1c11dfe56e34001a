from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from offices.roles import COUNSELORS, OFFICE_MANAGERS, role_permissions_grant

        role_permissions_grant("bookings", COUNSELORS, [
            "view_booking", "change_booking", "view_bookingevent", "view_applicant",
            # Lifting a bar and linking a claim to a person, each with a reason (the fields
            # stay read-only in the admin: only those actions change a person).
            "change_applicant",
            # Group sessions: scheduled, cancelled and their seats checked in by counselors.
            "view_groupsession", "add_groupsession", "change_groupsession",
        ])  # fmt: skip
        role_permissions_grant("bookings", OFFICE_MANAGERS, ["view_accessrecord"])
        from bookings.selectors.availability_cache import connect_signals

        connect_signals()
        from bookings.services.notify import register_email_kinds

        register_email_kinds()
        # The tasks register with Celery here, so that work named by its task's name
        # (`common.queue`) finds them in every process, not only in workers.
        import bookings.tasks  # noqa: F401
