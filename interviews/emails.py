"""An interview's emails to each party: values in, subject and text out (no query beyond
the party's interview, already loaded). Each party gets its own: its own link, its own
join information, in its own language (the job seeker's as for bookings, the employer's
Japanese or English); the employer's never carries the job seeker's contact details."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from interviews.models import InterviewParty
from interviews.selectors import what_party_sees
from notifications.services import Message
from offices import display
from offices.content import content_name


class Kind:
    INVITED = "interview_invited"
    SCHEDULED = "interview_scheduled"
    JOIN = "interview_join"
    CANCELLED = "interview_cancelled"
    MOVED = "interview_moved"
    SELECTION_INVITED = "selection_invited"
    SELECTION_EMPLOYER = "selection_employer"


def _subject(kind: str) -> str:
    return {
        Kind.INVITED: _("Online interview: please confirm a time"),
        Kind.SCHEDULED: _("Online interview: the time is confirmed"),
        Kind.JOIN: _("Online interview: how to join"),
        Kind.CANCELLED: _("Online interview: cancelled"),
        Kind.MOVED: _("Online interview: new times proposed"),
    }[kind]


def party_message(
    party: InterviewParty,
    kind: str,
    *,
    link_path: str = "",
    times: list | None = None,
    join_url: str = "",
    passcode: str = "",
) -> Message:
    """The email of `kind` to one party: `link_path` its page (a new token's), `times` the
    proposed times, `join_url` its own way into the meeting."""
    with translation.override(party.language):
        facts = what_party_sees(party)
        interview = party.interview
        facts["office_name"] = content_name(interview.office, party.language)
        subject = f"[{facts['office_name']}] {_subject(kind)}"
        context = {
            **facts,
            "kind": kind,
            "phone": facts["office_phone"],
            "when": interview.when if interview.start else "",
            "times": [display.format_session(t.start, t.end) for t in times or []],
            "link_url": settings.SITE_URL.rstrip("/") + link_path if link_path else "",
            "join_url": join_url,
            "passcode": passcode,
            "is_employer": party.role == "employer",
            "cancelled_by": interview.get_cancelled_by_display() if interview.cancelled_by else "",
        }
        context["subject"] = subject
        return Message(
            subject=subject,
            text=render_to_string("emails/interview.txt", context),
            html=render_to_string("emails/interview.html", context),
        )


def selection_message(block, candidate, kind: str, *, link_path: str, language: str) -> Message:
    """A managed selection's email, in `language`: to a candidate (pick a turn) or to the
    employer (the day's list). The employer's names no candidate: the list is on its page."""
    with translation.override(language):
        office = block.office
        if kind == Kind.SELECTION_INVITED:
            title = _("Managed selection: please pick a turn")
            name = candidate.applicant.name
        else:
            title = _("Managed selection: your list of candidates")
            name = block.employer.contact_name
        context = {
            "kind": kind,
            "greeting_name": name,
            "office_name": content_name(office, language),
            "phone": office.phone,
            "company_name": block.employer.company_name,
            "job_number": block.job_number,
            "when": display.format_session(block.start, block.end),
            "link_url": settings.SITE_URL.rstrip("/") + link_path,
        }
        context["subject"] = f"[{office.name}] {title}"
        return Message(
            subject=context["subject"],
            text=render_to_string("emails/selection.txt", context),
            html=render_to_string("emails/selection.html", context),
        )
