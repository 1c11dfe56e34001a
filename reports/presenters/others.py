"""
The figures of other kinds of session, which their apps register (`bookings.hooks`; the
online interviews do) since this app may not import them: for each, the period beside the
one before, counted by the app's own query, as one table. Counts only, like every figure.
"""

from django.utils.translation import gettext as _

from bookings.hooks import figure_sources
from reports.periods import Period
from reports.presenters.formats import Figure, Table, fmt_change, fmt_int


def other_figures(*, office_ids: list[int], period: Period) -> list[Figure]:
    """One figure per registered source: one query each."""
    previous = period.previous()
    figures = []
    for source in figure_sources():
        now, before = source.count(
            office_ids, [(period.start, period.end), (previous.start, previous.end)]
        )
        rows = [
            [str(label), fmt_int(now.get(key, 0)), fmt_int(before.get(key, 0)),
             fmt_change(now.get(key, 0), before.get(key, 0))]
            for key, label in source.rows
        ]  # fmt: skip
        table = Table(
            caption=str(source.title),
            head=[_("Figure"), period.label, previous.label, _("Change")],
            rows=rows,
        )
        title, how = str(source.title), str(source.how)
        figures.append(Figure(slug=source.slug, title=title, how=how, chart=None, tables=[table]))
    return figures
