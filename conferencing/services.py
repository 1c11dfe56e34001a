"""Writes to online meetings that need no booking: attendance reported by a platform."""

from datetime import datetime

from django.db import transaction

from conferencing.models import OnlineMeeting


@transaction.atomic
def meeting_record_applicant_join(*, provider: str, external_id: str, joined_at: datetime) -> bool:
    """Keeps the first time the applicant joined; returns False for an unknown meeting."""
    meeting = (
        OnlineMeeting.objects.select_for_update()
        .filter(provider=provider, external_id=external_id)
        .first()
    )
    if meeting is None:
        return False
    if meeting.applicant_joined_at is None or joined_at < meeting.applicant_joined_at:
        meeting.applicant_joined_at = joined_at
        meeting.save(update_fields=["applicant_joined_at", "updated_at"])
    return True
