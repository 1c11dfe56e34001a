"""
Zoom, with a Server-to-Server OAuth app. The access token (one hour, no refresh token)
is cached in the shared cache per account, so every worker reuses it; it is fetched again
when it expires or when Zoom answers 401 / code 124, once.

A create that may have reached Zoom is never blindly repeated: the booking's UUID is the
meeting's `agenda`, and `find_meeting` looks it up among the host's upcoming meetings.
"""

import base64
import logging
from datetime import UTC

import requests
from django.conf import settings
from django.core.cache import cache

from conferencing.providers.base import MeetingProvider
from conferencing.providers.http import authorized_request
from conferencing.types import (
    AuthError,
    Capabilities,
    MeetingInfo,
    MeetingRequest,
    NotFound,
    Participant,
    TransientError,
)

logger = logging.getLogger(__name__)

INVALID_TOKEN_CODE = 124
NOT_FOUND_CODES = {1001, 3001}


class ZoomProvider(MeetingProvider):
    name = "zoom"
    capabilities = Capabilities(
        auto_create=True,
        auto_delete=True,
        auto_update=True,
        joins_with_number=True,
        personal_links=True,
    )

    def __init__(
        self, *, account: str, account_id: str, client_id: str, client_secret: str, host: str, **_
    ):
        self.account = account
        self.account_id, self.client_id, self.client_secret = account_id, client_id, client_secret
        self.host = host
        self.session = requests.Session()

    # --- token ---------------------------------------------------------------------------

    @property
    def _token_key(self) -> str:
        return f"zoom:token:{self.account}"

    def _fetch_token(self) -> str:
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        try:
            response = self.session.post(
                settings.ZOOM_OAUTH_URL,
                headers={"Authorization": f"Basic {basic}"},
                data={"grant_type": "account_credentials", "account_id": self.account_id},
                timeout=settings.CONFERENCING_HTTP_TIMEOUT,
            )
        except requests.RequestException as error:
            raise TransientError(f"zoom token: {type(error).__name__}") from None
        if response.status_code in (400, 401, 403):
            raise AuthError(f"zoom token refused ({response.status_code})")
        if response.status_code >= 500:
            raise TransientError(f"zoom token: {response.status_code}")
        data = response.json()
        token = data["access_token"]
        # Kept a minute less than its life, so it never expires mid-request.
        cache.set(self._token_key, token, timeout=max(60, int(data.get("expires_in", 3600)) - 60))
        return token

    def _token(self) -> str:
        return cache.get(self._token_key) or self._fetch_token()

    # --- requests ------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        return authorized_request(
            self.session, method, settings.ZOOM_API_BASE.rstrip("/") + path,
            platform="zoom", token=self._token, drop_token=lambda: cache.delete(self._token_key),
            token_refused=lambda r: r.status_code == 401 or _code(r) == INVALID_TOKEN_CODE,
            not_found=lambda r: r.status_code == 404 or _code(r) in NOT_FOUND_CODES,
            detail=lambda r: f"code {_code(r)}",
            **kwargs,
        )  # fmt: skip

    # --- the provider interface ----------------------------------------------------------

    def _body(self, request: MeetingRequest) -> dict:
        minutes = int((request.end_utc - request.start_utc).total_seconds() // 60)
        return {
            "topic": request.topic[:200],
            "type": 2,
            "start_time": request.start_utc.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration": minutes,
            "agenda": request.booking_uuid,
            "settings": {
                "waiting_room": request.lobby,
                "join_before_host": False,
                "auto_recording": "none",
                "mute_upon_entry": True,
                # Registration (each participant their own link), approved automatically.
                **({"approval_type": 0} if request.registration else {}),
            },
        }

    def _info(self, data: dict) -> MeetingInfo:
        return MeetingInfo(
            provider=self.name,
            external_id=str(data["id"]),
            join_url=data["join_url"],
            host_url=data.get("start_url", ""),
            passcode=data.get("password", ""),
            meeting_number=str(data["id"]),
        )

    def create_meeting(self, request: MeetingRequest, *, idempotency_key: str) -> MeetingInfo:
        host = request.host_id or self.host
        response = self._request("POST", f"/users/{host}/meetings", json=self._body(request))
        return self._info(response.json())

    def find_meeting(self, idempotency_key: str) -> MeetingInfo | None:
        """The host's upcoming meeting created for this booking, if a create got through."""
        next_page = ""
        for _page in range(10):
            params = {"type": "upcoming", "page_size": 300}
            if next_page:
                params["next_page_token"] = next_page
            data = self._request("GET", f"/users/{self.host}/meetings", params=params).json()
            for meeting in data.get("meetings", []):
                if meeting.get("agenda") == idempotency_key:
                    return self._info(meeting)
            next_page = data.get("next_page_token") or ""
            if not next_page:
                return None
        return None

    def update_meeting(self, ref: str, request: MeetingRequest) -> None:
        self._request("PATCH", f"/meetings/{ref}", json=self._body(request))

    def add_participant(self, ref: str, *, email: str, name: str) -> Participant:
        """A registrant of the meeting: Zoom answers an address registered again with the
        same registrant and link."""
        response = self._request(
            "POST", f"/meetings/{ref}/registrants",
            json={"email": email, "first_name": name[:64] or "-", "last_name": "-"},
        )  # fmt: skip
        data = response.json()
        return Participant(join_url=data["join_url"], registrant_id=str(data["registrant_id"]))

    def delete_meeting(self, ref: str) -> None:
        try:
            self._request("DELETE", f"/meetings/{ref}")
        except NotFound:
            return  # already gone: the delete is done


def _code(response: requests.Response) -> int | None:
    try:
        return int(response.json().get("code"))
    except (ValueError, TypeError, AttributeError):
        return None
