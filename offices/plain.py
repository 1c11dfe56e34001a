"""
The rules of an office in short, in plain words, for the offices that choose it
(`Office.plain_summary`): its page, the last booking step (before the terms) and the
person's emails show it.
Each sentence says one thing and names the hard word it explains (時間の確保, 無断欠席, 利用規約,
合意管轄裁判所); in Japanese and やさしい日本語 every kanji has its reading
(offices.ruby.ruby_html). Built from the booking rules in force, so it never says other than
the pages' own rules.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from common import languages
from offices.models import LeadTimeUnit, Office
from offices.ruby import ruby_html
from offices.rules import BookingPath, BookingRules, open_booking_path


@dataclass(frozen=True)
class PlainSummary:
    title: str
    lines: list[str]  # plain text (the text emails)

    def _html(self, text: str) -> SafeString:
        if languages.is_japanese(get_language()):
            return mark_safe(ruby_html(text))  # noqa: S308 - ruby_html escapes the text
        return escape(text)

    @property
    def title_html(self) -> SafeString:
        return self._html(self.title)

    @property
    def lines_html(self) -> list[SafeString]:
        return [self._html(line) for line in self.lines]


def plain_summary_for(
    office: Office,
    rules: BookingRules,
    *,
    staff_decides: bool | None = None,
    email_check: bool | None = None,
    path: BookingPath | None = None,
) -> PlainSummary | None:
    """The summary in the active language, or None when the office has not chosen one.
    `path` says how the booking is made (offices.rules.booking_path: the office page, as its
    "Confirmation" does); else `staff_decides` and `email_check` say how this booking's stage
    confirms it (default: as the rules of open online booking; an invitation is confirmed at
    once)."""
    if not office.plain_summary:
        return None
    if path is None and staff_decides is None and email_check is None:
        path = open_booking_path(rules)
    if path is not None:
        staff_decides = path == BookingPath.OPEN_STAFF_APPROVAL
        email_check = path == BookingPath.OPEN_EMAIL_CHECK
    if staff_decides is None:
        staff_decides = rules.needs_staff_approval
    if email_check is None:
        email_check = rules.needs_email_check
    # Open online booking at a staff-approval office holds the request until it is sent
    # from the email (the email-check window, else REQUEST_CONFIRM_MINUTES): issue 26, major 1.
    sent_from_email = path == BookingPath.OPEN_STAFF_APPROVAL
    lines = [_lead_time(rules)]
    if email_check or sent_from_email:
        lines.append(
            _(
                "Open the link in the email we send you and press the button on that page "
                "within %(minutes)d minutes. If you do not, the booking ends."
            )
            % {"minutes": rules.email_verification_minutes or settings.REQUEST_CONFIRM_MINUTES}
        )
    if staff_decides:
        lines.append(
            _(
                "A counselor decides the day and time and tells you by email. Until then, "
                "nobody else can book the time you chose. This is called a “hold”."
            )
        )
    elif path == BookingPath.PHONE:
        lines.append(_("Your booking is fixed on the phone, when you book."))
    elif not email_check:
        lines.append(_("Your booking is fixed when you send it. The link to join comes by email."))
    lines += [_cancel(rules), *_no_show(office), _terms(office)]
    return PlainSummary(title=_("The rules in short"), lines=lines)


def _lead_time(rules: BookingRules) -> str:
    days = rules.lead_time_days
    if days == 0:
        return _("You can book up to the start of the session.")
    if rules.lead_time_unit == LeadTimeUnit.BUSINESS_DAYS:
        return ngettext(
            "Book by %(days)d weekday before the day you want. Weekdays are Monday to "
            "Friday, without holidays and the New Year break.",
            "Book by %(days)d weekdays before the day you want. Weekdays are Monday to "
            "Friday, without holidays and the New Year break.",
            days,
        ) % {"days": days}
    if days == 1:
        return _("Book by the day before the day you want.")
    return ngettext(
        "Book at least %(days)d day before the day you want.",
        "Book at least %(days)d days before the day you want.",
        days,
    ) % {"days": days}


def _cancel(rules: BookingRules) -> str:
    if not rules.online_cancel_allowed:
        return _("If you cannot come, phone the office to cancel your booking.")
    days = rules.online_cancel_days_before
    if days == 0:
        return _("If you cannot come, cancel on your booking page before the session starts.")
    if days == 1:
        return _(
            "If you cannot come, cancel on your booking page by the day before. "
            "On the day itself, phone the office."
        )
    return _(
        "If you cannot come, cancel on your booking page at least %(days)d days "
        "before. After that, phone the office."
    ) % {"days": days}


def _no_show(office: Office) -> list[str]:
    lines = [
        _(
            "Not coming without telling the office is a “no-show”. If you have not "
            "joined %(minutes)d minutes after the start, the booking ends."
        )
        % {"minutes": office.no_show_grace_minutes}
    ]
    if office.no_show_bar_threshold:
        lines.append(
            ngettext(
                "After %(count)d no-show, you can no longer book online.",
                "After %(count)d no-shows, you can no longer book online.",
                office.no_show_bar_threshold,
            )
            % {"count": office.no_show_bar_threshold}
        )
    return lines


def _terms(office: Office) -> str:
    return _(
        "Booking means you agree to the office's rules (the terms of use). If there "
        "is ever a dispute in court, it is heard at %(court)s."
    ) % {"court": office.court}
