"""
`make load`: the whole app under a realistic mix, then the database checked.

gunicorn and a Celery worker run against PostgreSQL and Redis on 127.0.0.1 (a database
and a Redis db of their own, flushed first); locust drives people reading office pages
and free times, booking through the API, opening their booking page and cancelling there,
for a bounded time; then 200 clients all book the same three times at once. Afterwards
the database must show: no double booking, a booking for every 201, events for every
booking, an email in the outbox for every booking, and a meeting for every confirmed one.
Figures are printed (and written to var/load/report.txt), never asserted in the test suite.
"""

import csv
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count

from bookings.management.commands.bench import (
    _free_port,
    _load_average,
    _machine,
    _overlaps,
    _wait_for,
)
from bookings.models import Booking, BookingStatus
from bookings.selectors.availability import slot_list_available
from common import clock
from common.clock import JST
from conferencing.models import OnlineMeeting
from loadtest.burst import burst_run, burst_summary
from loadtest.limits import ABUSE_LIMITS_OFF_ENV
from notifications.models import Notification
from offices.models import Counselor, Service
from offices.services import offices_seed
from terms.selectors import terms_in_force
from terms.services import terms_seed

OUT = Path(settings.BASE_DIR) / "var" / "load"


class Command(BaseCommand):
    help = "Runs the load test against the configured (PostgreSQL) database; flushes it first."

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="Flush the configured database.")
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--users", type=int, default=150)
        parser.add_argument("--web-workers", type=int, default=4)
        parser.add_argument("--burst", type=int, default=200)

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("This flushes the configured database. Run `make load`.")
        if connection.vendor != "postgresql" or not settings.REDIS_URL:
            raise CommandError("make load needs PostgreSQL and Redis: set DATABASE_URL, REDIS_URL")
        OUT.mkdir(parents=True, exist_ok=True)
        self.lines: list[str] = []
        self.say(f"make load, {clock.now().astimezone(JST):%Y-%m-%d %H:%M} JST")
        self.say(f"machine: {_machine()}; PostgreSQL {connection.pg_version // 10000}")
        self._prepare()
        created_file = OUT / "created.txt"
        created_file.write_text("")
        env = {
            **os.environ,
            "DEBUG": "False",
            **ABUSE_LIMITS_OFF_ENV,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "EMAIL_URL": "dummymail://",
            "LOAD_CREATED_FILE": str(created_file),
            "LOG_LEVEL": "ERROR",
        }
        port = _free_port()
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(options["web_workers"]), "--log-level", "warning"],
            env=env,
        )  # fmt: skip
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", "2",
             "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
            env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _wait_for(port)
            mix_failed = self._mix(port, env, options)
            burst = self._burst(port, options["burst"])
            self._drain()
        finally:
            web.terminate()
            worker.terminate()
            web.wait(timeout=20)
            worker.wait(timeout=30)
        self._check(created_file, burst, mix_failed)
        (OUT / "report.txt").write_text("\n".join(self.lines) + "\n")
        self.say(f"\nreport written to {OUT / 'report.txt'}")

    def say(self, line: str) -> None:
        self.lines.append(line)
        self.stdout.write(line)

    def _prepare(self) -> None:
        """A clean database and Redis db; Toyooka confirms at once, so meetings are issued."""
        import redis

        call_command("flush", "--noinput", verbosity=0)
        redis.Redis.from_url(settings.REDIS_URL).flushdb()
        offices_seed(with_demo_counselors=True)
        # Open online booking at every service, as measured before invitations (the seed
        # takes Toyooka, Matsudo, Yamaguchi and Sasebo weekday online by invitation only).
        Service.objects.update(accepts_web=True)
        terms_seed()
        Service.objects.filter(office__slug="toyooka").update(confirmation_mode="instant")
        counselors = Counselor.objects.filter(is_active=True).count()
        self.say(f"data: the five offices, {counselors} counselors; Toyooka confirms at once")

    # --- phases -------------------------------------------------------------------------

    def _mix(self, port: int, env: dict, options: dict) -> int:
        """Runs the mix and prints locust's figures; returns how many requests failed."""
        seconds, users = options["seconds"], options["users"]
        self.say(
            f"\n1. The mix: {users} simulated people for {seconds} s against gunicorn "
            f"({options['web_workers']} workers) and a Celery worker; locust."
        )
        prefix = OUT / "locust"
        for stale in OUT.glob("locust_*.csv"):  # a run that fails must not read the last one's
            stale.unlink()
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", "loadtest/locustfile.py", "--headless",
             "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s",
             "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary",
             "--loglevel", "WARNING"],
            env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        stats = Path(f"{prefix}_stats.csv")
        if not stats.exists():
            self.say("   locust wrote no figures (it did not run): counted as one failure")
            return 1
        rows = list(csv.DictReader(stats.open()))
        self.say(
            f"   {'request':44} {'count':>7} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} "
            f"{'p99':>6}  (ms)"
        )
        for row in rows:
            name = "all requests" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
            self.say(
                f"   {name[:44]:44} {row['Request Count']:>7} {row['Failure Count']:>5} "
                f"{float(row['Requests/s']):7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
            )
        self.say(
            f"   (aim at 150 people: p99 of all requests under 300 ms; load average at the end "
            f"{_load_average()})"
        )
        failures = OUT / "locust_failures.csv"
        for row in csv.DictReader(failures.open()) if failures.exists() else []:
            self.say(
                f"   failed: {row['Method']} {row['Name']}: {row['Error']} x{row['Occurrences']}"
            )
        return sum(int(row["Failure Count"]) for row in rows if row["Name"] == "Aggregated")

    def _burst(self, port: int, clients: int) -> dict:
        """
        `clients` people press "book" for the same three times at the same moment. The
        times are taken four weeks ahead and later, beyond the days the mix books (3 to 26
        days ahead), so the mix cannot have filled them; should there be none free, the
        run says so and the burst's check fails.
        """
        service = Service.objects.select_related("office").get(
            office__slug="toyooka", slug="counseling"
        )
        now = clock.now()
        day = now.astimezone(JST).date() + timedelta(days=28)
        slots = slot_list_available(
            service=service, first_day=day, last_day=day + timedelta(days=28), now=now
        )[:3]
        capacity = sum(s.free for s in slots)
        self.say(
            f"\n2. The burst: {clients} clients book the same {len(slots)} times at once "
            f"(capacity {capacity}: {len(slots)} times x free counselors)."
        )
        if not slots:
            self.say(f"   no free time at Toyooka from {day} for 28 days: no burst was run")
            return {"capacity": 0, "made": 0, "references": [], "server_errors": 0,
                    "answered": 0, "clients": clients}  # fmt: skip
        terms = terms_in_force(office=service.office, at=now).pk
        results = burst_run(
            port=port, slug="toyooka", starts=[s.start.isoformat() for s in slots], terms=terms,
            clients=clients,
        )  # fmt: skip
        statuses: dict[int, int] = {}
        for status, _seconds, _ref in results:
            statuses[status] = statuses.get(status, 0) + 1
        self.say(
            f"   {burst_summary(results)} (aim: slowest under 1000 ms); "
            f"load average {_load_average()}"
        )
        return {
            "capacity": capacity,
            "made": statuses.get(201, 0),
            "references": [r for _s, _t, r in results if r],
            "server_errors": sum(n for s, n in statuses.items() if s >= 500),
            "answered": sum(n for s, n in statuses.items() if s in (201, 409)),
            "clients": clients,
        }

    def _drain(self, timeout: float = 60) -> None:
        """Waits for the worker to send the outbox and issue the meetings."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            queued = Notification.objects.filter(status=Notification.Status.QUEUED).count()
            confirmed = Booking.objects.filter(status=BookingStatus.CONFIRMED).count()
            issued = OnlineMeeting.objects.filter(status=OnlineMeeting.Status.ISSUED).count()
            if queued == 0 and issued >= confirmed:
                return
            time.sleep(1)

    def _check(self, created_file: Path, burst: dict, mix_failed: int) -> None:
        references = {line.strip() for line in created_file.read_text().splitlines() if line}
        references |= set(burst["references"])
        stored = set(
            Booking.objects.filter(reference__in=references).values_list("reference", flat=True)
        )
        without_events = Booking.objects.annotate(n=Count("events")).filter(n=0).count()
        booking_ids = set(Booking.objects.values_list("pk", flat=True))
        emailed = {
            int(key.split(":")[1])
            for key in Notification.objects.filter(dedupe_key__startswith="booking:").values_list(
                "dedupe_key", flat=True
            )
        }
        confirmed = set(
            Booking.objects.filter(status=BookingStatus.CONFIRMED).values_list("uuid", flat=True)
        )
        issued = set(
            OnlineMeeting.objects.filter(status=OnlineMeeting.Status.ISSUED).values_list(
                "booking_uuid", flat=True
            )
        )
        duplicates = (
            Notification.objects.values("dedupe_key")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        checks = [
            ("double bookings (overlapping active bookings of one counselor)", _overlaps(), 0),
            ("201 answers without their booking", len(references - stored), 0),
            ("bookings without a BookingEvent", without_events, 0),
            ("bookings without an email in the outbox", len(booking_ids - emailed), 0),
            ("confirmed bookings without an issued meeting", len(confirmed - issued), 0),
            ("emails queued twice (same dedupe key)", duplicates, 0),
            (
                "emails still queued after the drain",
                Notification.objects.filter(status=Notification.Status.QUEUED).count(),
                0,
            ),
            ("burst: bookings made beyond capacity", max(0, burst["made"] - burst["capacity"]), 0),
            ("burst: server errors", burst["server_errors"], 0),
            (
                "burst: clients not answered 201 or 409 (none when it found no free time)",
                burst["clients"] - burst["answered"],
                0,
            ),
            ("mix: requests that failed (an answer other than 2xx, 3xx or 409)", mix_failed, 0),
        ]
        total = Booking.objects.count()
        self.say(
            f"\n3. The database afterwards: {total} bookings, {len(confirmed)} confirmed; "
            f"{len(references)} answered 201, {total - len(stored)} more made by requests "
            f"the end of the run cut off before their answer was read; "
            f"{Notification.objects.count()} emails, {len(issued)} meetings."
        )
        failed = 0
        for label, value, expected in checks:
            ok = value == expected
            failed += not ok
            self.say(f"   {'ok  ' if ok else 'FAIL'} {label}: {value}")
        if failed:
            raise CommandError(f"{failed} check(s) failed")
