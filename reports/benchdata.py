"""
Two years of history for the dashboard's benchmark: at least a million bookings for the
five offices, each with its events, people (some barred, some lifted) and consents, on
counselors of their own (so the availability benchmark's bookings are never in the way).

The data are drawn, not booked: `booking_create` at this volume would take hours, and the
figures need only what the booking path leaves behind: statuses, channels, times, the
events of each change, who cancelled. Drawn with a seeded generator, so every run seeds
the same. Rows are written with PostgreSQL's COPY (or executemany on SQLite) in chunks,
with ids assigned here so that events can name their booking.
"""

import json
import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

from bookings.models import Applicant, Booking, BookingEvent, BookingStatus
from common.clock import JST
from offices.business_days import OfficeCalendar, last_booking_day
from offices.models import Closure, Counselor, Office, OpeningHours, Service, User
from offices.rules import rules_for_service
from reports.capacity import OfficeCapacity
from reports.periods import Period
from terms.models import Consent
from terms.selectors import terms_in_force

BENCH_PREFIX = "bench-history"
MONTHS = 24
FILL = 0.78  # share of a counselor's session times that get booked
BOOKINGS_PER_PERSON = 4
CHUNK = 20_000


@dataclass
class Seeded:
    bookings: int = 0
    events: int = 0
    applicants: int = 0
    counselors: int = 0
    first: date | None = None
    last: date | None = None


def history_window(now: datetime) -> Period:
    """The 24 months up to the end of the current month (Japan)."""
    last = Period.month_of(now.astimezone(JST).date())
    first = last
    for _step in range(MONTHS - 1):
        first = first.previous()
    return Period(first=first.first, last=last.last)


def _slot_starts(service: Service, hours: list, length: int) -> dict[int, list[int]]:
    """Weekday -> session starts (minutes from midnight) of a service."""
    starts: dict[int, list[int]] = {}
    for weekday, start, end in hours:
        minute, limit = start.hour * 60 + start.minute, end.hour * 60 + end.minute
        while minute + length <= limit:
            starts.setdefault(weekday, []).append(minute)
            minute += length
    return {day: sorted(set(values)) for day, values in starts.items()}


def _weight(weekday: int, minute: int, first: int, last: int) -> float:
    """Busier Monday mornings, quieter Friday afternoons and last times of the day."""
    day = (1.12, 1.02, 1.0, 0.97, 0.88, 0.7, 0.5)[weekday]
    if minute == first:
        part = 1.08
    elif minute == last:
        part = 0.72
    elif minute >= 17 * 60:
        part = 0.62
    else:
        part = 1.0 if minute < 12 * 60 else 0.9
    return min(0.98, FILL * day * part)


class _Ids:
    def __init__(self, model):

        self.next = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


def _columns(model) -> list[str]:
    return [field.column for field in model._meta.concrete_fields]


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


# The layout of the rows this module writes, by model: the columns the seeder fills, in
# order. Columns a model has beyond these are written with the field's default, so the
# seeder keeps working when a model gains a column.
ROW_LAYOUT = {
    "Applicant": ["id", "uuid", "office_id", "kind", "identity_key", "name", "name_kana",
                  "job_seeker_number", "barred_at", "barred_reason", "bar_lifted_at",
                  "bar_lifted_by_id", "bar_lift_reason", "personal_data_purged_at",
                  "created_at"],
    "Consent": ["id", "uuid", "office_id", "terms_version_id", "applicant_uuid",
                "applicant_kind", "channel", "given_at", "recorded_by_id", "ip_prefix",
                "user_agent"],
    "Booking": ["id", "uuid", "reference", "office_id", "service_id", "counselor_id",
                "applicant_id", "consent_id", "start", "end", "status", "channel", "language",
                "name", "name_kana", "job_seeker_number", "email", "phone", "company_name",
                "attendees", "note", "contact_noted_at", "verification_token_hash",
                "verification_expires_at", "manage_token_hash", "idempotency_key",
                "request_fingerprint", "proposed_at", "personal_data_purged_at",
                "created_by_id", "created_at", "updated_at", "outcome"],
    "BookingEvent": ["id", "booking_id", "at", "from_status", "to_status", "actor_id",
                     "actor_label", "reason"],
}  # fmt: skip


def _field_default(field):
    if field.has_default():
        value = field.get_default()
    elif field.null:
        value = None
    else:
        value = ""
    return json.dumps(value) if isinstance(value, dict | list) else value


def write_rows(model, rows: list[tuple]) -> None:
    """Writes plain rows (laid out as `ROW_LAYOUT` says) in one COPY or executemany."""
    if not rows:
        return
    table = model._meta.db_table
    layout = ROW_LAYOUT[model.__name__]
    fields = list(model._meta.concrete_fields)
    columns = [field.column for field in fields]
    position = {name: i for i, name in enumerate(layout)}
    defaults = {field.column: _field_default(field) for field in fields}
    rows = [
        tuple(
            row[position[column]] if column in position else defaults[column] for column in columns
        )
        for row in rows
    ]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({quoted}) VALUES ({marks})",  # noqa: S608 - our own names
                [tuple(_sqlite_value(v) for v in row) for row in rows],
            )


def _counselors(office: Office, count: int) -> list[int]:
    unusable = make_password(None)
    users = [
        User(
            username=f"{BENCH_PREFIX}-{office.slug}-{n:02d}",
            office=office,
            password=unusable,
        )
        for n in range(1, count + 1)
    ]
    User.objects.bulk_create(users, batch_size=500)
    users = User.objects.filter(username__startswith=f"{BENCH_PREFIX}-{office.slug}-")
    counselors = [
        Counselor(user=user, office=office, display_name=f"相談員{user.username[-2:]}")
        for user in users.order_by("username")
    ]
    Counselor.objects.bulk_create(counselors, batch_size=500)
    return list(
        Counselor.objects.filter(user__username__startswith=f"{BENCH_PREFIX}-{office.slug}-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _lead_days(rng: random.Random) -> int:
    """Calendar days before the last allowed day: often a week or two, sometimes more."""
    if rng.random() < 0.13:
        return 0  # on the last day allowed
    return min(55, 1 + int(rng.expovariate(1 / 6)))


@dataclass
class _Office:
    office: Office
    services: list[Service]
    rules: dict
    grids: dict
    calendar: OfficeCalendar
    counselors: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    consents: list[int] = field(default_factory=list)
    made: int = 0


def _office_plan(office: Office, window: Period, now: datetime, per_office: int) -> _Office:
    services = list(Service.objects.filter(office=office, is_active=True).order_by("pk"))
    rules = {s.pk: rules_for_service(s, office) for s in services}
    hours = {s.pk: [] for s in services}
    for service_id, weekday, start, end in OpeningHours.objects.filter(
        service__in=services
    ).values_list("service_id", "weekday", "start", "end"):
        hours[service_id].append((weekday, start, end))
    closures = list(
        Closure.objects.filter(office=office).values_list("date", "kind", "start", "end")
    )
    calendar = OfficeCapacity.build(closures=closures, hours=[], absences=[]).calendar
    grids = {s.pk: _slot_starts(s, hours[s.pk], rules[s.pk].slot_minutes) for s in services}
    # Sessions far ahead are mostly not booked yet: size the counselors on the days to come
    # within a few weeks.
    horizon = now.astimezone(JST).date() + timedelta(days=21)
    slots = sum(
        len(grids[s.pk].get(day.weekday(), []))
        for day in window.each_day()
        if day <= horizon and calendar.is_open_day(day)
        for s in services
    )
    plan = _Office(office, services, rules, grids, calendar)
    plan.counselors = _counselors(office, max(2, math.ceil(per_office / (slots * FILL * 1.04))))
    return plan


def _people(rng, plan: _Office, window: Period, now: datetime, count: int, ids) -> None:
    """The office's people and their consents; a few barred, a few with the bar lifted."""
    applicant_ids, consent_ids = ids
    terms = terms_in_force(office=plan.office, at=now)
    first_moment = window.start - timedelta(days=60)
    applicants, consents = [], []
    for _n in range(count):
        pk, consent_pk = applicant_ids.take(), consent_ids.take()
        person_uuid = uuid.UUID(int=rng.getrandbits(128), version=4)
        barred_at = lifted_at = None
        roll = rng.random()
        if roll < 0.006:
            moment = window.start + timedelta(seconds=rng.randrange(window.days * 86400))
            if roll < 0.003 and moment + timedelta(days=30) < now:
                lifted_at = moment + timedelta(days=rng.randrange(5, 30))
            elif moment < now:
                barred_at = moment
        applicants.append(
            (pk, person_uuid, plan.office.pk, "job_seeker", f"{BENCH_PREFIX}:{pk}", "", "", "",
             barred_at, "3 unannounced no-shows" if barred_at else "", lifted_at, None,
             "bench" if lifted_at else "", None, first_moment)
        )  # fmt: skip
        consents.append(
            (consent_pk, uuid.UUID(int=rng.getrandbits(128), version=4), plan.office.pk,
             terms.pk, person_uuid, "job_seeker", "web", first_moment, None, "", "")
        )  # fmt: skip
        plan.people.append(pk)
        plan.consents.append(consent_pk)
    write_rows(Applicant, applicants)
    write_rows(Consent, consents)


def seed_history(*, now: datetime, target: int = 1_000_000, out=print) -> Seeded:
    """
    Seeds `target` bookings or more over `history_window(now)`; see the module's note.
    Days are drawn in order across the offices, as bookings arrive in a live database, so
    the table's physical order mixes the offices as it would there.
    """
    rng = random.Random(17)
    window = history_window(now)
    result = Seeded(first=window.first, last=window.last)
    offices = list(Office.objects.order_by("position", "slug"))
    per_office = math.ceil(target * 1.1 / len(offices))
    ids = (_Ids(Applicant), _Ids(Consent))
    booking_ids, event_ids = _Ids(Booking), _Ids(BookingEvent)
    plans = [_office_plan(office, window, now, per_office) for office in offices]
    for plan in plans:
        _people(rng, plan, window, now, max(100, per_office // BOOKINGS_PER_PERSON), ids)
        result.applicants += len(plan.people)
        result.counselors += len(plan.counselors)

    bookings, events = [], []
    for day in window.each_day():
        for plan in plans:
            if not plan.calendar.is_open_day(day):
                continue
            for service in plan.services:
                starts = plan.grids[service.pk].get(day.weekday(), [])
                if not starts:
                    continue
                rule = plan.rules[service.pk]
                last_day = last_booking_day(day, rule, plan.calendar)
                for minute in starts:
                    chance = _weight(day.weekday(), minute, starts[0], starts[-1])
                    begin = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=JST)
                    for counselor_id in plan.counselors:
                        if rng.random() >= chance:
                            continue
                        for booking, booking_events in _bookings_at(
                            rng, begin, rule, service, plan.office, counselor_id, last_day, now,
                            plan.people, plan.consents, booking_ids, event_ids,
                        ):  # fmt: skip
                            bookings.append(booking)
                            events.extend(booking_events)
                            plan.made += 1
        if len(bookings) >= CHUNK or day == window.last:
            write_rows(Booking, bookings)
            write_rows(BookingEvent, events)
            result.bookings += len(bookings)
            result.events += len(events)
            bookings, events = [], []
    for plan in plans:
        out(
            f"  {plan.office.slug:<12}{len(plan.counselors):>4} counselors {plan.made:>9,} bookings"
        )
    _reset_sequences()
    return result


_OUTCOMES = [
    # status, actor of the last change, weight (past sessions)
    (BookingStatus.COMPLETED, "staff", 0.72),
    (BookingStatus.NO_SHOW, "system", 0.055),
    (BookingStatus.SWITCHED_TO_PHONE, "staff", 0.03),
    ("cancelled_by_person", "applicant", 0.11),
    ("cancelled_by_office", "staff", 0.025),
    ("declined", "staff", 0.035),
    (BookingStatus.EXPIRED, "system", 0.025),
]
# What each drawn outcome is as `Booking.outcome` (the rest are the status's own name).
_OUTCOME_OF = {BookingStatus.COMPLETED: "held", BookingStatus.CONFIRMED: "scheduled"}
_CHANNELS = [("web", 0.66), ("phone", 0.22), ("session", 0.08), ("api", 0.04)]


def _pick(rng: random.Random, options):
    roll, total = rng.random() * sum(o[-1] for o in options), 0.0
    for option in options:
        total += option[-1]
        if roll < total:
            return option
    return options[-1]


def _bookings_at(
    rng, begin, rule, service, office, counselor_id, last_day, now, people, consents,
    booking_ids, event_ids,
) -> Iterator[tuple[tuple, list[tuple]]]:  # fmt: skip
    """One counselor's session time: a booking, and after a cancellation perhaps another."""
    rebook = True
    while rebook:
        rebook = False
        channel = _pick(rng, _CHANNELS)[0]
        if not service.accepts_web and channel in ("web", "api"):
            channel = "phone"
        if not service.accepts_phone and channel in ("phone", "session"):
            channel = "web"
        public = channel in ("web", "api")
        outcome, actor, _weight = _pick(rng, _OUTCOMES)
        if outcome == BookingStatus.EXPIRED and not (public and rule.needs_email_check):
            outcome, actor = BookingStatus.COMPLETED, "staff"
        if outcome == "declined" and not (public and rule.needs_staff_approval):
            outcome = "cancelled_by_office"
        day = last_day - timedelta(days=_lead_days(rng))
        day = max(day, begin.date() - timedelta(days=rule.horizon_days))
        made = datetime.combine(day, time(7), tzinfo=JST) + timedelta(minutes=rng.randrange(960))
        made = min(made, begin - timedelta(hours=1))
        if begin > now and not outcome.startswith("cancelled"):
            outcome, actor = BookingStatus.CONFIRMED, "staff"
        if made > now:
            continue  # not booked yet
        person = rng.randrange(len(people))
        pk = booking_ids.take()
        first = (
            BookingStatus.PENDING_VERIFICATION if public and rule.needs_email_check
            else BookingStatus.REQUESTED if public and rule.needs_staff_approval
            else BookingStatus.CONFIRMED
        )  # fmt: skip
        events = [(event_ids.take(), pk, made, "", first, None, "applicant" if public else "staff",
                   f"booked via {channel}")]  # fmt: skip
        at = made + timedelta(minutes=rng.randrange(5, 600))
        if outcome == "declined":
            status = BookingStatus.CANCELLED
            events.append((event_ids.take(), pk, at, first, status, None, "staff", ""))
        elif outcome == BookingStatus.EXPIRED:
            status = outcome
            events.append((event_ids.take(), pk, made + timedelta(minutes=61), first, status,
                           None, "system", "email check window passed"))  # fmt: skip
        else:
            if first != BookingStatus.CONFIRMED:
                events.append((event_ids.take(), pk, at, first, BookingStatus.CONFIRMED, None,
                               "applicant" if rule.needs_email_check else "staff", ""))  # fmt: skip
            if outcome.startswith("cancelled"):
                status = BookingStatus.CANCELLED
                cancelled_at = min(begin - timedelta(hours=2), at + timedelta(days=1))
                events.append((event_ids.take(), pk, max(cancelled_at, at),
                               BookingStatus.CONFIRMED, status, None, actor, ""))  # fmt: skip
                rebook = rng.random() < 0.35
            elif outcome != BookingStatus.CONFIRMED:
                status = outcome
                events.append((event_ids.take(), pk, begin + timedelta(minutes=25),
                               BookingStatus.CONFIRMED, status, None, actor, ""))  # fmt: skip
            else:
                status = outcome
        minutes = rule.slot_minutes
        if status == BookingStatus.COMPLETED and rule.max_extension_minutes and rng.random() < 0.1:
            minutes += rule.max_extension_minutes
        booking = (
            pk, uuid.UUID(int=rng.getrandbits(128), version=4), f"H{pk:010d}", office.pk,
            service.pk, counselor_id, people[person], consents[person], begin,
            begin + timedelta(minutes=minutes), status, channel, "ja", "", "", "", "", "", "",
            "[]", "", None, "", None, f"{pk:064x}", "", "", None, None, None, made, events[-1][2],
            _OUTCOME_OF.get(outcome, outcome),
        )  # fmt: skip
        yield booking, events


def _reset_sequences() -> None:

    statements = connection.ops.sequence_reset_sql(
        no_style(), [Applicant, Consent, Booking, BookingEvent]
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def history_exists() -> bool:
    return Counselor.objects.filter(user__username__startswith=f"{BENCH_PREFIX}-").exists()


def vacuum_analyze() -> None:
    """Statistics and the visibility map, as autovacuum would leave them on a live table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "VACUUM (ANALYZE) bookings_booking, bookings_bookingevent, bookings_applicant, "
                "reports_dailyoutcome"
            )
        else:
            cursor.execute("ANALYZE")
