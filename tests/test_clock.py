"""
One clock: the project's code asks `common.clock` for the time, a request reads it once,
and every test runs under the suite's frozen moment.
"""

import ast
import time
from datetime import datetime
from pathlib import Path

from django.test import RequestFactory
from django.utils import timezone

from common import clock
from tests.helpers import NOW

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = [
    "bookings", "common", "conferencing", "config", "notifications", "offices", "reports", "terms",
]  # fmt: skip
# The one module that reads the real clock, and the field that asks it.
ALLOWED = {ROOT / "common" / "clock.py"}

FORBIDDEN_CALLS = {
    ("timezone", "now"): "timezone.now()",
    ("datetime", "now"): "datetime.now()",
    ("datetime", "utcnow"): "datetime.utcnow()",
    ("datetime", "today"): "datetime.today()",
    ("date", "today"): "date.today()",
    ("time", "time"): "time.time()",
    ("time", "time_ns"): "time.time_ns()",
    ("timezone", "localdate"): "timezone.localdate()",
    ("timezone", "localtime"): "timezone.localtime()",
}


def _project_files():
    for app in PROJECT_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts and path not in ALLOWED:
                yield path


def _clock_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
            what = FORBIDDEN_CALLS.get((name, node.func.attr))
            if what == "timezone.localtime()" and node.args:
                continue  # converting a given moment, not reading the clock
            if what:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {what}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("DateTimeField", "DateField")
            and any(k.arg in ("auto_now", "auto_now_add") for k in node.keywords)
        ):
            found.append(
                f"{path.relative_to(ROOT)}:{node.lineno}: auto_now (use ClockDateTimeField)"
            )
    return found


def test_no_code_reads_the_clock_but_the_clock_module():
    reads = [read for path in _project_files() for read in _clock_reads(path)]
    assert reads == [], "read the time through common.clock:\n" + "\n".join(reads)


def test_the_check_finds_a_clock_read(tmp_path):
    """The check above can fail: it spots each way of reading the real clock."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from django.utils import timezone\nimport time\nfrom datetime import date\n"
        "a = timezone.now()\nb = time.time()\nc = date.today()\n"
        "d = models.DateTimeField(auto_now=True)\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert len(_clock_reads(sample)) == 4
    finally:
        ROOT = saved


def test_every_test_runs_at_the_suites_moment():
    assert clock.now() == NOW == timezone.now()
    assert datetime.fromtimestamp(time.time(), clock.JST) == NOW
    assert clock.today().isoformat() == "2026-11-22"


def test_a_request_reads_the_clock_once(frozen):
    """Inside a request every `clock.now()` answers the request's moment, while the real
    clock moves on: one request never sees two times."""
    seen = []

    def view(request):
        seen.append(request.now)
        frozen.shift(90)
        seen.append(clock.now())
        from django.http import HttpResponse

        return HttpResponse()

    clock.ClockMiddleware(view)(RequestFactory().get("/"))
    assert seen == [NOW, NOW]
    assert clock.now() > NOW  # outside the request, the clock is read afresh


def test_a_task_reads_the_clock_once_at_its_start(frozen):
    from celery import shared_task

    seen = []

    @shared_task
    def task():
        seen.append(clock.now())
        frozen.shift(90)
        seen.append(clock.now())

    task.apply()  # run here, through the same signals as in a worker
    assert seen == [NOW, NOW]
