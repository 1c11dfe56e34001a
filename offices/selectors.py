"""Reads of offices, services and their calendars."""

from collections import defaultdict
from datetime import date, time, timedelta

from django.db.models import Prefetch, QuerySet

from offices.business_days import OfficeCalendar
from offices.models import Closure, Office, OpeningHours, Service

# Closures are loaded this far around the asked range, so that counting business days
# back for a lead time (at most 30 business days) never leaves the loaded span.
_CALENDAR_MARGIN = timedelta(days=62)


def _translations(translated: bool) -> list[str]:
    # The offices' own texts in other languages (offices.content): only when the page's
    # language is one (Japanese and English live on the rows themselves).
    return ["content_translations"] if translated else []


def office_list_published(*, translated: bool = False) -> QuerySet[Office]:
    active_services = (
        Service.objects.filter(is_active=True)
        .order_by("position", "slug")
        .prefetch_related(*_translations(translated))
    )
    return Office.objects.filter(is_published=True).prefetch_related(
        Prefetch("services", queryset=active_services, to_attr="active_services"),
        *_translations(translated),
    )


def office_get_published(*, slug: str, translated: bool = False) -> Office:
    """Raises Office.DoesNotExist for an unknown or unpublished office."""
    hours = OpeningHours.objects.order_by("weekday", "start")
    services = (
        Service.objects.filter(is_active=True)
        .order_by("position", "slug")
        .prefetch_related(Prefetch("opening_hours", queryset=hours), *_translations(translated))
    )
    return Office.objects.prefetch_related(
        Prefetch("services", queryset=services, to_attr="active_services"),
        *_translations(translated),
    ).get(slug=slug, is_published=True)


def office_calendar(*, office: Office, start: date, end: date) -> OfficeCalendar:
    """The office's calendar, correct for any day from `start` to `end` and around them."""
    rows = Closure.objects.filter(
        office=office, date__gte=start - _CALENDAR_MARGIN, date__lte=end + _CALENDAR_MARGIN
    ).values_list("date", "kind")
    closed, extra = set(), set()
    for day, kind in rows:
        (closed if kind == Closure.Kind.CLOSED else extra).add(day)
    return OfficeCalendar.from_dates(closed=closed, extra_openings=extra)


def weekly_hours(service: Service) -> dict[int, list[tuple[time, time]]]:
    """Weekday -> ordered windows, from prefetched or fresh opening hours."""
    table: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for row in service.opening_hours.all():
        table[row.weekday].append((row.start, row.end))
    for windows in table.values():
        windows.sort()
    return dict(table)


UPCOMING_CLOSURE_DAYS = 60


def office_upcoming_closures(*, office: Office, today: date) -> list[Closure]:
    """The office's own closures (not the national calendar) from today, for the public."""
    return list(
        Closure.objects.filter(
            office=office,
            kind=Closure.Kind.CLOSED,
            date__gte=today,
            date__lte=today + timedelta(days=UPCOMING_CLOSURE_DAYS),
        ).order_by("date")
    )
