"""
One way to do each thing, kept by reading the code (like `tests/test_clock.py`): booking
events are written by one function only; bookings are locked through the locking module's
helpers; the overlap constraint covers exactly the statuses that hold a counselor's time.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = [
    "bookings", "common", "conferencing", "config", "notifications", "offices", "reports", "terms",
    "loadtest",
]  # fmt: skip
# The one writer of booking events.
EVENT_WRITER = Path("bookings/services/events.py")
# Writing through the model's manager, the booking's reverse manager, or a bare instance.
EVENT_WRITES = {"create", "bulk_create", "get_or_create", "update_or_create"}


def project_files(root: Path = ROOT):
    for app in PROJECT_APPS:
        for path in (root / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def event_writes(path: Path, root: Path = ROOT) -> list[str]:
    """Each place in `path` that creates a BookingEvent other than through the recorder."""
    if path.relative_to(root) == EVENT_WRITER:
        return []
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        what = ""
        if _name(func) == "BookingEvent":
            what = "BookingEvent(...)"
        elif isinstance(func, ast.Attribute) and func.attr in EVENT_WRITES:
            owner = func.value  # BookingEvent.objects.create / booking.events.create
            if isinstance(owner, ast.Attribute) and owner.attr == "objects":
                if _name(owner.value) == "BookingEvent":
                    what = f"BookingEvent.objects.{func.attr}()"
            elif _name(owner) == "events":
                what = f"….events.{func.attr}()"
        if what:
            found.append(f"{path.relative_to(root)}:{node.lineno}: {what}")
    return found


def test_booking_events_are_written_only_by_the_recorder():
    writes = [w for path in project_files() for w in event_writes(path)]
    assert writes == [], (
        "record events with bookings.services.events.booking_event_record:\n" + "\n".join(writes)
    )


def test_the_event_check_finds_each_way_of_writing_an_event(tmp_path):
    """The check above can fail: it spots each way of creating an event."""
    app = tmp_path / "bookings" / "services"
    app.mkdir(parents=True)
    sample = app / "sample.py"
    sample.write_text(
        "BookingEvent.objects.create(booking=b, at=now)\n"
        "booking.events.create(at=now)\n"
        "models.BookingEvent(booking=b).save()\n"
        "BookingEvent.objects.bulk_create([])\n"
        "Booking.objects.create(reference='x')\n"  # another model: not an event
    )
    assert len(event_writes(sample, tmp_path)) == 4
    recorder = tmp_path / EVENT_WRITER
    recorder.write_text("BookingEvent.objects.create(booking=b)\n")
    assert event_writes(recorder, tmp_path) == []


# --- locks and the overlap constraint --------------------------------------------------

LOCKING = Path("bookings/services/locking.py")
# Modules that lock bookings through `bookings.services.locking` only.
LOCKED_THROUGH_HELPERS = [Path("bookings/services/reschedule.py")]


def inline_row_locks(path: Path) -> list[str]:
    """Each `select_for_update(...)` written in `path` instead of a locking helper."""
    return [
        f"{path}:{node.lineno}"
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(node, ast.Call) and _name(node.func) == "select_for_update"
    ]


def test_a_change_of_time_locks_through_the_locking_helpers():
    found = [lock for path in LOCKED_THROUGH_HELPERS for lock in inline_row_locks(ROOT / path)]
    assert found == [], "lock with bookings.services.locking (one order):\n" + "\n".join(found)


def test_the_lock_check_finds_an_inline_lock(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("b = Booking.objects.select_for_update(no_key=True).get(pk=1)\n")
    assert len(inline_row_locks(sample)) == 1


def test_the_lock_failure_sqlstates_are_written_once():
    """55P03 (lock timeout) and 40P01 (deadlock) are named in common.db alone."""
    found = [
        f"{path.relative_to(ROOT)}: {code}"
        for path in project_files()
        if path.relative_to(ROOT) != Path("common/db.py")
        for code in ("55P03", "40P01")
        if code in path.read_text()
    ]
    assert found == []


def overlap_constraint_statuses(migrations_dir: Path) -> set[str]:
    """The statuses of the latest migration that (re)writes the no-overlap constraint."""
    from bookings.models import OVERLAP_CONSTRAINT

    writers = sorted(
        path for path in migrations_dir.glob("0*.py")
        if f"ADD CONSTRAINT {OVERLAP_CONSTRAINT}" in path.read_text()
    )  # fmt: skip
    module = {"__name__": "m"}
    exec(compile(writers[-1].read_text(), str(writers[-1]), "exec"), module)  # noqa: S102
    match = re.search(r"status IN \(([^)]*)\)", module["FORWARD"])
    return set(re.findall(r"'([a-z_]+)'", match.group(1)))


def test_the_overlap_constraint_covers_exactly_the_time_holding_statuses():
    from bookings.state import TIME_HOLDING_STATUSES

    assert overlap_constraint_statuses(ROOT / "bookings" / "migrations") == {
        str(status) for status in TIME_HOLDING_STATUSES
    }


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_constraint_covers_exactly_the_time_holding_statuses():
    """What PostgreSQL enforces, read back from the catalogue after all migrations ran."""
    from django.db import connection

    from bookings.models import OVERLAP_CONSTRAINT
    from bookings.state import TIME_HOLDING_STATUSES

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s",
            [OVERLAP_CONSTRAINT],
        )
        (definition,) = cursor.fetchone()
    assert set(re.findall(r"'([a-z_]+)'::", definition)) == {
        str(status) for status in TIME_HOLDING_STATUSES
    }


def test_the_constraint_check_sees_a_missing_status(tmp_path):
    (tmp_path / "0001_x.py").write_text(
        'FORWARD = "ADD CONSTRAINT booking_counselor_no_overlap WHERE (status IN '
        "('requested', 'confirmed'))\"\n"
    )
    assert overlap_constraint_statuses(tmp_path) == {"requested", "confirmed"}


# --- settings are read when used, never at import --------------------------------------

# Read at import and allowed: Django's documented way to name the user model, and a
# management command (imported only when it runs).
IMPORT_TIME_SETTINGS_ALLOWED = {"AUTH_USER_MODEL"}
IMPORT_TIME_SETTINGS_MODULES = {Path("bookings/management/commands/load.py")}


def import_time_settings(path: Path, root: Path = ROOT) -> list[str]:
    """Each `settings.X` that runs when `path` is imported (module level, class bodies,
    decorators, default arguments), not when a function runs."""
    found = []

    def scan(node: ast.AST) -> None:
        for sub in ast.walk(node):
            if (
                isinstance(sub, ast.Attribute)
                and isinstance(sub.value, ast.Name)
                and sub.value.id == "settings"
                and sub.attr not in IMPORT_TIME_SETTINGS_ALLOWED
            ):
                found.append(f"{path.relative_to(root)}:{sub.lineno}: settings.{sub.attr}")

    def body(statements: list[ast.stmt]) -> None:
        for statement in statements:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                arguments = statement.args
                for node in [*statement.decorator_list, *arguments.defaults]:
                    scan(node)
                for node in arguments.kw_defaults:
                    if node is not None:
                        scan(node)
            elif isinstance(statement, ast.ClassDef):
                for node in [*statement.decorator_list, *statement.bases]:
                    scan(node)
                body(statement.body)
            else:
                scan(statement)

    body(ast.parse(path.read_text(), filename=str(path)).body)
    return found


def test_app_modules_never_read_settings_at_import_time():
    found = [
        read
        for path in project_files()
        if path.parts[len(ROOT.parts)] != "config"
        and path.relative_to(ROOT) not in IMPORT_TIME_SETTINGS_MODULES
        for read in import_time_settings(path)
    ]
    assert found == [], "read settings inside the function that needs them:\n" + "\n".join(found)


def test_the_settings_check_finds_a_read_at_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from django.conf import settings\n"
        "BASE = settings.MEETING_RETRY_BASE_SECONDS\n"
        "@shared_task(retry_backoff=settings.X)\ndef task(a=settings.Y):\n"
        "    return settings.FINE_AT_CALL_TIME\n"
        "class C:\n    z = settings.Z\n    def m(self):\n        return settings.FINE\n"
        "user = models.ForeignKey(settings.AUTH_USER_MODEL)\n"
    )
    assert len(import_time_settings(sample, tmp_path)) == 4
