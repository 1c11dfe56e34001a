"""
`make run`'s web server, started the way `make run` starts it (the `web` line of
Procfile.dev: gunicorn with whitenoise, SQLite in WAL with a busy timeout), on a port and a
database of this test's own; 40 people booking one time at once each get an answer: 201
or 409, never a reset connection.
"""

import json
import os
import shlex
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from django.conf import settings

from common.clock import JST

CLIENTS = 40
BASE_DIR = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _web_command() -> str:
    for line in (BASE_DIR / "Procfile.dev").read_text().splitlines():
        if line.startswith("web:"):
            return line.removeprefix("web:").strip()
    raise AssertionError("Procfile.dev has no web line")


def _request(url: str, body: dict | None = None, timeout: float = 60) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (a loopback URL of this test)
        url, data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture
def real_server(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "filesystem://",
        "RATE_LIMIT_BOOKING": "off",  # 40 people, one address: the test's own loopback
        # The per-address hold limits (tests/security/test_holds.py) would refuse 40 holds
        # from one address; this test is about the server answering every one of them.
        "HOLD_LIMIT_PER_ADDRESS": "off",
        "HOLD_MAX_UNCONFIRMED_PER_DAY": "0",
        # Without a solved challenge a request would hold no time (bookings.services.proof).
        "PROOF_OF_WORK": "off",
        "PORT": str(port),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("DEBUG", None)
    for command in (
        "migrate --noinput -v0",
        "seed_offices",
        "seed_terms",
        "collectstatic -v0 --noinput",
    ):
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *command.split()],
            cwd=BASE_DIR, env=env, check=True, capture_output=True,
        )  # fmt: skip
    log = open(tmp_path / "web.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603
        ["/bin/sh", "-c", "exec " + _web_command()],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(150):
            try:
                if _request(f"{base}/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError((tmp_path / "web.log").read_text())
        yield base, tmp_path
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_make_run_starts_gunicorn_not_the_development_server():
    web = _web_command()
    assert shlex.split(web)[0] == "gunicorn" and "runserver" not in web
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "Web server: gunicorn" in makefile and "\ndev:" in makefile
    assert "make dev" in (BASE_DIR / "README.md").read_text()


@pytest.mark.slow
def test_forty_simultaneous_bookers_each_get_201_or_409(real_server):
    base, tmp_path = real_server
    office = "kawagoe"
    # The server runs on the machine's clock, not the suite's frozen one: ask from its date.
    with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310
        today = parsedate_to_datetime(response.headers["Date"]).astimezone(JST).date()
    until = today + timedelta(days=60)
    slots = _request(f"{base}/api/v1/offices/{office}/slots?from={today}&to={until}")[1]["slots"]
    assert slots, "no free time to book"
    slot = slots[0]
    terms = _request(f"{base}/api/v1/offices/{office}/terms/current")[1]

    start_together = threading.Barrier(CLIENTS)

    def book(n: int):
        body = {
            "start": slot["start"],
            "name": "山田 太郎",
            "name_kana": "ヤマダ タロウ",
            "job_seeker_number": f"{10000 + n}-{1000000 + n}",
            "email": f"booker{n}@example.jp",
            "phone": "090-1234-5678",
            "terms_version": terms["version"],
            "agree_terms": True,
        }
        start_together.wait()
        try:
            return _request(f"{base}/api/v1/offices/{office}/bookings", body)
        except OSError as error:  # ConnectionResetError, a refused or timed-out connection
            return type(error).__name__, {}

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(book, range(CLIENTS)))

    statuses = [status for status, _body in results]
    assert set(statuses) <= {201, 409}, (statuses, (tmp_path / "web.log").read_text()[-3000:])
    assert statuses.count(201) == slot["free"]
    assert all(body["code"] == "slot_taken" for status, body in results if status == 409)
