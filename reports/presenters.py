"""
What the pages show, built from the figures: for each figure a chart and the table of its
numbers, in the admin's language. No queries here.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bookings.models import BookingChannel
from offices.display import WEEKDAYS_EN, WEEKDAYS_JA
from reports import charts
from reports.charts import Series
from reports.figures import (
    CHANNELS,
    DUE_OUTCOMES,
    LEAD_BUCKETS,
    Counts,
    Dashboard,
    MonthlyReport,
    OfficeFigures,
    Outcome,
    share,
)
from reports.periods import month_label

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


def _short_pct(value: float) -> str:
    return f"{value:.0%}"


def _axis_pct(value: float) -> str:
    """An axis tick: `10%`, or `2.5%` where a whole number would round."""
    return f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 1e-6 else f"{value:.1%}"


def _axis_int(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


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


def _outcome_series(values_by_outcome: dict[str, list[int]]) -> list[Series]:
    return [
        Series(str(outcome.label), values_by_outcome[outcome], *OUTCOME_COLOURS[outcome])
        for outcome in Outcome
    ]


def summary_table(dashboard: Dashboard, figures: OfficeFigures) -> Table:
    now, before = figures.current, figures.previous
    rows = [
        [
            _("Bookings made"),
            fmt_int(now.channel_total),
            fmt_int(before.channel_total),
            fmt_change(now.channel_total, before.channel_total),
        ],
        [
            str(Outcome.HELD.label),
            fmt_int(now.outcome(Outcome.HELD)),
            fmt_int(before.outcome(Outcome.HELD)),
            fmt_change(now.outcome(Outcome.HELD), before.outcome(Outcome.HELD)),
        ],
        [
            _("No-show rate"),
            fmt_pct(now.no_show_rate),
            fmt_pct(before.no_show_rate),
            fmt_points(now.no_show_rate, before.no_show_rate),
        ],
        [
            _("Utilisation (booked / offered minutes)"),
            fmt_pct(now.utilisation),
            fmt_pct(before.utilisation),
            fmt_points(now.utilisation, before.utilisation),
        ],
        [
            _("Booked on the last day allowed"),
            fmt_pct(now.last_moment_share),
            fmt_pct(before.last_moment_share),
            fmt_points(now.last_moment_share, before.last_moment_share),
        ],
        [
            _("People barred from online booking"),
            fmt_int(now.barred),
            fmt_int(before.barred),
            fmt_change(now.barred, before.barred),
        ],
    ]
    return Table(
        caption=_("Summary: %(period)s compared with %(previous)s")
        % {"period": dashboard.period.label, "previous": dashboard.previous.label},
        head=["", dashboard.period.label, dashboard.previous.label, _("Change")],
        rows=rows,
    )


def outcomes_figure(dashboard: Dashboard, figures: OfficeFigures, *, per_service: bool) -> Figure:
    now, before = figures.current, figures.previous
    outcomes = list(Outcome)
    chart = charts.bar_chart(
        "chart-outcomes",
        title=_("What became of the bookings"),
        desc=_(
            "Bookings by outcome, this period and the one before; the numbers are in the table."
        ),
        categories=[str(o.label) for o in outcomes],
        series=[
            Series(dashboard.period.label, [now.outcome(o) for o in outcomes], *NOW_COLOUR),
            Series(dashboard.previous.label, [before.outcome(o) for o in outcomes], *BEFORE_COLOUR),
        ],
        value_label=lambda v: fmt_int(int(v)),
    )
    services = (
        [
            s
            for s in dashboard.services
            if figures.office is None or s.office_id == figures.office.pk
        ]
        if per_service
        else []
    )
    services = [s for s in services if now.service_total(s.pk) or before.service_total(s.pk)]
    head = [_("Outcome")]
    for service in services:
        head += [service.name, _("share")]
    head += [_("Total"), _("share"), dashboard.previous.label, _("share"), _("Change")]
    rows = []
    for outcome in outcomes:
        row = [str(outcome.label)]
        for service in services:
            count = now.outcome(outcome, service.pk)
            row += [fmt_int(count), fmt_pct(share(count, now.service_total(service.pk)))]
        count, earlier = now.outcome(outcome), before.outcome(outcome)
        row += [
            fmt_int(count),
            fmt_pct(share(count, now.total)),
            fmt_int(earlier),
            fmt_pct(share(earlier, before.total)),
            fmt_change(count, earlier),
        ]
        rows.append(row)
    foot = [_("All bookings")]
    for service in services:
        foot += [fmt_int(now.service_total(service.pk)), ""]
    foot += [fmt_int(now.total), "", fmt_int(before.total), "", fmt_change(now.total, before.total)]
    return Figure(
        slug="outcomes",
        title=_("Sessions and their outcomes"),
        how=_(
            "Every booking whose session starts in the period (Japan time), by what became of "
            "it. Cancellations are told apart by their record: cancelled by the person online, "
            "a request declined by staff, or cancelled by the office (staff cancelling a "
            "confirmed booking, including one the person asked for by phone). Shares are of "
            "all bookings of the column."
        ),
        chart=chart,
        tables=[Table(caption=_("Bookings by outcome"), head=head, rows=rows, foot=[foot])],
    )


def offices_figure(dashboard: Dashboard) -> Figure:
    """All offices side by side (superusers)."""
    offices = dashboard.offices
    per_office = [dashboard.figures[o.pk] for o in offices]
    chart = charts.stacked_bar_chart(
        "chart-offices",
        title=_("Outcomes by office"),
        desc=_("Each office's bookings split by outcome, as shares; the numbers are in the table."),
        categories=[o.name for o in offices],
        series=_outcome_series({o: [f.current.outcome(o) for f in per_office] for o in Outcome}),
    )
    head = [
        _("Office"),
        _("Bookings made"),
        *[str(o.label) for o in Outcome],
        _("No-show rate"),
        _("Utilisation"),
        _("Booked on the last day allowed"),
        _("People barred"),
    ]
    rows = []
    for office, figures in zip(offices, per_office, strict=True):
        now = figures.current
        rows.append(
            [
                office.name,
                fmt_int(now.channel_total),
                *[fmt_int(now.outcome(o)) for o in Outcome],
                fmt_pct(now.no_show_rate),
                fmt_pct(now.utilisation),
                fmt_pct(now.last_moment_share),
                fmt_int(now.barred),
            ]
        )
    total = dashboard.total.current
    foot = [
        _("All offices"),
        fmt_int(total.channel_total),
        *[fmt_int(total.outcome(o)) for o in Outcome],
        fmt_pct(total.no_show_rate),
        fmt_pct(total.utilisation),
        fmt_pct(total.last_moment_share),
        fmt_int(total.barred),
    ]
    return Figure(
        slug="offices",
        title=_("All offices side by side"),
        how=_("The same figures for each office in the period; the last row adds them up."),
        chart=chart,
        tables=[Table(caption=_("Offices compared"), head=head, rows=rows, foot=[foot])],
    )


def channels_figure(dashboard: Dashboard, figures: OfficeFigures) -> Figure:
    now, before = figures.current, figures.previous
    months = dashboard.months
    chart = charts.column_chart(
        "chart-channels",
        title=_("How people booked, month by month"),
        desc=_("Each month's bookings split by channel, as shares; the numbers are in the tables."),
        categories=[month_label(m, short=True) for m in months],
        series=[
            Series(
                str(channel.label),
                [figures.month_channel(m, channel) for m in months],
                *CHANNEL_COLOURS[channel],
            )
            for channel in CHANNELS
        ],
        value_label=_short_pct,
        stacked_share=True,
    )
    rows = []
    for channel in CHANNELS:
        count, earlier = now.channel(channel), before.channel(channel)
        rows.append(
            [
                str(channel.label),
                fmt_int(count),
                fmt_pct(share(count, now.channel_total)),
                fmt_int(earlier),
                fmt_pct(share(earlier, before.channel_total)),
            ]
        )
    period_table = Table(
        caption=_("Bookings by channel"),
        head=[
            _("Channel"),
            dashboard.period.label,
            _("share"),
            dashboard.previous.label,
            _("share"),
        ],
        rows=rows,
        foot=[
            [_("All bookings"), fmt_int(now.channel_total), "", fmt_int(before.channel_total), ""]
        ],
    )
    month_rows = []
    for month in months:
        total = figures.month_bookings(month)
        month_rows.append(
            [
                month_label(month),
                fmt_int(total),
                *[fmt_pct(share(figures.month_channel(month, c), total)) for c in CHANNELS],
            ]
        )
    month_table = Table(
        caption=_("Share of each channel by month"),
        head=[_("Month"), _("Bookings made"), *[str(c.label) for c in CHANNELS]],
        rows=month_rows,
    )
    return Figure(
        slug="channels",
        title=_("Bookings by channel"),
        how=_(
            "Bookings by how they were made: the web form, the API, by phone (entered by a "
            "counselor) or during a session. Email checks that lapsed are left out: they never "
            "became bookings. Months are those of the sessions."
        ),
        chart=chart,
        tables=[period_table, month_table],
    )


def utilisation_figure(dashboard: Dashboard, figures: OfficeFigures) -> Figure:
    now = figures.current
    shown = [
        c
        for c in dashboard.counselors
        if (figures.office is None or c.office_id == figures.office.pk)
        and (now.offered_minutes[c.pk] or now.booked_minutes[c.pk])
    ]
    several = len(dashboard.offices) > 1 and figures.office is None
    offices = {o.pk: o for o in dashboard.offices}

    def name(counselor) -> str:
        label = (
            counselor.name
            if counselor.is_active
            else _("%(name)s (no longer taking bookings)") % {"name": counselor.name}
        )
        return f"{offices[counselor.office_id].name} / {label}" if several else label

    rates = [share(now.booked_minutes[c.pk], now.offered_minutes[c.pk]) for c in shown]
    chart = None
    if shown:
        chart = charts.bar_chart(
            "chart-counselors",
            title=_("Utilisation by counselor"),
            desc=_("Booked minutes as a share of offered minutes, per counselor; see the table."),
            categories=[name(c) for c in shown],
            series=[Series(dashboard.period.label, rates, *NOW_COLOUR)],
            value_label=fmt_pct,
            max_value=max([1.0, *[r for r in rates if r is not None]]),
        )
    rows = [
        [
            name(c),
            fmt_hours(now.booked_minutes[c.pk]),
            fmt_hours(now.offered_minutes[c.pk]) if c.is_active else "—",
            fmt_pct(rate),
        ]
        for c, rate in zip(shown, rates, strict=True)
    ]
    booked, offered = sum(now.booked_minutes.values()), sum(now.offered_minutes.values())
    return Figure(
        slug="utilisation",
        title=_("Utilisation: booked against offered time"),
        how=_(
            "Offered: for every open day of the period, the hours of the office's active "
            "services (an extra opening's too) for each active counselor not absent that day, "
            "from the hours and counselors as they are set now. Booked: the minutes of the "
            "bookings that kept their time (held, no-show, switched to phone, still to come); "
            "cancelled and lapsed ones gave it back."
        ),
        chart=chart,
        tables=[
            Table(
                caption=_("Utilisation by counselor"),
                head=[_("Counselor"), _("Booked (hours)"), _("Offered (hours)"), _("Utilisation")],
                rows=rows,
                foot=[
                    [
                        _("All counselors"),
                        fmt_hours(booked),
                        fmt_hours(offered),
                        fmt_pct(share(booked, offered)),
                    ]
                ],
            )
        ],
    )


def heat_figure(dashboard: Dashboard, figures: OfficeFigures) -> Figure:
    now = figures.current
    used = {key for key, minutes in (now.heat_offered + now.heat_booked).items() if minutes}
    title = _("Utilisation by weekday and hour")
    how = _(
        "Booked minutes as a share of offered minutes in each hour of each weekday, over the "
        "period; a session is split across the hours it covers. An empty cell offered no time."
    )
    if not used:
        return Figure(
            slug="heatmap",
            title=title,
            how=how,
            chart=None,
            tables=[],
            note=_("No time was offered or booked in this period."),
        )
    weekdays = sorted({weekday for weekday, _hour in used})
    hours = list(range(min(h for _w, h in used), max(h for _w, h in used) + 1))
    cells = [
        [
            share(now.heat_booked[w, h], now.heat_offered[w, h]) if now.heat_offered[w, h] else None
            for h in hours
        ]
        for w in weekdays
    ]
    columns = [f"{h}:00" for h in hours]
    chart = charts.heat_map(
        "chart-heatmap",
        title=title,
        desc=_("Rows are weekdays, columns hours; darker means more of the offered time booked."),
        rows=[weekday_label(w) for w in weekdays],
        columns=columns,
        cells=cells,
        value_label=_short_pct,
        empty_label=_("no time offered"),
        legend_label=_("Share booked"),
    )
    rows = [
        [weekday_label(w), *[fmt_pct(v) if v is not None else "" for v in row]]
        for w, row in zip(weekdays, cells, strict=True)
    ]
    return Figure(
        slug="heatmap",
        title=title,
        how=how,
        chart=chart,
        tables=[Table(caption=title, head=[_("Weekday"), *columns], rows=rows)],
    )


def lead_figure(dashboard: Dashboard, figures: OfficeFigures) -> Figure:
    now, before = figures.current, figures.previous
    buckets = range(len(LEAD_BUCKETS))
    chart = charts.column_chart(
        "chart-lead",
        title=_("How many business days ahead people booked"),
        desc=_(
            "Share of bookings by business days between the booking and the session; see the table."
        ),
        categories=[lead_label(i) for i in buckets],
        series=[
            Series(
                dashboard.period.label,
                [share(now.lead[i], now.lead_total) for i in buckets],
                *NOW_COLOUR,
            ),
            Series(
                dashboard.previous.label,
                [share(before.lead[i], before.lead_total) for i in buckets],
                *BEFORE_COLOUR,
            ),
        ],
        value_label=fmt_pct,
        axis_label=_axis_pct,
    )
    rows = [
        [
            lead_label(i),
            fmt_int(now.lead[i]),
            fmt_pct(share(now.lead[i], now.lead_total)),
            fmt_int(before.lead[i]),
            fmt_pct(share(before.lead[i], before.lead_total)),
        ]
        for i in buckets
    ]
    foot = [
        [
            _("Booked on the last day allowed"),
            fmt_int(now.last_moment),
            fmt_pct(now.last_moment_share),
            fmt_int(before.last_moment),
            fmt_pct(before.last_moment_share),
        ],
        [_("All bookings"), fmt_int(now.lead_total), "", fmt_int(before.lead_total), ""],
    ]
    return Figure(
        slug="lead",
        title=_("Lead time"),
        how=_(
            "Business days after the day of booking up to the session's day (0: the same day; "
            "weekends, holidays, the year end and the office's closures do not count), for "
            "bookings whose session is in the period. The last day allowed is the day the "
            "service's lead-time rule, as set now, last accepted that session."
        ),
        chart=chart,
        tables=[
            Table(
                caption=_("Bookings by business days ahead"),
                head=[
                    _("Business days ahead"),
                    dashboard.period.label,
                    _("share"),
                    dashboard.previous.label,
                    _("share"),
                ],
                rows=rows,
                foot=foot,
            )
        ],
    )


def no_show_figure(dashboard: Dashboard, figures: OfficeFigures) -> Figure:
    months = dashboard.months
    rates = [figures.month_no_show_rate(m) for m in months]
    chart = charts.line_chart(
        "chart-no-shows",
        title=_("No-show rate by month"),
        desc=_("No-shows as a share of the sessions due each month; the numbers are in the table."),
        categories=[month_label(m, short=True) for m in months],
        series=[Series(_("No-show rate"), rates, charts.VERMILLION)],
        value_label=fmt_pct,
        axis_label=_axis_pct,
        min_top=0.1,
    )
    rows = []
    for month, rate in zip(months, rates, strict=True):
        due = figures.month_outcome(month, DUE_OUTCOMES)
        no_shows = figures.month_outcome(month, [Outcome.NO_SHOW])
        rows.append([month_label(month), fmt_int(due), fmt_int(no_shows), fmt_pct(rate)])
    return Figure(
        slug="no-shows",
        title=_("No-show rate over time"),
        how=_(
            "No-shows (not joined 10 minutes after the start, no contact) as a share of the "
            "sessions that were due: held, switched to phone or no-show. Cancelled, declined "
            "and future sessions do not count."
        ),
        chart=chart,
        tables=[
            Table(
                caption=_("No-shows by month"),
                head=[_("Month"), _("Sessions due"), str(Outcome.NO_SHOW.label), _("No-show rate")],
                rows=rows,
            )
        ],
    )


def bars_figure(dashboard: Dashboard, figures: OfficeFigures) -> Figure:
    now, before = figures.current, figures.previous
    categories = [_("Barred"), _("Bar lifted")]
    chart = charts.bar_chart(
        "chart-bars",
        title=_("People barred from online booking, and bars lifted"),
        desc=_("People barred and bars lifted, this period and the one before; see the table."),
        categories=categories,
        series=[
            Series(dashboard.period.label, [now.barred, now.lifted], *NOW_COLOUR),
            Series(dashboard.previous.label, [before.barred, before.lifted], *BEFORE_COLOUR),
        ],
        value_label=lambda v: fmt_int(int(v)),
    )
    return Figure(
        slug="bars",
        title=_("Barred and lifted"),
        how=_(
            "People barred from online booking after the office's number of no-shows, and bars "
            "a counselor lifted, by when it happened. A bar that was lifted no longer records "
            "when it began, so it shows only as lifted."
        ),
        chart=chart,
        tables=[
            Table(
                caption=_("Bars"),
                head=["", dashboard.period.label, dashboard.previous.label, _("Change")],
                rows=[
                    [
                        _("Barred"),
                        fmt_int(now.barred),
                        fmt_int(before.barred),
                        fmt_change(now.barred, before.barred),
                    ],
                    [
                        _("Bar lifted"),
                        fmt_int(now.lifted),
                        fmt_int(before.lifted),
                        fmt_change(now.lifted, before.lifted),
                    ],
                ],
                foot=[[_("Barred at this moment"), fmt_int(figures.barred_now), "", ""]],
            )
        ],
    )


def device_check_figure(dashboard: Dashboard) -> Figure | None:
    """Shown only where device-check results exist (`reports.selectors.device_check_problems`)."""
    if dashboard.device_checks is None:
        return None
    kinds = [kind for kind, _count in dashboard.device_checks]
    counts = [count for _kind, count in dashboard.device_checks]
    return Figure(
        slug="device-checks",
        title=_("Device check: problems found"),
        how=_("Problems the device check found before sessions in the period, by kind."),
        chart=charts.bar_chart(
            "chart-device-checks",
            title=_("Device check: problems found"),
            desc=_("Problems by kind; see the table."),
            categories=kinds,
            series=[Series(dashboard.period.label, counts, *NOW_COLOUR)],
            value_label=lambda v: fmt_int(int(v)),
        ),
        tables=[
            Table(
                caption=_("Device check: problems found"),
                head=[_("Problem"), _("Count")],
                rows=[[kind, fmt_int(count)] for kind, count in dashboard.device_checks],
            )
        ],
    )


def dashboard_page(dashboard: Dashboard, *, office_id: int | None) -> dict:
    """The page's parts: the summary table and the figures, in order."""
    figures = dashboard.figures[office_id]
    single = office_id is not None or len(dashboard.offices) == 1
    shown = [
        offices_figure(dashboard) if not single else None,
        outcomes_figure(dashboard, figures, per_service=single),
        channels_figure(dashboard, figures),
        utilisation_figure(dashboard, figures),
        heat_figure(dashboard, figures),
        lead_figure(dashboard, figures),
        no_show_figure(dashboard, figures),
        bars_figure(dashboard, figures),
        device_check_figure(dashboard),
    ]
    return {
        "summary": summary_table(dashboard, figures),
        "figures": [figure for figure in shown if figure is not None],
    }


@dataclass
class ReportRow:
    cells: list[str]  # service, channel, a count per outcome, total
    subtotal: bool = False


@dataclass
class ReportOffice:
    name: str
    head: list[str]
    rows: list[ReportRow]
    total: list[str]


def report_offices(report: MonthlyReport) -> list[ReportOffice]:
    """The monthly report: per office, a row per service and channel, a column per outcome."""
    outcomes = list(Outcome)
    head = [_("Service"), _("Channel"), *[str(o.label) for o in outcomes], _("Total")]
    shown = []
    for office in report.offices:
        table = report.bookings[office.pk]
        counts = Counts(bookings=table)
        rows = []
        for service in [s for s in report.services if s.office_id == office.pk]:
            if not counts.service_total(service.pk) and not service.is_active:
                continue
            for channel in CHANNELS:
                values = [table[service.pk, channel, o] for o in outcomes]
                cells = [service.name, str(channel.label), *map(str, values), str(sum(values))]
                rows.append(ReportRow(cells))
            values = [counts.outcome(o, service.pk) for o in outcomes]
            cells = [service.name, _("all channels"), *map(str, values), str(sum(values))]
            rows.append(ReportRow(cells, subtotal=True))
        values = [counts.outcome(o) for o in outcomes]
        total = [_("All services"), _("all channels"), *map(str, values), str(sum(values))]
        shown.append(ReportOffice(name=office.name, head=head, rows=rows, total=total))
    return shown


def month_choices(today: date, count: int = 24) -> list[date]:
    """The months offered for the monthly report, latest first."""
    months, month = [], today.replace(day=1)
    for _step in range(count):
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    return months
