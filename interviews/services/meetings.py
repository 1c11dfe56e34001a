"""
One meeting per interview, each party with its own way in. Issued after the time is
taken, by a Celery task, never inside a transaction that waits for the platform: (1) a
short transaction claims the meeting row (`OnlineMeeting`, keyed by the interview's UUID);
(2) the platform is called; (3) a second short transaction records it. Then each party is
registered where the platform gives participants links of their own (Zoom registrants),
else gets the meeting's link; a platform without an API (TeleOffice) waits for the link a
counselor pastes. Each party's join information is emailed once (deduplicated by link).
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from bookings.exceptions import NotAllowedNow
from bookings.state import Actor
from conferencing.models import OnlineMeeting
from conferencing.providers import join_hosts_for, provider_for
from conferencing.providers.base import join_url_validate
from conferencing.types import AccountMissing, ConferencingError, MeetingRequest
from interviews.emails import Kind
from interviews.models import Interview, InterviewParty
from interviews.services.events import interview_event_record, party_email
from interviews.state import InterviewReason, InterviewStatus, Role
from offices.models import User

logger = logging.getLogger(__name__)


def _provider(interview: Interview):
    office = interview.office
    return provider_for(
        platform=office.platform, account=office.platform_account, office=office.slug
    )


def _request(interview: Interview, *, registration: bool) -> MeetingRequest:
    return MeetingRequest(
        booking_uuid=str(interview.uuid),
        topic=f"{interview.office.name} {interview.reference}",
        start_utc=interview.start,
        end_utc=interview.end,
        registration=registration,
    )


def interview_meeting_issue(*, interview_id: int, now: datetime) -> OnlineMeeting | None:
    """Issues the interview's meeting if it has none, then each party's way in. Idempotent;
    raises ConferencingError (transient ones retried by the task)."""
    with transaction.atomic():
        interview = Interview.objects.select_related("office").get(pk=interview_id)
        if interview.status != InterviewStatus.SCHEDULED:
            return None
        meeting, _created = OnlineMeeting.objects.get_or_create(
            booking_uuid=interview.uuid, defaults={"office_id": interview.office_id}
        )
        meeting = OnlineMeeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
        if meeting.status == OnlineMeeting.Status.ISSUED:
            provider = None if meeting.provider == "manual" else _provider(interview)
            moved = interview.times_moved > 0 and meeting.external_id
            if moved and provider is not None and provider.capabilities.auto_update:
                transaction.on_commit(
                    lambda: provider.update_meeting(
                        meeting.external_id, _request(interview, registration=False)
                    )
                )
        else:
            try:
                provider = _provider(interview)
            except AccountMissing as missing:
                meeting.status, meeting.last_error = (
                    OnlineMeeting.Status.WAITING_FOR_ACCOUNT,
                    str(missing),
                )
                meeting.save(update_fields=["status", "last_error", "updated_at"])
                return meeting
            meeting.provider = provider.name
            if not provider.capabilities.auto_create:
                meeting.status = OnlineMeeting.Status.MANUAL_NEEDED
                meeting.save(update_fields=["provider", "status", "updated_at"])
                return meeting
            meeting.attempts += 1
            meeting.status = OnlineMeeting.Status.ISSUING
            meeting.save(update_fields=["provider", "attempts", "status", "updated_at"])
    if meeting.status != OnlineMeeting.Status.ISSUED:
        personal = provider.capabilities.personal_links
        key = str(interview.uuid)
        try:
            info = provider.find_meeting(key) if meeting.attempts > 1 else None
            info = info or provider.create_meeting(
                _request(interview, registration=personal), idempotency_key=key
            )
        except ConferencingError as error:
            OnlineMeeting.objects.filter(pk=meeting.pk).update(
                status=OnlineMeeting.Status.PENDING, last_error=type(error).__name__
            )
            raise
        with transaction.atomic():
            meeting = OnlineMeeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
            if meeting.status != OnlineMeeting.Status.ISSUED:
                meeting.status = OnlineMeeting.Status.ISSUED
                meeting.external_id, meeting.join_url = info.external_id, info.join_url
                meeting.host_url, meeting.passcode = info.host_url, info.passcode
                meeting.meeting_number, meeting.issued_at = info.meeting_number, now
                meeting.last_error = ""
                meeting.save()
        logger.info("meeting issued for interview id=%s via %s", interview.pk, meeting.provider)
    _parties_join(interview, meeting, provider)
    return meeting


def _parties_join(interview: Interview, meeting: OnlineMeeting, provider) -> None:
    """Each party's own way in: registered at the platform where it gives one, else the
    meeting's link; recorded and emailed once per party and link."""
    personal = provider is not None and provider.capabilities.personal_links
    for party in interview.parties.select_related("interview__employer", "interview__applicant"):
        if party.join_url:
            continue
        registrant = ""
        join_url = meeting.join_url
        if personal:
            email = (
                interview.employer.email
                if party.role == Role.EMPLOYER
                else interview.applicant.email
            )
            name = (
                interview.employer.company_name
                if party.role == Role.EMPLOYER
                else interview.applicant.name
            )
            joined = provider.add_participant(meeting.external_id, email=email, name=name)
            join_url, registrant = joined.join_url, joined.registrant_id
        _party_join_record(
            party.pk, join_url=join_url, registrant_id=registrant, passcode=meeting.passcode
        )


def _party_join_record(party_id: int, *, join_url: str, registrant_id: str, passcode: str) -> None:
    with transaction.atomic():
        party = (
            InterviewParty.objects.select_for_update(of=("self",), no_key=True)
            .select_related("interview__office", "interview__employer", "interview__applicant")
            .get(pk=party_id)
        )
        if party.join_url or party.interview.status != InterviewStatus.SCHEDULED:
            return
        party.join_url, party.registrant_id = join_url, registrant_id
        party.save(update_fields=["join_url", "registrant_id"])
        occurrence = f"{party.interview.times_moved}:{join_url[-60:]}"
        party_email(party, Kind.JOIN, occurrence=occurrence, join_url=join_url, passcode=passcode)


def interview_meeting_set_link(
    *, interview: Interview, join_url: str, by: User, now: datetime
) -> OnlineMeeting:
    """A counselor pastes the meeting's join link (TeleOffice, or after a platform failure):
    both parties get it. Raises InvalidRequest for a link off the office's platform."""
    office = interview.office
    join_url = join_url_validate(
        join_url, hosts=join_hosts_for(platform=office.platform, account=office.platform_account)
    )
    if interview.status != InterviewStatus.SCHEDULED:
        raise NotAllowedNow(_("Only a scheduled interview has a meeting."))
    with transaction.atomic():
        meeting, _created = OnlineMeeting.objects.get_or_create(
            booking_uuid=interview.uuid, defaults={"office_id": office.pk}
        )
        meeting = OnlineMeeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
        meeting.provider, meeting.status = "manual", OnlineMeeting.Status.ISSUED
        meeting.join_url, meeting.external_id, meeting.host_url = join_url, "", ""
        meeting.passcode = meeting.meeting_number = ""
        meeting.issued_at = now
        meeting.save()
        interview.parties.update(join_url="", registrant_id="")
        interview_event_record(
            interview,
            at=now,
            actor_label=Actor.STAFF,
            actor=by,
            reason_code=InterviewReason.MEETING_LINK,
        )
        for party in interview.parties.all():
            _party_join_record(party.pk, join_url=join_url, registrant_id="", passcode="")
    return meeting


def interview_meeting_delete(*, interview_id: int, now: datetime) -> None:
    """Deletes a cancelled interview's meeting at the platform (not found counts as done)."""
    interview = Interview.objects.select_related("office").get(pk=interview_id)
    meeting = OnlineMeeting.objects.filter(booking_uuid=interview.uuid).first()
    if meeting is None or meeting.status == OnlineMeeting.Status.DELETED:
        return
    if meeting.external_id and meeting.provider not in ("", "manual"):
        provider = _provider(interview)
        if provider.capabilities.auto_delete and meeting.provider == provider.name:
            provider.delete_meeting(meeting.external_id)
    OnlineMeeting.objects.filter(pk=meeting.pk).update(
        status=OnlineMeeting.Status.DELETED, updated_at=now
    )
