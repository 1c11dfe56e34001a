"""
`make faults`: faults injected into a running system, then what must still hold checked.

Everything runs on loopback and is the run's own: a throwaway PostgreSQL cluster, a
Redis server, an SMTP server (aiosmtpd) and a fake Zoom (speaking Zoom's protocol), with
gunicorn and a Celery worker in front of them; the machine's shared PostgreSQL and Redis
are never touched. Beat is played by this script (it queues the periodic sweeps at once
instead of waiting a minute). Each scenario is bounded in time and says what it injected
and what it checked; the run fails if a check fails.

    1. the SMTP server down while people book, then back
    2. Redis (broker and cache) stopped while people book, then restarted
    3. the Celery worker killed (SIGKILL) in the middle of sending, then restarted
    4. Zoom answering 500s, 429s and timeouts (one after creating the meeting)
    5. Microsoft Graph (Teams) answering 503s, 429s and a timeout after creating
    6. PostgreSQL restarted while people book
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from http.client import HTTPConnection
from pathlib import Path

from common import clock

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "faults"
sys.path.insert(0, str(ROOT))

from loadtest.processes import (  # noqa: E402
    PostgresCluster,
    RedisProcess,
    SmtpServer,
    free_port,
    wait_for_port,
)
from tests.fakes.microsoft import FakeMicrosoft  # noqa: E402
from tests.fakes.zoom import FakeZoom  # noqa: E402

LINES: list[str] = []
FAILED: list[str] = []


def say(line: str = "") -> None:
    LINES.append(line)
    print(line, flush=True)


def check(label: str, ok: bool, detail: str = "") -> None:
    say(f"   {'ok  ' if ok else 'FAIL'} {label}{': ' + detail if detail else ''}")
    if not ok:
        FAILED.append(label)


def wait_until(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


class System:
    """The app's processes, started against the run's own services."""

    def __init__(self, env: dict) -> None:
        self.env = env
        self.port = free_port()
        self.web = self.worker = None

    def start_web(self) -> None:
        self.web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--log-level", "error"],
            env=self.env, cwd=ROOT, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", "2",
             "--loglevel", "ERROR", "--without-gossip", "--without-mingle"],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip

    def kill_worker(self) -> None:
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=10)

    def stop(self) -> None:
        for process in (self.web, self.worker):
            if process and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


class People:
    """People booking an office's sessions through the JSON API, each a different free time."""

    def __init__(self, port: int, terms_id: int, office: str = "toyooka") -> None:
        self.port, self.terms_id, self.office, self.n = port, terms_id, office, 0
        self.starts: list[str] = []

    def _free_starts(self) -> list[str]:
        first = clock.today() + timedelta(days=3)
        conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(
            "GET",
            f"/api/v1/offices/{self.office}/slots?from={first}&to={first + timedelta(days=40)}",
        )
        slots = json.loads(conn.getresponse().read())["slots"]
        return [s["start"] for s in slots for _ in range(s["free"])]

    def book(self) -> tuple[int, str]:
        if not self.starts:
            self.starts = self._free_starts()[::-1]
        self.n += 1
        body = json.dumps({
            "start": self.starts.pop(), "name": "障害 試験", "name_kana": "ショウガイ シケン",
            "job_seeker_number": f"{60000 + self.n}-1",
            "email": f"fault-{self.n}@example.jp", "phone": "09012345678",
            "terms_version": self.terms_id, "agree_terms": True,
        })  # fmt: skip
        try:
            conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
            conn.request("POST", f"/api/v1/offices/{self.office}/bookings", body,
                         {"Content-Type": "application/json"})  # fmt: skip
            response = conn.getresponse()
            payload = response.read()
            answer = json.loads(payload) if payload.startswith(b"{") else {}
            if response.status != 201:  # say why, and for which time, in the report
                return response.status, f"{answer.get('code', '')} {json.loads(body)['start']}"
            return response.status, answer["reference"]
        except OSError:
            return 0, ""


def main() -> int:  # one scenario after another, read top to bottom
    OUT.mkdir(parents=True, exist_ok=True)
    say(f"make faults, {time.strftime('%Y-%m-%d %H:%M')} (machine time)")
    pg = PostgresCluster()
    pg.init()
    redis_server = RedisProcess()
    redis_server.start()
    smtp = SmtpServer()
    smtp.start()
    zoom = FakeZoom().start()
    graph = FakeMicrosoft().start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "False",
        "DATABASE_URL": pg.url,
        "DB_CONN_MAX_AGE": "60",
        "REDIS_URL": redis_server.url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "CONFERENCING_FAKE": "False",
        "CONFERENCING_HTTP_TIMEOUT": "2",
        "ZOOM_OAUTH_URL": zoom.base + "/oauth/token",
        "ZOOM_API_BASE": zoom.base + "/v2",
        "MS_LOGIN_BASE": graph.base,
        "GRAPH_API_BASE": graph.base + "/v1.0",
        "CONFERENCING_ACCOUNTS": json.dumps(
            {
                "zoom:toyooka": {
                    "account_id": "acc",
                    "client_id": "cid",
                    "client_secret": "secret",
                    "host": "host@toyooka.example",
                },
                "teams:yamaguchi": {
                    "tenant_id": "tenant-1",
                    "client_id": "app-id",
                    "client_secret": "app-secret",
                    "organizer_id": "organizer-1",
                },
            }
        ),
        "MEETING_RETRY_BASE_SECONDS": "1",
        "MEETING_SWEEP_STALE_MINUTES": "0",
        # A worker killed mid-call or mid-send leaves its claim; here it lapses in seconds
        # (two minutes in production), so the run sees the work taken over.
        "MEETING_CLAIM_SECONDS": "8",
        "EMAIL_CLAIM_SECONDS": "8",
        "RATE_LIMIT_BOOKING": "off",
        "HOLD_LIMIT_PER_ADDRESS": "off",
        "HOLD_MAX_UNCONFIRMED_PER_DAY": "0",
        "PROOF_OF_WORK": "off",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "CRITICAL",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bookings.management.commands.bench import _machine, _overlaps
    from bookings.models import Booking, BookingStatus
    from bookings.tasks import sweep_meetings
    from conferencing.models import OnlineMeeting
    from notifications.models import Notification
    from notifications.tasks import send_queued_notifications
    from offices.models import Service
    from offices.services import offices_seed
    from terms.selectors import terms_in_force
    from terms.services import terms_seed

    say(f"machine: {_machine()}")
    call_command("migrate", verbosity=0)
    offices_seed(with_demo_counselors=True)
    # Open online booking at every service, as measured before invitations (the seed
    # takes Toyooka, Matsudo, Yamaguchi and Sasebo weekday online by invitation only).
    Service.objects.update(accepts_web=True)
    terms_seed()
    Service.objects.filter(office__slug__in=["toyooka", "yamaguchi"]).update(
        confirmation_mode="instant"
    )

    toyooka = Service.objects.get(office__slug="toyooka", slug="counseling").office
    terms_id = terms_in_force(office=toyooka, at=clock.now()).pk
    yamaguchi = Service.objects.get(office__slug="yamaguchi", slug="online-support").office
    yamaguchi_terms = terms_in_force(office=yamaguchi, at=clock.now()).pk
    connection.close()
    system = System(env)
    system.start_web()
    system.start_worker()
    people = People(system.port, terms_id)

    last_beat = [0.0]

    def beat() -> None:
        """What beat queues each minute (here every 3 s): the outbox resend, the sweep."""
        if time.monotonic() - last_beat[0] < 3:
            return
        last_beat[0] = time.monotonic()
        for attempt in range(20):
            try:
                send_queued_notifications.delay()
                sweep_meetings.delay()
                return
            except Exception:
                time.sleep(0.5 * (attempt + 1))

    def queued() -> int:
        """Emails not yet sent: queued, or claimed by a worker that may have died."""
        return Notification.objects.filter(
            status__in=[Notification.Status.QUEUED, Notification.Status.SENDING]
        ).count()

    def all_issued() -> bool:
        confirmed = set(Booking.objects.filter(status=BookingStatus.CONFIRMED)
                        .values_list("uuid", flat=True))  # fmt: skip
        issued = set(OnlineMeeting.objects.filter(status=OnlineMeeting.Status.ISSUED)
                     .values_list("booking_uuid", flat=True))  # fmt: skip
        return confirmed <= issued

    def settle(seconds: float = 90) -> bool:
        beat()
        return wait_until(lambda: (beat() or True) and queued() == 0 and all_issued(), seconds)

    def inbox_duplicates() -> int:
        ids = Counter(str(message["Message-ID"]) for _to, message in smtp.inbox.messages)
        return sum(n - 1 for n in ids.values() if n > 1)

    try:
        # 1 ---------------------------------------------------------------------------
        zoom.label = "scenario 1"
        say("\n1. SMTP server down while 10 people book; then back up.")
        smtp.stop()
        made = [people.book() for _ in range(10)]
        check("every booking answered 201 while mail was down", all(s == 201 for s, _r in made),
              str(Counter(s for s, _r in made)))  # fmt: skip
        wait_until(lambda: Notification.objects.exclude(last_error="").exists(), 20)
        waiting = queued()
        errors = set(
            Notification.objects.exclude(last_error="").values_list("last_error", flat=True)
        )
        check("emails wait in the outbox with the error's class", waiting > 0,
              f"{waiting} queued, errors {sorted(errors)}")  # fmt: skip
        smtp.start()
        check("after recovery everything is sent", settle(), f"{queued()} still queued")
        sent = Notification.objects.filter(status=Notification.Status.SENT).count()
        check("each email delivered exactly once", len(smtp.inbox.messages) == sent
              and inbox_duplicates() == 0, f"{len(smtp.inbox.messages)} received, {sent} sent")  # fmt: skip

        # 2 ---------------------------------------------------------------------------
        zoom.label = "scenario 2"
        say("\n2. Redis (broker and cache) stopped while 10 people book; then restarted.")
        before = Booking.objects.count()
        redis_server.stop()
        began = time.monotonic()
        made = [people.book() for _ in range(10)]
        slowest = time.monotonic() - began
        check("every booking answered 201 with Redis down", all(s == 201 for s, _r in made),
              f"{Counter(s for s, _r in made)}, 10 bookings in {slowest:.1f} s")  # fmt: skip
        check("all 10 are in the database", Booking.objects.count() - before == 10)
        redis_server.start()
        check("after restart: emails sent and meetings issued", settle(),
              f"{queued()} queued")  # fmt: skip

        # 3 ---------------------------------------------------------------------------
        zoom.label = "scenario 3"
        say("\n3. The worker killed (SIGKILL) while sending slowly (0.5 s per email); restarted.")
        smtp.inbox.delay = 0.5
        received_before, sent_before = len(smtp.inbox.messages), Notification.objects.filter(
            status=Notification.Status.SENT).count()  # fmt: skip
        made = [people.book() for _ in range(10)]
        time.sleep(2)
        system.kill_worker()
        half = Notification.objects.filter(status=Notification.Status.SENT).count() - sent_before
        say(f"   killed after {half} of the new emails were recorded as sent; {queued()} queued")
        smtp.inbox.delay = 0
        system.start_worker()
        check("after restart everything is sent", settle(), f"{queued()} still queued")
        duplicates = inbox_duplicates()
        say(f"   duplicates received: {duplicates} (a message the SMTP server accepted in the "
            "instant before the kill, resent with the same Message-ID)")  # fmt: skip
        check("at most one duplicate per email in flight at the kill (concurrency 2)",
              duplicates <= 2, str(duplicates))  # fmt: skip
        check("every email recorded as sent once", queued() == 0
              and not Notification.objects.filter(status=Notification.Status.FAILED).exists())  # fmt: skip
        del received_before

        # 4 ---------------------------------------------------------------------------
        zoom.label = "scenario 4"
        say("\n4. Zoom answers 3 x 500, 2 x 429 (Retry-After 1), and 2 timeouts (the first "
            "after creating the meeting) to 6 people's bookings.")  # fmt: skip
        for _ in range(3):
            zoom.fail("POST /users/", status=500)
        for _ in range(2):
            zoom.fail("POST /users/", status=429, headers={"Retry-After": "1"})
        zoom.fail("POST /users/", status=201, then_apply=True, delay=3)
        zoom.fail("POST /users/", status=504, delay=3)
        made = [people.book() for _ in range(6)]
        references = [r for s, r in made if s == 201]
        check("the 6 bookings answered 201 at once", len(references) == 6, str(made))
        check("every meeting issued after the retries", settle(120),
              f"{OnlineMeeting.objects.exclude(status='issued').count()} not issued")  # fmt: skip
        per_booking = Counter(m["topic"].split()[-1] for m in zoom.meetings.values())
        check("exactly one Zoom meeting per booking (no duplicate from the lost answer)",
              all(per_booking[r] == 1 for r in references), str({r: per_booking[r] for r in references}))  # fmt: skip
        ids = Booking.objects.filter(reference__in=references).values_list("pk", flat=True)
        pattern = r"^booking:({}):".format("|".join(map(str, ids)))
        issued_mails = Notification.objects.filter(
            kind="meeting_issued", dedupe_key__regex=pattern
        ).count()
        check("one join-link email per booking", issued_mails == 6, str(issued_mails))

        # 5 ---------------------------------------------------------------------------
        zoom.label = "scenario 5"
        say("\n5. Microsoft Graph answers 2 x 503, 1 x 429 (Retry-After 1) and a timeout after "
            "creating the meeting to 4 people's Teams bookings (Yamaguchi).")  # fmt: skip
        route = "POST /users/organizer-1/onlineMeetings/createOrGet"
        for _ in range(2):
            graph.fail(route, status=503)
        graph.fail(route, status=429, headers={"Retry-After": "1"})
        graph.fail(route, status=201, then_apply=True, delay=3)
        teams_people = People(system.port, yamaguchi_terms, office="yamaguchi")
        made = [teams_people.book() for _ in range(4)]
        references = [r for s, r in made if s == 201]
        check("the 4 bookings answered 201 at once", len(references) == 4, str(made))
        check("every Teams meeting issued after the retries", settle(120), str(list(
            OnlineMeeting.objects.exclude(status="issued").values_list("status", "last_error")
        )))  # fmt: skip
        uuids = {str(u) for u in Booking.objects.filter(reference__in=references)
                 .values_list("uuid", flat=True)}  # fmt: skip
        per_booking = Counter(m["externalId"] for m in graph.meetings.values())
        check("exactly one Teams meeting per booking (createOrGet, keyed by the booking)",
              all(per_booking[u] == 1 for u in uuids), str(dict(per_booking)))  # fmt: skip

        # 6 ---------------------------------------------------------------------------
        zoom.label = "scenario 6"
        say("\n6. PostgreSQL restarted while people keep booking for 8 s.")
        before = Booking.objects.count()
        connection.close()
        statuses: list[tuple[int, str]] = []
        stop = threading.Event()

        def keep_booking() -> None:
            while not stop.is_set():
                statuses.append(people.book())

        booker = threading.Thread(target=keep_booking)
        booker.start()
        time.sleep(2)
        restart_began = time.monotonic()
        pg.restart()
        say(f"   PostgreSQL restarted in {time.monotonic() - restart_began:.1f} s")
        time.sleep(6)
        stop.set()
        booker.join(timeout=60)
        connection.close()
        counts = Counter(s for s, _r in statuses)
        say(f"   answers during the run: {dict(sorted(counts.items()))}")
        check(
            "no 500: an unreachable database answers 503 with Retry-After", counts.get(500, 0) == 0
        )
        references = {r for s, r in statuses if s == 201}
        stored = set(
            Booking.objects.filter(reference__in=references).values_list("reference", flat=True)
        )
        check("every 201 has its booking (none lost)", references == stored,
              f"{len(references)} answered 201")  # fmt: skip
        after = people.book()
        check("booking works right after the restart", after[0] == 201, str(after[0]))
        check("after the restart: emails sent and meetings issued", settle(), f"{queued()} queued")

        # All ---------------------------------------------------------------------------
        say("\nAcross all scenarios:")
        check("no double booking", _overlaps() == 0)
        per_booking = Counter(m["topic"].split()[-1] for m in zoom.meetings.values())
        doubled = {
            reference: sorted(
                m["created_during"] for m in zoom.meetings.values()
                if m["topic"].split()[-1] == reference
            )
            for reference, n in per_booking.items() if n > 1
        }  # fmt: skip
        check("no booking with two Zoom meetings", not doubled,
              "; ".join(f"{ref}: created during {', '.join(when)}" for ref, when in doubled.items()))  # fmt: skip
        check("no email left queued or failed", queued() == 0
              and not Notification.objects.filter(status=Notification.Status.FAILED).exists())  # fmt: skip
        say(f"   totals: {Booking.objects.count()} bookings, {len(zoom.meetings)} Zoom meetings, "
            f"{len(smtp.inbox.messages)} emails received")  # fmt: skip
    finally:
        system.stop()
        zoom.stop()
        graph.stop()
        smtp.stop()
        redis_server.stop()
        connection.close()
        pg.destroy()
    (OUT / "report.txt").write_text("\n".join(LINES) + "\n")
    say(f"\n{'all checks passed' if not FAILED else f'{len(FAILED)} check(s) FAILED'}; "
        f"report in {OUT / 'report.txt'}")  # fmt: skip
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
