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
from loadtest.limits import ABUSE_LIMITS_OFF_ENV, abuse_limits_off_settings
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
        parser.add_argument(
            "--only", choices=("booking", "mix"),
            help="Only the booking rate (booking_create, its CPU and queries), or only the "
            "realistic mix under gunicorn (to profile one of them): the seed as always.",
        )  # fmt: skip

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError(
                "This flushes the configured database. Run `make bench`, or add --yes."
            )
        self.out = self.stdout.write
        import logging

        for name in ("bookings", "notifications"):  # one INFO line per booking, per email
            logging.getLogger(name).setLevel(logging.WARNING)
        db = connection.settings_dict
        self.out(f"database: {connection.vendor} {db.get('NAME')}")
        self.out(f"machine: {_machine()}")
        call_command("flush", "--noinput", verbosity=0)
        offices_seed(with_demo_counselors=True)
        # Open online booking at every service, as measured before invitations (the seed
        # takes Toyooka, Matsudo, Yamaguchi and Sasebo weekday online by invitation only).
        Service.objects.update(accepts_web=True)
        terms_seed()
        now = clock.now()
        seeded = self._seed_bookings(now)
        self.out(
            f"seeded: {Office.objects.count()} offices, {Counselor.objects.count()} counselors, "
            f"{seeded} bookings over the next 60 days"
        )
        if not options["only"]:
            self._availability(now)
        if options["only"] != "mix":
            self._booking_rate()
        if options["only"] != "booking":
            self._http(options["http_seconds"], mix_only=options["only"] == "mix")

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
        with override_settings(**abuse_limits_off_settings(), CELERY_TASK_ALWAYS_EAGER=False):
            began = time.perf_counter()
            with context.Pool(BOOKING_CLIENTS) as pool:
                outcomes = pool.map(_book_many, [(items, terms) for items in work])
            elapsed = time.perf_counter() - began
        keys = ("made", "taken", "errors", "cpu", "db_cpu")
        results = {key: sum(o[key] for o in outcomes) for key in keys}
        rate = total / elapsed
        self.out(
            f"\nbooking_create (a service call, no HTTP), {BOOKING_CLIENTS} concurrent client "
            f"processes: {total} attempts in {elapsed:.2f} s = {rate:.0f} bookings/s "
            f"(aim: 200 or more on PostgreSQL; load average {_load_average()})"
        )
        self.out(
            f"  {results['made']} made, {results['taken']} lost to a concurrent client, "
            f"{results['errors']} errors"
        )
        overlaps = _overlaps()
        self.out(f"  double bookings in the database afterwards: {overlaps} (aim: 0)")
        made = max(1, results["made"] + results["taken"])
        db_cpu = (
            f"{results['db_cpu'] * 1000 / made:.1f} ms"
            if connection.vendor == "postgresql" and results["db_cpu"]
            else "not measured (not PostgreSQL on this machine)"
        )
        self.out(
            f"  CPU per booking (process time, not wall clock): the booking's process "
            f"{results['cpu'] * 1000 / made:.1f} ms, PostgreSQL {db_cpu}"
        )
        self._worker_cost(made)
        self._queries_per_booking(slots[total:], terms)

    def _http_bookings(self, port: int, seconds: int, master: int) -> None:
        """Bookings through the JSON API under gunicorn: 8 connections, each booking a free
        time after another (a 409, taken by another connection, is a correct answer)."""
        # The offices whose API bookings need no job-seeker extras, as in `make load`.
        times = [t for t in _free_api_times(1, 60) if t[0] in ("toyooka", "kawagoe")]
        random.Random(13).shuffle(times)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        lock = threading.Lock()
        deadline = time.perf_counter() + seconds

        def worker() -> None:
            conn = HTTPConnection("127.0.0.1", port, timeout=30)
            while time.perf_counter() < deadline:
                with lock:
                    if not times:
                        return
                    slug, start, terms = times.pop()
                began = time.perf_counter()
                conn.request(
                    "POST", f"/api/v1/offices/{slug}/bookings",
                    _api_body(start, terms, len(latencies)), {"Content-Type": "application/json"},
                )  # fmt: skip
                response = conn.getresponse()
                response.read()
                with lock:
                    latencies.append(time.perf_counter() - began)
                    statuses[response.status] = statuses.get(response.status, 0) + 1

        threads = [threading.Thread(target=worker) for _ in range(8)]
        cpu_before = _children_cpu_seconds(master)
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        cpu = _children_cpu_seconds(master) - cpu_before
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99)] * 1000 if latencies else 0
        self.out(
            f"\nPOST /api/v1/offices/<office>/bookings (full HTTP requests) under gunicorn, 4 "
            f"workers, 8 connections, {elapsed:.0f} s: {statuses.get(201, 0) / elapsed:.0f} "
            f"bookings/s, p99 {p99:.0f} ms; answers {dict(sorted(statuses.items()))}; "
            f"load average {_load_average()}"
        )
        self.out(
            f"  CPU per request (process time of gunicorn's workers, HTTP and JSON included): "
            f"{cpu * 1000 / max(1, len(latencies)):.1f} ms"
        )
        self.out(f"  double bookings in the database afterwards: {_overlaps()} (aim: 0)")

    def _burst(self, port: int, clients: int = 200) -> None:
        """200 people book the same three times at once, four weeks ahead at Toyooka."""
        from loadtest.burst import burst_run, burst_summary

        times = [t for t in _free_api_times(28, 28) if t[0] == "toyooka"][:3]
        if not times:
            self.out("\nthe burst: no free time at Toyooka four weeks ahead: not run")
            return
        service = Service.objects.get(office__slug="toyooka", slug="counseling")
        starts = [start for _slug, start, _terms in times]
        capacity = sum(
            slot.free
            for slot in slot_list_available(
                service=service,
                first_day=datetime.fromisoformat(starts[0]).date(),
                last_day=datetime.fromisoformat(starts[-1]).date(),
                now=clock.now(),
            )
            if slot.start.isoformat() in starts
        )
        results = burst_run(port=port, slug="toyooka", starts=starts, terms=times[0][2],
                            clients=clients)  # fmt: skip
        made = sum(1 for status, _s, _r in results if status == 201)
        wrong = sum(1 for status, _s, _r in results if status not in (201, 409))
        self.out(
            f"\nthe burst (full HTTP requests): {clients} clients book the same 3 times at "
            f"Toyooka at once (capacity {capacity}): {burst_summary(results)} (aim: slowest "
            f"under 1000 ms, all correct); load average {_load_average()}"
        )
        self.out(
            f"  correct: {made} made for a capacity of {capacity}, {wrong} answers other "
            f"than 201 or 409, {_overlaps()} double bookings (aim: no more than the capacity, "
            f"0, 0)"
        )

    def _mix(self, port: int, env: dict, users: int = 150, seconds: int = 30) -> None:
        """The realistic mix of `make load` at 150 people (full HTTP requests)."""
        from loadtest.mix import mix_run

        row = mix_run(port=port, users=users, seconds=seconds, env=env)
        summary = (
            f"{row['count']} requests, {row['failures']} failed, {row['rps']:.0f} requests/s, "
            f"p50 {row['p50']} ms, p99 {row['p99']} ms"
            if row
            else "locust wrote no figures (not run)"
        )
        self.out(
            f"\nthe realistic mix (full HTTP requests: pages, free times, API bookings, "
            f"cancellations), {users} people for {seconds} s: {summary} (aim: p99 under "
            f"300 ms); load average {_load_average()}"
        )
        if row:
            self.out(f"  {'request':46}{'count':>7}{'fail':>6}{'p50':>7}{'p95':>7}{'p99':>7}  (ms)")
            for kind in row["kinds"]:
                self.out(
                    f"  {kind['name'][:46]:46}{kind['count']:>7}{kind['failures']:>6}"
                    f"{kind['p50']:>7}{kind['p95']:>7}{kind['p99']:>7}"
                )

    def _worker_cost(self, bookings: int) -> None:
        """The worker's part of the bookings: sending what they queued in the outbox (to
        Django's in-memory mail backend), its CPU per booking."""
        from notifications.models import Notification
        from notifications.services import notification_send

        ids = list(
            Notification.objects.filter(status=Notification.Status.QUEUED).values_list(
                "pk", flat=True
            )
        )
        connection.ensure_connection()
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            db_before, cpu_before = _backend_cpu_seconds(), time.process_time()
            for pk in ids:
                notification_send(notification_id=pk, now=clock.now())
            cpu = time.process_time() - cpu_before
            db_after = _backend_cpu_seconds()
        db = (
            f", PostgreSQL {(db_after - db_before) * 1000 / bookings:.1f} ms"
            if db_before is not None and db_after is not None
            else ""
        )
        self.out(
            f"  the worker sending their {len(ids)} emails: {cpu * 1000 / bookings:.1f} ms of "
            f"CPU per booking{db}"
        )

    def _queries_per_booking(self, slots, terms) -> None:
        """Two more web bookings of one service and day, their queries counted (in all, and
        from the office's lock on): the first with the office's setup not cached, the
        second with it cached by the first, as every booking but the first of a minute."""
        with override_settings(**abuse_limits_off_settings()):
            for service, start in slots:
                day = start.astimezone(JST).date()
                same_day = [
                    t for s, t in slots
                    if s == service and t != start and t.astimezone(JST).date() == day
                ]  # fmt: skip
                if not same_day:
                    continue
                first = _counted_booking(service, start, terms)
                second = next(
                    (found for t in same_day if (found := _counted_booking(service, t, terms))),
                    None,
                )
                if first is None or second is None:
                    continue
                for label, (in_all, locked) in (("not cached", first), ("cached", second)):
                    self.out(
                        f"  queries per booking ({service.office.slug}, {service.slug}, the "
                        f"office's setup {label}): {in_all} in all (aim: 10 at most), {locked} "
                        f"from the office's lock on (aim: 4 at most; BEGIN, COMMIT and savepoints "
                        f"not counted, as in tests/bookings/test_booking_queries.py; the "
                        f"answer's link after the commit counted)"
                    )
                return

    def _http(self, seconds: int, *, mix_only: bool = False) -> None:
        port = _free_port()
        env = {
            "DEBUG": "False", **ABUSE_LIMITS_OFF_ENV, "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "ERROR",  # a 409 is a warning in Django's log: thousands of lines
        }  # fmt: skip
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
            if mix_only:
                _python_load(port, "/offices/kawagoe/", 2)  # warm every worker
                self._mix(port, {**os.environ, **env})
                return
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
            self.out(f"  (load average {_load_average()})")
            self._http_bookings(port, seconds, server.pid)
            self._burst(port)
            self._mix(port, {**os.environ, **env})
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a machine far too busy to stop it in time
                server.kill()
                server.wait()


def _api_body(start: str, terms: int, n: int) -> str:
    import json

    return json.dumps({
        "start": start, "name": "負荷 試験", "name_kana": "フカ シケン",
        "job_seeker_number": f"{random.randint(10000, 99999)}-{n}",
        "email": f"{uuid.uuid4().hex[:12]}@example.jp", "phone": "09012345678",
        "terms_version": terms, "agree_terms": True,
    })  # fmt: skip


def _serial() -> int:
    """A number of its own per booking: a job-seeker number seen before makes a claim."""
    return uuid.uuid4().int % 10**7


def _book_one(service, start, terms) -> int:
    """One booking, without the CPU readings (their queries would be counted)."""
    try:
        booking_create(
            service=service, start=start, terms_version_id=terms[service.office_id],
            agree_terms=True, channel="web", now=clock.now(),
            data={"name": "bench", "email": f"{uuid.uuid4().hex[:12]}@example.jp",
                  "phone": "09000000000",
                  "job_seeker_number": f"{random.randint(10000, 99999)}-{_serial()}"},
        )  # fmt: skip
    except SlotTaken:
        return 0
    return 1


def _counted_booking(service, start, terms) -> tuple[int, int] | None:
    """One booking's queries: (in all, from the office's lock on), or None if not made."""
    with CaptureQueriesContext(connection) as captured:
        made = _book_one(service, start, terms)
    if not made:
        return None
    sqls = [
        q["sql"] for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))
    ]  # fmt: skip
    lock = next(
        (i for i, sql in enumerate(sqls) if "offices_counselor" in sql and " FOR " in sql),
        len(sqls),
    )
    return len(sqls), len(sqls) - lock


def _book_many(args) -> dict[str, float]:
    """Books each (service, start) through `booking_create`; counts the outcomes, and the
    CPU seconds this process and its PostgreSQL backend spent on them."""
    items, terms = args
    results = {"made": 0, "taken": 0, "errors": 0, "cpu": 0.0, "db_cpu": 0.0}
    connection.ensure_connection()
    db_before, cpu_before = _backend_cpu_seconds(), time.process_time()
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
    results["cpu"] = time.process_time() - cpu_before
    db_after = _backend_cpu_seconds()
    if db_before is not None and db_after is not None:
        results["db_cpu"] = db_after - db_before
    connections.close_all()
    return results


def _free_api_times(first_offset: int, days: int) -> list[tuple[str, str, int]]:
    """(office slug, start, terms id) of every free time of the offices' web services."""
    now = clock.now()
    first = now.astimezone(JST).date() + timedelta(days=first_offset)
    found = []
    for service in Service.objects.select_related("office").filter(accepts_web=True):
        terms = terms_in_force(office=service.office, at=now).pk
        for slot in slot_list_available(
            service=service, first_day=first, last_day=first + timedelta(days=days), now=now
        ):
            found.append((service.office.slug, slot.start.isoformat(), terms))
    return found


def _process_cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) process `pid` has used, from /proc (0 without it)."""
    import os
    from pathlib import Path

    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu_seconds(pid: int) -> float:
    """The CPU seconds of the children of `pid` (gunicorn's workers)."""
    from pathlib import Path

    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    return sum(_process_cpu_seconds(int(child)) for child in children)


def _backend_cpu_seconds() -> float | None:
    """
    CPU seconds (user and system) the PostgreSQL backend serving this connection has used,
    from /proc when the database runs on this machine; None otherwise (or on SQLite).
    """
    from pathlib import Path

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    if not Path(f"/proc/{pid}/stat").exists():
        return None
    return _process_cpu_seconds(pid)


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


def _load_average() -> str:
    """The machine's load average (1, 5, 15 minutes), printed beside every timing."""
    import os

    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


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
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
            except OSError:  # no answer in 30 s (a machine far too busy): an error
                with lock:
                    errors[0] += 1
                conn = HTTPConnection("127.0.0.1", port, timeout=30)
                continue
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
    if not latencies:
        return f"no answer in {seconds} s, {errors[0]} errors"
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    rps = len(latencies) / elapsed
    return f"{rps:.0f} requests/s, p50 {p50:.1f}ms, p99 {p99:.1f}ms, {errors[0]} errors"
