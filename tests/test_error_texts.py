"""Every app's refusal tells a person what is wrong in the same way: `DomainError.texts()`,
one line per problem, which the admin's actions show as messages."""

from bookings.exceptions import BookingInvalid, NotAllowedNow
from common.errors import DomainError


def test_a_refusal_is_one_line_and_invalid_input_one_line_per_problem():
    assert NotAllowedNow("This session is already cancelled.").texts() == [
        "This session is already cancelled."
    ]
    invalid = BookingInvalid({"capacity": ["Enter a number.", "Too many."], "reason": ["Say why."]})
    assert invalid.texts() == ["Enter a number.", "Too many.", "Say why."]
    assert isinstance(invalid, DomainError)
