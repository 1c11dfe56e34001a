"""The waitlist's emails, in the person's language (text and HTML, as every email): on the
list (or: confirm your place), a time offered until a moment, the offer lapsed and passed
on. Values in, subject and bodies out (no query beyond the entry's office and service)."""

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from common.clock import JST
from notifications.services import Message
from offices import display
from offices.rules import rules_for_service
from waitlist.models import WaitlistEntry, WaitlistOffer

JOINED, OFFERED, LAPSED = "waitlist_joined", "waitlist_offer", "waitlist_offer_lapsed"
# The kinds whose pointer also goes by LINE or SMS (not the address check, email's own).
POINTER_KINDS = (OFFERED, LAPSED)


def entry_facts(entry: WaitlistEntry) -> dict:
    """What the emails and the person's page say about an entry."""
    english = translation.get_language() == "en"
    office, service = entry.office, entry.service
    days = display.format_date(entry.first_day)
    if entry.last_day != entry.first_day:
        days += " – " + display.format_date(entry.last_day)
    times = ""
    if entry.earliest or entry.latest:  # in a language but Japanese, with its time zone once
        dash = "〜" if (translation.get_language() or "ja").startswith("ja") else "–"
        times = (entry.earliest.strftime("%H:%M") if entry.earliest else "") + dash
        times += entry.latest.strftime("%H:%M") if entry.latest else ""
        times += display.time_zone_suffix()
    facts = {
        "office_name": office.name_en if english and office.name_en else office.name,
        "service_name": service.name_en if english and service.name_en else service.name,
        "days": days,
        "times": times,
        "phone": office.phone,
        "booking": {"name": entry.name},
    }
    if entry.group_session_id is not None:
        session = entry.group_session
        japanese = (translation.get_language() or "ja").startswith("ja")
        facts |= {
            "session": session.title_en
            if not japanese and session.title_en
            else session.display_title,
            "session_when": display.format_session(session.start, session.end),
        }
    return facts


def offer_button(entry: WaitlistEntry) -> str:
    """The name of the offer's button, the email's and the page's: an invited person's
    booking is confirmed at once (the invitation's channel); anyone else's is a request where
    a counselor confirms (`display.submit_button`)."""
    if entry.applicant_id is not None:
        return _("Book this time")
    return display.submit_button(rules_for_service(entry.service, entry.office), "offer")


def _until(moment: datetime) -> str:
    return display.format_datetime(moment.astimezone(JST))


def waitlist_message(
    entry: WaitlistEntry, *, kind: str, link_path: str, offer: WaitlistOffer | None = None
) -> Message:
    with translation.override(entry.language):
        facts = entry_facts(entry)
        if kind == JOINED:
            title = (
                _("Confirm your place on the waitlist")
                if entry.status == "unconfirmed"
                else _("You are on the waitlist")
            )
        elif kind == OFFERED:
            title = _("A time has freed up for you until %(until)s") % {
                "until": offer.expires_at.astimezone(JST).strftime("%H:%M")
                + display.time_zone_suffix()
            }
        else:
            title = _("The offered time has passed to the next person")
        subject = f"[{facts['office_name']}] {title}"
        context = {
            **facts,
            "subject": subject,
            "unconfirmed": entry.status == "unconfirmed",
            "link_url": settings.SITE_URL.rstrip("/") + link_path,
        }
        if offer is not None:
            context |= {
                "when": display.format_session(offer.start, offer.end),
                "until": _until(offer.expires_at),
                "button": offer_button(entry),
            }
        return Message(
            subject=subject,
            text=render_to_string(f"emails/{kind}.txt", context),
            html=render_to_string(f"emails/{kind}.html", context),
        )


def waitlist_pointer_text(*, kind: str, office_name: str, url: str) -> str:
    """The pointer sent by LINE or SMS: the office's name, one fixed sentence and the link
    to the entry's page, nothing else (no name, no time: the page shows them), in the
    active language. A pure renderer, like the booking's (`bookings.emails.pointers`)."""
    if kind == OFFERED:
        sentence = _("A time has freed up for you from the waitlist. Open this link to see it:")
    else:
        sentence = _("There is news about your place on the waitlist. Open this link to see it:")
    return f"{office_name}{_(': ')}{sentence}\n{url}"
