"""
The figures are computed from bookings, offices and terms on every request, with one
table of their own: `DailyOutcome`, the bookings per office, Japan day, service, channel
and outcome, kept in step with every booking by database triggers
(`reports/migrations/0004_daily_outcome.py`). `OfficeReport` exists for its permission,
which a role (or a superuser) grants.
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


class DailyOutcome(models.Model):
    """
    How many bookings of an office, whose session starts on a Japan day (days since
    1970-01-01, as `reports.functions.JapanDay`), of a service and a channel, have an
    outcome. Written only by the triggers on `bookings_booking` in the same transaction as
    the booking's own change (an insert, a change of outcome, time, service or channel), so
    it is never behind; never written by code. A count may reach 0 and stay as a row.
    """

    office_id = models.BigIntegerField()
    day = models.IntegerField()
    service_id = models.BigIntegerField()
    channel = models.CharField(max_length=20)
    outcome = models.CharField(max_length=30)
    bookings = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["office_id", "day", "service_id", "channel", "outcome"],
                name="reports_daily_outcome_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.outcome}: {self.bookings}"
