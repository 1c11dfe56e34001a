"""
TeleOffice has no public API: a counselor creates the meeting in TeleOffice and pastes
its join link (or access code) in the admin; this provider only validates it.
"""

from urllib.parse import urlparse

from django.utils.translation import gettext as _

from conferencing.types import Capabilities, InvalidRequest


def _host_allowed(host: str, patterns: list[str]) -> bool:
    host = host.lower().rstrip(".")
    for pattern in patterns:
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and host != pattern[2:]:
                return True
        elif host == pattern:
            return True
    return False


class TeleOfficeProvider:
    name = "teleoffice"
    capabilities = Capabilities(
        auto_create=False, auto_delete=False, attendance=False, manual_url=True
    )

    @staticmethod
    def validate_join_url(value: str, *, hosts: list[str]) -> str:
        """
        The link as pasted, when it is https on one of `hosts` (the office's platform
        account's, see `join_hosts_for`): a link elsewhere could send people to a phishing
        page in the office's name.
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

    def delete_meeting(self, ref: str) -> None:
        return None  # the counselor ends it in TeleOffice

    def fetch_attendance(self, ref: str):
        return None
