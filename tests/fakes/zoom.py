"""
A local fake of Zoom's OAuth and meetings API, speaking the real protocol: Basic-auth
token requests, Bearer-authenticated JSON calls, 201/204 answers, and Zoom's error bodies
`{code, message}` (124 invalid token, 1001 user and 3001 meeting not found).
"""

import base64
import itertools
import json
from urllib.parse import parse_qs

from tests.fakes.base import FakeService


class FakeZoom(FakeService):
    def __init__(self, *, client_id="cid", client_secret="secret", account_id="acc"):
        super().__init__()
        self.credentials = (client_id, client_secret, account_id)
        self.tokens_issued = 0
        self.valid_tokens: set[str] = set()
        self.meetings: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        self._ids = itertools.count(85000000001)
        self.label = ""  # what the caller is doing (a fault scenario), kept on each meeting

    def revoke_tokens(self) -> None:
        self.valid_tokens.clear()

    def handle(self, request, method, path, query, raw):
        self.requests.append((method, path))
        if path == "/oauth/token":
            return self._token(request, raw)
        if (
            request.headers.get("Authorization", "").removeprefix("Bearer ")
            not in self.valid_tokens
        ):
            return request.send(401, {"code": 124, "message": "Invalid access token."})
        path = path.removeprefix("/v2")
        failure = self.scripted_failure(f"{method} {path}")
        if failure:
            status, body, headers, then_apply, delay = failure
            request.delay = delay
            if then_apply:
                self._apply(request, method, path, raw, reply=False)
            return request.send(status, body or {"code": status, "message": "error"}, headers)
        return self._apply(request, method, path, raw, reply=True)

    def _token(self, request, raw):
        client_id, secret, account = self.credentials
        expected = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        form = parse_qs(raw.decode())
        if request.headers.get("Authorization") != f"Basic {expected}" or form.get(
            "account_id"
        ) != [account]:
            return request.send(
                400, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
            )
        self.tokens_issued += 1
        token = f"token-{self.tokens_issued}"
        self.valid_tokens.add(token)
        return request.send(
            200, {"access_token": token, "token_type": "bearer", "expires_in": 3599}
        )

    def _apply(self, request, method, path, raw, *, reply):
        parts = path.strip("/").split("/")
        if method == "POST" and parts[0] == "users" and parts[2:] == ["meetings"]:
            body = json.loads(raw)
            meeting_id = str(next(self._ids))
            meeting = {
                "id": int(meeting_id), "topic": body["topic"], "agenda": body.get("agenda", ""),
                "start_time": body["start_time"], "duration": body["duration"],
                "join_url": f"https://zoom.example/j/{meeting_id}?pwd=abc",
                "start_url": f"https://zoom.example/s/{meeting_id}?zak=host-secret",
                "password": "a1B2c3", "host": parts[1], "settings": body.get("settings", {}),
                "created_during": self.label,
            }  # fmt: skip
            self.meetings[meeting_id] = meeting
            return request.send(201, meeting) if reply else None
        if method == "GET" and parts[0] == "users" and parts[2:] == ["meetings"]:
            listed = [m for m in self.meetings.values() if m["host"] == parts[1]]
            return request.send(200, {"meetings": listed, "next_page_token": ""})
        if method == "POST" and parts[0] == "meetings" and parts[2:] == ["registrants"]:
            meeting = self.meetings.get(parts[1])
            if meeting is None:
                return request.send(404, {"code": 3001, "message": "Meeting does not exist."})
            if meeting.get("settings", {}).get("approval_type") not in (0, 1):
                return request.send(
                    400, {"code": 3000, "message": "Registration has not been enabled."}
                )
            body = json.loads(raw)
            registrants = meeting.setdefault("registrants", {})
            email = body["email"].lower()
            if email not in registrants:  # Zoom answers a repeated address with its registrant
                number = len(registrants) + 1
                registrants[email] = {
                    "id": parts[1], "registrant_id": f"r{parts[1]}{number}",
                    "join_url": f"https://zoom.example/w/{parts[1]}?tk=registrant-{number}",
                    "first_name": body.get("first_name", ""),
                }  # fmt: skip
            return request.send(201, registrants[email]) if reply else None
        if parts[0] == "meetings" and len(parts) == 2:
            if parts[1] not in self.meetings:
                return request.send(404, {"code": 3001, "message": "Meeting does not exist."})
            if method == "PATCH":
                self.meetings[parts[1]].update(json.loads(raw))
                return request.send(204) if reply else None
            if method == "DELETE":
                del self.meetings[parts[1]]
                return request.send(204) if reply else None
        return request.send(404, {"code": 1001, "message": "User does not exist."})
