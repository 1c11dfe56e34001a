"""
Reminders of confirmed sessions: one on the previous business day of the office (at
REMINDER_DAY_BEFORE_AT, Japan time), and a short one REMINDER_SOON_MINUTES before the start
with the join link. Each is sent at most once per booking (dedupe keys), whenever the
periodic task runs, late or twice; neither to a person just emailed the confirmation or
the meeting's link (`JUST_TOLD`).
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction

from bookings.emails.applicant import reminder_message
from bookings.models import Booking, BookingStatus
from bookings.services.links import booking_email_links
from common.clock import JST
from notifications.contacts import owner_ids_with_channels
from notifications.models import Notification
from notifications.services import BOOKING_OWNER, notification_enqueue
from offices.models import Office
from offices.selectors import office_calendar

_LOOKAHEAD = timedelta(days=10)  # the previous business day is never further (year end)

# A reminder is not sent to a person who was just emailed the confirmation or the meeting's
# link (within this long before it is due to go): those say all the reminder would, and a
# booking made the afternoon before would otherwise bring four emails in five minutes.
JUST_TOLD = {"reminder_day_before": timedelta(hours=12), "reminder_soon": timedelta(hours=1)}
_TOLD_KINDS = ("booking_confirmed", "meeting_issued")


def _just_told(booking: Booking, kind: str, now: datetime) -> bool:

    return Notification.objects.filter(
        dedupe_key__startswith=f"booking:{booking.pk}:",
        kind__in=_TOLD_KINDS,
        created_at__gt=now - JUST_TOLD[kind],
    ).exists()


def _day_before_due(start: datetime, calendar) -> datetime:
    previous = calendar.business_day_add(start.astimezone(JST).date(), -1)
    at = time.fromisoformat(settings.REMINDER_DAY_BEFORE_AT)
    return datetime.combine(previous, at, tzinfo=JST)


def bookings_send_reminders(*, now: datetime) -> int:

    soon = timedelta(minutes=settings.REMINDER_SOON_MINUTES)
    queued = 0
    for office in Office.objects.all():
        bookings = list(
            Booking.objects.select_related("office", "service").filter(
                office=office,
                status=BookingStatus.CONFIRMED,
                start__gt=now,
                start__lte=now + _LOOKAHEAD,
            )
        )
        # A person without email is reminded by LINE or SMS where they added one, else by
        # phone (they are on the counselors' day as usual).
        with_channels = owner_ids_with_channels(
            BOOKING_OWNER, [b.pk for b in bookings if not b.email]
        )
        bookings = [b for b in bookings if b.email or b.pk in with_channels]
        if not bookings:
            continue

        keys = [f"booking:{b.pk}:{kind}" for b in bookings for kind in JUST_TOLD]
        sent = set(
            Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
        )
        today = now.astimezone(JST).date()
        calendar = office_calendar(office=office, start=today, end=today + _LOOKAHEAD)
        for booking in bookings:
            due = []
            if now >= _day_before_due(booking.start, calendar) and booking.start - now > soon:
                due.append("reminder_day_before")
            if booking.start - now <= soon:
                due.append("reminder_soon")
            for kind in due:
                if f"booking:{booking.pk}:{kind}" in sent or _just_told(booking, kind, now):
                    continue
                with transaction.atomic():
                    # Rendered only when not yet sent (the dedupe key is checked first).
                    queued += (
                        notification_enqueue(
                            dedupe_key=f"booking:{booking.pk}:{kind}",
                            kind=kind,
                            recipient=booking.email,
                            language=booking.language,
                            render=lambda b=booking, k=kind: reminder_message(
                                b, k, now=now, links=booking_email_links(b)
                            ),
                            office_id=booking.office_id,
                            booking_id=booking.pk,
                        )
                        is not None
                    )
    return queued
