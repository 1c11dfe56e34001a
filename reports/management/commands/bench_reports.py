"""
`make bench`, the dashboard's part: seeds two years of history on the bench database and
prints how long the dashboard takes, each figure with its aim (issue 28) and the machine's
load average when it was taken. Figures are printed, never asserted.

- The five offices (default): a million bookings or more, drawn booking by booking with
  their events (`reports.benchdata`); Kawagoe's month and year, all five side by side for a
  month and a year, the monthly CSV of all five.
- The national size, `--offices 600` (PostgreSQL): the five and generated offices up to
  that many, `--bookings` drawn by PostgreSQL itself (`reports.benchnational`; 10 million
  by default: 5 million a year for two years); Kawagoe's month and year, the five side by
  side for a year, all offices side by side for a month and a year (no aim: shown for
  scale), and the monthly CSV of all offices.

Run after `manage.py bench` (which flushes the database); run again, it reuses the history
already seeded when it is of the size asked (`--reseed` to draw it anew).
"""

import logging
import os
import statistics
import time
import warnings

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from common import clock
from common.clock import JST
from offices.models import Office, User
from offices.services import offices_seed
from reports import benchdata, benchnational
from reports.periods import Period
from reports.selectors import dashboard_figures
from terms.services import terms_seed

FIVE = 5


def _load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


class Command(BaseCommand):
    help = "Seeds two years of bookings and prints the dashboard's timings with their aims."

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="Write to the configured database.")
        parser.add_argument(
            "--offices", type=int, default=FIVE,
            help="5: the seeded offices; more: the national size (600), PostgreSQL only.",
        )  # fmt: skip
        parser.add_argument(
            "--bookings", type=int, default=None,
            help="Bookings over the two years (default: 1,000,000 for five offices, "
            "10,000,000 for more).",
        )  # fmt: skip
        parser.add_argument("--runs", type=int, default=7, help="Timed runs of each figure.")
        parser.add_argument("--reseed", action="store_true", help="Flush and draw anew.")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("This writes millions of rows. Run `make bench`, or add --yes.")
        national = options["offices"] > FIVE
        if national and connection.vendor != "postgresql":
            raise CommandError("The national size needs PostgreSQL (BENCH_DATABASE_URL).")
        target = options["bookings"] or (10_000_000 if national else 1_000_000)
        out = self.stdout.write
        # The test client's logins and its static-files middleware would talk over the figures.
        logging.getLogger("axes").setLevel(logging.WARNING)
        warnings.filterwarnings("ignore", message="No directory at")
        now = clock.now()
        if options["reseed"]:
            call_command("flush", "--noinput", verbosity=0)
        if not Office.objects.exists():
            offices_seed(with_demo_counselors=True)
            terms_seed()
        offices = list(Office.objects.order_by("position", "slug"))
        if benchdata.history_exists() and (len(offices) == options["offices"] or not national):
            out("\nhistory already seeded: reused (--reseed draws it anew)")
        elif benchdata.history_exists():
            raise CommandError("Another size is seeded here: add --reseed to draw this one.")
        else:
            window = benchdata.history_window(now)
            out(f"\nseeding {target:,} bookings, {window.first} to {window.last} "
                f"(load average {_load()}):")  # fmt: skip
            began = time.perf_counter()
            if national:
                offices = benchnational.offices_ensure(options["offices"], now=now)
                seeded = benchnational.seed_national(
                    offices=offices, now=now, target=target, out=out
                )
            elif connection.vendor == "postgresql":
                with benchnational.rollups_by_bulk():
                    seeded = benchdata.seed_history(now=now, target=target, out=out)
            else:
                seeded = benchdata.seed_history(now=now, target=target, out=out)
            benchdata.vacuum_analyze()
            out(
                f"seeded {seeded.bookings:,} bookings, {seeded.events:,} events, "
                f"{seeded.applicants:,} people, {seeded.counselors:,} counselors "
                f"in {time.perf_counter() - began:.0f} s"
            )
        self.runs = options["runs"]
        self._timings(now, offices, national)

    def _timings(self, now, offices, national: bool) -> None:
        from bookings.models import Booking

        out = self.stdout.write
        out(f"bookings in the database: {Booking.objects.count():,} at {len(offices)} offices")
        today = now.astimezone(JST).date()
        month = Period.month_of(today).previous()
        year_first = month
        for _step in range(11):
            year_first = year_first.previous()
        year = Period(first=year_first.first, last=month.last)
        five = [o for o in offices if not o.slug.startswith(benchnational.GENERATED)]
        kawagoe = next(o for o in offices if o.slug == "kawagoe")
        out(
            f"\nthe dashboard (after one run to warm up, {self.runs} runs; month {month.label}, "
            f"year {year.first} to {year.last}):"
        )
        out(
            f"  {'what':<40}{'reads':>6}{'figures ms':>11}{'page ms':>9}{'fastest':>9}"
            f"{'slowest':>9}  {'load average':<16}  aim (issue 28, the whole page)"
        )
        superuser = User.objects.filter(username="bench-reports-admin").first()
        if superuser is None:
            superuser = User.objects.create_superuser("bench-reports-admin", password=None)
        self.client = Client()
        self.client.force_login(superuser)
        _verified_second_factor(self.client, superuser)
        everyone = f"all {len(offices)} offices side by side"
        cases = [
            ("Kawagoe, a month", [kawagoe], month, "kawagoe", 300),
            ("Kawagoe, a year", [kawagoe], year, "kawagoe", 300),
        ]
        if national:
            cases += [
                ("the five offices side by side, a year", five, year, None, 1000),
                (f"{everyone}, a month", offices, month, "all", None),
                (f"{everyone}, a year", offices, year, "all", None),
            ]
        else:
            cases += [
                ("all offices side by side, a month", offices, month, "all", 1000),
                ("all offices side by side, a year", offices, year, "all", 1000),
            ]
        for label, shown, period, slug, aim in cases:
            self._case(label, shown, period, slug, aim, now)
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            csv_ms, _queries = self._measure(
                lambda: _ok(self.client.get(
                    reverse("reports:monthly-csv"), {"office": "all", "month": month.month_value}
                ))
            )  # fmt: skip
        csv = statistics.median(csv_ms)
        out(f"  {f'monthly report CSV, all {len(offices)} offices':<40}{'':>6}{'':>11}"
            f"{csv:>9.0f}{min(csv_ms):>9.0f}{max(csv_ms):>9.0f}  {_load():<16}  "
            f"{_aim(csv, 5000)}")  # fmt: skip
        out("  (reads: the figures' SELECTs, whatever the data; on PostgreSQL they run in one")
        out("   transaction with a SET LOCAL work_mem. figures: the selectors alone; page: the")
        out("   whole admin request through the test client, session, rendering and charts")
        out("   included (none for five of many offices: the page shows one office or all);")
        out("   medians unless named, of one run where there is no aim; load average: 1, 5")
        out("   and 15 minutes, after the runs)")

    def _case(self, label, shown, period, slug, aim, now) -> None:
        # A figure without an aim (all of many offices) is timed once, without a warm-up.
        runs = self.runs if aim else 1
        figures_ms, queries = self._measure(
            lambda: dashboard_figures(offices=shown, period=period, now=now), runs
        )
        page_ms = []
        if slug is not None:
            query = {"office": slug}
            if period.is_month:
                query["month"] = period.month_value
            else:
                query.update(first=period.first.isoformat(), last=period.last.isoformat())
            with override_settings(ALLOWED_HOSTS=["testserver"]):
                page_ms, _queries = self._measure(
                    lambda: _ok(self.client.get(reverse("reports:dashboard"), query)), runs
                )
        timed = page_ms or figures_ms
        median = statistics.median(timed)
        page = f"{statistics.median(page_ms):>9.0f}" if page_ms else f"{'-':>9}"
        judged = _aim(median, aim) if aim else "no aim (for scale)"
        self.stdout.write(
            f"  {label:<40}{queries:>6}{statistics.median(figures_ms):>11.0f}{page}"
            f"{min(timed):>9.0f}{max(timed):>9.0f}  {_load():<16}  {judged}"
        )

    def _measure(self, work, runs: int | None = None) -> tuple[list[float], int]:
        runs = runs or self.runs
        if runs > 1:
            work()
        timings, queries = [], 0
        for run in range(runs):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                work()
                timings.append((time.perf_counter() - began) * 1000)
            if run == 0:
                queries = sum(1 for q in captured if q["sql"].split()[0] in ("SELECT", "WITH"))
        return timings, queries


def _verified_second_factor(client: Client, user) -> None:
    """The bench's own account has passed its second factor (a device of its own), as a
    signed-in manager's session has; the sign-in itself is not what is timed."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _created = StaticDevice.objects.get_or_create(user=user, name="bench")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _aim(ms: float, aim: int) -> str:
    return f"under {aim:,} ms: {'met' if ms < aim else 'NOT met'}"


def _ok(response):
    if response.status_code != 200:
        raise CommandError(f"the page answered {response.status_code}")
    return response
