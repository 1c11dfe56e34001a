"""
The retention schedule: the personal data of bookings that ended more than
PERSONAL_DATA_RETENTION_DAYS ago is erased: names, numbers, contacts, attendees, notes,
the accommodation asked for, free-text reasons, the request fingerprint and idempotency
key (a hash of the email and number, which could be recomputed to find the person), the
secret links, and the bodies of
the emails sent about them; records of use older than that are deleted. The rows stay,
anonymous,
so the office's counts (bookings by day, service, channel and outcome; no-shows) still
add up. People stay recognizable while they still have a recent or upcoming booking, an
unlifted bar (the bar is the office's reason to know them), or something recent that an
app above registered (`bookings.hooks`: an interview); those apps' own purges run here too,
on the same schedule.

Consents are kept as they are: they name only the terms version, the time, the channel,
a network prefix (never a full address) and a coarse device type (never the browser
string), and prove what was agreed. Sessions (which hold the drafts of unfinished
bookings) are removed once expired by `sessions_clear_expired`, every hour.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from bookings.hooks import other_purges, recent_people
from bookings.models import (
    ACTIVE_STATUSES,
    AccessRecord,
    Applicant,
    Booking,
    BookingEvent,
    BookingLink,
    PhoneCall,
)
from bookings.services.closing import bookings_close_stale
from notifications.contacts import contacts_forget
from notifications.models import Notification
from notifications.services import BOOKING_OWNER

BATCH = 500


@dataclass(frozen=True)
class PurgeReport:
    bookings: int
    applicants: int
    emails: int
    others: dict[str, int] = field(default_factory=dict)  # what each app's own purge erased


def retention_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)


def personal_data_purge(*, now: datetime) -> PurgeReport:
    """Periodic (daily). Safe to run twice: what is purged is skipped the next time."""

    # Open bookings are skipped below: those that can no longer take place are closed first.
    bookings_close_stale(now=now)
    cutoff = retention_cutoff(now)
    bookings = applicants = 0
    while True:
        with transaction.atomic():
            ids = list(
                Booking.objects.select_for_update(skip_locked=True)
                .filter(end__lt=cutoff, personal_data_purged_at__isnull=True)
                .exclude(status__in=ACTIVE_STATUSES)
                .values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                break
            bookings += Booking.objects.filter(pk__in=ids).update(
                name="", name_kana="", job_seeker_number="", email="", phone="",
                company_name="", attendees=[], note="", accommodations=[],
                accommodation_other="", idempotency_key="",
                request_fingerprint="", personal_data_purged_at=now,
            )  # fmt: skip
            BookingLink.objects.filter(booking_id__in=ids).delete()
            BookingEvent.objects.filter(booking_id__in=ids).exclude(reason="").update(reason="")
            PhoneCall.objects.filter(booking_id__in=ids).exclude(note="").update(note="")
            contacts_forget(owner_kind=BOOKING_OWNER, ids=ids, now=now)

    recent_or_active = Booking.objects.filter(applicant=OuterRef("pk")).filter(
        Q(end__gte=cutoff) | Q(status__in=ACTIVE_STATUSES)
    )
    with transaction.atomic():
        stale = (
            Applicant.objects.select_for_update(skip_locked=True)
            .filter(personal_data_purged_at__isnull=True, created_at__lt=cutoff)
            .exclude(Exists(recent_or_active))
            .exclude(barred_at__isnull=False, bar_lifted_at__isnull=True)
        )
        for recent in recent_people(cutoff):  # an interview (`interviews`), say
            stale = stale.exclude(pk__in=recent)
        for applicant in stale:
            applicant.name = applicant.name_kana = applicant.job_seeker_number = ""
            applicant.email = applicant.phone = ""
            applicant.identity_key = f"purged:{applicant.uuid}"
            applicant.barred_reason = applicant.bar_lift_reason = ""
            applicant.personal_data_purged_at = now
            applicant.save(
                update_fields=[
                    "name", "name_kana", "job_seeker_number", "email", "phone",
                    "identity_key",
                    "barred_reason", "bar_lift_reason", "personal_data_purged_at",
                ]
            )  # fmt: skip
            applicants += 1

    AccessRecord.objects.filter(at__lt=cutoff).delete()
    emails = (
        Notification.objects.filter(created_at__lt=cutoff)
        .exclude(status=Notification.Status.QUEUED)
        .exclude(recipient="", body_text="")
        .update(recipient="", body_text="", body_html="", attachment_content="")
    )
    others = {name: purge(now) for name, purge in other_purges().items()}
    return PurgeReport(bookings=bookings, applicants=applicants, emails=emails, others=others)


def sessions_clear_expired() -> None:
    """Periodic (hourly): what `manage.py clearsessions` does, for the configured engine."""

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
