"""Issues meeting links on this site itself, so a new user sees the whole flow offline."""

import hashlib

from django.conf import settings
from django.urls import reverse

from conferencing.providers.base import MeetingProvider
from conferencing.types import Capabilities, MeetingInfo, MeetingRequest, Participant


class FakeProvider(MeetingProvider):
    name = "fake"
    capabilities = Capabilities(auto_create=True, auto_delete=True, personal_links=True)

    def create_meeting(self, request: MeetingRequest, *, idempotency_key: str) -> MeetingInfo:
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()
        number = str(int(digest[:12], 16))[:10]
        path = reverse("fake-meeting", args=[request.booking_uuid])
        return MeetingInfo(
            provider=self.name,
            external_id=f"fake-{request.booking_uuid}",
            join_url=settings.SITE_URL.rstrip("/") + path,
            host_url=settings.SITE_URL.rstrip("/") + path + "?host=1",
            passcode=digest[12:18],
            meeting_number=number,
        )

    def add_participant(self, ref: str, *, email: str, name: str) -> Participant:
        """The meeting's page with a key of this participant's own (the same for the same
        address)."""
        key = hashlib.sha256(f"{ref}|{email.lower()}".encode()).hexdigest()[:16]
        path = reverse("fake-meeting", args=[ref.removeprefix("fake-")])
        return Participant(
            join_url=f"{settings.SITE_URL.rstrip('/')}{path}?p={key}", registrant_id=key
        )

    def update_meeting(self, ref: str, request: MeetingRequest) -> None:
        return None  # the fake's meeting page has no time to move
