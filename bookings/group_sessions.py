"""
Group sessions with seats (セミナー・説明会: 応募書類の書き方, 面接対策, 職業訓練説明会):
a counselor runs one session of a service for several people at once, each with a seat.

A seat is a `Booking` (`Booking.group_session`): it goes through the same access rules
(the open path's email check, a counselor's invitation), the same emails, manage page,
cancellation, check-in and no-show rule as any booking. The session, not its seats, takes
the counselor's time, once: it is read as busy by availability, and an individual booking
re-checks it under the office's lock. PostgreSQL keeps the rest impossible: no two
scheduled sessions of one counselor overlap, and the bookings' no-overlap constraint keys
seats by their session so that seats of one session share its time while nothing else may
(migration 0024). Capacity is counted under the session's row lock (`services.seats`).

Kept apart from `bookings.models` (over the module size limit) and imported by it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.fields import ClockDateTimeField
from offices.models import Platform


class GroupSessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class GroupSession(models.Model):
    """One scheduled session with a capacity, run by one counselor for its seats."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="group_sessions",
        verbose_name=_("office"),
    )  # fmt: skip
    service = models.ForeignKey(
        "offices.Service", on_delete=models.PROTECT, related_name="group_sessions",
        verbose_name=_("service"),
    )  # fmt: skip
    counselor = models.ForeignKey(
        "offices.Counselor", on_delete=models.PROTECT, related_name="group_sessions",
        verbose_name=_("counselor"),
    )  # fmt: skip
    title = models.CharField(
        _("title (Japanese)"), max_length=100, blank=True,
        help_text=_("For example 応募書類の書き方. Empty: the service's name."),
    )  # fmt: skip
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    capacity = models.PositiveSmallIntegerField(_("seats"))
    platform = models.CharField(
        _("platform"), max_length=20, choices=Platform, blank=True,
        help_text=_("Empty: the office's platform."),
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=20, choices=GroupSessionStatus.choices,
        default=GroupSessionStatus.SCHEDULED,
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("scheduled by"),
    )  # fmt: skip
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="group_session_end_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="group_session_has_seats"),
        ]
        indexes = [models.Index(fields=["office", "start"], name="group_session_office_start")]

    def __str__(self) -> str:
        return f"{self.display_title} {self.start:%Y-%m-%d %H:%M}"

    @property
    def display_title(self) -> str:
        return self.title or self.service.name

    @property
    def is_scheduled(self) -> bool:
        return self.status == GroupSessionStatus.SCHEDULED
