"""The status groupings of `bookings.state`: every status is placed, none twice."""

import pytest

from bookings.models import BookingStatus
from bookings.outcomes import Outcome, outcome_after
from bookings.state import (
    DUE_STATUSES,
    HELD_STATUSES,
    RELEASED_STATUSES,
    TIME_HOLDING_STATUSES,
    UPCOMING_STATUSES,
    Actor,
    Reason,
)


def test_every_status_is_in_exactly_one_outcome_group():
    groups = [UPCOMING_STATUSES, DUE_STATUSES, RELEASED_STATUSES]
    placed = [status for group in groups for status in group]
    assert sorted(placed) == sorted(BookingStatus.values)  # each once, none left out
    assert set(HELD_STATUSES) <= set(DUE_STATUSES)
    assert not set(TIME_HOLDING_STATUSES) & set(RELEASED_STATUSES)


@pytest.mark.parametrize("status", BookingStatus.values)
def test_every_status_has_an_outcome_in_the_figures(status):
    outcome = outcome_after(
        from_status=BookingStatus.CONFIRMED, to_status=status, actor_label=Actor.STAFF,
        reason_code=Reason.COMPLETED,
    )  # fmt: skip
    assert outcome in Outcome.values


def test_an_unknown_status_is_an_error_not_a_scheduled_booking():
    with pytest.raises(ValueError):
        outcome_after(from_status="", to_status="on_hold", actor_label=Actor.STAFF, reason_code="")


@pytest.mark.parametrize(
    ("from_status", "to_status", "actor", "reason", "outcome"),
    [
        ("switched_to_phone", "completed", Actor.STAFF, Reason.COMPLETED, "switched_to_phone"),
        ("in_progress", "completed", Actor.STAFF, Reason.COMPLETED, "held"),
        ("completed", "switched_to_phone", Actor.STAFF, Reason.UNDONE, "switched_to_phone"),
        ("confirmed", "cancelled", Actor.STAFF, Reason.CANCELLED_FOR_CLOSURE, "cancelled_by_office"),
        ("requested", "cancelled", Actor.STAFF, Reason.CANCELLED_FOR_CLOSURE, "cancelled_by_office"),
        ("requested", "cancelled", Actor.STAFF, Reason.CANCELLED_BY_STAFF, "declined"),
        ("confirmed", "cancelled", Actor.STAFF, Reason.CANCELLED_ON_REQUEST, "cancelled_by_person"),
        ("requested", "cancelled", Actor.STAFF, Reason.CANCELLED_ON_REQUEST, "cancelled_by_person"),
        ("confirmed", "cancelled", Actor.APPLICANT, Reason.CANCELLED_ONLINE, "cancelled_by_person"),
        ("confirmed", "cancelled", Actor.STAFF, Reason.CANCELLED_BY_STAFF, "cancelled_by_office"),
    ],
)  # fmt: skip
def test_the_outcome_follows_the_last_meaningful_change(from_status, to_status, actor, reason, outcome):  # fmt: skip
    found = outcome_after(
        from_status=from_status, to_status=to_status, actor_label=actor, reason_code=reason
    )
    assert found == outcome
