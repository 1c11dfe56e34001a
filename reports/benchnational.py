"""
The national size for the dashboard's benchmark (issue 28): as many offices as asked (600
for Japan's Hello Work offices: the five seeded and the rest generated, each with a
morning and an afternoon service and counselors of its own) and their bookings over the
history window, drawn by PostgreSQL itself: a few small tables are written from Python
(the open days, each counselor's session starts, each office's people), then one
`INSERT ... SELECT` per table draws the rows (`random()`, `generate_series`), with the
roll-ups' triggers off; the roll-ups are then counted in bulk from the bookings
(`reports.rollups.rollups_rebuild`). Millions of bookings in minutes, where the ORM or the
booking path would take hours. PostgreSQL only.

Drawn as the figures read them: statuses and outcomes, channels, times, lengths (some
extended), when each was made (mostly a week or two before the last day allowed) and by
whom; no events, emails or meetings (no figure reads them).
"""

import json
import math
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from bookings.models import Applicant, Booking
from offices.business_days import OfficeCalendar
from offices.models import Counselor, Office, OpeningHours, Service, User
from offices.rules import rules_for_service
from reports.benchdata import BENCH_PREFIX, Seeded, history_window
from reports.rollups import rollups_rebuild
from terms.models import Consent, TermsVersion
from terms.services import terms_version_import

GENERATED = "bench-office-"
FILL = 0.8  # share of the session starts booked at an office
BOOKINGS_PER_PERSON = 4
# Offices differ in size: counselors per office, relative to the mean (a fixed pattern).
SIZES = (0.4, 0.7, 1.0, 1.0, 1.3, 1.6)
HOURS = {  # the generated offices' two services: a morning and an afternoon, weekdays
    "counseling": ("オンライン職業相談", "Online job counseling", time(9, 0), time(12, 0)),
    "documents": ("応募書類の相談", "Application documents", time(13, 0), time(16, 30)),
}


def offices_ensure(count: int, *, now: datetime) -> list[Office]:
    """The seeded five and generated offices up to `count` in all, with terms in force."""
    have = Office.objects.filter(slug__startswith=GENERATED).count()
    seeded = Office.objects.exclude(slug__startswith=GENERATED).order_by("position")
    five = seeded.count()
    # Each generated office takes the platform of a seeded one in turn: the core names none.
    platforms = list(seeded.values_list("platform", flat=True)) or [
        Office.platform.field.choices[0][0]
    ]
    new = [
        Office(slug=f"{GENERATED}{n:03d}", name=f"ハローワーク試験{n:03d}",
               name_en=f"Hello Work Test {n:03d}", kind="hello_work",
               platform=platforms[n % len(platforms)], phone="03-0000-0000",
               court="東京地方裁判所", position=100 + n, is_published=True)
        for n in range(have + 1, count - five + 1)
    ]  # fmt: skip
    Office.objects.bulk_create(new, batch_size=500)
    created = list(Office.objects.filter(slug__in=[o.slug for o in new]))
    services = [
        Service(office=office, slug=slug, name=name, name_en=name_en, position=position)
        for office in created
        for position, (slug, (name, name_en, _start, _end)) in enumerate(HOURS.items())
    ]
    Service.objects.bulk_create(services, batch_size=1000)
    hours = [
        OpeningHours(service=service, office_id=service.office_id, weekday=weekday,
                     start=HOURS[service.slug][2], end=HOURS[service.slug][3])
        for service in Service.objects.filter(office__in=created)
        for weekday in range(5)
    ]  # fmt: skip
    OpeningHours.objects.bulk_create(hours, batch_size=2000)
    since = now - timedelta(days=3 * 366)
    for office in created:
        terms_version_import(
            office=office, effective_from=since, published_at=since, version="1",
            title="利用規約", body=f"# {office.name} 利用規約\n\n試験用の規約です。",
        )  # fmt: skip
    return list(Office.objects.order_by("position", "slug"))


@contextmanager
def rollups_by_bulk() -> Iterator[None]:
    """
    Within the block the roll-ups' triggers are off (the rows are loaded in bulk); after
    it, every roll-up is counted anew from the bookings, in bulk.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE bookings_booking DISABLE TRIGGER USER")
        yield  # an error undoes the load and the switch together
        # The rows' deferred foreign-key checks are due before the table may change.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE bookings_booking ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        rollups_rebuild()


def _insert_select(model, expressions: dict[str, str], source: str, params: dict) -> int:
    """
    INSERT INTO the model's table SELECT `expressions` (column -> SQL) FROM `source`; every
    other column gets its field's default, cast to its type. Returns the rows written.
    """
    columns, values, defaults = [], [], {}
    for field in model._meta.concrete_fields:
        columns.append(connection.ops.quote_name(field.column))
        if field.column in expressions:
            values.append(expressions[field.column])
            continue
        value = field.get_default() if field.has_default() else (None if field.null else "")
        if isinstance(value, dict | list):
            value = json.dumps(value)
        name = f"default_{field.column}"
        values.append(f"%({name})s::{field.db_type(connection)}")
        defaults[name] = value
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 - ours
        f"SELECT {', '.join(values)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {**defaults, **params})
        return cursor.rowcount


def _open_days(window) -> list[tuple]:
    calendar = OfficeCalendar()
    return [(day, day.weekday()) for day in window.each_day() if calendar.is_open_day(day)]


def _copy(table: str, columns: str, rows) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {table} ({columns}) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"ANALYZE {table}")


def _counselors(offices: list[Office], starts: Counter, target: int) -> dict[int, list[int]]:
    """Bench counselors per office (`starts`: one counselor's session starts over the
    window), sized so that the offices together make about `target` at FILL."""
    capacity_each = sum(starts.values()) / len(offices) * FILL
    mean = max(1.0, target / len(offices) / capacity_each)
    unusable = make_password(None)
    wanted = {
        office.pk: max(1, round(mean * SIZES[index % len(SIZES)]))
        for index, office in enumerate(offices)
    }
    users = [
        User(username=f"{BENCH_PREFIX}-{office.slug}-{n:02d}", office=office, password=unusable)
        for office in offices
        for n in range(1, wanted[office.pk] + 1)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    made = User.objects.filter(username__startswith=f"{BENCH_PREFIX}-").order_by("pk")
    Counselor.objects.bulk_create(
        [Counselor(user=user, office_id=user.office_id, display_name=f"相談員{user.username[-2:]}")
         for user in made],
        batch_size=1000,
    )  # fmt: skip
    found: dict[int, list[int]] = {office.pk: [] for office in offices}
    for pk, office_id in Counselor.objects.filter(
        user__username__startswith=f"{BENCH_PREFIX}-"
    ).values_list("pk", "office_id"):
        found[office_id].append(pk)
    return found


def _slot_rows(offices: list[Office], counselors: dict[int, list[int]]) -> Iterator[tuple]:
    """(office, service, counselor, weekday, minute, length, extension, lead days, horizon,
    email check, staff approval, web, phone) for every session start of every counselor."""
    services = Service.objects.filter(office__in=offices, is_active=True).select_related("office")
    hours: dict[int, list] = {}
    for service_id, weekday, start, end in OpeningHours.objects.filter(
        service__in=services
    ).values_list("service_id", "weekday", "start", "end"):
        hours.setdefault(service_id, []).append((weekday, start, end))
    for service in services:
        rules = rules_for_service(service, service.office)
        for weekday, start, end in hours.get(service.pk, []):
            minute, last = start.hour * 60 + start.minute, end.hour * 60 + end.minute
            while minute + rules.slot_minutes <= last:
                for counselor_id in counselors[service.office_id]:
                    yield (
                        service.office_id, service.pk, counselor_id, weekday, minute,
                        rules.slot_minutes, rules.max_extension_minutes, rules.lead_time_days,
                        rules.horizon_days, rules.needs_email_check, rules.needs_staff_approval,
                        service.accepts_web, service.accepts_phone,
                    )  # fmt: skip
                minute += rules.slot_minutes


SLOT_COLUMNS = (
    "office_id bigint, service_id bigint, counselor_id bigint, weekday int, minute int, "
    "minutes int, extension int, lead_days int, horizon int, needs_check boolean, "
    "approval boolean, web boolean, phone boolean"
)
# One roll of random() decides what became of a booking, as the five offices' history.
_PAST = """CASE WHEN r < 0.72 THEN 'completed' WHEN r < 0.775 THEN 'no_show'
    WHEN r < 0.805 THEN 'switched_to_phone' WHEN r < 0.975 THEN 'cancelled'
    WHEN public AND needs_check THEN 'expired' ELSE 'completed' END"""
_OUTCOME = """CASE WHEN status = 'completed' THEN 'held' WHEN status = 'confirmed' THEN 'scheduled'
    WHEN status <> 'cancelled' THEN status
    WHEN r < 0.915 OR (future AND r < 0.11) THEN 'cancelled_by_person'
    WHEN r >= 0.94 AND public AND approval THEN 'declined' ELSE 'cancelled_by_office' END"""
_DRAWN = f"""(
  SELECT drawn.*, CASE WHEN future THEN
      (CASE WHEN r < 0.135 THEN 'cancelled' ELSE 'confirmed' END) ELSE {_PAST} END AS status
  FROM (
    SELECT s.*, d.day, r, channel, channel IN ('web', 'api') AS public, begins,
        begins > %(now)s AS future, nextval(pg_get_serial_sequence('bookings_booking', 'id')) AS id,
        p.first_id + floor(random() * p.people)::bigint AS person, p.consent_shift,
        greatest(least(((d.day - s.lead_days - (CASE WHEN random() < 0.13 THEN 0
            ELSE least(55, 1 + floor(-ln(1 - random()) * 6)) END)::int)::timestamp
          + make_interval(mins => 420 + floor(random() * 960)::int)) AT TIME ZONE 'Asia/Tokyo',
          begins - interval '1 hour'), begins - make_interval(days => s.horizon)) AS made
    FROM bench_day d JOIN bench_slot s ON s.weekday = d.weekday
    JOIN bench_people p ON p.office_id = s.office_id,
    LATERAL (SELECT random() AS r, random() AS c,
        (d.day + make_interval(mins => s.minute)) AT TIME ZONE 'Asia/Tokyo' AS begins) AS roll,
    LATERAL (SELECT CASE
        WHEN c < 0.66 AND s.web THEN 'web' WHEN c < 0.88 AND s.phone THEN 'phone'
        WHEN c < 0.96 AND s.phone THEN 'session' WHEN s.web THEN 'api' ELSE 'phone' END
        AS channel) AS way
    WHERE random() < %(fill)s
  ) AS drawn
  WHERE made <= %(now)s
) AS booking"""  # noqa: S608 - constants; sessions to come only as far as made by now


def _booking_columns() -> dict[str, str]:
    return {
        "id": "id",
        "uuid": "gen_random_uuid()",
        "reference": "'N' || lpad(id::text, 11, '0')",
        "office_id": "office_id",
        "service_id": "service_id",
        "counselor_id": "counselor_id",
        "applicant_id": "person",
        "consent_id": "person + consent_shift",
        "start": "begins",
        "end": "begins + make_interval(mins => minutes + CASE WHEN status = 'completed' "
        "AND r < 0.072 THEN extension ELSE 0 END)",
        "status": "status",
        "channel": "channel",
        "outcome": _OUTCOME,
        "language": "'ja'",
        "created_at": "made",
        "updated_at": "made",
    }


def seed_national(*, offices: list[Office], now: datetime, target: int, out=print) -> Seeded:
    """Seeds about `target` bookings over `history_window(now)` for `offices`."""
    window = history_window(now)
    result = Seeded(first=window.first, last=window.last)
    days = _open_days(window)
    per_weekday = Counter(weekday for _day, weekday in days)
    with transaction.atomic():
        # One counselor's session starts over the window, per office.
        one_each = {office.pk: [0] for office in offices}
        starts: Counter = Counter()
        for row in _slot_rows(offices, one_each):
            starts[row[0]] += per_weekday[row[3]]
        counselors = _counselors(offices, starts, target)
        slots = list(_slot_rows(offices, counselors))
        capacity = sum(per_weekday[row[3]] for row in slots)
        fill = min(0.95, target / capacity)
        out(f"  {len(offices)} offices, {len(slots):,} weekly session starts of "
            f"{sum(map(len, counselors.values())):,} counselors, booked at {fill:.0%}")  # fmt: skip
        _copy("bench_day", "day date, weekday int", days)
        _copy("bench_slot", SLOT_COLUMNS, slots)
        result.applicants = _people(offices, slots, per_weekday, fill, window, now)
        result.counselors = sum(map(len, counselors.values()))
        with rollups_by_bulk():
            result.bookings = _insert_select(
                Booking, _booking_columns(), _DRAWN, {"now": now, "fill": fill}
            )
        out(f"  {result.bookings:,} bookings drawn; the roll-ups counted from them")
    with connection.cursor() as cursor:
        for model in (Applicant, Consent, Booking):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {model._meta.db_table}))"
            )
    return result


def _people(offices, slots, per_weekday, fill, window, now) -> int:
    """Each office's people (about one per four of its bookings; a few barred, a few with
    the bar lifted) and their consents to its terms, ids in step so that a booking's
    consent is its person's. Returns how many."""
    expected: Counter = Counter()
    for slot in slots:
        expected[slot[0]] += per_weekday[slot[3]] * fill
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM bookings_applicant")
        (first_applicant,) = cursor.fetchone()
        cursor.execute("SELECT coalesce(max(id), 0) FROM terms_consent")
        (first_consent,) = cursor.fetchone()
    rows, next_id = [], first_applicant + 1
    for office in offices:
        people = max(50, math.ceil(expected[office.pk] / BOOKINGS_PER_PERSON))
        rows.append((office.pk, next_id, people, first_consent - first_applicant))
        next_id += people
    _copy("bench_people", "office_id bigint, first_id bigint, people int, consent_shift bigint",
          rows)  # fmt: skip
    written = _insert_select(
        Applicant,
        {
            "id": "p.first_id + g", "uuid": "gen_random_uuid()", "office_id": "p.office_id",
            "kind": "'job_seeker'", "identity_key": f"'{BENCH_PREFIX}:' || (p.first_id + g)",
            "barred_at": "CASE WHEN random() < 0.006 "
            "THEN %(start)s + random() * (%(now)s - %(start)s) END",
            "created_at": "%(start)s - interval '60 days'",
        },
        "bench_people p, generate_series(0, p.people - 1) AS g",
        {"start": window.start, "now": now},
    )  # fmt: skip
    terms = dict(
        TermsVersion.objects.filter(office__in=offices, published_at__isnull=False)
        .order_by("office_id", "effective_from")
        .values_list("office_id", "pk")
    )
    _copy("bench_terms", "office_id bigint, terms_id bigint", terms.items())
    _insert_select(
        Consent,
        {
            "id": "a.id + p.consent_shift", "uuid": "gen_random_uuid()", "office_id": "a.office_id",
            "terms_version_id": "t.terms_id", "applicant_uuid": "a.uuid",
            "applicant_kind": "'job_seeker'", "channel": "'web'", "given_at": "a.created_at",
        },
        "bookings_applicant a JOIN bench_people p ON p.office_id = a.office_id "
        "JOIN bench_terms t ON t.office_id = a.office_id WHERE a.id >= %(first)s",
        {"first": first_applicant + 1},
    )  # fmt: skip
    return written
