"""
The one base class every meeting provider implements, and what each platform can do
(`Capabilities`). The booking core asks a platform's capabilities (`capabilities_for`),
never its name: `tests/conferencing/test_provider_contract.py` fails on a platform name in
the core.

A provider overrides what its platform offers; what it does not offer keeps the base's
answer: no meeting found, no attendance reported, and `NotSupported` for what only an API
can do (the core checks `capabilities` first, so reaching it is a bug, said loudly).
"""

from urllib.parse import urlparse

from django.utils.translation import gettext as _

from conferencing.types import (
    AttendanceRecord,
    Capabilities,
    InvalidRequest,
    MeetingInfo,
    MeetingRequest,
    NotSupported,
    Participant,
)


class MeetingProvider:
    name: str = ""
    capabilities: Capabilities = Capabilities()

    def create_meeting(self, request: MeetingRequest, *, idempotency_key: str) -> MeetingInfo:
        """A new meeting, made once per `idempotency_key` (the booking's UUID) where the
        platform allows it."""
        raise NotSupported(f"{self.name} makes no meetings through an API")

    def find_meeting(self, idempotency_key: str) -> MeetingInfo | None:
        """The meeting made earlier for `idempotency_key`, if the platform has it."""
        return None

    def update_meeting(self, ref: str, request: MeetingRequest) -> None:
        """Moves the meeting `ref` to the request's time."""
        raise NotSupported(f"{self.name} moves no meetings through an API")

    def delete_meeting(self, ref: str) -> None:
        """Deletes the meeting `ref`; one already gone counts as deleted. A platform without
        an API has nothing to delete here (the counselor ends it on the platform)."""
        return None

    def add_participant(self, ref: str, *, email: str, name: str) -> Participant:
        """Registers one participant of the meeting `ref` for a join link of their own
        (platforms with `personal_links`); registering the same address again gives the
        same link."""
        raise NotSupported(f"{self.name} gives no participant a link of their own")

    def fetch_attendance(self, ref: str) -> list[AttendanceRecord]:
        """Who joined the meeting `ref`, and when (platforms that report on request)."""
        return []


def join_url_validate(value: str, *, hosts: list[str]) -> str:
    """
    A join link pasted by a counselor (TeleOffice, or any platform after a failure), as
    pasted, when it is https on one of `hosts` (the office's platform account's, see
    `join_hosts_for`): a link elsewhere could send people to a phishing page in the
    office's name.
    """
    value = (value or "").strip()
    parsed = urlparse(value)
    if parsed.scheme != "https" or not parsed.hostname or len(value) > 500:
        raise InvalidRequest(
            _("Paste the whole join link: it starts with https:// and names a host.")
        )
    if parsed.username or parsed.password or not _host_allowed(parsed.hostname, hosts):
        raise InvalidRequest(
            _(
                "This link is not on this office's meeting service (%(hosts)s). Copy the "
                "join link from the meeting you created, or ask the operator to add the host."
            )
            % {"hosts": "、".join(hosts) or _("none configured")}
        )
    return value


def _host_allowed(host: str, patterns: list[str]) -> bool:
    host = host.lower().rstrip(".")
    for pattern in patterns:
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and host != pattern[2:]:
                return True
        elif host == pattern:
            return True
    return False
