"""The day's schedule as CSV for the office's records: what the page shows, no contact
details, every cell safe from spreadsheet formulas."""

import csv

from django.contrib.admin import ModelAdmin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from accounts.access_log import Kind
from bookings.admin.schedule import _attendee_line, record_schedule_view
from bookings.admin.scope import day_asked, office_for
from bookings.selectors.schedule import schedule_for_day
from common.clock import JST


def schedule_csv_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """The day as CSV for the office's records: what the page shows, no contact details."""
    office = office_for(request)
    day = day_asked(request)
    schedule = schedule_for_day(office=office, day=day, now=request.now)
    record_schedule_view(request, office, schedule, Kind.EXPORT)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="schedule-{office.slug}-{day}.csv"'
    response.write("\ufeff")  # a BOM, so that Excel in Japan reads UTF-8
    writer = csv.writer(response)

    def write(row: list) -> None:
        writer.writerow([_csv_safe(str(cell)) for cell in row])

    write(
        [_("start"), _("end"), _("counselor"), _("status"), _("reference"), _("name"),
         _("service"), _("channel"), _("attendees"), _("note")]
    )  # fmt: skip
    for block in schedule.blocks:
        b = block.booking
        write(
            [
                f"{b.start.astimezone(JST):%H:%M}",
                f"{b.end.astimezone(JST):%H:%M}",
                b.counselor.display_name,
                b.get_status_display(),
                b.reference,
                b.name,
                b.service.name,
                b.get_channel_display(),
                "; ".join(_attendee_line(attendee) for attendee in b.attendees),
                b.note,
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    """
    A cell a spreadsheet would run as a formula is kept as text (CSV injection). Every
    cell goes through here: a counselor's display name or a service name is typed by
    staff and is as able to start with "=" as the person's name.
    """
    return "'" + value if value[:1] in _FORMULA_STARTS else value


# OWASP's list, and the full-width forms a Japanese spreadsheet also reads as formulas.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
