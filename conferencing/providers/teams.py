"""
Microsoft Teams through Microsoft Graph, app-only (client credentials) with msal.

One msal application per account per process, so msal's token cache is reused. Graph's
`onlineMeetings/createOrGet` is keyed by the booking's UUID (`externalId`): repeating it
returns the same meeting (200 instead of 201), so a create is always safe to retry. The
lobby lets only the organizer in directly. Needs the application permission
OnlineMeetings.ReadWrite.All and a Teams application access policy for the organizer;
without the policy Graph answers 403, reported as NotAuthorized (never a silent fallback).
"""

import threading
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import msal
import requests
from django.conf import settings

from conferencing.providers.base import MeetingProvider
from conferencing.providers.http import authorized_request
from conferencing.types import (
    AttendanceRecord,
    AuthError,
    Capabilities,
    MeetingInfo,
    MeetingRequest,
    NotFound,
)

SCOPES = ["https://graph.microsoft.com/.default"]
MICROSOFT_LOGIN = "https://login.microsoftonline.com"
_apps: dict[str, msal.ConfidentialClientApplication] = {}
_apps_lock = threading.Lock()


class _LoginRouter(requests.Session):
    """
    Sends msal's requests for Microsoft's login host to `MS_LOGIN_BASE` when it is set to
    another address (a proxy, or the local fake in tests): msal itself insists on https.
    """

    def request(self, method, url, *args, **kwargs):
        base = settings.MS_LOGIN_BASE.rstrip("/")
        if base != MICROSOFT_LOGIN and url.startswith(MICROSOFT_LOGIN):
            target = urlsplit(base)
            parts = urlsplit(url)
            url = urlunsplit(
                (target.scheme, target.netloc, parts.path, parts.query, parts.fragment)
            )
        return super().request(method, url, *args, **kwargs)


def _app(
    account: str, tenant_id: str, client_id: str, client_secret: str
) -> msal.ConfidentialClientApplication:
    key = f"{account}:{tenant_id}:{client_id}:{settings.MS_LOGIN_BASE}"
    with _apps_lock:
        if key not in _apps:
            _apps[key] = msal.ConfidentialClientApplication(
                client_id,
                client_credential=client_secret,
                authority=f"{MICROSOFT_LOGIN}/{tenant_id}",
                instance_discovery=False,
                http_client=_LoginRouter(),
            )
        return _apps[key]


def reset_apps() -> None:
    """Forget every msal application (tests start each from scratch)."""
    with _apps_lock:
        _apps.clear()


def _graph_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TeamsProvider(MeetingProvider):
    name = "teams"
    capabilities = Capabilities(
        auto_create=True, auto_delete=True, auto_update=True, attendance_polled=True
    )

    def __init__(
        self,
        *,
        account: str,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        organizer_id: str,
        **_,
    ):
        self.app = _app(account, tenant_id, client_id, client_secret)
        self.organizer = organizer_id
        self.session = requests.Session()

    def _token(self) -> str:
        result = self.app.acquire_token_for_client(scopes=SCOPES)
        if "access_token" not in result:
            raise AuthError(f"microsoft token: {result.get('error', 'unknown error')}")
        return result["access_token"]

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        url = f"{settings.GRAPH_API_BASE.rstrip('/')}/users/{self.organizer}/onlineMeetings{path}"
        return authorized_request(
            self.session, method, url, platform="graph", token=self._token,
            drop_token=self.app.remove_tokens_for_client, detail=_error_code, **kwargs,
        )  # fmt: skip

    def create_meeting(self, request: MeetingRequest, *, idempotency_key: str) -> MeetingInfo:
        body = {
            "externalId": idempotency_key,
            "subject": request.topic[:200],
            "startDateTime": _graph_time(request.start_utc),
            "endDateTime": _graph_time(request.end_utc),
            "lobbyBypassSettings": {"scope": "organizer", "isDialInBypassEnabled": False},
        }
        data = self._request("POST", "/createOrGet", json=body).json()
        join = data.get("joinMeetingIdSettings") or {}
        return MeetingInfo(
            provider=self.name,
            external_id=data["id"],
            join_url=data["joinWebUrl"],
            passcode=join.get("passcode") or "",
            meeting_number=join.get("joinMeetingId") or "",
        )

    def update_meeting(self, ref: str, request: MeetingRequest) -> None:
        body = {
            "startDateTime": _graph_time(request.start_utc),
            "endDateTime": _graph_time(request.end_utc),
        }
        self._request("PATCH", f"/{ref}", json=body)

    def delete_meeting(self, ref: str) -> None:
        try:
            self._request("DELETE", f"/{ref}")
        except NotFound:
            return

    def fetch_attendance(self, ref: str) -> list[AttendanceRecord]:
        reports = self._request("GET", f"/{ref}/attendanceReports").json().get("value", [])
        records = []
        for report in reports:
            detail = self._request(
                "GET",
                f"/{ref}/attendanceReports/{report['id']}",
                params={"$expand": "attendanceRecords"},
            ).json()
            for record in detail.get("attendanceRecords", []):
                for interval in record.get("attendanceIntervals", []):
                    joined = datetime.fromisoformat(interval["joinDateTime"].replace("Z", "+00:00"))
                    records.append(
                        AttendanceRecord(email=record.get("emailAddress") or "", joined_at=joined)
                    )
        return records


def _error_code(response: requests.Response) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return str(response.status_code)
