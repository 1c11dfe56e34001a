"""
A local fake of Microsoft's login (OpenID discovery, client-credentials token) and the
Graph online-meetings endpoints, on 127.0.0.1. msal reaches it through MS_LOGIN_BASE;
Graph calls through GRAPH_API_BASE. Errors use Graph's shape {"error": {code, message}}.
"""

import itertools
import json
import threading
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

POLICY_ERROR = {
    "error": {
        "code": "Forbidden",
        "message": "Application is not authorized to create meeting on behalf of user.",
    }
}


class FakeMicrosoft:
    def __init__(self, *, tenant="tenant-1", client_id="app-id", client_secret="app-secret"):
        self.tenant, self.client_id, self.client_secret = tenant, client_id, client_secret
        self.tokens_issued = 0
        self.valid_tokens: set[str] = set()
        self.meetings: dict[str, dict] = {}
        self.attendance: dict[str, list[dict]] = defaultdict(list)
        self.scripted: dict[str, deque] = defaultdict(deque)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def fail(self, route: str, *, status: int, body=None, headers=None, then_apply=False):
        self.scripted[route].append(
            (status, body or {"error": {"code": "x", "message": "x"}}, headers or {}, then_apply)
        )

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
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _route(self, method):
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                with fake._lock:
                    login = f"https://login.microsoftonline.com/{fake.tenant}"
                    if url.path == f"/{fake.tenant}/v2.0/.well-known/openid-configuration":
                        return self._send(200, {
                            "token_endpoint": f"{login}/oauth2/v2.0/token",
                            "authorization_endpoint": f"{login}/oauth2/v2.0/authorize",
                            "issuer": f"https://login.microsoftonline.com/{fake.tenant}/v2.0",
                        })  # fmt: skip
                    if url.path == f"/{fake.tenant}/oauth2/v2.0/token":
                        form = parse_qs(raw.decode())
                        if form.get("client_id") != [fake.client_id] or form.get(
                            "client_secret"
                        ) != [fake.client_secret]:
                            return self._send(
                                401, {"error": "invalid_client", "error_description": "bad secret"}
                            )
                        fake.tokens_issued += 1
                        token = f"graph-token-{fake.tokens_issued}"
                        fake.valid_tokens.add(token)
                        return self._send(
                            200, {"token_type": "Bearer", "expires_in": 3599, "access_token": token}
                        )
                    if (
                        self.headers.get("Authorization", "").removeprefix("Bearer ")
                        not in fake.valid_tokens
                    ):
                        return self._send(
                            401,
                            {"error": {"code": "InvalidAuthenticationToken", "message": "expired"}},
                        )
                    path = url.path.removeprefix("/v1.0")
                    key = f"{method} {path}"
                    for route, queue in fake.scripted.items():
                        if key.startswith(route) and queue:
                            status, body, headers, then_apply = queue.popleft()
                            if then_apply:
                                self._apply(method, path, raw, reply=False)
                            return self._send(status, body, headers)
                    return self._apply(method, path, raw, reply=True)

            def _apply(self, method, path, raw, *, reply):
                parts = path.strip("/").split("/")  # users/{id}/onlineMeetings[/...]
                rest = parts[3:]
                if method == "POST" and rest == ["createOrGet"]:
                    body = json.loads(raw)
                    for meeting in fake.meetings.values():
                        if meeting["externalId"] == body["externalId"]:
                            return self._send(200, meeting) if reply else None
                    meeting_id = f"MSo{next(fake._ids)}"
                    meeting = {
                        "id": meeting_id, "externalId": body["externalId"], "subject": body["subject"],
                        "startDateTime": body["startDateTime"], "endDateTime": body["endDateTime"],
                        "joinWebUrl": f"https://teams.example/l/meetup-join/{meeting_id}",
                        "joinMeetingIdSettings": {"joinMeetingId": "3561234567", "passcode": "Xy7Pq"},
                        "lobbyBypassSettings": body.get("lobbyBypassSettings"),
                    }  # fmt: skip
                    fake.meetings[meeting_id] = meeting
                    return self._send(201, meeting) if reply else None
                if not rest or rest[0] not in fake.meetings:
                    return self._send(404, {"error": {"code": "NotFound", "message": "not found"}})
                meeting_id = rest[0]
                if method == "DELETE" and len(rest) == 1:
                    del fake.meetings[meeting_id]
                    return self._send(204) if reply else None
                if method == "PATCH" and len(rest) == 1:
                    fake.meetings[meeting_id].update(json.loads(raw))
                    return self._send(200, fake.meetings[meeting_id])
                if method == "GET" and rest[1:] == ["attendanceReports"]:
                    return self._send(
                        200, {"value": [{"id": "report-1"}] if fake.attendance[meeting_id] else []}
                    )
                if method == "GET" and rest[1:] == ["attendanceReports", "report-1"]:
                    return self._send(
                        200, {"id": "report-1", "attendanceRecords": fake.attendance[meeting_id]}
                    )
                return self._send(400, {"error": {"code": "BadRequest", "message": "unsupported"}})

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

            def do_PATCH(self):
                self._route("PATCH")

            def do_DELETE(self):
                self._route("DELETE")

        return Handler
