"""The monthly report: per office, a row per service and channel, a column per outcome."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.figures import CHANNELS, Counts, MonthlyReport, Outcome


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
