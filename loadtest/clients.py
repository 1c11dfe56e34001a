"""
The people of `make cluster`'s drills: they book through HAProxy with an Idempotency-Key
and, on no answer or a 502/503/504, ask again with the same key, as the API documents.
"""

import json
import threading
import time
import uuid
from datetime import date, timedelta
from http.client import HTTPConnection

RETRYABLE = {0, 502, 503, 504}


def request(port: int, method: str, path: str, body: str | None = None, headers=None):
    """(status, parsed JSON or {}); status 0 when no answer came at all."""
    try:
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, path, body, {"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        payload = response.read()
        return response.status, json.loads(payload) if payload.startswith(b"{") else {}
    except (OSError, ValueError):
        return 0, {}


class Booker:
    """Free times of one office, handed out once each, and the booking call with retries."""

    def __init__(self, port: int, office: str, today: date) -> None:
        self.port, self.office = port, office
        self.lock = threading.Lock()
        self.terms = request(port, "GET", f"/api/v1/offices/{office}/terms/current")[1]["id"]
        first = today + timedelta(days=3)
        slots = request(port, "GET", f"/api/v1/offices/{office}/slots?from={first}"
                        f"&to={first + timedelta(days=60)}")[1]["slots"]  # fmt: skip
        self.starts = [s["start"] for s in slots for _ in range(s["free"])][::-1]
        self.answers: list[dict] = []  # one per booking call: status, reference, attempts, at

    def next_start(self) -> str:
        with self.lock:
            return self.starts.pop()

    def book(self, n: int, start: str | None = None, *, patience: float = 40) -> dict:
        start = start or self.next_start()
        key = str(uuid.uuid4())
        body = json.dumps({
            "start": start, "name": "分散 試験", "name_kana": "ブンサン シケン",
            "job_seeker_number": f"{80000 + n % 10000:05d}-{n:07d}", "email": f"cluster-{n}@example.jp",
            "phone": "09012345678", "terms_version": self.terms, "agree_terms": True,
        })  # fmt: skip
        began, attempts, statuses = time.monotonic(), 0, []
        while True:
            attempts += 1
            status, answer = request(self.port, "POST", f"/api/v1/offices/{self.office}/bookings",
                                     body, {"Idempotency-Key": key})  # fmt: skip
            statuses.append(status)
            if status not in RETRYABLE or time.monotonic() - began > patience:
                break
            time.sleep(min(0.2 * attempts, 1.0))
        result = {
            "n": n, "key": key, "status": status, "statuses": statuses,
            "reference": answer.get("reference", "") if status == 201 else "",
            "email": f"cluster-{n}@example.jp", "answered_at": time.monotonic(),
            "seconds": time.monotonic() - began,
        }  # fmt: skip
        with self.lock:
            self.answers.append(result)
        return result


def together(work, count: int) -> list:
    """`work(i)` for i in range(count), each in a thread of its own, released together."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


class Steady:
    """`threads` people booking one after another until stopped (a drill's background load)."""

    def __init__(self, booker: Booker, threads: int, first_n: int) -> None:
        self.booker, self.stop_event = booker, threading.Event()
        self.counter, self.lock = iter(range(first_n, first_n + 100000)), threading.Lock()
        self.threads = [threading.Thread(target=self._run) for _ in range(threads)]
        self.results: list[dict] = []

    def _run(self) -> None:
        while not self.stop_event.is_set():
            with self.lock:
                n = next(self.counter)
            try:
                self.results.append(self.booker.book(n))
            except IndexError:  # no free time left
                return

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=90)
