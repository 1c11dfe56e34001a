"""
A local fake of Microsoft's login (OpenID discovery, client-credentials token) and the
Graph online-meetings endpoints. msal reaches it through MS_LOGIN_BASE; Graph calls
through GRAPH_API_BASE. Errors use Graph's shape {"error": {code, message}}.
"""

import itertools
import json
from collections import defaultdict
from urllib.parse import parse_qs

from tests.fakes.base import FakeService

POLICY_ERROR = {
    "error": {
        "code": "Forbidden",
        "message": "Application is not authorized to create meeting on behalf of user.",
    }
}


class FakeMicrosoft(FakeService):
    def __init__(self, *, tenant="tenant-1", client_id="app-id", client_secret="app-secret"):
        super().__init__()
        self.tenant, self.client_id, self.client_secret = tenant, client_id, client_secret
        self.tokens_issued = 0
        self.valid_tokens: set[str] = set()
        self.meetings: dict[str, dict] = {}
        self.attendance: dict[str, list[dict]] = defaultdict(list)
        self._ids = itertools.count(1)

    def handle(self, request, method, path, query, raw):
        login = f"https://login.microsoftonline.com/{self.tenant}"
        if path == f"/{self.tenant}/v2.0/.well-known/openid-configuration":
            return request.send(200, {
                "token_endpoint": f"{login}/oauth2/v2.0/token",
                "authorization_endpoint": f"{login}/oauth2/v2.0/authorize",
                "issuer": f"{login}/v2.0",
            })  # fmt: skip
        if path == f"/{self.tenant}/oauth2/v2.0/token":
            form = parse_qs(raw.decode())
            if form.get("client_id") != [self.client_id] or form.get("client_secret") != [
                self.client_secret
            ]:
                return request.send(
                    401, {"error": "invalid_client", "error_description": "bad secret"}
                )
            self.tokens_issued += 1
            token = f"graph-token-{self.tokens_issued}"
            self.valid_tokens.add(token)
            return request.send(
                200, {"token_type": "Bearer", "expires_in": 3599, "access_token": token}
            )
        if (
            request.headers.get("Authorization", "").removeprefix("Bearer ")
            not in self.valid_tokens
        ):
            return request.send(
                401, {"error": {"code": "InvalidAuthenticationToken", "message": "expired"}}
            )
        path = path.removeprefix("/v1.0")
        failure = self.scripted_failure(f"{method} {path}")
        if failure:
            status, body, headers, then_apply, delay = failure
            request.delay = delay
            if then_apply:
                self._apply(request, method, path, raw, reply=False)
            return request.send(status, body or {"error": {"code": "x", "message": "x"}}, headers)
        return self._apply(request, method, path, raw, reply=True)

    def _apply(self, request, method, path, raw, *, reply):
        rest = path.strip("/").split("/")[3:]  # users/{id}/onlineMeetings/...
        if method == "POST" and rest == ["createOrGet"]:
            body = json.loads(raw)
            for meeting in self.meetings.values():
                if meeting["externalId"] == body["externalId"]:
                    return request.send(200, meeting) if reply else None
            meeting_id = f"MSo{next(self._ids)}"
            meeting = {
                "id": meeting_id, "externalId": body["externalId"], "subject": body["subject"],
                "startDateTime": body["startDateTime"], "endDateTime": body["endDateTime"],
                "joinWebUrl": f"https://teams.example/l/meetup-join/{meeting_id}",
                "joinMeetingIdSettings": {"joinMeetingId": "3561234567", "passcode": "Xy7Pq"},
                "lobbyBypassSettings": body.get("lobbyBypassSettings"),
            }  # fmt: skip
            self.meetings[meeting_id] = meeting
            return request.send(201, meeting) if reply else None
        if not rest or rest[0] not in self.meetings:
            return request.send(404, {"error": {"code": "NotFound", "message": "not found"}})
        meeting_id = rest[0]
        if method == "DELETE" and len(rest) == 1:
            del self.meetings[meeting_id]
            return request.send(204) if reply else None
        if method == "PATCH" and len(rest) == 1:
            self.meetings[meeting_id].update(json.loads(raw))
            return request.send(200, self.meetings[meeting_id])
        if method == "GET" and rest[1:] == ["attendanceReports"]:
            return request.send(
                200, {"value": [{"id": "report-1"}] if self.attendance[meeting_id] else []}
            )
        if method == "GET" and rest[1:] == ["attendanceReports", "report-1"]:
            return request.send(
                200, {"id": "report-1", "attendanceRecords": self.attendance[meeting_id]}
            )
        return request.send(400, {"error": {"code": "BadRequest", "message": "unsupported"}})
