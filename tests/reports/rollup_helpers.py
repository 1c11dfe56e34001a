"""
Helpers of the roll-up tests: the roll-ups recounted in Python from the bookings, as the
figures define them, and compared with what the database keeps and its own recount; a
world of two offices; the lead times worked out by the database and by Python.
"""

from collections import Counter
from datetime import date, time

from bookings.models import Booking, BookingStatus
from bookings.services.seats import group_session_schedule
from bookings.state import RELEASED_STATUSES
from common import clock
from common.clock import JST
from offices.roles import COUNSELORS, OFFICE_MANAGERS
from offices.rules import rules_for_service
from reports import rollups
from reports.functions import japan_day_number
from reports.models import DailyBookedMinutes, DailyLead, HourlyBookedMinutes
from tests.factories import ClosureFactory, office_with
from tests.helpers import jst, someone, staff


def day_number(moment) -> int:
    return japan_day_number(moment.astimezone(JST).date())


def recounted() -> dict[str, Counter]:
    """The roll-ups counted in Python from every booking, as the figures define them."""
    lead, minutes, hours = Counter(), Counter(), Counter()
    for b in Booking.objects.all():
        if b.status != BookingStatus.EXPIRED:
            lead[b.office_id, day_number(b.start), b.service_id, day_number(b.created_at)] += 1
        if b.status in RELEASED_STATUSES or b.group_session_id is not None:
            continue
        length = int((b.end - b.start).total_seconds()) // 60
        minutes[b.office_id, day_number(b.start), b.counselor_id] += length
        local = b.start.astimezone(JST)
        begins = local.hour * 60 + local.minute
        for minute in range(begins, min(begins + length, 24 * 60)):
            hours[b.office_id, day_number(b.start), minute // 60] += 1
    return {"lead": +lead, "minutes": +minutes, "hours": +hours}


def rolled_up() -> dict[str, Counter]:
    return {
        "lead": +Counter({(r.office_id, r.day, r.service_id, r.made): r.bookings
                          for r in DailyLead.objects.all()}),
        "minutes": +Counter({(r.office_id, r.day, r.counselor_id): r.minutes
                             for r in DailyBookedMinutes.objects.all()}),
        "hours": +Counter({(r.office_id, r.day, r.hour): r.minutes
                           for r in HourlyBookedMinutes.objects.all()}),
    }  # fmt: skip


def in_step(context: str) -> None:
    assert rolled_up() == recounted(), context
    differences = rollups.rollups_differences()
    assert not any(differences.values()), f"{context}: {differences}"


LATER = jst(2027, 1, 14, 10, 0)  # the second session: cancelled before the walk gets there


class World:
    """Two offices (one confirms at once with two counselors, one has counselors confirm,
    checks email addresses, keeps a waitlist, asks two business days ahead and is closed on
    Monday 30th; both allow 15 minutes' extension), their
    counselors' accounts and two group sessions of four seats (the second far ahead)."""

    def __init__(self, frozen):
        self.frozen = frozen
        self.instant = office_with(counselors=2, max_extension_minutes=15,
                                   hours=(time(9, 0), time(12, 0)))  # fmt: skip
        self.approval = office_with(
            confirmation_mode="staff_approval", email_verification_minutes=60,
            max_extension_minutes=15, lead_time_unit="business_days", lead_time_days=2,
        )  # fmt: skip
        ClosureFactory(office=self.approval, date=date(2026, 11, 30))
        self.staff = {}
        for office in (self.instant, self.approval):
            self.staff[office.pk] = staff(office, COUNSELORS, f"c-{office.slug}")
            office.service = office.services.get()
        self.approval.service.waitlist_enabled = True
        self.approval.service.save(update_fields=["waitlist_enabled"])
        manager = staff(self.instant, OFFICE_MANAGERS, "m-instant")
        self.session, self.later_session = (
            group_session_schedule(
                service=self.instant.service,
                counselor=self.instant.counselors.order_by("pk")[1],
                start=start,
                minutes=60,
                capacity=4,
                by=manager,
                now=clock.now(),
            )
            for start in (jst(2026, 11, 26, 10, 0), LATER)
        )
        self.people = 0

    def person(self) -> dict:
        self.people += 1
        return someone(self.people)

    def bookings(self, *statuses) -> list[Booking]:
        found = Booking.objects.select_related("office", "service").order_by("pk")
        return list(found.filter(status__in=statuses) if statuses else found)


def lead_times_agree(world) -> Counter:
    """On PostgreSQL the database works out the lead times: the same as Python does (the
    tally, which is returned)."""
    from django.db import connection

    from offices.models import Service
    from reports import grouped, lead_times
    from reports.periods import Period
    from reports.selectors import _capacity

    offices = [world.instant, world.approval]
    period = Period(first=date(2026, 11, 25), last=date(2026, 12, 31))
    previous = period.previous()
    services = list(Service.objects.filter(office__in=offices))
    _counselors, capacity = _capacity([o.pk for o in offices], previous.first, period.last)
    in_database = lead_times.lead_tally(
        offices=offices, services=services, capacity=capacity, period=period, previous=previous
    )
    if connection.vendor != "postgresql":  # where Python is the one that works them out
        return +in_database
    rows = grouped.rows(grouped.lead_rows([o.pk for o in offices], previous.start, period.end))
    running = lead_times.BusinessDayCount.for_offices(
        {o.pk: capacity[o.pk].calendar for o in offices}, previous.first - lead_times.MARGIN,
        period.last,
    )  # fmt: skip
    rules = {s.pk: rules_for_service(s) for s in services}
    in_python = lead_times.tally_in_python(
        rows, rules=rules, running=running, current_from=day_number(jst(2026, 11, 25))
    )
    assert +in_database == +in_python
    return +in_python
