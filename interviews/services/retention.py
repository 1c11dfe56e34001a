"""
The retention schedule for interviews, as for bookings (`bookings.services.retention`,
`PERSONAL_DATA_RETENTION_DAYS`): an employer's contact (the HR contact's name and the
address) is erased once it has had no interview for that long, and the join links of
interviews that ended that long ago are dropped. The rows stay, so the counts add up; the
emails' bodies are erased with every other email by the bookings' purge.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from interviews.models import Employer, Interview, InterviewParty
from interviews.state import ACTIVE


def interviews_personal_data_purge(*, now: datetime) -> int:
    """Periodic (daily); safe to run twice. Returns how many employers it erased."""
    cutoff = now - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    ended = Interview.objects.filter(Q(end__lt=cutoff) | Q(end__isnull=True, created_at__lt=cutoff))
    ended = ended.exclude(status__in=ACTIVE)
    InterviewParty.objects.filter(interview__in=ended).exclude(
        join_url="", registrant_id=""
    ).update(join_url="", registrant_id="")
    recent = Interview.objects.filter(employer=OuterRef("pk")).filter(
        Q(end__gte=cutoff) | Q(created_at__gte=cutoff) | Q(status__in=ACTIVE)
    )
    with transaction.atomic():
        stale = (
            Employer.objects.select_for_update(skip_locked=True)
            .filter(personal_data_purged_at__isnull=True, created_at__lt=cutoff)
            .exclude(Exists(recent))
        )
        erased = 0
        for employer in stale:
            employer.contact_name, employer.email = "", f"purged-{employer.uuid}@invalid"
            employer.personal_data_purged_at = now
            employer.save(update_fields=["contact_name", "email", "personal_data_purged_at"])
            erased += 1
    return erased
