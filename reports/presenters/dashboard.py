"""The dashboard's figures: what became of the bookings, channels, no-shows, bars."""

from django.utils.translation import gettext as _

from bookings.outcomes import DUE_OUTCOMES
from reports import charts
from reports.charts import Series
from reports.figures import (
    CHANNELS,
    MADE_OUTCOMES,
    Dashboard,
    OfficeFigures,
    Outcome,
    share,
)
from reports.periods import month_label
from reports.presenters.formats import (
    BEFORE_COLOUR,
    CHANNEL_COLOURS,
    NOW_COLOUR,
    Figure,
    Table,
    axis_pct,
    fmt_change,
    fmt_int,
    fmt_pct,
    fmt_points,
    outcome_series,
    short_pct,
)
from reports.presenters.time_use import heat_figure, lead_figure, utilisation_figure


def summary_table(dashboard: Dashboard, figures: OfficeFigures) -> Table:
    now, before = figures.current, figures.previous
    rows = [
        [
            _("Bookings made"),
            fmt_int(now.total),
            fmt_int(before.total),
            fmt_change(now.total, before.total),
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
    outcomes = MADE_OUTCOMES
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
    lapsed = [_("Email checks lapsed (not bookings: not in the total)")]
    for service in services:
        lapsed += [fmt_int(now.outcome(Outcome.EXPIRED, service.pk)), ""]
    earlier = before.outcome(Outcome.EXPIRED)
    lapsed += [fmt_int(now.outcome(Outcome.EXPIRED)), "", fmt_int(earlier), "",
               fmt_change(now.outcome(Outcome.EXPIRED), earlier)]  # fmt: skip
    return Figure(
        slug="outcomes",
        title=_("Sessions and their outcomes"),
        how=_(
            "Every booking whose session starts in the period (Japan time), by what became of "
            "it, decided by its last change: a session switched to phone stays one when it is "
            "then completed. Cancelled by the person: online, or by a counselor at their "
            "request; a request declined by staff; cancelled by the office: otherwise, and "
            "every booking of a day the office closed. Shares are of all bookings made in the "
            "column; lapsed email checks never became bookings and are shown apart."
        ),
        chart=chart,
        tables=[Table(caption=_("Bookings by outcome"), head=head, rows=rows, foot=[foot, lapsed])],
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
        series=outcome_series(
            {o: [f.current.outcome(o) for f in per_office] for o in MADE_OUTCOMES}
        ),
    )
    head = [
        _("Office"),
        _("Bookings made"),
        *[str(o.label) for o in MADE_OUTCOMES],
        _("Email checks lapsed (not bookings)"),
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
                fmt_int(now.total),
                *[fmt_int(now.outcome(o)) for o in MADE_OUTCOMES],
                fmt_int(now.outcome(Outcome.EXPIRED)),
                fmt_pct(now.no_show_rate),
                fmt_pct(now.utilisation),
                fmt_pct(now.last_moment_share),
                fmt_int(now.barred),
            ]
        )
    total = dashboard.total.current
    foot = [
        _("All offices"),
        fmt_int(total.total),
        *[fmt_int(total.outcome(o)) for o in MADE_OUTCOMES],
        fmt_int(total.outcome(Outcome.EXPIRED)),
        fmt_pct(total.no_show_rate),
        fmt_pct(total.utilisation),
        fmt_pct(total.last_moment_share),
        fmt_int(total.barred),
    ]
    return Figure(
        slug="offices",
        wide=True,
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
        value_label=short_pct,
        stacked_share=True,
    )
    rows = []
    for channel in CHANNELS:
        count, earlier = now.channel(channel), before.channel(channel)
        rows.append(
            [
                str(channel.label),
                fmt_int(count),
                fmt_pct(share(count, now.total)),
                fmt_int(earlier),
                fmt_pct(share(earlier, before.total)),
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
        foot=[[_("All bookings"), fmt_int(now.total), "", fmt_int(before.total), ""]],
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
        axis_label=axis_pct,
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


def device_check_figure(dashboard: Dashboard, figures: OfficeFigures) -> Figure | None:
    """What the last device check before each session found, by kind; left out without any."""
    checks = figures.device_checks
    if not checks.checked:
        return None
    kinds = checks.by_kind()
    chart = None
    if kinds:
        chart = charts.bar_chart(
            "chart-device-checks",
            title=_("Device check: problems found"),
            desc=_("Sessions by the problem their last device check found; see the table."),
            categories=[kind for kind, _count in kinds],
            series=[Series(dashboard.period.label, [n for _kind, n in kinds], *NOW_COLOUR)],
            value_label=lambda v: fmt_int(int(v)),
        )
    return Figure(
        slug="device-checks",
        title=_("Device check: problems found"),
        how=_(
            "Sessions of the period whose person ran the device check, by what their last "
            "check before the session found (a problem fixed and checked again is not "
            "counted). A session can have problems of several kinds."
        ),
        chart=chart,
        tables=[
            Table(
                caption=_("Device check: problems found"),
                head=[_("Kind of problem"), _("Number of sessions")],
                rows=[[kind, fmt_int(n)] for kind, n in kinds],
                foot=[
                    [_("Sessions checked"), fmt_int(checks.checked)],
                    [_("No problem found"), fmt_int(checks.passed)],
                    [_("With a problem"), fmt_int(checks.with_problems)],
                ],
            )
        ],
    )


def seats_figure(dashboard: Dashboard, figures: OfficeFigures) -> Figure | None:
    """Group sessions (セミナー・説明会): seats offered, filled and attended; left out
    without any session in either period."""
    now, before = figures.current.seats, figures.previous.seats
    if not (now["sessions"] or before["sessions"]):
        return None

    def row(label: str, key: str) -> list[str]:
        return [label, fmt_int(now[key]), fmt_int(before[key])]

    return Figure(
        slug="seats",
        title=_("Group sessions: seats filled and attendance"),
        how=_(
            "Group sessions (seminars) that start in the period and were not cancelled: the "
            "seats they offered, the seats booked and not given back, and the people checked "
            "in. Each seat is also counted as a booking above; the counselor's time of a "
            "session counts once."
        ),
        chart=None,
        tables=[
            Table(
                caption=_("Group sessions"),
                head=[_("Figure"), dashboard.period.label, dashboard.previous.label],
                rows=[
                    row(_("Sessions"), "sessions"),
                    row(_("Seats offered"), "offered"),
                    row(_("Seats filled"), "filled"),
                    row(_("Checked in"), "attended"),
                    row(str(Outcome.NO_SHOW.label), "no_show"),
                ],
                foot=[
                    [
                        _("Seats filled (share of offered)"),
                        fmt_pct(share(now["filled"], now["offered"])),
                        fmt_pct(share(before["filled"], before["offered"])),
                    ],
                    [
                        _("Attendance (share of seats filled)"),
                        fmt_pct(share(now["attended"], now["filled"])),
                        fmt_pct(share(before["attended"], before["filled"])),
                    ],
                ],
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
        device_check_figure(dashboard, figures),
        seats_figure(dashboard, figures),
    ]
    return {
        "summary": summary_table(dashboard, figures),
        "figures": [figure for figure in shown if figure is not None],
    }
