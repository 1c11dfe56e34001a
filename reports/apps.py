from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """A read-only layer over bookings, offices and terms: the office's figures (実績)."""

    name = "reports"
    verbose_name = _("Office results")
