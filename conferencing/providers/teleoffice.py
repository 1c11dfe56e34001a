"""
TeleOffice has no public API: a counselor creates the meeting in TeleOffice and pastes
its join link (or access code) in the admin (`join_url_validate` checks it); the base
class answers the rest (nothing to create, move, delete or report).
"""

from conferencing.providers.base import MeetingProvider
from conferencing.types import Capabilities


class TeleOfficeProvider(MeetingProvider):
    name = "teleoffice"
    capabilities = Capabilities(auto_create=False, auto_delete=False)
