"""
Accommodation (合理的配慮) as office data: the means an office can offer a person so they can
take part (captions or chat, a sign-language interpreter, written communication, more time,
a supporter present, and "other" in the person's own words). The office manager lists them
in the admin (`Office.accommodation_means`); the person ticks what they need on the details
step, the invitation page or on the phone; the booking keeps the codes
(`Booking.accommodations`), shown to counselors in the day's schedule, on the booking and in
their emails.

"More time" is real where the office gives it minutes (`Office.accommodation_extra_minutes`):
the booking then holds the service's length plus those minutes, so availability and the
no-overlap constraint see its real end. With 0 minutes it is a request the counselor allows
for within the session's length, and the form says so.
"""

from django.db import models
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

OTHER_MAX = 200
EXTRA_MINUTES_MAX = 60


class Means(models.TextChoices):
    CAPTIONS = "captions", gettext_lazy("Captions or chat")
    SIGN_LANGUAGE = "sign_language", gettext_lazy("A sign-language interpreter")
    WRITTEN = "written", gettext_lazy("Written communication")
    MORE_TIME = "more_time", gettext_lazy("More time")
    SUPPORTER = "supporter", gettext_lazy("A supporter present")
    OTHER = "other", gettext_lazy("Other")


def office_means(office) -> list[str]:
    """The codes the office offers, in the one order of `Means` (unknown codes dropped)."""
    offered = set(office.accommodation_means or [])
    return [code for code in Means.values if code in offered]


def extra_minutes_for(office, chosen: list[str]) -> int:
    """The minutes a booking with these means holds beyond the service's length."""
    if Means.MORE_TIME in chosen and Means.MORE_TIME in office_means(office):
        return office.accommodation_extra_minutes or 0
    return 0


def means_choices(office, *, attendees_below: bool) -> list[tuple[str, str]]:
    """The office's means as a person ticks them, each label saying what it brings; the
    supporter's points to the attendee fields only on a form that has them below."""
    labels = []
    space = "" if _japanese() else " "
    for code in office_means(office):
        label = str(Means(code).label)
        if code == Means.MORE_TIME:
            minutes = office.accommodation_extra_minutes or 0
            label += space + (
                _("(your session is booked %(minutes)d minutes longer)") % {"minutes": minutes}
                if minutes
                else _("(the counselor allows for it within the session's length)")
            )
        elif code == Means.SUPPORTER and attendees_below:
            label += space + _("(give their name below, under “People attending with you”)")
        labels.append((code, label))
    return labels


def means_labels(codes: list[str], other: str = "") -> list[str]:
    """The means as staff and the person read them, in the active language; "Other" with
    the person's own words."""
    lines = []
    for code in Means.values:
        if code not in (codes or []):
            continue
        label = str(Means(code).label)
        if code == Means.OTHER and other:
            label = _("%(means)s: %(words)s") % {"means": label, "words": other}
        lines.append(label)
    return lines


def _japanese() -> bool:
    return (get_language() or "ja").startswith("ja")


def joined(lines: list[str]) -> str:
    """Lines on one line, separated as the active language writes a list."""
    return ("、" if _japanese() else ", ").join(lines)
