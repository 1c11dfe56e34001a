"""
`make cluster`: the fleet of loadtest/fleet.py brought up from nothing, the drills run
against it, each printing its figure and its checks (what `make load` checks of the
database), then everything stopped (also on Ctrl-C; `make cluster-stop` after a kill).

    1. a burst of bookers spread over the nodes
    2. a web node killed (SIGKILL) mid-burst; the clients retry with their Idempotency-Key
    3. the mail worker killed mid-task
    4. Microsoft Graph answering 429s (a storm) while confirmations keep flowing
    5. a rolling restart of the web nodes under load
    6. the cost of a booking and of an availability read (CPU ms of web, worker, database)
    7. the primary stopped, the replica promoted, HAProxy switched to it

CLUSTER_DRILLS=burst,node (names below) runs some; CLUSTER_NODES sets the number of nodes.
No figure is asserted by a timed test: the checks are about what the database holds.
"""

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest.fleet import DIR, Fleet  # noqa: E402
from loadtest.processes import SmtpServer  # noqa: E402

LINES: list[str] = []
FAILED: list[str] = []
ALL = ["burst", "node", "worker", "storm", "rolling", "cost", "failover"]


def say(line: str = "") -> None:
    LINES.append(line)
    print(line, flush=True)


def check(label: str, ok: bool, detail: str = "") -> None:
    say(f"   {'ok  ' if ok else 'FAIL'} {label}{': ' + detail if detail else ''}")
    if not ok:
        FAILED.append(label)


def wait_until(predicate, seconds: float, beat=None) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if beat:
            beat()
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


class TimedInbox(list):
    """The SMTP server's messages, with when each arrived and to whom (first arrival)."""

    def __init__(self) -> None:
        super().__init__()
        self.first: dict[str, float] = {}

    def append(self, item) -> None:
        for to in item[0]:
            self.first.setdefault(to, time.monotonic())
        super().append(item)


def main() -> int:
    drills = [d for d in os.environ.get("CLUSTER_DRILLS", ",".join(ALL)).split(",") if d]
    fleet = Fleet(nodes=int(os.environ.get("CLUSTER_NODES", "2")))
    smtp = SmtpServer()
    smtp.inbox.messages = TimedInbox()
    from tests.fakes.microsoft import FakeMicrosoft
    from tests.fakes.zoom import FakeZoom

    zoom, graph = FakeZoom(), FakeMicrosoft()
    try:
        began = time.monotonic()
        say(f"make cluster, {time.strftime('%Y-%m-%d %H:%M')} (machine time)")
        fleet.start_databases()
        smtp.start()
        zoom.start()
        graph.start()
        env = fleet.app_env(smtp.port, zoom.base, graph.base)
        os.environ.update(env)
        import django

        django.setup()
        fleet.start_haproxy()
        prepare(env)
        fleet.start_app()
        say(f"fleet up in {time.monotonic() - began:.0f} s: HAProxy {fleet.url} -> "
            f"{', '.join(f'{a}:{fleet.web_port}' for a in fleet.addresses)}; PostgreSQL primary "
            f":{fleet.primary.port} + streaming replica :{fleet.replica.port} (the app through "
            f"HAProxy :{fleet.db_port}, Django's pool); Redis :{fleet.redis.port}; workers "
            "per queue meetings, mail, default; one beat")  # fmt: skip
        from loadtest import drills as d

        ctx = d.Context(fleet, smtp, zoom, graph, say, check, wait_until)
        say(f"machine: {d.machine()}")
        for name in drills:
            getattr(d, f"drill_{name}")(ctx)
        say("\nAcross the drills:")
        d.database_check(ctx, ctx.all_answers())
    except KeyboardInterrupt:
        say("\ninterrupted: stopping the fleet")
        FAILED.append("interrupted")
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):  # django may not be set up yet
            connections.close_all()
        fleet.stop()
        for fake in (zoom, graph):
            with contextlib.suppress(Exception):  # never started
                fake.stop()
        smtp.stop()
    DIR.mkdir(parents=True, exist_ok=True)
    left = subprocess.run(["pgrep", "-f", str(DIR)], capture_output=True, text=True).stdout.split()
    say(f"\nstopped: {len(left)} process(es) of the fleet left running")
    say(f"{'all checks passed' if not FAILED and not left else f'{len(FAILED)} check(s) FAILED'};"
        f" report in {DIR / 'report.txt'}")  # fmt: skip
    (DIR / "report.txt").write_text("\n".join(LINES) + "\n")  # with its verdict
    return 1 if FAILED or left else 0


def prepare(env: dict) -> None:
    """Migrations, the five offices and their terms, the static files; three offices confirm
    at once (Toyooka and Matsudo on the fake Zoom, Yamaguchi on the fake Graph)."""
    from django.core.management import call_command

    from offices.models import Service
    from offices.services import offices_seed
    from terms.services import terms_seed

    call_command("migrate", verbosity=0)
    offices_seed(with_demo_counselors=True)
    terms_seed()
    Service.objects.filter(office__slug__in=["toyooka", "matsudo", "yamaguchi"]).update(
        confirmation_mode="instant"
    )
    # The drills book openly at offices the seed keeps to invitations (docs/booking-access.md),
    # as `make load` does: every service takes online bookings here.
    Service.objects.update(accepts_web=True)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   env=env, cwd=ROOT, check=True)  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
