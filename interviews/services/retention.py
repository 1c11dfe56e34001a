"""
The retention schedule for interviews, as for bookings (`bookings.services.retention`,
`PERSONAL_DATA_RETENTION_DAYS`), run by the same nightly purge (registered with
`bookings.hooks` at start):

- A job seeker whose interview or managed selection is recent or still to come is kept:
  the bookings' purge erases a person's record only when nothing here is recent either.
- An interview over for that long loses what identified its parties: each party's secret
  link ends, and its own join link and platform registration go; a managed selection over
  for that long loses its candidates' and employer's links.
- An employer's contact (the HR contact's name and the address) is erased once it has had
  no interview or managed selection for that long.

The rows stay, so the counts add up (the company's name is not personal); the emails'
bodies are erased with every other email by the bookings' purge.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from bookings.tokens import links_end
from interviews.models import (
    Employer,
    Interview,
    InterviewParty,
    SelectionBlock,
    SelectionCandidate,
)
from interviews.state import InterviewStatus


def _cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)


def _recent(cutoff: datetime) -> Q:
    """An interview still of use: arranged, held or proposed for a time since `cutoff` (or
    ahead), or scheduled with its outcome still to record."""
    return (
        Q(end__gte=cutoff)
        | Q(created_at__gte=cutoff)
        | Q(times__start__gte=cutoff)
        | Q(status=InterviewStatus.SCHEDULED)
    )


def _block_recent(cutoff: datetime) -> Q:
    return Q(end__gte=cutoff) | Q(created_at__gte=cutoff)


def job_seekers_in_recent_interviews(cutoff: datetime) -> QuerySet:
    """The job seekers' records (ids) that a recent interview names."""
    return Interview.objects.filter(_recent(cutoff)).values("applicant_id")


def job_seekers_in_recent_selections(cutoff: datetime) -> QuerySet:
    """The job seekers' records (ids) referred to a recent managed selection."""
    return SelectionCandidate.objects.filter(
        block__in=SelectionBlock.objects.filter(_block_recent(cutoff))
    ).values("applicant_id")


def interviews_personal_data_purge(*, now: datetime) -> int:
    """Nightly, within the bookings' purge; safe to run twice. Returns how many employers
    it erased."""
    cutoff = _cutoff(now)
    over = Interview.objects.exclude(pk__in=Interview.objects.filter(_recent(cutoff)).values("pk"))
    parties = InterviewParty.objects.filter(interview__in=over)
    links_end(parties)
    parties.exclude(join_url="", registrant_id="").update(join_url="", registrant_id="")
    blocks_over = SelectionBlock.objects.exclude(_block_recent(cutoff))
    links_end(SelectionCandidate.objects.filter(block__in=blocks_over))
    links_end(blocks_over)
    recent = Interview.objects.filter(_recent(cutoff), employer=OuterRef("pk"))
    recent_block = SelectionBlock.objects.filter(_block_recent(cutoff), employer=OuterRef("pk"))
    with transaction.atomic():
        stale = (
            Employer.objects.select_for_update(skip_locked=True)
            .filter(personal_data_purged_at__isnull=True, created_at__lt=cutoff)
            .exclude(Exists(recent))
            .exclude(Exists(recent_block))
        )
        erased = 0
        for employer in stale:
            employer.contact_name, employer.email = "", f"purged-{employer.uuid}@invalid"
            employer.personal_data_purged_at = now
            employer.save(update_fields=["contact_name", "email", "personal_data_purged_at"])
            erased += 1
    return erased
