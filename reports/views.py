"""
The admin pages of the office's figures (実績): the dashboard, the monthly report as a
printable page and as CSV. Managers see their own office (another office asked for by
address is a 404), counselors nothing unless granted `reports.view_office_report` (403),
superusers any office or all of them side by side. The data are counts only: no name,
reference or contact reaches these pages.
"""

import csv
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.clock import JST
from offices.display import format_datetime
from offices.models import Office
from reports.forms import ALL_OFFICES, PeriodForm, ReportForm
from reports.periods import Period
from reports.presenters import dashboard_page, report_offices
from reports.presenters.others import other_figures
from reports.selectors import dashboard_figures, monthly_report
from waitlist.selectors import waitlist_filled_counts

PERMISSION = "reports.view_office_report"


def _allowed_offices(request: HttpRequest) -> list[Office]:
    user = request.user
    if user.is_superuser:
        return list(Office.objects.order_by("position", "slug"))
    if user.office_id is None or not user.has_perm(PERMISSION):
        raise PermissionDenied
    return list(Office.objects.filter(pk=user.office_id))


def _chosen(request: HttpRequest, allowed: list[Office]) -> tuple[list[Office], Office | None]:
    """The offices shown and the one chosen (None: all side by side, superusers only)."""
    slug = request.GET.get("office", "")
    if request.user.is_superuser and slug in ("", ALL_OFFICES) and len(allowed) > 1:
        return allowed, None
    if not slug:
        return allowed[:1], allowed[0] if allowed else None
    for office in allowed:
        if office.slug == slug:
            return [office], office
    raise Http404


def _query(**values) -> str:
    return "?" + urlencode({key: value for key, value in values.items() if value})


def _period_query(office_slug: str, period: Period) -> str:
    if period.is_month:
        return _query(office=office_slug, month=period.month_value)
    return _query(office=office_slug, first=period.first.isoformat(), last=period.last.isoformat())


def dashboard_view(request: HttpRequest) -> HttpResponse:
    allowed = _allowed_offices(request)
    offices, office = _chosen(request, allowed)
    if not offices:
        raise Http404
    today = request.now.astimezone(JST).date()
    form = PeriodForm(
        request.GET or None, offices=allowed, superuser=request.user.is_superuser, today=today
    )
    if form.is_bound:
        form.is_valid()
    period = form.period
    dashboard = dashboard_figures(offices=offices, period=period, now=request.now)
    slug = office.slug if office else (ALL_OFFICES if len(offices) > 1 else "")
    report_month = period if period.is_month else Period.month_of(period.last)
    context = {
        **admin.site.each_context(request),
        "title": _("Office results"),
        "scope": office.name if office else _("All offices"),
        "form": form,
        "period": period,
        "previous": dashboard.previous,
        "running": period.end > request.now,
        "previous_url": _period_query(slug, period.previous()),
        "next_url": _period_query(slug, period.following()),
        "this_month_url": _period_query(slug, Period.month_of(today)),
        "report_url": reverse("reports:monthly") + _period_query(slug, report_month),
        "csv_url": reverse("reports:monthly-csv") + _period_query(slug, report_month),
        **dashboard_page(dashboard, office_id=office.pk if office else None),
        "waitlist_filled": _waitlist_filled(dashboard.services, period),
    }
    context["figures"] += other_figures(office_ids=[o.pk for o in offices], period=period)
    return render(request, "admin/reports/dashboard.html", context)


def _waitlist_filled(services, period: Period) -> int | None:
    """Freed times the waitlist filled in the period (offers booked, by session start);
    None where no office shown has a waitlist (no active service of theirs keeps one: the
    services the figures read already, so no query per office)."""
    with_waitlist = sorted({s.office_id for s in services if s.waitlist_enabled and s.is_active})
    if not with_waitlist:
        return None
    counts = waitlist_filled_counts(office_ids=with_waitlist, first=period.start, last=period.end)
    return sum(counts.values())


def _report(request: HttpRequest):
    allowed = _allowed_offices(request)
    offices, office = _chosen(request, allowed)
    if not offices:
        raise Http404
    today = request.now.astimezone(JST).date()
    form = ReportForm(
        request.GET or None, offices=allowed, superuser=request.user.is_superuser, today=today
    )
    if form.is_bound:
        form.is_valid()
    report = monthly_report(offices=offices, period=form.period, now=request.now)
    return form, office, report


def monthly_report_view(request: HttpRequest) -> HttpResponse:
    """The month's counts per service, channel and outcome, as a page to print."""
    form, office, report = _report(request)
    slug = office.slug if office else ALL_OFFICES
    context = {
        **admin.site.each_context(request),
        "title": _("Monthly report"),
        "form": form,
        "report": report,
        "tables": report_offices(report),
        "running": report.period.end > request.now,
        "generated": format_datetime(request.now),
        "csv_url": reverse("reports:monthly-csv") + _period_query(slug, report.period),
        "dashboard_url": reverse("reports:dashboard") + _period_query(slug, report.period),
    }
    return render(request, "admin/reports/monthly.html", context)


def monthly_report_csv_view(request: HttpRequest) -> HttpResponse:
    """
    The same figures as CSV for Excel: UTF-8 with a BOM (Excel in Japan reads it as such),
    one row per office, service and channel, a column per outcome. Counts only.
    """
    _form, office, report = _report(request)
    name = office.slug if office else ALL_OFFICES
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="monthly-report-{name}-{report.period.month_value}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Monthly report"), report.period.label])
    writer.writerow([_("Generated"), format_datetime(request.now)])
    if report.period.end > request.now:
        writer.writerow([_("Note"), str(UNFINISHED)])
    writer.writerow([])
    tables = report_offices(report)
    for index, table in enumerate(tables):
        if index == 0:
            writer.writerow([_("Office"), *table.head])
        for row in [*[r.cells for r in table.rows], table.total]:
            writer.writerow([_csv_safe(table.name), *[_csv_safe(cell) for cell in row]])
    checks = [(table.name, row) for table in tables for row in table.device_checks]
    if checks:
        writer.writerow([])
        writer.writerow([_("Office"), _("Device check"), _("Number of sessions")])
        for name, row in checks:
            writer.writerow([_csv_safe(name), *[_csv_safe(cell) for cell in row]])
    return response


UNFINISHED = gettext_lazy(
    "This month has not ended: the counts include sessions still to come and will change."
)


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet would run as a formula is kept as text (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
