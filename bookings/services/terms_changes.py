"""
People with upcoming bookings are told when the terms they agreed to are superseded.
"""

from datetime import datetime, timedelta

from django.db import transaction

from bookings.emails.applicant import terms_change_message
from bookings.models import (
    Booking,
    BookingStatus,
)
from notifications.services import notification_enqueue
from terms.models import TermsVersion
from terms.selectors import applicants_with_superseded_consent


def terms_change_notify(*, terms_version_id: int, now: datetime) -> int:
    """
    Once a new terms version is in force, tells each person with an upcoming confirmed
    booking at that office who agreed only to an older version that they will be asked
    to agree again. Each person is told once per version (dedupe key). Returns how many
    emails were queued now.
    """

    version = TermsVersion.objects.select_related("office").get(pk=terms_version_id)
    if not version.is_published or version.withdrawn_at or version.effective_from > now:
        return 0
    stale = applicants_with_superseded_consent(terms_version=version)
    upcoming = (
        Booking.objects.filter(
            office=version.office,
            applicant__uuid__in=stale,
            status=BookingStatus.CONFIRMED,
            start__gt=now,
        )
        .exclude(email="")
        .select_related("office", "applicant")
        .order_by("applicant_id", "start")
    )
    queued = 0
    seen: set[int] = set()
    for booking in upcoming:
        if booking.applicant_id in seen:
            continue
        seen.add(booking.applicant_id)
        with transaction.atomic():
            queued += (
                notification_enqueue(
                    dedupe_key=f"terms:{version.pk}:applicant:{booking.applicant.uuid}",
                    kind="terms_changed",
                    recipient=booking.email,
                    language=booking.language,
                    render=lambda b=booking: terms_change_message(b, version),
                    office_id=booking.office_id,
                )
                is not None
            )
    return queued


def terms_changes_notify_recent(*, now: datetime, days: int = 7) -> int:
    """Periodic: runs `terms_change_notify` for versions that took effect recently."""

    versions = TermsVersion.objects.filter(
        published_at__isnull=False,
        withdrawn_at__isnull=True,
        effective_from__lte=now,
        effective_from__gt=now - timedelta(days=days),
    ).values_list("pk", flat=True)
    return sum(terms_change_notify(terms_version_id=pk, now=now) for pk in versions)
