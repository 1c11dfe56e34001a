"""
`make bench`, the dashboard's part: seeds two years of history (at least a million
bookings for the five offices) on the bench database and prints how long the dashboard
takes for a month and for a year, for one office and for all five side by side. Figures
are printed, never asserted. Run after `manage.py bench` (which flushes the database);
run again, it reuses the history already seeded (`--reseed` to draw it anew).
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
from reports import benchdata
from reports.periods import Period
from reports.selectors import dashboard_figures
from terms.services import terms_seed

RUNS = 7


class Command(BaseCommand):
    help = "Seeds two years of bookings and prints the dashboard's timings."

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="Write to the configured database.")
        parser.add_argument("--bookings", type=int, default=1_000_000)
        parser.add_argument(
            "--reseed", action="store_true", help="Flush and draw the history anew."
        )

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("This writes a million rows. Run `make bench`, or add --yes.")
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
        if benchdata.history_exists():
            out("\nhistory already seeded: reused (--reseed draws it anew)")
        else:
            window = benchdata.history_window(now)
            out(f"\nseeding {options['bookings']:,}+ bookings, {window.first} to {window.last}:")
            began = time.perf_counter()
            seeded = benchdata.seed_history(now=now, target=options["bookings"], out=out)
            benchdata.vacuum_analyze()
            out(
                f"seeded {seeded.bookings:,} bookings, {seeded.events:,} events, "
                f"{seeded.applicants:,} people, {seeded.counselors} counselors "
                f"in {time.perf_counter() - began:.0f} s"
            )
        self._timings(now)

    def _timings(self, now) -> None:
        from bookings.models import Booking

        out = self.stdout.write
        out(f"bookings in the database: {Booking.objects.count():,}")
        today = now.astimezone(JST).date()
        month = Period.month_of(today).previous()
        year_first = month
        for _step in range(11):
            year_first = year_first.previous()
        year = Period(first=year_first.first, last=month.last)
        offices = list(Office.objects.order_by("position", "slug"))
        kawagoe = next(o for o in offices if o.slug == "kawagoe")
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        out(
            f"\nthe dashboard (after one run to warm up, {RUNS} runs; month {month.label}, "
            f"year {year.first} to {year.last}; load average {load}):"
        )
        out(
            f"  {'what':<34}{'reads':>8}{'figures ms':>12}{'page ms':>9}{'fastest':>9}"
            f"{'slowest':>9}  aim (issue 28, the whole page)"
        )
        superuser = User.objects.filter(username="bench-reports-admin").first()
        if superuser is None:
            superuser = User.objects.create_superuser("bench-reports-admin", password=None)
        client = Client()
        client.force_login(superuser)
        _verified_second_factor(client, superuser)
        cases = [
            ("Kawagoe, a month", [kawagoe], month, "kawagoe", 300),
            ("Kawagoe, a year", [kawagoe], year, "kawagoe", 300),
            ("all offices side by side, a month", offices, month, "all", 1000),
            ("all offices side by side, a year", offices, year, "all", 1000),
        ]
        for label, shown, period, slug, aim in cases:
            figures_ms, queries = self._measure(
                lambda shown=shown, period=period: dashboard_figures(
                    offices=shown, period=period, now=now
                )
            )
            query = {"office": slug}
            if period.is_month:
                query["month"] = period.month_value
            else:
                query.update(first=period.first.isoformat(), last=period.last.isoformat())
            with override_settings(ALLOWED_HOSTS=["testserver"]):
                page_ms, _queries = self._measure(
                    lambda query=query: _ok(client.get(reverse("reports:dashboard"), query))
                )
            page = statistics.median(page_ms)
            out(
                f"  {label:<34}{queries:>8}{statistics.median(figures_ms):>12.0f}"
                f"{page:>9.0f}{min(page_ms):>9.0f}{max(page_ms):>9.0f}  {_aim(page, aim)}"
            )
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            csv_ms, _queries = self._measure(
                lambda: _ok(
                    client.get(
                        reverse("reports:monthly-csv"),
                        {"office": "all", "month": month.month_value},
                    )
                )
            )
        csv_median = statistics.median(csv_ms)
        out(f"  {'monthly report CSV, all offices':<34}{'':>8}{'':>12}"
            f"{csv_median:>9.0f}{min(csv_ms):>9.0f}{max(csv_ms):>9.0f}"
            f"  {_aim(csv_median, 5000)}")  # fmt: skip
        out(f"  (load average {', '.join(f'{v:.1f}' for v in os.getloadavg())} after the runs)")
        out("  (reads: the figures' SELECTs, whatever the data; on PostgreSQL they run in one")
        out("   transaction with a SET LOCAL work_mem. figures: the selectors alone; page: the")
        out("   whole admin request through the test client, session, rendering and charts")
        out("   included; medians unless named)")

    def _measure(self, work) -> tuple[list[float], int]:
        work()
        timings, queries = [], 0
        for run in range(RUNS):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                work()
                timings.append((time.perf_counter() - began) * 1000)
            if run == 0:
                queries = sum(1 for q in captured if q["sql"].lstrip()[:6] in ("SELECT", "WITH  "))
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
