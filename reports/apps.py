from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """A read-only layer over bookings, offices and terms: the office's figures (実績)."""

    name = "reports"
    verbose_name = _("Office results")

    def ready(self) -> None:
        from offices.roles import OFFICE_MANAGERS, REPORT_READERS, role_permissions_grant

        # Counselors whom the office lets read its figures are added to REPORT_READERS.
        for role in (OFFICE_MANAGERS, REPORT_READERS):
            role_permissions_grant("reports", role, ["view_office_report"])
