"""
No tables: the figures are computed from bookings, offices and terms on every request.
The one model below exists for its permission, which a role (or a superuser) grants.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeReport(models.Model):
    """Carries `reports.view_office_report`: read the office's figures and monthly report."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_office_report", _("Can read the office's figures and monthly report")),
        ]
        verbose_name = _("office results")
        verbose_name_plural = _("office results")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
