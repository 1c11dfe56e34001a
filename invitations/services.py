"""
Writes of invitations: a counselor invites (one person or many), withdraws with a reason;
a link is issued per email or letter; the person books with the invitation; an unused one
is reminded once. Each owns its transaction; emails go through the outbox
(`notifications.services.notification_enqueue`), sent after commit.

Lock order: the invitation first, then what `booking_create` locks (the person, the
office's counselors), so two uses racing for the last one are served one after the other.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.models import Applicant, BookingChannel
from bookings.services.create import BookingCreated, booking_create
from bookings.services.links import booking_link_issue
from bookings.services.locking import booking_transaction
from bookings.tokens import MANAGE, new_token, token_hash
from common import languages
from common.clock import JST
from common.text import text_refuse_hidden
from invitations.emails import invitation_message
from invitations.errors import InvitationClosed, InvitationRefused
from invitations.models import Invitation, InvitationLink, InvitationUse
from invitations.selectors import (
    EXPIRED,
    NOT_OFFERED,
    OPEN,
    USED_UP,
    WITHDRAWN,
    invitation_state,
)
from notifications.services import notification_enqueue
from offices.models import Service, User
from offices.phone import phone_in_brackets
from offices.rules import rules_for_service
from waitlist.models import IN_LINE, WaitlistEntry
from waitlist.services import waitlist_leave

logger = logging.getLogger(__name__)

DEFAULT_WINDOW_DAYS = 14
MAX_WINDOW_DAYS = 92
MAX_USES = 5
REMIND_AFTER = timedelta(days=3)  # an unused invitation is reminded once, this long after
REMIND_IF_OPEN_FOR = timedelta(days=1)  # ... while it stays open at least this long
ACCOMMODATION_KEYS = ("accommodations", "accommodation_other")  # bookings.validation


@dataclass(frozen=True)
class InvitationIssued:
    invitation: Invitation
    emailed: bool


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=JST)


def _refuse_for(applicant: Applicant, service: Service, by: User) -> None:
    if applicant.office_id != service.office_id or (
        not by.is_superuser and by.office_id != applicant.office_id
    ):
        raise InvitationRefused(_("Invite people of your own office to its own services."))
    if not (service.is_active and service.accepts_invitations):
        raise InvitationRefused(
            _(
                "%(service)s does not take bookings by invitation. An office manager turns "
                "on “online booking by invitation” on the service first."
            )
            % {"service": service.name}
        )
    if applicant.personal_data_purged_at:
        raise InvitationRefused(
            _("%(person)s is not a person's own record: invite the person from their record.")
            % {"person": "—"}
        )
    if not applicant.is_checked:
        # An open booking's record holds what was typed: a counselor links the booking to
        # the office's record of the person first (bookings.services.identity).
        raise InvitationRefused(
            _(
                "%(person)s is the record of an open online booking, not checked by the "
                "office: link the booking to the person's record first, then invite them."
            )
            % {"person": applicant.name or "—"}
        )
    if applicant.is_barred:
        raise InvitationRefused(
            _("%(person)s is barred from online booking: lift the bar first, or book for them.")
            % {"person": applicant.name}
        )


def invitation_create(
    *,
    applicant: Applicant,
    service: Service,
    by: User,
    first_day: date,
    last_day: date,
    expires_on: date | None = None,
    max_uses: int = 1,
    language: str = "ja",
    now: datetime,
) -> InvitationIssued:
    """
    Invites the person of `applicant` to book `service` on a day from `first_day` to
    `last_day`, with the link open until the end of `expires_on` (default: `last_day`).
    A person with an email on record is emailed the link; otherwise the counselor prints a
    letter (`invitation_link_issue(via=LETTER)`). Raises InvitationRefused.
    """
    _refuse_for(applicant, service, by)
    today = now.astimezone(JST).date()
    expires_on = expires_on or last_day
    if first_day < today or last_day < first_day:
        raise InvitationRefused(
            _("Choose the days to book from today on, the last one on or after the first.")
        )
    if (last_day - today).days > MAX_WINDOW_DAYS:
        raise InvitationRefused(
            _("The last day to book can be at most %(days)d days ahead.")
            % {"days": MAX_WINDOW_DAYS}
        )
    if not today <= expires_on <= last_day:
        raise InvitationRefused(_("The link must expire between today and the last day to book."))
    if not 1 <= max_uses <= MAX_USES:
        raise InvitationRefused(
            _("Allow from 1 to %(max)d bookings with one invitation.") % {"max": MAX_USES}
        )
    with transaction.atomic():
        invitation = Invitation.objects.create(
            office_id=service.office_id,
            applicant=applicant,
            service=service,
            invited_by=by,
            first_day=first_day,
            last_day=last_day,
            expires_at=_end_of(expires_on),
            max_uses=max_uses,
            language=languages.supported(language),
        )
        emailed = _email(invitation, reminder=False) if applicant.email else False
    logger.info("invitation id=%s created office=%s", invitation.pk, invitation.office_id)
    return InvitationIssued(invitation, emailed)


def invitation_link_issue(*, invitation: Invitation, via: str) -> str:
    """A new link to the invitation (its token, shown once; only the hash is kept)."""
    token = new_token()
    InvitationLink.objects.create(invitation=invitation, token_hash=token_hash(token), via=via)
    return token


def _email(invitation: Invitation, *, reminder: bool) -> bool:
    """The invitation's email (or its one reminder) to the address on record, in the
    caller's transaction; its link is issued only when the email is written now."""
    kind = "invitation_reminder" if reminder else "invitation"
    via = InvitationLink.Via.REMINDER if reminder else InvitationLink.Via.EMAIL

    def render():
        token = invitation_link_issue(invitation=invitation, via=via)
        return invitation_message(
            invitation, link_path=reverse("invitation", args=[token]), reminder=reminder
        )

    return (
        notification_enqueue(
            dedupe_key=f"invitation:{invitation.pk}:{kind}",
            kind=kind,
            recipient=invitation.applicant.email,
            language=invitation.language,
            render=render,
            office_id=invitation.office_id,
        )
        is not None
    )


def invitation_withdraw(
    *, invitation: Invitation, by: User, reason: str, now: datetime
) -> Invitation:
    """Ends the invitation's links, with the reason; bookings already made stay."""
    reason = (reason or "").strip()
    if not reason:
        raise InvitationRefused(_("Say why the invitation is withdrawn, e.g. booked by phone."))
    text_refuse_hidden(reason=reason)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update(no_key=True).get(pk=invitation.pk)
        if invitation.withdrawn_at is not None:
            raise InvitationRefused(_("This invitation was already withdrawn."))
        invitation.withdrawn_at, invitation.withdrawn_by = now, by
        invitation.withdrawn_reason = reason[:300]
        invitation.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    entries_leave(invitation.pk, now)
    logger.info("invitation id=%s withdrawn", invitation.pk)
    return invitation


def used_up_step_is_phone(invitation: Invitation) -> bool:
    """After the invitation was used: whether the one way to change or cancel that booking
    is the phone (the office takes neither online, or the booking has no email, so no
    link to its page)."""
    rules = rules_for_service(invitation.service)
    use = invitation.used.select_related("booking").order_by("-pk").first()
    online = rules.online_cancel_allowed or rules.reschedule_limit > 0
    return not online or use is None or not use.booking.email


def closed_message(invitation: Invitation, state: str) -> str:
    """Why the link no longer books, kindly, and the one next step: the office's phone, or
    (used to book, at an office that changes bookings online) the booking's email."""
    office = invitation.office
    if state == USED_UP:
        used = _("This invitation was used to book.")
        if not used_up_step_is_phone(invitation):
            return f"{used} " + _(
                "To see, change or cancel the booking, open the link in the email “%(subject)s”."
            ) % {"subject": _("Your booking is confirmed")}
        return f"{used} " + _(
            "To change or cancel the booking, please phone the office%(phone)s."
        ) % {"phone": phone_in_brackets(office.phone)}
    phone = (
        _(" Please phone the office (%(phone)s): they will help you book.")
        % {"phone": office.phone}
        if office.phone
        else _(" Please phone the office: they will help you book.")
    )
    reasons = {
        EXPIRED: _("This invitation has expired."),
        WITHDRAWN: _("The office has withdrawn this invitation."),
        NOT_OFFERED: _("This service does not take bookings by invitation now."),
    }
    return reasons[state] + phone


def invitation_refuse_if_closed(invitation: Invitation, now: datetime) -> None:
    state = invitation_state(invitation, now)
    if state != OPEN:
        raise InvitationClosed(closed_message(invitation, state), state=state)


def invitation_lock(invitation_id: int) -> Invitation:
    """First in the lock order: one invitation's uses are counted one at a time."""
    return (
        Invitation.objects.select_for_update(no_key=True, of=("self",))
        .select_related("office", "service", "applicant")
        .get(pk=invitation_id)
    )


def invitation_book(
    *,
    invitation: Invitation,
    start: datetime | None,
    email: str = "",
    note: str = "",
    accommodation: dict | None = None,
    terms_version_id: int | None,
    agree_terms: bool,
    language: str = "ja",
    idempotency_key: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    now: datetime,
) -> BookingCreated:
    """
    The person books with their invitation: a free time within its window, for the record
    it names (name and contact from the record; `email` only if they give one for this
    booking, `note` for the counselor, `accommodation` the means they need:
    `accommodations` and `accommodation_other`). Counts a use. A repeat of the same request
    (`idempotency_key`, a double tap) returns the first booking. Raises InvitationClosed,
    or what `booking_create` raises (SlotTaken, BookingInvalid, TermsOutdated, ...).
    """
    with booking_transaction():
        invitation = invitation_lock(invitation.pk)
        if idempotency_key:
            use = (
                InvitationUse.objects.select_related("booking")
                .filter(invitation=invitation, booking__idempotency_key=idempotency_key[:100])
                .first()
            )
            if use is not None:
                manage = booking_link_issue(booking=use.booking, purpose=MANAGE)
                return BookingCreated(use.booking, manage, None, replayed=True)
        invitation_refuse_if_closed(invitation, now)
        if start is not None and not (
            invitation.first_day <= start.astimezone(JST).date() <= invitation.last_day
        ):
            start = None  # not a time this invitation offers: "choose one of the free times"
        person = invitation.applicant
        data = {
            "kind": person.kind,
            "name": person.name,
            "name_kana": person.name_kana,
            "job_seeker_number": person.job_seeker_number,
            "email": email.strip() or person.email,
            "phone": person.phone,
            "note": note,
            **{key: (accommodation or {}).get(key) for key in ACCOMMODATION_KEYS},
        }
        created = booking_create(
            service=invitation.service,
            start=start,
            data=data,
            terms_version_id=terms_version_id,
            agree_terms=agree_terms,
            channel=BookingChannel.INVITATION,
            language=language,
            idempotency_key=idempotency_key,
            ip_address=ip_address,
            user_agent=user_agent,
            applicant=person,
            now=now,
        )
        invitation.uses += 1
        invitation.save(update_fields=["uses"])
        InvitationUse.objects.create(invitation=invitation, booking=created.booking)
    if invitation.uses >= invitation.max_uses:  # booked: no more waiting on its waitlist
        entries_leave(invitation.pk, now)
    logger.info("invitation id=%s used booking id=%s", invitation.pk, created.booking.pk)
    return created


def entries_leave(invitation_id: int, now: datetime) -> None:
    """The invitation's waitlist entries leave the list (it was withdrawn or used up),
    each in a transaction of its own, never while the invitation is locked."""
    for entry in WaitlistEntry.objects.filter(invitation_id=invitation_id, status__in=IN_LINE):
        waitlist_leave(entry=entry, now=now)


def invitations_remind(*, now: datetime) -> int:
    """
    Periodic: an invitation nobody has booked with, made `REMIND_AFTER` ago and open at
    least `REMIND_IF_OPEN_FOR` more, is emailed once more (a reminder with a link of its
    own). Idempotent: `reminded_at` under the row's lock and the outbox's dedupe key.
    """
    due = Invitation.objects.filter(
        uses=0,
        withdrawn_at__isnull=True,
        reminded_at__isnull=True,
        created_at__lte=now - REMIND_AFTER,
        expires_at__gt=now + REMIND_IF_OPEN_FOR,
        service__accepts_invitations=True,
    ).exclude(applicant__email="")
    sent = 0
    for invitation_id in due.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update(no_key=True, of=("self",), skip_locked=True)
                .select_related("office", "service", "applicant")
                .filter(pk=invitation_id, reminded_at__isnull=True, uses=0)
                .first()
            )
            if invitation is None or invitation_state(invitation, now) != OPEN:
                continue
            invitation.reminded_at = now
            invitation.save(update_fields=["reminded_at"])
            sent += _email(invitation, reminder=True)
    return sent
