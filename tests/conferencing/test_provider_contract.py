"""
The meeting providers share one base class, and the booking core asks a platform's
capabilities, never its name (issue 22: the core branched on "zoom"/"teams" in four
places, and what a person sees of a meeting was assembled three times).
"""

import ast
from pathlib import Path

import pytest

from bookings.emails.applicant import meeting_issued_message
from bookings.selectors.bookings import meeting_for_person
from conferencing.models import OnlineMeeting
from conferencing.providers import capabilities_for, platforms_where
from conferencing.providers.base import MeetingProvider
from conferencing.providers.fake import FakeProvider
from conferencing.providers.teams import TeamsProvider
from conferencing.providers.teleoffice import TeleOfficeProvider
from conferencing.providers.zoom import ZoomProvider
from conferencing.types import NotSupported
from offices.models import Platform
from tests.factories import BookingFactory

ROOT = Path(__file__).resolve().parents[2]
CORE = ("bookings", "notifications", "reports", "accounts")
PLATFORM_NAMES = {value for value, _label in Platform.choices}


def _core_sources():
    for app in CORE:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_platform_name_in_the_core():
    offenders = []
    for path in _core_sources():
        for node in ast.walk(ast.parse(path.read_text())):
            named = (isinstance(node, ast.Constant) and node.value in PLATFORM_NAMES) or (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "Platform"
            )
            if named:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], "ask conferencing.providers.capabilities_for(platform) instead"


def test_every_platform_has_a_provider_built_on_the_one_base_class():
    providers = {cls.name: cls for cls in (ZoomProvider, TeamsProvider, TeleOfficeProvider)}
    assert set(providers) == PLATFORM_NAMES
    for cls in [*providers.values(), FakeProvider]:
        assert issubclass(cls, MeetingProvider)


def test_a_platform_without_an_api_answers_from_the_base_class():
    teleoffice = TeleOfficeProvider()
    assert teleoffice.find_meeting("key") is None
    assert teleoffice.fetch_attendance("ref") == []
    assert teleoffice.delete_meeting("ref") is None
    with pytest.raises(NotSupported):
        teleoffice.create_meeting(None, idempotency_key="key")


def test_capabilities_are_what_the_core_reads():
    assert platforms_where("attendance_polled") == ["teams"]
    assert platforms_where("joins_with_number") == ["zoom"]
    assert not capabilities_for("teleoffice").auto_create
    assert capabilities_for("no-such-platform") == capabilities_for("")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("platform", "shows_number"), [("zoom", True), ("teams", False), ("teleoffice", False)]
)
def test_the_page_and_the_email_show_the_same_of_a_meeting(platform, shows_number):
    booking = BookingFactory(service__office__platform=platform)
    meeting = OnlineMeeting.objects.create(
        booking_uuid=booking.uuid, office_id=booking.office_id, status="issued",
        join_url="https://meet.example/j/1", host_url="https://meet.example/host/1",
        meeting_number="987 654 321", passcode="zz99",
    )  # fmt: skip
    seen = meeting_for_person(booking)
    assert seen == {
        "join_url": "https://meet.example/j/1",
        "meeting_number": "987 654 321" if shows_number else "",
        "passcode": "zz99" if shows_number else "",
    }
    message = meeting_issued_message(booking, meeting, links={})
    assert ("987 654 321" in message.text) is shows_number
    assert "host/1" not in message.text + message.html


@pytest.mark.django_db
def test_a_meeting_not_yet_issued_shows_nothing():
    booking = BookingFactory()
    OnlineMeeting.objects.create(
        booking_uuid=booking.uuid, office_id=booking.office_id, status="pending",
        join_url="https://meet.example/j/1",
    )  # fmt: skip
    assert meeting_for_person(booking) is None
