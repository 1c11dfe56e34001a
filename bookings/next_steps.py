"""
The one story of a booking as the person meets it: for each stage a booking can be in,
its short label, one sentence of what it means and the one next step for the person, with
its deadline, and what its calendar file says (`STATUS`, `METHOD`).

A stage is a booking's status (`bookings/state.py`) read with the fields that tell its
steps apart: a request still to be sent from its email (`verification_expires_at`), one
waiting for a counselor (`decide_by`), one with another time proposed (`proposed_at`).

The done page, the booking page, the page after Back, the email-check page, every email
to the person (subject and first lines) and the `.ics` all take their words from
`booking_story`, so they cannot contradict each other
(`tests/bookings/test_story.py` walks every stage through every surface). Pure: it reads
the booking's fields and returns text; it never queries.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.state import BookingStatus
from offices import display


class Stage(StrEnum):
    EMAIL_CHECK = "email_check"
    REQUEST_TO_SEND = "request_to_send"
    REQUEST_WAITING = "request_waiting"
    TIME_PROPOSED = "time_proposed"
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    BY_PHONE = "by_phone"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    LAPSED = "lapsed"


# The names of the buttons the person presses; each step has one name everywhere (the
# email's button, the page's heading and its button).
COMPLETE_BOOKING = gettext_lazy("Complete my booking")
SEND_REQUEST = gettext_lazy("Send my request")


@dataclass(frozen=True)
class LinkStep:
    """The step an open request's emailed link takes, by one name: the button of the link's
    page, the email's subject and the email's button that opens the page."""

    button: str
    subject: str
    link: str


def open_request_step(rules) -> LinkStep:
    """At a staff-approval office the link's page sends the request for a counselor to
    confirm (it books nothing); elsewhere it books the time."""
    if rules.needs_staff_approval:
        return LinkStep(
            button=str(SEND_REQUEST),
            subject=_("Open this link to send your request"),
            link=_("Open the link to send your request"),
        )
    return LinkStep(
        button=_("Book"),
        subject=_("Open this link to book your time"),
        link=_("Open the link to book"),
    )


ACCEPT_TIME = gettext_lazy("Accept this time")
# The other button of a proposal: the request goes back to the counselors.
REFUSE_TIME = gettext_lazy("This time does not suit me")


@dataclass(frozen=True)
class Row:
    label: str  # the booking page's "Status"
    title: str  # the done page's and the booking page's heading, the emails' subject
    meaning: str  # one sentence: what the stage means
    step: str  # the one next step, with its deadline
    action: str = ""  # the button the step asks for, if any
    # The step as the email that carries the link words it (its own link, not "the email
    # we sent"); empty: the step reads the same in an email.
    email_step: str = ""
    # Said after the step only while the booking has no join link (issue 26 walk: "the
    # link appears once it is issued" printed next to the link itself).
    no_link_yet: str = ""
    ics_status: str = "CONFIRMED"
    ics_method: str = "PUBLISH"

    @property
    def needs_action(self) -> bool:
        return bool(self.action)


S = Stage
TABLE: dict[Stage, Row] = {
    S.EMAIL_CHECK: Row(
        gettext_lazy("Not complete: check your email"),
        gettext_lazy("Your booking is not complete yet"),
        gettext_lazy(
            "The time is held for you until %(deadline)s, but nothing is booked until you "
            "confirm your email address."
        ),
        gettext_lazy(
            "Open the link in the email we sent and press “%(action)s” on its page by "
            "%(deadline)s; otherwise the time is released."
        ),
        action=COMPLETE_BOOKING,
        email_step=gettext_lazy(
            "Open the link in this email and press “%(action)s” on its page by %(deadline)s; "
            "otherwise the time is released."
        ),
        ics_status="TENTATIVE",
    ),
    S.REQUEST_TO_SEND: Row(
        gettext_lazy("Not complete: send your request from the email"),
        gettext_lazy("Your request is not complete yet"),
        gettext_lazy(
            "The time is held for you until %(deadline)s; your request reaches a counselor "
            "only after you send it from the email."
        ),
        gettext_lazy(
            "Open the link in the email we sent and press “%(action)s” on its page by "
            "%(deadline)s; otherwise the request lapses and the time is released."
        ),
        action=SEND_REQUEST,
        email_step=gettext_lazy(
            "Open the link in this email and press “%(action)s” on its page by %(deadline)s; "
            "otherwise the request lapses and the time is released."
        ),
        ics_status="TENTATIVE",
    ),
    S.REQUEST_WAITING: Row(
        gettext_lazy("Request sent: waiting for a counselor"),
        gettext_lazy("Your request is waiting for a counselor"),
        gettext_lazy(
            "Nothing is booked yet: a counselor will confirm this time, or offer another, "
            "by %(deadline)s."
        ),
        gettext_lazy(
            "There is nothing to do now: we will email you the answer. If no email arrives "
            "by %(deadline)s, please phone the office."
        ),
        ics_status="TENTATIVE",
    ),
    S.TIME_PROPOSED: Row(
        gettext_lazy("Another time proposed: your answer is needed"),
        gettext_lazy("The office proposes another time"),
        gettext_lazy(
            "Nothing is booked yet: the office proposes %(when)s instead of the time you asked for."
        ),
        gettext_lazy(
            "Before %(deadline)s, on your booking page, press “%(action)s”. If the time does "
            "not suit you, press “%(refuse)s”: the office will propose another time."
        ),
        action=ACCEPT_TIME,
        ics_status="TENTATIVE",
    ),
    S.CONFIRMED: Row(
        gettext_lazy("Confirmed"),
        gettext_lazy("Your booking is confirmed"),
        gettext_lazy("Your online consultation is booked for %(when)s."),
        # One time and one route (issue 26 walk: 「…17:15になったら、予約ページから参加して
        # ください。」 beside 「開始の数分前には参加してください。」): the button is on the
        # booking page as soon as the link is issued; the person joins a few minutes early.
        gettext_lazy("Join from your booking page a few minutes before the start (%(deadline)s)."),
        no_link_yet=gettext_lazy(
            "The link to join appears on your booking page once it is issued."
        ),
    ),
    S.IN_PROGRESS: Row(
        gettext_lazy("In progress"),
        gettext_lazy("Your session is under way"),
        gettext_lazy("The counselor has started your session (%(when)s)."),
        gettext_lazy("Join from your booking page now."),
    ),
    S.BY_PHONE: Row(
        gettext_lazy("Continues by phone"),
        gettext_lazy("Your session continues by phone"),
        gettext_lazy("The video connection had trouble, so your session continues by phone."),
        gettext_lazy("Keep your phone at hand: the office phones the number you gave."),
    ),
    S.COMPLETED: Row(
        gettext_lazy("Completed"),
        gettext_lazy("Your session took place"),
        gettext_lazy("Your session of %(when)s has ended."),
        gettext_lazy("To have another consultation, book a new time."),
    ),
    S.NO_SHOW: Row(
        gettext_lazy("No-show"),
        gettext_lazy("Your session was counted as a no-show"),
        gettext_lazy("Nobody joined the session of %(when)s, and no contact was noted."),
        gettext_lazy("If this is a mistake, please phone the office."),
    ),
    S.CANCELLED: Row(
        gettext_lazy("Cancelled"),
        gettext_lazy("Your booking is cancelled"),
        gettext_lazy("Nothing is booked: the time of %(when)s was released."),
        gettext_lazy("To have a consultation, book a new time."),
        ics_status="CANCELLED",
        ics_method="CANCEL",
    ),
    S.LAPSED: Row(
        gettext_lazy("Lapsed"),
        gettext_lazy("Your booking request lapsed"),
        gettext_lazy(
            "It was not completed in time, so nothing is booked and the time of %(when)s "
            "was released."
        ),
        gettext_lazy("To have a consultation, book a new time."),
        ics_status="CANCELLED",
        ics_method="CANCEL",
    ),
}

_BY_STATUS = {
    BookingStatus.PENDING_VERIFICATION: S.EMAIL_CHECK,
    BookingStatus.CONFIRMED: S.CONFIRMED,
    BookingStatus.IN_PROGRESS: S.IN_PROGRESS,
    BookingStatus.SWITCHED_TO_PHONE: S.BY_PHONE,
    BookingStatus.COMPLETED: S.COMPLETED,
    BookingStatus.NO_SHOW: S.NO_SHOW,
    BookingStatus.CANCELLED: S.CANCELLED,
    BookingStatus.EXPIRED: S.LAPSED,
}


def stage_of(booking) -> Stage:
    """The stage of a booking, from its status and the fields that tell a request's steps
    apart."""
    if booking.status == BookingStatus.REQUESTED:
        if booking.proposed_at is not None:
            return S.TIME_PROPOSED
        if booking.verification_expires_at is not None:
            return S.REQUEST_TO_SEND
        return S.REQUEST_WAITING
    return _BY_STATUS[BookingStatus(booking.status)]


def _deadline(booking, stage: Stage) -> datetime | None:
    if stage in (S.EMAIL_CHECK, S.REQUEST_TO_SEND):
        return booking.verification_expires_at
    if stage == S.REQUEST_WAITING:
        return booking.decide_by or booking.start
    if stage == S.TIME_PROPOSED:  # the proposal lapses then (services.holds)
        return booking.decide_by or booking.start
    if stage == S.CONFIRMED:
        return booking.start
    return None


@dataclass(frozen=True)
class Story:
    """The stage's words for one booking, in the active language."""

    stage: Stage
    label: str
    title: str
    meaning: str
    step: str
    email_step: str  # the step in the email that carries its link
    action: str
    deadline: datetime | None
    ics_status: str
    ics_method: str

    @property
    def needs_action(self) -> bool:
        return bool(self.action)

    @property
    def sentences(self) -> str:
        """The meaning and the next step, as one paragraph."""
        space = "" if self.meaning.endswith("。") else " "
        return f"{self.meaning}{space}{self.step}"

    @property
    def calendar_text(self) -> str:
        """The calendar file's words, read long after: what the event is and where its
        current state is, with no deadline that would stay there once passed."""
        return _(
            "%(title)s. Your booking page (link below) shows where it stands and what to do next."
        ) % {"title": self.title}

    @property
    def subject(self) -> str:
        """The emails' subject line: the title, marked when the person must act."""
        if self.needs_action:
            return _("Action needed: %(title)s") % {"title": self.title}
        return self.title


def _space(sentence: str) -> str:
    return "" if sentence.endswith("。") else " "


def booking_story(booking, *, join_link: bool = False) -> Story:
    """The booking's stage in words (call it inside the language the text is for);
    `join_link`: whether the person has the booking's join link (`meeting_for_person`), so
    that only a booking without one says it is still to come."""
    stage = stage_of(booking)
    row = TABLE[stage]
    deadline = _deadline(booking, stage)
    values = {
        "deadline": display.format_datetime(deadline) if deadline else "",
        "when": display.format_session(booking.start, booking.end),
        "action": str(row.action),
        "refuse": str(REFUSE_TIME),
    }
    no_link_yet = (
        "" if join_link or not row.no_link_yet else _space(str(row.step)) + str(row.no_link_yet)
    )
    return Story(
        stage=stage,
        label=str(row.label),
        title=str(row.title),
        meaning=str(row.meaning) % values,
        step=str(row.step) % values + no_link_yet,
        email_step=str(row.email_step or row.step) % values + no_link_yet,
        action=str(row.action),
        deadline=deadline,
        ics_status=row.ics_status,
        ics_method=row.ics_method,
    )
