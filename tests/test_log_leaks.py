"""
Nothing leaks into the logs of a real server. gunicorn runs `config.wsgi` with no
DJANGO_SETTINGS_MODULE (so the production settings and their one logging configuration,
at DEBUG level), emails go to a local SMTP server, tasks run inline; a person books
through the API, checks their email address, cancels, and someone tries wrong links.
Then everything the server wrote (gunicorn's access and error logs, Django's request and
server loggers, the tasks' records) is searched for the person's data and every token.

Replay: `.venv/bin/python -m pytest tests/test_log_leaks.py -q -p no:cacheprovider`.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings

from common.clock import JST
from loadtest.processes import SmtpServer, free_port, wait_for_port

ROOT = Path(settings.BASE_DIR)
PERSON = {
    "name": "漏洩 確認子",
    "name_kana": "ロウエイ カクニンコ",
    "job_seeker_number": "24680-1357911",
    "email": "leak.check.person@example.jp",
    "phone": "080-2468-1357",
}
LINK = re.compile(r"/(bookings|verify)/([A-Za-z0-9_\-]{20,})/")


class Client:
    """urllib with the cookies kept by hand (the production cookies are Secure)."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies = SimpleCookie()

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = {
            # The TLS proxy's header: gunicorn trusts it from loopback only.
            "X-Forwarded-Proto": "https",
            "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())
        if method == "POST":
            headers.setdefault("Origin", self.origin)
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"].value
        request = urllib.request.Request(self.base + path, data=body, method=method)
        for key, value in headers.items():
            request.add_header(key, value)
        try:
            response = urllib.request.urlopen(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        return response.status, response.headers, response.read().decode("utf-8", "replace")


@pytest.fixture
def server(tmp_path):
    smtp = SmtpServer()
    smtp.start()
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL")
        and not key.startswith(("CELERY_", "PYTEST", "RATE_LIMIT"))
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ALLOWED_HOSTS="127.0.0.1",
        TRUSTED_PROXIES="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",
        CELERY_TASK_ALWAYS_EAGER="True",
        CONFERENCING_FAKE="True",
        PROOF_OF_WORK="off",  # the script books without a solved challenge, as the load runs
        STATIC_ROOT=str(tmp_path / "static"),
        LOG_LEVEL="DEBUG",
        PYTHONUNBUFFERED="1",
    )
    setup = (["migrate", "--noinput", "-v0"], ["seed_offices"], ["seed_terms"],
             ["collectstatic", "--noinput", "-v0"])  # fmt: skip
    for command in setup:
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
            check=True,
            capture_output=True,
        )
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--config",
             "python:config.gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--log-level", "debug"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_for_port(port, seconds=60)
            yield Client(port), smtp.inbox, log_path
        finally:
            process.terminate()
            process.wait(timeout=30)
            smtp.stop()


def _first_free_slot(client: Client, office: str, service: str) -> str:
    status, headers, _body = client.request("GET", "/healthz")
    today = parsedate_to_datetime(headers["Date"]).astimezone(JST).date()
    query = f"service={service}&from={today}&to={today + timedelta(days=60)}"
    status, _headers, body = client.request("GET", f"/api/v1/offices/{office}/slots?{query}")
    assert status == 200, body
    slots = json.loads(body)["slots"]
    assert slots, "no free time in the next 60 days"
    return slots[0]["start"]


def _links(inbox) -> dict[str, set[str]]:
    found = {"bookings": set(), "verify": set()}
    for _recipients, message in inbox.messages:
        for part in message.walk():
            if part.get_content_type() in ("text/plain", "text/html"):
                for kind, token in LINK.findall(part.get_content()):
                    found[kind].add(token)
    return found


@pytest.mark.slow
def test_a_whole_booking_through_gunicorn_logs_no_personal_data_and_no_token(server):
    client, inbox, log_path = server
    start = _first_free_slot(client, "sasebo", "evening-saturday")
    _s, _h, terms = client.request("GET", "/api/v1/offices/sasebo/terms/current")
    body = {
        "service": "evening-saturday",
        "start": start,
        **PERSON,
        "terms_version": json.loads(terms)["id"],
        "agree_terms": True,
    }
    status, _h, created = client.request(
        "POST",
        "/api/v1/offices/sasebo/bookings",
        json.dumps(body).encode(),
        {"Content-Type": "application/json", "Idempotency-Key": secrets.token_hex(16)},
    )
    assert status == 201, created
    manage_token = LINK.search(json.loads(created)["manage_url"] + "/").group(2)

    links = _links(inbox)
    assert links["verify"], "the email-check email did not arrive"
    verify_token = next(iter(links["verify"]))
    assert client.request("GET", f"/verify/{verify_token}/")[0] == 200
    status, _h, page = client.request("POST", f"/verify/{verify_token}/", b"")
    assert status in (200, 302), page

    assert client.request("GET", f"/bookings/{manage_token}/cancel/")[0] == 200
    status, _h, page = client.request(
        "POST",
        f"/bookings/{manage_token}/cancel/",
        b"reason=",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status in (200, 302), page

    wrong = [secrets.token_urlsafe(32), manage_token[:-2] + "zz"]
    assert client.request("GET", f"/bookings/{wrong[0]}/")[0] == 404
    assert client.request("GET", f"/verify/{wrong[1]}/")[0] == 404
    assert client.request("GET", f"/bookings/{wrong[0]}/calendar.ics?token={wrong[1]}")[0] == 404

    time.sleep(1)  # the last access-log lines
    links = _links(inbox)
    assert len(inbox.messages) >= 2  # the email check and the confirmation did go out
    logged = log_path.read_text(encoding="utf-8", errors="replace")
    assert "GET /bookings/[token]/" in logged and "Not Found" in logged, logged[-3000:]
    tokens = {manage_token, verify_token, *wrong, *links["bookings"], *links["verify"]}
    searched = [
        *PERSON.values(),
        "ロウエイ",
        "漏洩",
        "24680",
        "1357911",
        "08024681357",
        "leak.check.person",
        *tokens,
    ]
    leaked = [value for value in searched if value in logged]
    assert leaked == [], f"found in the server's log: {leaked}"
