"""
Lead times (実績): for the bookings of a span, the business days from the day each was made
to the day of its session, in the buckets of `LEAD_BUCKETS`, and whether it was made on the
last day the service's lead-time rule allowed (by the rules and the office's calendar as
they are now). Read from the daily roll-up of bookings by day of the session and day made
(`DailyLead`), in one query.

The calendar (national holidays, the year end, the office's closures and extra openings)
lives in Python; each office's becomes one running count of business days, day by day
(`BusinessDayCount`), so that the business days between two days are a subtraction. On
PostgreSQL those counts (each distinct one once) go to the database with the query, which
works out every roll-up row's bucket and last day there and returns a few dozen rows (a
year of all offices is millions of roll-up rows at the national size); on SQLite the rows
come back and Python does the same arithmetic (`tally_in_python`, also the reference the
tests hold the database's to).
"""

from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

from django.db import connections

from offices.business_days import last_booking_day
from offices.models import LeadTimeUnit
from offices.rules import rules_for_service
from reports import grouped
from reports.capacity import BusinessDayCount
from reports.figures import lead_bucket
from reports.functions import day_from_number, japan_day_number
from reports.periods import Period

# Leads are counted this far back from the earlier period (the longest booking horizon is
# 366 days); a booking made even earlier counts from there.
MARGIN = timedelta(days=400)
# Business days ahead -> LEAD_BUCKETS index, for every lead a booking horizon allows.
BUCKET_OF = [lead_bucket(days) for days in range(400)]

_SQL = """
WITH calendars AS (SELECT %(counts)s::int[] AS counts)
SELECT l.office_id, CASE WHEN l.day >= %(current)s THEN 1 ELSE 0 END AS in_current,
    (%(buckets)s::int[])[least(c.at_day - c.at_made, 399) + 1] AS bucket,
    CASE WHEN NOT s.business OR s.lead = 0 THEN least(l.made, l.day) = l.day - s.lead
         ELSE c.before_day - c.before_made = s.lead AND c.at_made - c.before_made = 1
    END AS at_last,
    SUM(l.bookings)
FROM reports_dailylead AS l
JOIN unnest(%(office_ids)s::bigint[], %(rows)s::int[]) AS o(office_id, row)
    ON o.office_id = l.office_id
JOIN unnest(%(service_ids)s::bigint[], %(business)s::boolean[], %(leads)s::int[])
    AS s(service_id, business, lead) ON s.service_id = l.service_id
CROSS JOIN calendars AS k,
LATERAL (SELECT greatest(least(l.made, l.day) - %(first)s + 1, 2) AS made_at,
                l.day - %(first)s + 1 AS day_at) AS i,
LATERAL (SELECT k.counts[o.row][i.day_at] AS at_day,
                k.counts[o.row][i.day_at - 1] AS before_day,
                k.counts[o.row][i.made_at] AS at_made,
                k.counts[o.row][i.made_at - 1] AS before_made) AS c
WHERE l.office_id = ANY(%(office_ids)s) AND l.day >= %(from_day)s AND l.day < %(to_day)s
    AND l.bookings <> 0
GROUP BY 1, 2, 3, 4
"""


def lead_tally(*, offices, services, capacity, period: Period, previous: Period) -> Counter:
    """
    (office, in the current period, LEAD_BUCKETS index, made on the last day allowed) ->
    bookings, for sessions in `previous` and `period`. One query.
    """
    office_ids = [office.pk for office in offices]
    by_office = {office.pk: office for office in offices}
    rules = {s.pk: rules_for_service(s, by_office[s.office_id]) for s in services}
    first = previous.first - MARGIN
    running = BusinessDayCount.for_offices(
        {pk: capacity[pk].calendar for pk in office_ids}, first, period.last
    )
    queryset = grouped.lead_rows(office_ids, previous.start, period.end)
    if connections[queryset.db].vendor != "postgresql":
        rows = grouped.rows(queryset)
        return tally_in_python(
            rows, rules=rules, running=running, current_from=japan_day_number(period.first)
        )
    # Offices without closures of their own share one count: each distinct one is sent once,
    # as an array literal (far cheaper to write than the driver's lists of numbers).
    distinct: dict[tuple, int] = {}
    for pk in office_ids:
        distinct.setdefault(tuple(running[pk].counts), len(distinct) + 1)
    params = {
        "current": japan_day_number(period.first),
        "buckets": BUCKET_OF,
        "office_ids": office_ids,
        "rows": [distinct[tuple(running[pk].counts)] for pk in office_ids],
        "counts": "{" + ",".join("{" + ",".join(map(str, c)) + "}" for c in distinct) + "}",
        "service_ids": list(rules),
        "business": [r.lead_time_unit == LeadTimeUnit.BUSINESS_DAYS for r in rules.values()],
        "leads": [r.lead_time_days for r in rules.values()],
        "first": japan_day_number(first),
        "from_day": japan_day_number(previous.first),
        "to_day": japan_day_number(period.last) + 1,
    }
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(_SQL, params)
        return Counter(
            {(office, in_current, bucket, at_last): n for office, in_current, bucket, at_last, n
             in cursor.fetchall()}
        )  # fmt: skip


def tally_in_python(rows: Sequence[tuple], *, rules, running, current_from: int) -> Counter:
    """The same tally from the roll-up's rows (office, service, day made, day, bookings)."""

    last_days: dict[tuple[int, int], int] = {}
    tally: Counter = Counter()
    for office_id, service_id, made, day, n in rows:
        count = running[office_id]
        first = japan_day_number(count.first)
        made = max(min(made, day), first + 1)
        ahead = count.counts[day - first] - count.counts[made - first]
        key = (service_id, day)
        last_day = last_days.get(key)
        if last_day is None:
            moment = last_booking_day(day_from_number(day), rules[service_id], count.calendar)
            last_day = last_days[key] = japan_day_number(moment)
        tally[
            office_id, int(day >= current_from), BUCKET_OF[min(ahead, 399)], made == last_day
        ] += n
    return tally
