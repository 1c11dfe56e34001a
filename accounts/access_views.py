"""The managers' review of who looked at whom in their office, and its monthly summary."""

import csv
import re
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.access_review import Kind, access_review, access_summary
from common.clock import JST
from offices.models import Office


def _office(request: HttpRequest) -> Office:
    """The office asked for (`?office=<slug>`): a manager's own only (else 404)."""
    user = request.user
    if not (user.is_superuser or user.has_perm("accounts.review_staffaccess")):
        raise PermissionDenied
    offices = Office.objects.order_by("pk")
    if not user.is_superuser:
        offices = offices.filter(pk=user.office_id)
    slug = request.GET.get("office")
    office = offices.filter(slug=slug).first() if slug else offices.first()
    if office is None:
        raise Http404
    return office


def _month(request: HttpRequest) -> date:
    this_month = request.now.astimezone(JST).date().replace(day=1)
    value = request.GET.get("month") or ""
    if not value:
        return this_month
    match = re.fullmatch(r"(20\d\d)-(0[1-9]|1[0-2])", value)
    if match is None:
        messages.warning(
            request,
            _(
                "“%(value)s” is not a month written as YYYY-MM (for example 2026-11): this "
                "month is shown."
            )
            % {"value": value[:20]},
        )
        return this_month
    return date(int(match[1]), int(match[2]), 1)


def _previous(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


@staff_member_required(login_url="/admin/login/")
def access_review_view(request: HttpRequest) -> HttpResponse:
    office = _office(request)
    month = _month(request)
    review = access_review(office_id=office.pk, month=month)
    offices = Office.objects.order_by("pk") if request.user.is_superuser else [office]
    context = {
        "title": _("Who looked at whose records"),
        "office": office,
        "offices": offices,
        "month": f"{month:%Y-%m}",
        "previous_month": f"{_previous(month):%Y-%m}",
        "review": review,
        "many_records": settings.STAFF_ACCESS_MANY_RECORDS,
        "hours": settings.STAFF_ACCESS_HOURS,
    }
    return render(request, "accounts/access_review.html", context)


@staff_member_required(login_url="/admin/login/")
def access_summary_csv(request: HttpRequest) -> HttpResponse:
    office = _office(request)
    month = _month(request)
    rows = access_summary(office_id=office.pk, month=month)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="record-of-views-{office.slug}-{month:%Y-%m}.csv"'
    )
    response.write("\ufeff")  # a BOM, so that Excel in Japan reads UTF-8
    writer = csv.writer(response)
    labels = dict(Kind.choices)
    writer.writerow(
        [_("staff member"), _("superuser"), *(str(labels[k]) for k in Kind.values),
         _("people whose records were opened"), _("views outside office hours"), _("days")]
    )  # fmt: skip
    for row in rows:
        writer.writerow(
            [_csv_safe(row.username), _("yes") if row.by_superuser else "",
             *(row.kinds[k] for k in Kind.values), len(row.people), row.off_hours, len(row.days)]
        )  # fmt: skip
    return response


def _csv_safe(value: str) -> str:
    """A username a spreadsheet would run as a formula (it may start with + - @) stays text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
