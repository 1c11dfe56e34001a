"""
Reads of the record of who looked at whom, for an office's managers: one month's views of
the office's records, the unusual ones first (one account opening many people's records
in a day, views outside office hours, views by a superuser), and the month's summary per
staff account. One query for the month, whatever the number of views; the rest in Python.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings

from accounts.models import StaffAccess
from common.clock import JST

Kind = StaffAccess.Kind
# Views that open people's records (a list or the day's schedule is browsing).
OPENING_KINDS = (Kind.PERSON, Kind.BOOKING, Kind.PREFILL, Kind.EXPORT)
SHOWN = 300  # the latest views listed on the page; the summary counts them all


@dataclass(frozen=True)
class View:
    at: datetime
    username: str
    by_superuser: bool
    kind: str
    label: str
    count: int
    records: dict
    address: str

    @property
    def records_text(self) -> str:
        return "; ".join(f"{name} {', '.join(map(str, ids))}" for name, ids in self.records.items())


@dataclass(frozen=True)
class ManyRecords:
    username: str
    day: date
    people: int


@dataclass
class Review:
    first: datetime
    until: datetime
    views: list[View] = field(default_factory=list)
    many: list[ManyRecords] = field(default_factory=list)
    off_hours: list[View] = field(default_factory=list)
    by_superusers: list[View] = field(default_factory=list)
    total: int = 0


def month_bounds(month: date) -> tuple[datetime, datetime]:
    first = datetime(month.year, month.month, 1, tzinfo=JST)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return first, datetime.combine(following, time(0), tzinfo=JST)


def office_hours() -> tuple[time, time]:
    start, end = settings.STAFF_ACCESS_HOURS.split("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def outside_hours(moment: datetime, hours: tuple[time, time]) -> bool:
    local = moment.astimezone(JST)
    return local.weekday() == 6 or not hours[0] <= local.time() < hours[1]


def _views(*, office_id: int, month: date) -> tuple[datetime, datetime, list[View]]:
    first, until = month_bounds(month)
    rows = StaffAccess.objects.filter(office_id=office_id, at__gte=first, at__lt=until).values_list(
        "at", "username", "by_superuser", "kind", "count", "records", "address"
    )
    labels = dict(Kind.choices)
    views = [
        View(
            at, username, su, kind, str(labels.get(kind, kind)), count, records or {}, address or ""
        )
        for at, username, su, kind, count, records, address in rows.order_by("-at", "-pk")
    ]
    return first, until, views


def access_review(*, office_id: int, month: date) -> Review:
    """The month's views of `office_id`'s records, the unusual ones picked out."""
    first, until, views = _views(office_id=office_id, month=month)
    review = Review(first=first, until=until, views=views[:SHOWN], total=len(views))
    hours = office_hours()
    people: dict[tuple[str, date], set] = defaultdict(set)
    for view in views:
        if view.kind in OPENING_KINDS:
            key = (view.username, view.at.astimezone(JST).date())
            people[key].update(view.records.get("applicant", ()))
        if outside_hours(view.at, hours):
            review.off_hours.append(view)
        if view.by_superuser:
            review.by_superusers.append(view)
    review.many = sorted(
        (
            ManyRecords(username, day, len(ids))
            for (username, day), ids in people.items()
            if len(ids) >= settings.STAFF_ACCESS_MANY_RECORDS
        ),
        key=lambda m: (-m.people, m.day, m.username),
    )
    return review


@dataclass
class SummaryRow:
    username: str
    by_superuser: bool = False
    kinds: Counter = field(default_factory=Counter)
    people: set = field(default_factory=set)
    off_hours: int = 0
    days: set = field(default_factory=set)


def access_summary(*, office_id: int, month: date) -> list[SummaryRow]:
    """Per staff account: views of each kind, distinct people, views outside hours, days."""
    _first, _until, views = _views(office_id=office_id, month=month)
    hours = office_hours()
    rows: dict[str, SummaryRow] = {}
    for view in views:
        row = rows.setdefault(view.username, SummaryRow(view.username))
        row.by_superuser = row.by_superuser or view.by_superuser
        row.kinds[view.kind] += 1
        row.people.update(view.records.get("applicant", ()))
        row.off_hours += outside_hours(view.at, hours)
        row.days.add(view.at.astimezone(JST).date())
    return sorted(rows.values(), key=lambda r: r.username)
