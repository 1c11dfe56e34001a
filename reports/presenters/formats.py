"""Numbers, labels, colours and the shape of a figure (a chart and its tables), for the pages."""

from dataclasses import dataclass, field

from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bookings.models import BookingChannel
from offices.display import WEEKDAYS_EN, WEEKDAYS_JA
from reports import charts
from reports.charts import Series
from reports.figures import LEAD_BUCKETS, Outcome

OUTCOME_COLOURS = {
    Outcome.HELD: (charts.GREEN, 0),
    Outcome.SWITCHED_TO_PHONE: (charts.SKY_BLUE, 3),
    Outcome.NO_SHOW: (charts.VERMILLION, 1),
    Outcome.CANCELLED_BY_PERSON: (charts.ORANGE, 2),
    Outcome.CANCELLED_BY_OFFICE: (charts.PURPLE, 4),
    Outcome.DECLINED: (charts.BLUE, 5),
    Outcome.EXPIRED: (charts.YELLOW, 1),
    Outcome.SCHEDULED: (charts.GREY, 0),
}
CHANNEL_COLOURS = {
    BookingChannel.WEB: (charts.BLUE, 0),
    BookingChannel.API: (charts.PURPLE, 1),
    BookingChannel.PHONE: (charts.ORANGE, 2),
    BookingChannel.SESSION: (charts.GREEN, 3),
    BookingChannel.INVITATION: (charts.VERMILLION, 4),
}
NOW_COLOUR, BEFORE_COLOUR = (charts.BLUE, 0), (charts.SKY_BLUE, 1)


def fmt_int(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def fmt_pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def fmt_change(now: int, before: int) -> str:
    difference = now - before
    return "±0" if difference == 0 else f"{difference:+,}".replace("-", "−")


def fmt_points(now: float | None, before: float | None) -> str:
    """A change of a rate, in percentage points."""
    if now is None or before is None:
        return "—"
    return f"{(now - before) * 100:+.1f} pt".replace("-", "−")


def fmt_hours(minutes: int) -> str:
    return f"{minutes / 60:,.1f}"


def short_pct(value: float) -> str:
    return f"{value:.0%}"


def axis_pct(value: float) -> str:
    """An axis tick: `10%`, or `2.5%` where a whole number would round."""
    return f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 1e-6 else f"{value:.1%}"


def weekday_label(iso_weekday: int) -> str:
    names = WEEKDAYS_JA if (get_language() or "ja").startswith("ja") else WEEKDAYS_EN
    return names[iso_weekday - 1]


def lead_label(index: int) -> str:
    first, last = LEAD_BUCKETS[index]
    if first == last == 0:
        return _("same day")
    if last is None:
        return f"{first}+"
    return str(first) if first == last else f"{first}–{last}"


@dataclass
class Table:
    caption: str
    head: list[str]
    rows: list[list[str]]
    foot: list[list[str]] = field(default_factory=list)


@dataclass
class Figure:
    slug: str
    title: str
    how: str  # how the figure is computed, in a sentence or two
    chart: SafeString | None
    tables: list[Table]
    note: str = ""
    wide: bool = False  # tables too wide to stand beside the chart: one under the other


def outcome_series(values_by_outcome: dict[str, list[int]]) -> list[Series]:
    return [
        Series(str(outcome.label), values_by_outcome[outcome], *OUTCOME_COLOURS[outcome])
        for outcome in Outcome
        if outcome in values_by_outcome
    ]
