"""A threaded HTTP server on 127.0.0.1 with scripted failures, for fakes of remote APIs."""

import contextlib
import json
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeService:
    """Subclasses implement `handle(request, method, path, query, raw)`."""

    def __init__(self):
        self.scripted: dict[str, deque] = defaultdict(deque)
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(
        self, route: str, *, status: int, body=None, headers=None, then_apply=False, delay=0.0
    ):
        """Answer the next request whose "METHOD /path" starts with `route` with this error.
        `then_apply`: perform the request anyway (the platform did it; the answer got lost).
        `delay`: answer only after this many seconds (a client's timeout fires first)."""
        self.scripted[route].append((status, body, headers or {}, then_apply, delay))

    def scripted_failure(self, key: str):
        for route, queue in self.scripted.items():
            if key.startswith(route) and queue:
                return queue.popleft()
        return None

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                return

            delay = 0.0

            def send(self, status, body=None, headers=None):
                if self.delay:  # answered after the lock is released, then the delay
                    self.pending = (status, body, headers)
                    return
                payload = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _dispatch(self, method):
                from urllib.parse import urlparse

                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                self.pending = None
                self.after = None
                with fake.lock:
                    fake.handle(self, method, url.path, url.query, raw)
                if self.after is not None:  # work that calls back into the app, unlocked
                    self.after()
                if self.pending is not None:
                    time.sleep(self.delay)
                    self.delay = 0.0
                    with contextlib.suppress(OSError):  # the client gave up waiting
                        self.send(*self.pending)

            def do_GET(self):
                self._dispatch("GET")

            def do_POST(self):
                self._dispatch("POST")

            def do_PATCH(self):
                self._dispatch("PATCH")

            def do_DELETE(self):
                self._dispatch("DELETE")

        return Handler

    def handle(self, request, method: str, path: str, query: str, raw: bytes) -> None:
        raise NotImplementedError
