"""Writes to online meetings that need no booking: attendance reported by a platform."""

import hashlib
import hmac
from datetime import datetime

from django.conf import settings
from django.db import transaction

from conferencing.models import OnlineMeeting


def attendee_key(email: str) -> str:
    """A keyed hash of the registered participant's address: compared, never read back."""
    key = hashlib.sha256(b"meeting-attendee:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, (email or "").strip().lower().encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def meeting_record_join(
    *, provider: str, external_id: str, joined_at: datetime, participant_email: str = ""
) -> str | None:
    """
    Records a participant joining: as the applicant only when the platform names the
    meeting's registered participant (their email), else as "someone joined" for the
    counselor to judge. Keeps the first time of each; returns "applicant", "someone", or
    None for an unknown meeting.
    """
    meeting = (
        OnlineMeeting.objects.select_for_update()
        .filter(provider=provider, external_id=external_id)
        .first()
    )
    if meeting is None:
        return None
    is_applicant = bool(
        participant_email
        and meeting.attendee_key
        and hmac.compare_digest(meeting.attendee_key, attendee_key(participant_email))
    )
    field = "applicant_joined_at" if is_applicant else "someone_joined_at"
    current = getattr(meeting, field)
    if current is None or joined_at < current:
        setattr(meeting, field, joined_at)
        meeting.save(update_fields=[field, "updated_at"])
    return "applicant" if is_applicant else "someone"


def meeting_record_applicant_join(*, provider: str, external_id: str, joined_at: datetime) -> bool:
    """The platform reported the applicant by its own record (Teams attendance by email)."""
    with transaction.atomic():
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
