"""
The booking's state machine in one table: which status may follow which, who may make the
change, and, for the counselor's actions, the time window around the session in which it
is allowed (the windows' sizes are the office's data: `Office.check_in_opens_minutes`,
`Office.no_show_grace_minutes`).

`bookings.services.transitions.booking_transition` refuses any change the table does not
hold; the schedule asks `allowed_actions` which buttons a block offers. This module is
pure: it reads a booking's fields and returns answers, it never queries or raises.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.clock import JST
from offices import display


class BookingStatus(models.TextChoices):
    PENDING_VERIFICATION = "pending_verification", _("Awaiting email check")
    REQUESTED = "requested", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")
    SWITCHED_TO_PHONE = "switched_to_phone", _("Switched to phone")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


# Statuses the booking is still open in: it can be cancelled, and it keeps its meeting.
ACTIVE_STATUSES = (
    BookingStatus.PENDING_VERIFICATION,
    BookingStatus.REQUESTED,
    BookingStatus.CONFIRMED,
    BookingStatus.IN_PROGRESS,
)

# Statuses that hold the counselor's time (a held request blocks it like a confirmation,
# and a session that went on by phone still takes the counselor's time). The exclusion
# constraint of migration 0010 lists the same (tests/test_one_way.py).
TIME_HOLDING_STATUSES = (*ACTIVE_STATUSES, BookingStatus.SWITCHED_TO_PHONE)

# What became of a booking, as the figures count it: every status is in exactly one of
# UPCOMING, DUE and RELEASED (tests/bookings/test_state.py), so a new status must be placed.
# Still to come or waiting: no outcome yet.
UPCOMING_STATUSES = (
    BookingStatus.PENDING_VERIFICATION,
    BookingStatus.REQUESTED,
    BookingStatus.CONFIRMED,
)
# The session took place (or is taking place).
HELD_STATUSES = (BookingStatus.IN_PROGRESS, BookingStatus.COMPLETED)
# Sessions that were due to take place: the no-show rate's denominator.
DUE_STATUSES = (*HELD_STATUSES, BookingStatus.SWITCHED_TO_PHONE, BookingStatus.NO_SHOW)
# Gave the counselor's time back; every other status kept it (a no-show too).
RELEASED_STATUSES = (BookingStatus.CANCELLED, BookingStatus.EXPIRED)


class Actor(models.TextChoices):
    """Who made a change (`BookingEvent.actor_label`); staff also name their account."""

    APPLICANT = "applicant", _("Applicant")
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("System")


# What the person reads when a change to the office cancels their booking: named by a key
# on the email's intent and worded when it is rendered, in the person's language (never
# in the language of the manager who saved the change).
OFFICE_NOTICES = {
    "hours_changed": _("The office changed its opening hours; this time is no longer available."),
    "counselor_absent": _("The counselor cannot hold sessions that day."),
    "length_changed": _("The office changed the length of its sessions; please book a new time."),
}


class EmailKind(models.TextChoices):
    """The emails to the person about their booking (the outbox's kind is `booking_<kind>`)."""

    CREATED = "created", _("Booking received")
    REQUESTED = "requested", _("Request received")
    CONFIRMED = "confirmed", _("Booking confirmed")
    CANCELLED = "cancelled", _("Booking cancelled")
    EXPIRED = "expired", _("Booking lapsed")
    NO_SHOW = "no_show", _("No-show")
    NO_SHOW_WITHDRAWN = "no_show_withdrawn", _("No-show withdrawn")
    BARRED = "barred", _("Online booking barred")
    BAR_WITHDRAWN = "bar_withdrawn", _("Bar withdrawn")
    PROPOSED = "proposed", _("Another time proposed")
    SWITCHED_TO_PHONE = "switched_to_phone", _("Switched to phone")
    CANCELLED_FOR_CLOSURE = "cancelled_for_closure", _("Cancelled: the office is closed")
    RESCHEDULED = "rescheduled", _("Booking moved to a new time")
    CHANGE_REQUESTED = "change_requested", _("Change of time requested")
    CHANGE_DECLINED = "change_declined", _("Change of time declined")
    NEW_LINK = "new_link", _("A new link to the booking")


class Reason(models.TextChoices):
    """
    Why a change was made, as a code translated when shown (`BookingEvent.reason_code`);
    `BookingEvent.reason_params` fills its placeholders, `BookingEvent.reason` keeps what
    a person typed.
    """

    BOOKED = "booked", _("Booked via %(channel)s")
    EMAIL_CHECKED = "email_checked", _("Email address checked")
    EMAIL_CHECK_LAPSED = "email_check_lapsed", _("Email check window passed")
    CONFIRMED = "confirmed", _("Confirmed by a counselor")
    CHECKED_IN = "checked_in", _("Checked in")
    COMPLETED = "completed", _("Completed")
    SWITCHED_TO_PHONE = "switched_to_phone", _("Connection trouble: switched to phone")
    NO_SHOW_BY_STAFF = "no_show_by_staff", _("Marked as a no-show by a counselor")
    NO_SHOW_AUTOMATIC = (
        "no_show_automatic",
        _("Not joined %(minutes)s minutes after the start, no contact"),
    )
    EXTENDED = "extended", _("Extended by %(minutes)s min (end %(old_end)s → %(new_end)s)")
    PROPOSED = "proposed", _("Another time proposed (was %(was_at)s)")
    ACCEPTED_PROPOSAL = "accepted_proposal", _("Accepted the proposed time")
    CANCELLED_ONLINE = "cancelled_online", _("Cancelled online")
    CANCELLED_BY_STAFF = "cancelled_by_staff", _("Cancelled by the office")
    CANCELLED_ON_REQUEST = (
        "cancelled_on_request",
        _("Cancelled by a counselor at the person's request"),
    )
    CANCELLED_FOR_CLOSURE = (
        "cancelled_for_closure",
        _("Cancelled: the office closes on %(closed_day)s"),
    )
    MEETING_REISSUE = "meeting_reissue", _("Meeting re-issue requested")
    MEETING_LINK_PASTED = "meeting_link_pasted", _("Meeting link pasted")
    RECONSENT = "reconsent", _("Agreed to terms version %(version)s")
    UNDONE = "undone", _("Undone: back from %(from_status)s to %(to_status)s")
    REQUEST_CONFIRMED = "request_confirmed", _("Request confirmed from the email")
    REQUEST_UNDECIDED = "request_undecided", _("Not answered by the office in time: lapsed")
    SAME_PERSON_HOLDS_TIME = (
        "same_person_holds_time",
        _("Released when the email was confirmed: the address already holds this time"),
    )
    SAME_PERSON_HOLDS_SEAT = (
        "same_person_holds_seat",
        _("Released when the email was confirmed: the address already holds a seat in the session"),
    )
    PERSON_LIMIT = (
        "person_limit",
        _("Released when the email was confirmed: the address holds the most bookings"),
    )
    UNDECIDED_AT_START = "undecided_at_start", _("Still undecided when the session started")
    CLOSED_COMPLETED = "closed_completed", _("Checked in and never completed: closed")
    CLOSED_WITHOUT_OUTCOME = (
        "closed_without_outcome",
        _("No outcome recorded after the session: closed"),
    )
    PROPOSAL_DECLINED = "proposal_declined", _("Turned down the proposed time")
    MOVED = "moved", _("Moved by the person (was %(was_at)s, now %(new_at)s)")
    CHANGE_REQUESTED = "change_requested", _("Asked to move to %(to_at)s")
    CHANGE_CONFIRMED = (
        "change_confirmed",
        _("Change of time confirmed (was %(was_at)s, now %(new_at)s)"),
    )
    CHANGE_DECLINED = "change_declined", _("Change of time declined")
    CONTACT_NOTED = "contact_noted", _("The person contacted the office: not a no-show")
    CONTACT_WITHDRAWN = "contact_withdrawn", _("“The person contacted us” withdrawn")
    PROPOSAL_LAPSED = (
        "proposal_lapsed",
        _("The person did not accept the proposed time by %(deadline_at)s: lapsed"),
    )
    LINKED_BY_STAFF = "linked_by_staff", _("Joined to person record %(person_id)s by staff")
    RECORD_MADE = "record_made", _("Person record %(person_id)s made from this booking by staff")
    # History only: before issue 23 the address on record could link a claim.
    LINKED_BY_PERSON = (
        "linked_by_person",
        _("Joined to person record %(person_id)s: confirmed from the address on record"),
    )
    PHONED_REACHED = "phoned_reached", _("Phoned (no email): the person was told")
    PHONED_MESSAGE_LEFT = "phoned_message_left", _("Phoned (no email): left a message")
    PHONED_NO_ANSWER = "phoned_no_answer", _("Phoned (no email): no answer")
    COUNSELOR_CHANGED = "counselor_changed", _("Counselor changed: %(was)s → %(now)s")
    ACCOMMODATION_CHANGED = (
        "accommodation_changed",
        _("The person changed the accommodation they asked for"),
    )


class Action(StrEnum):
    """What can be done to a booking; the schedule's buttons are named by these."""

    VERIFY = "verify"
    EXPIRE = "expire"
    CONFIRM = "confirm"
    PROPOSE = "propose"
    ACCEPT_PROPOSAL = "accept_proposal"
    CHECK_IN = "check_in"
    COMPLETE = "complete"
    EXTEND = "extend"
    SWITCH_TO_PHONE = "switch_to_phone"
    NO_SHOW = "no_show"
    NOTE_CONTACT = "note_contact"
    UNNOTE_CONTACT = "unnote_contact"
    PASTE_LINK = "paste_link"
    REISSUE_MEETING = "reissue_meeting"
    CANCEL = "cancel"
    UNDO = "undo"
    CHANGE_COUNSELOR = "change_counselor"


def _minutes(value: int) -> timedelta:
    return timedelta(minutes=value)


def _end_of_day(moment: datetime) -> datetime:
    day = moment.astimezone(JST).date()
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=JST)


Bound = Callable[[object, object], datetime]  # (booking, office) -> moment


@dataclass(frozen=True)
class Window:
    """From `opens` (inclusive) to `closes` (exclusive); either may be open-ended."""

    opens: Bound | None = None
    closes: Bound | None = None
    too_early: str = ""
    too_late: str = ""

    def refusal(self, booking, office, now: datetime) -> str | None:
        if self.opens is not None and now < self.opens(booking, office):
            return str(self.too_early) % {"time": _hm(self.opens(booking, office))}
        if self.closes is not None and now >= self.closes(booking, office):
            return str(self.too_late) % {"time": _hm(self.closes(booking, office))}
        return None


def _hm(moment: datetime) -> str:
    return display.format_datetime(moment)


# The session's window for check-in, extension and switching to phone: from the office's
# `check_in_opens_minutes` before the start to the end (an extension or a switch near the
# end is the usual case; after the end nothing is left to extend).
def _session_opens(booking, office) -> datetime:
    return booking.start - _minutes(office.check_in_opens_minutes)


def _session_closes(booking, office) -> datetime:
    return booking.end


def _no_show_opens(booking, office) -> datetime:
    # From the start: a counselor who waited and could not reach the person need not wait
    # for the automatic rule, which marks it `no_show_grace_minutes` later anyway.
    return booking.start


def _day_closes(booking, office) -> datetime:
    return _end_of_day(booking.start)


def _start(booking, office) -> datetime:
    return booking.start


SESSION = Window(
    opens=_session_opens,
    closes=_session_closes,
    too_early=_("This is possible from %(time)s (shortly before the session)."),
    too_late=_("The session ended at %(time)s; this is no longer possible."),
)
NO_SHOW_WINDOW = Window(
    opens=_no_show_opens,
    closes=_day_closes,
    too_early=_(
        "A no-show can be marked from %(time)s, when the session starts. If the person is "
        "late, wait or phone them."
    ),
    too_late=_("A no-show can only be marked on the day of the session."),
)
AFTER_START = Window(
    opens=_start,
    too_early=_("A session that has not started yet cannot be completed (it starts %(time)s)."),
)

BEFORE_END = Window(
    closes=_session_closes,
    too_late=_("The session ended at %(time)s; its counselor can no longer change."),
)


Guard = Callable[[object, datetime], str | None]  # (booking, now) -> why not, or None


def awaits_email_check(booking) -> bool:
    """A public request the person has not yet confirmed from its email (unverified)."""
    return booking.status == BookingStatus.REQUESTED and booking.verification_expires_at is not None


def awaits_person(booking) -> bool:
    """A time a counselor proposed, waiting for the person to accept it."""
    return booking.status == BookingStatus.REQUESTED and booking.proposed_at is not None


def _request_open(booking, now: datetime) -> str | None:
    """A request staff may still answer: its time has not passed, the person confirmed it
    from the email."""
    if booking.start <= now:
        return str(
            _(
                "The requested time (%(time)s) has passed, so it can no longer be confirmed "
                "or changed; the request lapses."
            )
        ) % {"time": _hm(booking.start)}
    if awaits_email_check(booking):
        return str(
            _(
                "The person has not yet confirmed this request from the email, so it cannot "
                "be answered yet. Counselors are emailed once they do; it lapses at %(time)s "
                "if they do not."
            )
        ) % {"time": _hm(booking.verification_expires_at)}
    return None


def _confirmable(booking, now: datetime) -> str | None:
    """A request staff may confirm: open, and not a time proposed to the person."""
    refused = _request_open(booking, now)
    if refused is None and awaits_person(booking):
        refused = str(
            _(
                "This time was proposed to the person and waits for them to accept it on "
                "their booking page; only they can confirm it. Propose another time or "
                "cancel it instead."
            )
        )
    if refused is None and booking.declined_start == booking.start:
        refused = str(
            _(
                "The person turned down this time when it was proposed, so it cannot be "
                "confirmed. Propose another time or decline the request."
            )
        )
    return refused


def _contact_not_noted(booking, now: datetime) -> str | None:
    if booking.contact_noted_at is not None:
        return str(_("Contact is already noted on this booking."))
    return None


def _contact_noted(booking, now: datetime) -> str | None:
    if booking.contact_noted_at is None:
        return str(_("No contact is noted on this booking."))
    return None


@dataclass(frozen=True)
class Rule:
    action: Action
    sources: tuple[str, ...]
    to: str | None  # None: the status stays
    actors: tuple[str, ...]
    refusal: str  # shown when the booking's status is not one of `sources`
    window: Window | None = None  # applies to staff; the system keeps its own schedule
    undoable: bool = False  # staff may take the change back on the same day
    guard: Guard | None = None  # staff only: what else the booking must be

    def allows(self, status: str, actor: str) -> bool:
        return status in self.sources and actor in self.actors

    def staff_refusal(self, booking, now: datetime) -> str | None:
        """Why staff may not take this rule's step on `booking` now (status aside)."""
        if self.guard is not None and (refused := self.guard(booking, now)):
            return refused
        if self.window is not None:
            return self.window.refusal(booking, booking.office, now)
        return None


S = BookingStatus
STAFF = (Actor.STAFF,)
RULES: tuple[Rule, ...] = (
    Rule(Action.VERIFY, (S.PENDING_VERIFICATION,), S.CONFIRMED, (Actor.APPLICANT,),
         _("This booking can no longer be confirmed. Please book a new time.")),
    Rule(Action.VERIFY, (S.PENDING_VERIFICATION,), S.REQUESTED, (Actor.APPLICANT,),
         _("This booking can no longer be confirmed. Please book a new time.")),
    # An email-check hold, a public request not confirmed from its email, or one confirmed
    # and not answered by a counselor by its `decide_by` (services.holds).
    Rule(Action.EXPIRE, (S.PENDING_VERIFICATION, S.REQUESTED), S.EXPIRED, (Actor.SYSTEM,),
         _("Only a booking awaiting its email check can lapse.")),
    Rule(Action.CONFIRM, (S.REQUESTED,), S.CONFIRMED, STAFF,
         _("Only a requested booking can be confirmed."), guard=_confirmable),
    Rule(Action.PROPOSE, (S.REQUESTED,), None, STAFF,
         _("Only a requested booking can be moved."), guard=_request_open),
    Rule(Action.ACCEPT_PROPOSAL, (S.REQUESTED,), S.CONFIRMED, (Actor.APPLICANT,),
         _("There is no proposed time to accept on this booking.")),
    Rule(Action.CHECK_IN, (S.CONFIRMED,), S.IN_PROGRESS, STAFF,
         _("Only a confirmed booking can be checked in."), SESSION, undoable=True),
    Rule(Action.COMPLETE, (S.CONFIRMED,), S.COMPLETED, STAFF,
         _("Only a confirmed or running session can be completed."), AFTER_START,
         undoable=True),
    # Checked in (perhaps early) or on the phone: the session happened, so it can be
    # completed at any time; this is the way forward from both.
    Rule(Action.COMPLETE, (S.IN_PROGRESS, S.SWITCHED_TO_PHONE), S.COMPLETED, STAFF,
         _("Only a confirmed or running session can be completed."), undoable=True),
    Rule(Action.EXTEND, (S.CONFIRMED, S.IN_PROGRESS, S.SWITCHED_TO_PHONE), None, STAFF,
         _("Only a confirmed or running session can be extended."), SESSION),
    Rule(Action.SWITCH_TO_PHONE, (S.CONFIRMED, S.IN_PROGRESS), S.SWITCHED_TO_PHONE, STAFF,
         _("Only a confirmed or running session can switch to phone."), SESSION,
         undoable=True),
    Rule(Action.NO_SHOW, (S.CONFIRMED,), S.NO_SHOW, STAFF,
         _("Only a confirmed booking can be a no-show."), NO_SHOW_WINDOW, undoable=True),
    Rule(Action.NO_SHOW, (S.CONFIRMED,), S.NO_SHOW, (Actor.SYSTEM,),
         _("Only a confirmed booking can be a no-show.")),
    # Sessions nobody recorded an outcome for, closed on schedule (services.closing).
    Rule(Action.COMPLETE, (S.IN_PROGRESS,), S.COMPLETED, (Actor.SYSTEM,),
         _("Only a confirmed or running session can be completed.")),
    Rule(Action.NOTE_CONTACT, (S.CONFIRMED,), None, STAFF,
         _("Contact can be noted only on a confirmed booking."), guard=_contact_not_noted),
    Rule(Action.UNNOTE_CONTACT, (S.CONFIRMED,), None, STAFF,
         _("Contact can be withdrawn only on a confirmed booking."), guard=_contact_noted),
    Rule(Action.PASTE_LINK, (S.CONFIRMED, S.IN_PROGRESS), None, STAFF,
         _("Only a confirmed booking has a meeting.")),
    Rule(Action.REISSUE_MEETING, (S.CONFIRMED, S.IN_PROGRESS), None, STAFF,
         _("Only a confirmed booking has a meeting.")),
    Rule(Action.CHANGE_COUNSELOR, (S.REQUESTED, S.CONFIRMED), None, STAFF,
         _("Only a booking still to come can change counselor."), BEFORE_END),
    Rule(Action.CANCEL, ACTIVE_STATUSES, S.CANCELLED, (Actor.APPLICANT, Actor.SYSTEM),
         _("This booking is no longer active, so there is nothing to cancel.")),
    Rule(Action.CANCEL, (*ACTIVE_STATUSES, S.SWITCHED_TO_PHONE), S.CANCELLED, STAFF,
         _("This booking is no longer active.")),
)  # fmt: skip

# The changes an undo makes: back to where the undone change started.
UNDO_RULES: tuple[Rule, ...] = tuple(
    Rule(Action.UNDO, (rule.to,), source, STAFF, _("There is no change to undo."))
    for rule in RULES
    if rule.undoable
    for source in rule.sources
)


def rule_for(action: Action, status: str, actor: str) -> Rule | None:
    """The rule that lets `actor` take `action` from `status`, if any."""
    return next(
        (r for r in (*RULES, *UNDO_RULES) if r.action == action and r.allows(status, actor)),
        None,
    )


def transition_rule(
    from_status: str, to_status: str, actor: str, *, action: Action | None = None
) -> Rule | None:
    """
    The rule that lets `actor` change `from_status` to `to_status`, if any. An undo's
    rules are found only when `action` is UNDO, so no other path can turn a status back.
    """
    rules = UNDO_RULES if action == Action.UNDO else RULES
    return next(
        (
            r
            for r in rules
            if r.to == to_status
            and r.allows(from_status, actor)
            and (action is None or r.action == action)
        ),
        None,
    )


# A seat in a group session keeps its session's time, counselor and meeting: what would
# move or lengthen it, or give it a meeting of its own, is the session's, not the seat's.
SEAT_FIXED = frozenset({Action.PROPOSE, Action.EXTEND, Action.CHANGE_COUNSELOR})


def refusal(action: Action, booking, actor: str, now: datetime) -> str | None:
    """Why `actor` may not take `action` on `booking` now, or None when they may."""
    if action in SEAT_FIXED and getattr(booking, "group_session_id", None):
        return str(_("A seat keeps its group session's time and counselor."))
    rule = rule_for(action, booking.status, actor)
    if rule is None:
        first = next((r for r in RULES if r.action == action), None)
        return str(first.refusal) if first else str(_("This is not possible."))
    if actor == Actor.STAFF:
        return rule.staff_refusal(booking, now)
    return None


def undo_refusal(event, now: datetime) -> str | None:
    """
    Why a booking's last status change (`event`, a BookingEvent) cannot be undone by staff
    now, or None when it can: only the office's (or the no-show rule's) changes, on the
    day they were made, and only those the table marks undoable.
    """
    if event is None:
        return str(_("There is no change to undo."))
    if event.actor_label == Actor.APPLICANT or event.reason_code == Reason.UNDONE:
        return str(_("Only a change made by the office can be undone, and an undo only once."))
    if event.at.astimezone(JST).date() != now.astimezone(JST).date():
        return str(_("A change can be undone only on the day it was made."))
    if transition_rule(event.to_status, event.from_status, Actor.STAFF, action=Action.UNDO) is None:
        return str(
            _(
                "This change cannot be undone (the person was already told and the time "
                "released). Book again or contact the person."
            )
        )
    return None


SCHEDULE_ACTIONS = (
    Action.CONFIRM,
    Action.PROPOSE,
    Action.CHECK_IN,
    Action.COMPLETE,
    Action.EXTEND,
    Action.SWITCH_TO_PHONE,
    Action.NOTE_CONTACT,
    Action.UNNOTE_CONTACT,
    Action.NO_SHOW,
    Action.PASTE_LINK,
    Action.REISSUE_MEETING,
    Action.CHANGE_COUNSELOR,
    Action.CANCEL,
)


@dataclass(frozen=True)
class Offer:
    """An action a block offers: available now, or (`opens_at`) later the same session."""

    action: Action
    opens_at: datetime | None = None


def allowed_actions(booking, now: datetime) -> dict[str, Offer]:
    """
    The staff actions the booking's status allows, keyed by name: each either open now or
    with `opens_at`, when its window opens later (the schedule shows it as "from 9:15").
    Actions whose window has closed, or that the booking's guard refuses (a past or
    unverified request, a proposal), are left out.
    """
    offers = {}
    for action in SCHEDULE_ACTIONS:
        rule = rule_for(action, booking.status, Actor.STAFF)
        if rule is None or (rule.guard is not None and rule.guard(booking, now)):
            continue
        window = rule.window
        if window is None or window.refusal(booking, booking.office, now) is None:
            offers[action.value] = Offer(action)
        elif window.opens is not None and now < window.opens(booking, booking.office):
            offers[action.value] = Offer(action, opens_at=window.opens(booking, booking.office))
    return offers
