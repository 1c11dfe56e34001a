"""
The figures are computed on every request from daily roll-ups of the bookings that the
database keeps in step with every booking by triggers, in the booking's own transaction
(`reports/rollups.py` says what each counts): `DailyOutcome` (bookings per office, Japan
day, service, channel and outcome), `DailyLead` (per day of the session and day booked),
`DailyBookedMinutes` (a counselor's booked minutes per day) and `HourlyBookedMinutes`
(booked minutes per day and hour). `OfficeReport` exists for its permission, which a role
(or a superuser) grants.
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


class DailyLead(models.Model):
    """
    How many bookings of an office's service whose session starts on a Japan day (`day`)
    were made on a Japan day (`made`, from `created_at`); lapsed email checks are left out.
    The lead in business days is worked out from the two with the office's calendar.
    Written only by the triggers of `reports/migrations/0005_rollups.py`.
    """

    office_id = models.BigIntegerField()
    day = models.IntegerField()
    service_id = models.BigIntegerField()
    made = models.IntegerField()
    bookings = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["office_id", "day", "service_id", "made"], name="reports_daily_lead_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} made {self.made}: {self.bookings}"


class DailyBookedMinutes(models.Model):
    """
    Minutes of an office's bookings that keep a counselor's time (not cancelled or lapsed),
    per Japan day of the session and counselor. A group session's seats are not here: the
    session's time is read from the session, once. Written only by the triggers of
    `reports/migrations/0005_rollups.py`.
    """

    office_id = models.BigIntegerField()
    day = models.IntegerField()
    counselor_id = models.BigIntegerField()
    minutes = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["office_id", "day", "counselor_id"], name="reports_daily_minutes_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} counselor {self.counselor_id}: {self.minutes}"


class HourlyBookedMinutes(models.Model):
    """
    The same minutes per Japan day and hour of the day (0-23), each session split exactly
    across the hours it covers and cut at midnight: the heat map's booked time. Written
    only by the triggers of `reports/migrations/0005_rollups.py`.
    """

    office_id = models.BigIntegerField()
    day = models.IntegerField()
    hour = models.SmallIntegerField()
    minutes = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["office_id", "day", "hour"], name="reports_hourly_minutes_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.hour}h: {self.minutes}"
