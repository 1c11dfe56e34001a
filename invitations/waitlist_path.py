"""
The waitlist on the invitation's path: a person invited to a service whose days are full
joins its waitlist from the invitation's page, for the record the invitation names, and an
offer accepted from that entry counts a use of the invitation. Lock order: the entry and
its offer (the waitlist's), then the invitation, then what `booking_create` locks; the
invitation is never held while an entry is waited for (`services.entries_leave` runs after
the invitation's own transaction).
"""

import logging
from datetime import date, datetime, time

from django.db import transaction
from django.utils.translation import gettext as _

from invitations.errors import InvitationClosed
from invitations.models import Invitation, InvitationUse
from invitations.selectors import USED_UP, WITHDRAWN, invitation_state, invitation_window
from invitations.services import closed_message, invitation_lock, invitation_refuse_if_closed
from waitlist.errors import WaitlistRefused
from waitlist.models import IN_LINE, WaitlistEntry
from waitlist.services import WaitlistJoined, waitlist_join, waitlist_link_issue

logger = logging.getLogger(__name__)


def invitation_waitlist_join(
    *, invitation: Invitation, first_day: date, last_day: date, earliest: time | None = None,
    latest: time | None = None, language: str = "ja", now: datetime,
) -> WaitlistJoined:  # fmt: skip
    """
    The person invited to a service whose days are full joins its waitlist from the
    invitation's page: the entry is for the record the invitation names (nothing typed
    again) and in line at once, for days within the invitation's. Asked again while in
    line, the same entry (a new link to it): one entry per invitation. Accepting an offer
    books for the record and counts a use of the invitation (`invitation_offer_accepting`).
    Raises InvitationClosed, WaitlistRefused, BookingInvalid (the record lacks a detail
    the service asks for).
    """
    invitation_refuse_if_closed(invitation, now)
    window_first, window_last = invitation_window(invitation, now)
    if not window_first <= first_day <= last_day <= window_last:
        raise WaitlistRefused(_("Choose days within your invitation's days."), field="last_day")
    with transaction.atomic():
        invitation = invitation_lock(invitation.pk)
        entry = WaitlistEntry.objects.filter(
            invitation_id=invitation.pk, status__in=IN_LINE
        ).first()
        if entry is not None:
            return WaitlistJoined(entry, waitlist_link_issue(entry=entry))
        person = invitation.applicant
        data = {
            "kind": person.kind, "name": person.name, "name_kana": person.name_kana,
            "job_seeker_number": person.job_seeker_number, "email": person.email,
            "phone": person.phone,
        }  # fmt: skip
        joined = waitlist_join(
            service=invitation.service, data=data, first_day=first_day, last_day=last_day,
            earliest=earliest, latest=latest, language=language, applicant=person,
            invitation_id=invitation.pk, now=now,
        )  # fmt: skip
    logger.info("invitation id=%s waitlist entry id=%s", invitation.pk, joined.entry.pk)
    return joined


def invitation_offer_accepting(*, entry, now: datetime):
    """
    Called by the waitlist inside an offer's acceptance, before it books (so the lock
    order is the entry, its offer, the invitation, then what `booking_create` locks): an
    entry that came with an invitation books only while the invitation is neither withdrawn
    nor used up (its link's expiry does not end an entry asked for in time), and the
    booking counts a use of it. Returns the callable that records the use once the booking
    is made, or None for an entry of no invitation. Raises InvitationClosed.
    """
    if entry.invitation_id is None:
        return None
    invitation = invitation_lock(entry.invitation_id)
    state = invitation_state(invitation, now)
    if state in (WITHDRAWN, USED_UP):
        raise InvitationClosed(closed_message(invitation, state), state=state)

    def record(booking) -> None:
        invitation.uses += 1
        invitation.save(update_fields=["uses"])
        InvitationUse.objects.create(invitation=invitation, booking=booking)

    return record
