"""
What every meeting provider offers (a `Protocol`: the providers are plain classes), and
what it can do (`Capabilities`): the booking core asks the capabilities, never a
provider's name.
"""

from typing import Protocol

from conferencing.types import AttendanceRecord, Capabilities, MeetingInfo, MeetingRequest


class MeetingProvider(Protocol):
    name: str
    capabilities: Capabilities

    def create_meeting(self, request: MeetingRequest, *, idempotency_key: str) -> MeetingInfo:
        """A new meeting, made once per `idempotency_key` (the booking's UUID) where the
        platform allows it."""

    def find_meeting(self, idempotency_key: str) -> MeetingInfo | None:
        """The meeting made earlier for `idempotency_key`, if the platform has it."""

    def update_meeting(self, ref: str, request: MeetingRequest) -> None:
        """Moves the meeting `ref` to the request's time."""

    def delete_meeting(self, ref: str) -> None:
        """Deletes the meeting `ref`; one already gone counts as deleted."""

    def fetch_attendance(self, ref: str) -> list[AttendanceRecord]:
        """Who joined the meeting `ref`, and when (platforms that report on request)."""
