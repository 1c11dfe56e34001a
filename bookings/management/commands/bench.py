"""
`make bench`: figures, printed, never asserted. Run it against a database of its own
(the Makefile points DATABASE_URL at one): it flushes that database first.
"""

import multiprocessing
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta
from http.client import HTTPConnection

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, reset_queries
from django.test.utils import CaptureQueriesContext, override_settings

from bookings.exceptions import SlotTaken
from bookings.models import ACTIVE_STATUSES, Applicant, Booking, BookingStatus
from bookings.selectors.availability import slot_list_available, slot_lists_for_services
from bookings.services.create import booking_create
from common import clock
from common.clock import JST
from offices.models import Counselor, Office, Service
from offices.services import offices_seed
from terms.models import Consent
from terms.selectors import terms_in_force
from terms.services import terms_seed

SEED_BOOKINGS = 2000
AVAILABILITY_RUNS = 25
BOOKING_CLIENTS = 4
BOOKINGS_PER_CLIENT = 50


class Command(BaseCommand):
    help = "Seeds a benchmark data set on the configured database and prints figures."

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="Flush the configured database.")
        parser.add_argument("--http-seconds", type=int, default=10)

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError(
                "This flushes the configured database. Run `make bench`, or add --yes."
            )
        self.out = self.stdout.write
        db = connection.settings_dict
        self.out(f"database: {connection.vendor} {db.get('NAME')}")
        self.out(f"machine: {_machine()}")
        call_command("flush", "--noinput", verbosity=0)
        offices_seed(with_demo_counselors=True)
        terms_seed()
        now = clock.now()
        seeded = self._seed_bookings(now)
        self.out(
            f"seeded: {Office.objects.count()} offices, {Counselor.objects.count()} counselors, "
            f"{seeded} bookings over the next 60 days"
        )
        self._availability(now)
        self._booking_rate()
        self._http(options["http_seconds"])

    # --- data ---------------------------------------------------------------------------

    def _seed_bookings(self, now) -> int:
        rng = random.Random(7)
        candidates = []
        for service in Service.objects.select_related("office").filter(accepts_web=True):
            for slot in slot_list_available(
                service=service,
                first_day=now.date(),
                last_day=now.date() + timedelta(days=60),
                now=now,
            ):
                for counselor_id in slot.counselor_ids:
                    candidates.append((service, slot, counselor_id))
        rng.shuffle(candidates)
        taken: dict[int, list[tuple[datetime, datetime]]] = {}
        chosen = []
        for service, slot, counselor_id in candidates:
            busy = taken.setdefault(counselor_id, [])
            if any(start < slot.end and slot.start < end for start, end in busy):
                continue
            busy.append((slot.start, slot.end))
            chosen.append((service, slot, counselor_id))
            if len(chosen) == SEED_BOOKINGS:
                break
        terms = {
            office.pk: terms_in_force(office=office, at=now) for office in Office.objects.all()
        }
        applicants, consents, bookings = [], [], []
        for n, (service, _slot, _counselor) in enumerate(chosen):
            applicant = Applicant(
                office_id=service.office_id,
                kind="job_seeker",
                identity_key=f"bench:{n}",
                name=f"bench {n}",
            )
            applicants.append(applicant)
        Applicant.objects.bulk_create(applicants, batch_size=500)
        for applicant, (service, _slot, _c) in zip(applicants, chosen, strict=True):
            consents.append(
                Consent(
                    office_id=service.office_id,
                    terms_version=terms[service.office_id],
                    applicant_uuid=applicant.uuid,
                    applicant_kind="job_seeker",
                    channel="web",
                    given_at=now,
                )
            )
        Consent.objects.bulk_create(consents, batch_size=500)
        for n, ((service, slot, counselor_id), applicant, consent) in enumerate(
            zip(chosen, applicants, consents, strict=True)
        ):
            bookings.append(
                Booking(
                    reference=f"B{n:07d}",
                    office_id=service.office_id,
                    service=service,
                    counselor_id=counselor_id,
                    applicant=applicant,
                    consent=consent,
                    start=slot.start,
                    end=slot.end,
                    status=BookingStatus.CONFIRMED,
                    channel="web",
                    name=applicant.name,
                    email=f"bench{n}@example.jp",
                    phone="0900000000",
                )
            )
        Booking.objects.bulk_create(bookings, batch_size=500)
        return len(bookings)

    # --- measures -----------------------------------------------------------------------

    def _availability(self, now) -> None:
        self.out("\n30 days of availability for a whole office (all its web services):")
        self.out(f"  {'office':<12}{'queries':>8}{'median ms':>11}{'p90 ms':>9}{'free starts':>13}")
        for office in Office.objects.order_by("position"):
            services = list(
                Service.objects.select_related("office").filter(office=office, accepts_web=True)
            )
            timings, queries, count = [], 0, 0
            last = now.date() + timedelta(days=29)
            for run in range(AVAILABILITY_RUNS):
                reset_queries()
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    slots = slot_lists_for_services(
                        services=services, first_day=now.date(), last_day=last, now=now
                    )
                    timings.append((time.perf_counter() - began) * 1000)
                count = sum(len(found) for found in slots.values())
                if run == 0:
                    queries = len(captured)
            timings.sort()
            self.out(
                f"  {office.slug:<12}{queries:>8}{statistics.median(timings):>11.1f}"
                f"{timings[int(len(timings) * 0.9)]:>9.1f}{count:>13}"
            )

    def _booking_rate(self) -> None:
        now = clock.now()
        services = list(Service.objects.select_related("office").filter(accepts_web=True))
        slots = []
        for service in services:
            for slot in slot_list_available(
                service=service,
                first_day=now.date(),
                last_day=now.date() + timedelta(days=60),
                now=now,
            ):
                slots.append((service, slot.start))
        random.Random(11).shuffle(slots)
        total = BOOKING_CLIENTS * BOOKINGS_PER_CLIENT
        work = [slots[i::BOOKING_CLIENTS][:BOOKINGS_PER_CLIENT] for i in range(BOOKING_CLIENTS)]
        terms = {o.pk: terms_in_force(office=o, at=now).pk for o in Office.objects.all()}
        # Clients are processes, as gunicorn's workers are: threads of one process would
        # measure Python's global interpreter lock rather than the booking path.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        # The abuse limits (per address, per day) are off: the bench measures the booking path.
        with override_settings(
            RATE_LIMIT_BOOKING="off", HOLD_LIMIT_PER_ADDRESS="off", HOLD_MAX_UNCONFIRMED_PER_DAY=0,
            CELERY_TASK_ALWAYS_EAGER=False,
        ):  # fmt: skip
            began = time.perf_counter()
            with context.Pool(BOOKING_CLIENTS) as pool:
                outcomes = pool.map(_book_many, [(items, terms) for items in work])
            elapsed = time.perf_counter() - began
        results = {key: sum(o[key] for o in outcomes) for key in ("made", "taken", "errors")}
        rate = total / elapsed
        self.out(
            f"\nbooking_create, {BOOKING_CLIENTS} concurrent clients: {total} attempts in "
            f"{elapsed:.2f} s = {rate:.0f} bookings/s ({results['made']} made, "
            f"{results['taken']} lost to a concurrent client, {results['errors']} errors)"
        )
        overlaps = _overlaps()
        self.out(f"double bookings in the database afterwards: {overlaps}")
        self._queries_per_booking(slots[total:], terms)

    def _queries_per_booking(self, slots, terms) -> None:
        """One more web booking, its queries counted: in all, and from the office lock on."""
        from django.test.utils import CaptureQueriesContext

        for service, start in slots:
            with CaptureQueriesContext(connection) as captured:
                made = _book_many(([(service, start)], terms))["made"]
            if not made:
                continue
            sqls = [
                q["sql"] for q in captured.captured_queries
                if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
            ]  # fmt: skip
            lock = next(
                (i for i, sql in enumerate(sqls) if "offices_counselor" in sql and " FOR " in sql),
                len(sqls),
            )
            self.out(
                f"queries per booking ({service.office.slug}, {service.slug}): {len(sqls)} in "
                f"all, {len(sqls) - lock} while the office's lock is held (savepoints not counted)"
            )
            return

    def _http(self, seconds: int) -> None:
        port = _free_port()
        env = {"DEBUG": "False", "RATE_LIMIT_BOOKING": "off", "ALLOWED_HOSTS": "127.0.0.1"}
        import os

        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "4",
                "--log-level",
                "warning",
            ],
            env={**os.environ, **env},
        )
        try:
            _wait_for(port)
            today = clock.now().astimezone(JST).date()
            path = f"/api/v1/offices/kawagoe/slots?from={today}&to={today + timedelta(days=29)}"
            self.out(
                f"\nGET {path.split('?')[0]} (30 days) under gunicorn, 4 workers, {seconds} s:"
            )
            _python_load(port, path, 2)  # warm every worker: imports, holiday tables, connections
            if shutil.which("wrk"):
                output = subprocess.run(
                    [
                        "wrk",
                        "-t2",
                        "-c16",
                        f"-d{seconds}s",
                        "--latency",
                        f"http://127.0.0.1:{port}{path}",
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                self.out("  (wrk -t2 -c16) " + _wrk_summary(output))
            else:
                self.out(
                    "  (wrk not installed: built-in client, 16 connections) "
                    + _python_load(port, path, seconds)
                )
        finally:
            server.terminate()
            server.wait(timeout=10)


def _book_many(args) -> dict[str, int]:
    items, terms = args
    results = {"made": 0, "taken": 0, "errors": 0}
    for n, (service, start) in enumerate(items):
        try:
            booking_create(
                service=service,
                start=start,
                terms_version_id=terms[service.office_id],
                agree_terms=True,
                channel="web",
                now=clock.now(),
                data={
                    "name": "bench",
                    "email": f"{uuid.uuid4().hex[:12]}@example.jp",
                    "phone": "09000000000",
                    "job_seeker_number": f"{random.randint(10000, 99999)}-{n}",
                },
            )
            results["made"] += 1
        except SlotTaken:
            results["taken"] += 1
        except Exception as error:  # counted and reported, never hidden
            results["errors"] += 1
            print(repr(error), file=sys.stderr)
    connections.close_all()
    return results


def _overlaps() -> int:
    rows = (
        Booking.objects.filter(status__in=ACTIVE_STATUSES)
        .order_by("counselor_id", "start")
        .values_list("counselor_id", "start", "end")
    )
    count, previous = 0, None
    for row in rows:
        if previous and previous[0] == row[0] and row[1] < previous[2]:
            count += 1
        previous = row
    return count


def _machine() -> str:
    import os
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise CommandError("gunicorn did not start")


def _wrk_summary(output: str) -> str:
    values = {}
    for line in output.splitlines():
        parts = line.split()
        if parts[:1] == ["Requests/sec:"]:
            values["rps"] = parts[1]
        elif len(parts) == 2 and parts[0] in ("50%", "99%"):
            values[parts[0]] = parts[1]
        elif "Non-2xx" in line or "Socket errors" in line:
            values.setdefault("errors", []).append(line.strip())
    errors = "; ".join(values.get("errors", [])) or "no errors"
    rps, p50, p99 = values.get("rps"), values.get("50%"), values.get("99%")
    return f"{rps} requests/s, p50 {p50}, p99 {p99}, {errors}"


def _python_load(port: int, path: str, seconds: int) -> str:
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        conn = HTTPConnection("127.0.0.1", port, timeout=10)
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            with lock:
                latencies.append(time.perf_counter() - began)
                errors[0] += response.status != 200

    threads = [threading.Thread(target=worker) for _ in range(16)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    elapsed = time.perf_counter() - began
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    rps = len(latencies) / elapsed
    return f"{rps:.0f} requests/s, p50 {p50:.1f}ms, p99 {p99:.1f}ms, {errors[0]} errors"
