"""
The monthly report: per office, a row per service and channel, a column per outcome of the
bookings made and their total, then the lapsed email checks beside it (never in it); with
several offices, a row adding them all up; and what the device checks found.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from reports.device_checks import DeviceChecks
from reports.figures import CHANNELS, MADE_OUTCOMES, Counts, MonthlyReport, Outcome


@dataclass
class ReportRow:
    cells: list[str]  # service, channel, a count per outcome, total, lapsed email checks
    subtotal: bool = False


@dataclass
class ReportOffice:
    name: str
    head: list[str]
    rows: list[ReportRow]
    total: list[str]
    device_checks: list[list[str]] = field(default_factory=list)  # [kind, sessions]


def report_head() -> list[str]:
    return [
        _("Service"),
        _("Channel"),
        *[str(o.label) for o in MADE_OUTCOMES],
        _("Total"),
        _("Email checks lapsed (not bookings: not in the total)"),
    ]


def _cells(first: str, second: str, values: list[int], lapsed: int) -> list[str]:
    return [first, second, *map(str, values), str(sum(values)), str(lapsed)]


def _device_rows(checks: DeviceChecks) -> list[list[str]]:
    if not checks.checked:
        return []
    return [
        [_("Device check: sessions checked"), str(checks.checked)],
        [_("Device check: no problem found"), str(checks.passed)],
        *[[_("Device check: %(kind)s") % {"kind": kind}, str(n)] for kind, n in checks.by_kind()],
    ]


def report_offices(report: MonthlyReport) -> list[ReportOffice]:
    """Each office's table, and with several offices one more adding them up (last)."""
    head = report_head()
    shown = []
    everyone = Counts()
    every_check = DeviceChecks()
    for office in report.offices:
        table = report.bookings[office.pk]
        counts = Counts(bookings=table)
        everyone.bookings.update(table)
        checks = report.device_checks.get(office.pk, DeviceChecks())
        every_check.add(checks)
        rows = []
        for service in [s for s in report.services if s.office_id == office.pk]:
            if not counts.service_total(service.pk) and not service.is_active:
                continue
            for channel in CHANNELS:
                values = [table[service.pk, channel, o] for o in MADE_OUTCOMES]
                lapsed = table[service.pk, channel, Outcome.EXPIRED]
                rows.append(ReportRow(_cells(service.name, str(channel.label), values, lapsed)))
            values = [counts.outcome(o, service.pk) for o in MADE_OUTCOMES]
            lapsed = counts.outcome(Outcome.EXPIRED, service.pk)
            rows.append(
                ReportRow(_cells(service.name, _("all channels"), values, lapsed), subtotal=True)
            )
        values = [counts.outcome(o) for o in MADE_OUTCOMES]
        total = _cells(
            _("All services"), _("all channels"), values, counts.outcome(Outcome.EXPIRED)
        )
        shown.append(
            ReportOffice(office.name, head, rows, total, device_checks=_device_rows(checks))
        )
    if len(report.offices) > 1:
        values = [everyone.outcome(o) for o in MADE_OUTCOMES]
        total = _cells(
            _("All services"), _("all channels"), values, everyone.outcome(Outcome.EXPIRED)
        )
        shown.append(
            ReportOffice(_("All offices"), head, [], total, device_checks=_device_rows(every_check))
        )
    return shown
