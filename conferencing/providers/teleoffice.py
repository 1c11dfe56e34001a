"""
TeleOffice has no public API: a counselor creates the meeting in TeleOffice and pastes
its join link (or access code) in the admin; this provider only validates it.
"""

from urllib.parse import urlparse

from conferencing.types import Capabilities, InvalidRequest


class TeleOfficeProvider:
    name = "teleoffice"
    capabilities = Capabilities(
        auto_create=False, auto_delete=False, attendance=False, manual_url=True
    )

    @staticmethod
    def validate_join_url(value: str) -> str:
        value = (value or "").strip()
        parsed = urlparse(value)
        if parsed.scheme != "https" or not parsed.netloc or len(value) > 500:
            raise InvalidRequest("a TeleOffice join link starts with https:// and names a host")
        return value

    def delete_meeting(self, ref: str) -> None:
        return None  # the counselor ends it in TeleOffice

    def fetch_attendance(self, ref: str):
        return None
