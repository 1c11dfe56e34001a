"""
How offices' facts read to a person, in their language: times, weekly hours, and the
booking rules in words. Date formats follow the product's rule, e.g.
`2026年11月24日(火) 10:00〜10:30`; other languages write `Tue 24 Nov 2026` with the names
of weekdays and months from their catalogue (`mar 24 nov 2026` in Spanish).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from common.clock import JST
from offices.models import LeadTimeUnit, Platform
from offices.phone import phone_in_brackets
from offices.rules import BookingRules

WEEKDAYS_JA = "月火水木金土日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# The same names through the project's catalogues: Django's own fall back to Japanese for a
# language it has no catalogue of, such as Tagalog.
# Translators: the short name of a weekday, as in "Tue 24 Nov 2026".
WEEKDAYS_SHORT = (
    gettext_lazy("Mon"),
    gettext_lazy("Tue"),
    gettext_lazy("Wed"),
    gettext_lazy("Thu"),
    gettext_lazy("Fri"),
    gettext_lazy("Sat"),
    gettext_lazy("Sun"),
)
# Translators: the short name of a month, as in "Tue 24 Nov 2026".
MONTHS_SHORT = (
    gettext_lazy("Jan"),
    gettext_lazy("Feb"),
    gettext_lazy("Mar"),
    gettext_lazy("Apr"),
    gettext_lazy("May"),
    gettext_lazy("Jun"),
    gettext_lazy("Jul"),
    gettext_lazy("Aug"),
    gettext_lazy("Sep"),
    gettext_lazy("Oct"),
    gettext_lazy("Nov"),
    gettext_lazy("Dec"),
)


def _is_japanese() -> bool:
    return (get_language() or "ja").startswith("ja")


def _clock(moment: time | datetime) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def format_date(day: date, *, weekday: bool = True) -> str:
    """`2026年11月24日(火)` / `Tue 24 Nov 2026`; without the weekday on request."""
    if _is_japanese():
        text = f"{day.year}年{day.month}月{day.day}日"
        return f"{text}({WEEKDAYS_JA[day.weekday()]})" if weekday else text
    text = f"{day.day} {MONTHS_SHORT[day.month - 1]} {day.year}"
    return f"{WEEKDAYS_SHORT[day.weekday()]} {text}" if weekday else text


def format_effective(moment: datetime) -> str:
    """A date a rule takes effect: the day alone when it is midnight in Japan."""
    local = moment.astimezone(JST)
    if local.hour == 0 and local.minute == 0:
        return format_date(local.date(), weekday=False)
    return f"{format_date(local.date(), weekday=False)} {_clock(local)}" + _japan_time()


def format_datetime(moment: datetime) -> str:
    """`2026年11月24日(火) 10:00`, or `Tue 24 Nov 2026 10:00 (Japan time)` in English."""
    local = moment.astimezone(JST)
    return f"{format_date(local.date())} {_clock(local)}" + _japan_time()


def format_deadline(moment: datetime) -> str:
    """The last moment something can be done. A deadline at midnight in Japan is the end of
    the day before (`2026年12月21日(月) 23:59`), never the next day's `0:00`, which reads as a
    day more than there is."""
    local = moment.astimezone(JST)
    if local.hour == 0 and local.minute == 0:
        local -= timedelta(minutes=1)
    return f"{format_date(local.date())} {_clock(local)}" + _japan_time()


def _japan_time() -> str:
    # A person reading English may be in another time zone: the time says whose it is.
    return "" if _is_japanese() else " " + _("(Japan time)")


def time_zone_suffix() -> str:
    """` (Japan time)` after a time, once per block, in a language but Japanese; else ""."""
    return _japan_time()


def format_meeting_id(number: str) -> str:
    """A Zoom meeting ID as Zoom prints it: `850 1234 5678` (11 digits), `850 123 4567` (10)."""
    digits = "".join(ch for ch in str(number) if ch.isdigit())
    if len(digits) == 11:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if len(digits) == 10:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return str(number)


def format_session(start: datetime, end: datetime, *, zone: bool = True) -> str:
    """`2026年11月24日(火) 10:00〜10:30`, or `Tue 24 Nov 2026, 10:00–10:30 (Japan time)` in
    English; without the time zone (`zone=False`) where the same sentence says it once."""
    start, end = start.astimezone(JST), end.astimezone(JST)
    if _is_japanese():
        return f"{format_date(start.date())} {_clock(start)}〜{_clock(end)}"
    text = f"{format_date(start.date())}, {_clock(start)}–{_clock(end)}"
    return text + _japan_time() if zone else text


def format_duration(minutes: int) -> str:
    """`1時間`, `1時間30分`, `45分` / `1 hour`, `1 hour 30 minutes`, `45 minutes`."""
    hours, rest = divmod(minutes, 60)
    if _is_japanese():
        return (f"{hours}時間" if hours else "") + (f"{rest}分" if rest or not hours else "")
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if rest or not hours:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest})
    return " ".join(parts)


def format_wait(seconds: int) -> str:
    """A wait as a person reads it: `30秒` under a minute, else whole minutes (`35分`)."""
    if seconds < 60:
        return (
            f"{seconds}秒"
            if _is_japanese()
            else ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
        )
    return format_duration(-(-seconds // 60))


def format_window(start: time, end: time) -> str:
    """`9:30〜10:00` / `9:30–10:00`: one of a list whose block says the time zone once (the
    time page's period, the office's hours: `time_zone_suffix`)."""
    return f"{_clock(start)}〜{_clock(end)}" if _is_japanese() else f"{_clock(start)}–{_clock(end)}"


@dataclass(frozen=True)
class HoursLine:
    days: str
    windows: str


def _weekday_range(weekdays: list[int]) -> str:
    names = WEEKDAYS_JA if _is_japanese() else [str(name) for name in WEEKDAYS_SHORT]
    if weekdays == [0, 1, 2, 3, 4]:
        return _("Weekdays (Mon–Fri)")
    runs: list[list[int]] = []
    for day in weekdays:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    dash = "〜" if _is_japanese() else "–"
    sep = "・" if _is_japanese() else ", "
    parts = [
        names[run[0]] if len(run) == 1 else f"{names[run[0]]}{dash}{names[run[-1]]}" for run in runs
    ]
    return sep.join(parts)


def weekly_hours_lines(table: dict[int, list[tuple[time, time]]]) -> list[HoursLine]:
    """Groups weekdays that share the same windows: 平日 9:30〜12:00、13:00〜16:00."""
    groups: dict[tuple[tuple[time, time], ...], list[int]] = {}
    for weekday in sorted(table):
        groups.setdefault(tuple(table[weekday]), []).append(weekday)
    sep = "、" if _is_japanese() else ", "
    return [
        HoursLine(
            days=_weekday_range(weekdays),
            windows=sep.join(format_window(start, end) for start, end in windows),
        )
        for windows, weekdays in groups.items()
    ]


def session_length_text(rules: BookingRules) -> str:
    text = _("%(minutes)d minutes") % {"minutes": rules.slot_minutes}
    if rules.max_extension_minutes:
        text += _(" (can be extended to %(minutes)d minutes)") % {
            "minutes": rules.slot_minutes + rules.max_extension_minutes
        }
    return text


def _cutoff_suffix(rules: BookingRules) -> str:
    if rules.lead_time_cutoff >= time(23, 59):
        return ""
    return _(" (until %(time)s that day)") % {"time": _clock(rules.lead_time_cutoff)}


def lead_time_text(rules: BookingRules) -> str:
    days = rules.lead_time_days
    if days == 0:
        return _("You can book until the session starts.")
    if rules.lead_time_unit == LeadTimeUnit.BUSINESS_DAYS:
        text = ngettext(
            "Book by %(days)d business day before the day you want",
            "Book by %(days)d business days before the day you want",
            days,
        ) % {"days": days}
    elif days == 1:
        text = _("Book by the day before the day you want")
    else:
        text = ngettext(
            "Book by %(days)d day before the day you want",
            "Book by %(days)d days before the day you want",
            days,
        ) % {"days": days}
    cutoff = _cutoff_suffix(rules)
    return text + cutoff + (_japan_time() if cutoff else "") + _(".")


# The button that sends the booking, per page: where a counselor confirms the time the
# button applies (申し込む), it does not book (issue 26: 「予約する」 before a page saying the
# request is not complete). The email's later step keeps its own name, "Send my request".
SUBMIT_BUTTONS = {
    "time": (gettext_lazy("Book"), gettext_lazy("Apply")),
    "seat": (gettext_lazy("Book a seat"), gettext_lazy("Apply for a seat")),
    "offer": (gettext_lazy("Book this time"), gettext_lazy("Apply for this time")),
}


def submit_button(rules: BookingRules, page: str = "time") -> str:
    """The name of the button that sends the person's booking on `page` (see above)."""
    book, apply = SUBMIT_BUTTONS[page]
    return str(apply if rules.needs_staff_approval else book)


def cancellation_text(rules: BookingRules) -> str:
    if not rules.online_cancel_allowed:
        return _("To cancel, please phone the office.")
    if rules.online_cancel_days_before == 0:
        return _("You can cancel from your booking page until the session starts.")
    if rules.online_cancel_days_before == 1:
        return _(
            "You can cancel from your booking page until the day before. On the day itself, "
            "please phone the office."
        )
    return _(
        "You can cancel from your booking page until %(days)d days before. After that, "
        "please phone the office."
    ) % {"days": rules.online_cancel_days_before}


def _phone_suffix(office) -> str:
    return phone_in_brackets(office.phone)


def booking_access_text(service, office) -> str:
    """How a person books this service, in one sentence: open online booking (the form),
    online with a counselor's personal invitation, by phone, or a mix (Service flags)."""
    phone = _phone_suffix(office)
    if service.accepts_web:
        text = (
            _("On this site or by phone%(phone)s.") % {"phone": phone}
            if service.accepts_phone
            else _("On this site.")
        )
        if service.accepts_invitations:
            text += " " + _(
                "Your counselor may also send you a personal invitation to book online."
            )
        return text
    if service.accepts_invitations:
        if service.accepts_phone:
            return _(
                "Online booking is by personal invitation from your counselor (the link in "
                "their email or letter). Otherwise, please book by phone%(phone)s."
            ) % {"phone": phone}
        return _(
            "Online booking is by personal invitation from your counselor only (the link in "
            "their email or letter)."
        )
    return _("By phone%(phone)s.") % {"phone": phone}


def not_open_online_text(service, office) -> str:
    """Why a public (open) booking of this service is refused, and what to do instead."""
    phone = _phone_suffix(office)
    if service.accepts_invitations:
        return _(
            "This service is booked online only with a personal invitation from your "
            "counselor: use the link in their email or letter. Otherwise, please phone the "
            "office%(phone)s."
        ) % {"phone": phone}
    return _("This service does not take bookings online. Please phone the office%(phone)s.") % {
        "phone": phone
    }


def platform_guidance(platform: str) -> list[str]:
    """What a person does to be ready for each platform, in the project's own words."""
    if platform == Platform.ZOOM:
        return [
            _("You join with the Zoom app or a web browser."),
            _("You receive a meeting ID and passcode for your session. Keep them at hand."),
            _("Update the Zoom app before the day."),
        ]
    if platform == Platform.TEAMS:
        return [
            _("You join with Microsoft Teams, in the app or a web browser (Edge or Chrome)."),
            _("Each session has its own link, sent to you by email."),
        ]
    if platform == Platform.TELEOFFICE:
        return [
            _("You join TeleOffice from a web browser; no app is needed."),
            _("The link to your session arrives by email."),
        ]
    return []


def common_preparation() -> list[str]:
    return [
        _("Use a device with a camera and microphone, in a quiet place where you can talk."),
        _("Charge the battery and use a stable connection. Data charges are yours."),
        _("Keep your operating system and browser up to date."),
        _("Join a few minutes before the start."),
    ]


def session_rules(*, grace_minutes: int) -> list[str]:
    return [
        _(
            "If you have not joined %(minutes)d minutes after the start and have not "
            "contacted the office, the booking counts as cancelled. Repeated no-shows may "
            "stop you from using online sessions."
        )
        % {"minutes": grace_minutes},
        _(
            "Recording, filming, screenshots and streaming of the session are not allowed. "
            "Do not share the link or the content with anyone."
        ),
        _("If an interpreter, helper or anyone else will attend, tell the office in advance."),
        _(
            "If the connection fails, the office will phone you and may continue by phone or "
            "book another time."
        ),
    ]
