"""The dashboard's figures of time: utilisation per counselor and per hour, and lead time."""

from django.utils.translation import gettext as _

from reports import charts
from reports.charts import Series
from reports.figures import (
    LEAD_BUCKETS,
    Dashboard,
    OfficeFigures,
    share,
)
from reports.presenters.formats import (
    BEFORE_COLOUR,
    NOW_COLOUR,
    Figure,
    Table,
    axis_pct,
    fmt_hours,
    fmt_int,
    fmt_pct,
    lead_label,
    short_pct,
    weekday_label,
)


def _use_rows_by_counselor(dashboard: Dashboard, figures: OfficeFigures) -> list[tuple]:
    """(label, booked, offered or None) for each counselor with time in the period."""
    now = figures.current
    rows = []
    for counselor in dashboard.counselors:
        if figures.office is not None and counselor.office_id != figures.office.pk:
            continue
        booked, offered = now.booked_minutes[counselor.pk], now.offered_minutes[counselor.pk]
        if not (booked or offered):
            continue
        label = counselor.name
        if not counselor.is_active:
            label = _("%(name)s (no longer taking bookings)") % {"name": counselor.name}
        rows.append((label, booked, offered if counselor.is_active else None))
    return rows


def _use_rows_by_office(dashboard: Dashboard) -> list[tuple]:
    """(office, booked, offered) for each office: all offices side by side."""
    rows = []
    for office in dashboard.offices:
        now = dashboard.figures[office.pk].current
        rows.append(
            (office.name, sum(now.booked_minutes.values()), sum(now.offered_minutes.values()))
        )
    return rows


def utilisation_figure(dashboard: Dashboard, figures: OfficeFigures) -> Figure:
    """Per counselor for one office; per office when several are shown together."""
    by_office = figures.office is None and len(dashboard.offices) > 1
    shown = _use_rows_by_office(dashboard) if by_office else _use_rows_by_counselor(
        dashboard, figures
    )  # fmt: skip
    rates = [share(booked, offered) if offered else None for _l, booked, offered in shown]
    title = _("Utilisation by office") if by_office else _("Utilisation by counselor")
    chart = None
    if shown:
        chart = charts.bar_chart(
            "chart-utilisation",
            title=title,
            desc=_("Booked minutes as a share of offered minutes; the numbers are in the table."),
            categories=[label for label, _b, _o in shown],
            series=[Series(dashboard.period.label, rates, *NOW_COLOUR)],
            value_label=fmt_pct,
            max_value=max([1.0, *[r for r in rates if r is not None]]),
        )
    rows = [
        [label, fmt_hours(booked), fmt_hours(offered) if offered is not None else "—",
         fmt_pct(rate)]
        for (label, booked, offered), rate in zip(shown, rates, strict=True)
    ]  # fmt: skip
    now = figures.current
    booked, offered = sum(now.booked_minutes.values()), sum(now.offered_minutes.values())
    first_column = _("Office") if by_office else _("Counselor")
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
                caption=title,
                head=[first_column, _("Booked (hours)"), _("Offered (hours)"), _("Utilisation")],
                rows=rows,
                foot=[
                    [
                        _("All offices") if by_office else _("All counselors"),
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
        value_label=short_pct,
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
        axis_label=axis_pct,
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
