"""
A local fake of Zoom's OAuth and meetings API, on 127.0.0.1, speaking the real protocol:
Basic-auth token requests, Bearer-authenticated JSON calls, 201/204 answers, and Zoom's
error bodies `{code, message}`. Failures are scripted per path prefix: `fail("POST
/users", status=429, headers={"Retry-After": "30"})` answers the next such request so.
"""

import base64
import itertools
import json
import threading
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeZoom:
    def __init__(self, *, client_id="cid", client_secret="secret", account_id="acc"):
        self.credentials = (client_id, client_secret, account_id)
        self.tokens_issued = 0
        self.valid_tokens: set[str] = set()
        self.meetings: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        self.scripted: dict[str, deque] = defaultdict(deque)
        self._ids = itertools.count(85000000001)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeZoom":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(
        self, route: str, *, status: int, body: dict | None = None, headers=None, then_apply=False
    ):
        """Answer the next request whose "METHOD /path" starts with `route` with this error.
        `then_apply`: perform the request anyway (the platform did it, the answer got lost)."""
        self.scripted[route].append((status, body or {}, headers or {}, then_apply))

    def revoke_tokens(self) -> None:
        self.valid_tokens.clear()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                return

            def _send(self, status, body=None, headers=None):
                payload = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if payload:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _route(self, method):
                url = urlparse(self.path)
                raw = self._body()
                with fake._lock:
                    fake.requests.append((method, url.path))
                    if url.path == "/oauth/token":
                        return self._token(raw)
                    auth = self.headers.get("Authorization", "")
                    if auth.removeprefix("Bearer ") not in fake.valid_tokens:
                        return self._send(401, {"code": 124, "message": "Invalid access token."})
                    path = url.path.removeprefix("/v2")
                    key = f"{method} {path}"
                    for route, queue in fake.scripted.items():
                        if key.startswith(route) and queue:
                            status, body, headers, then_apply = queue.popleft()
                            if then_apply:
                                self._apply(method, path, raw, url, reply=False)
                            return self._send(status, body, headers)
                    return self._apply(method, path, raw, url, reply=True)

            def _token(self, raw):
                client_id, secret, account = fake.credentials
                expected = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
                form = parse_qs(raw.decode())
                if self.headers.get("Authorization") != f"Basic {expected}" or form.get(
                    "account_id"
                ) != [account]:
                    return self._send(
                        400,
                        {"reason": "Invalid client_id or client_secret", "error": "invalid_client"},
                    )
                fake.tokens_issued += 1
                token = f"token-{fake.tokens_issued}"
                fake.valid_tokens.add(token)
                return self._send(
                    200, {"access_token": token, "token_type": "bearer", "expires_in": 3599}
                )

            def _apply(self, method, path, raw, url, *, reply):
                parts = path.strip("/").split("/")
                if method == "POST" and parts[0] == "users" and parts[2:] == ["meetings"]:
                    body = json.loads(raw)
                    meeting_id = str(next(fake._ids))
                    meeting = {
                        "id": int(meeting_id), "topic": body["topic"], "agenda": body.get("agenda", ""),
                        "start_time": body["start_time"], "duration": body["duration"],
                        "join_url": f"https://zoom.example/j/{meeting_id}?pwd=abc",
                        "start_url": f"https://zoom.example/s/{meeting_id}?zak=host-secret",
                        "password": "a1B2c3", "host": parts[1],
                    }  # fmt: skip
                    fake.meetings[meeting_id] = meeting
                    return self._send(201, meeting) if reply else None
                if method == "GET" and parts[0] == "users" and parts[2:] == ["meetings"]:
                    listed = [m for m in fake.meetings.values() if m["host"] == parts[1]]
                    return self._send(200, {"meetings": listed, "next_page_token": ""})
                if parts[0] == "meetings" and len(parts) == 2:
                    if parts[1] not in fake.meetings:
                        return self._send(404, {"code": 3001, "message": "Meeting does not exist."})
                    if method == "PATCH":
                        fake.meetings[parts[1]].update(json.loads(raw))
                        return self._send(204) if reply else None
                    if method == "DELETE":
                        del fake.meetings[parts[1]]
                        return self._send(204) if reply else None
                return self._send(404, {"code": 1001, "message": "User does not exist."})

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

            def do_PATCH(self):
                self._route("PATCH")

            def do_DELETE(self):
                self._route("DELETE")

        return Handler
