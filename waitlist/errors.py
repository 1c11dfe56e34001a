"""The refusals of the waitlist (each a `common.errors.DomainError`)."""

from common.errors import DomainError


class WaitlistError(DomainError):
    """Base of the waitlist's refusals."""


class WaitlistRefused(WaitlistError):
    """A request to join that cannot be taken as asked (the message says what to change)."""

    code = "waitlist_refused"
    http_status = 422


class OfferClosed(WaitlistError):
    """The offer can no longer be accepted: it lapsed, was passed on or answered."""

    code = "waitlist_offer_closed"
    http_status = 410


class OfferTaken(WaitlistError):
    """The offered time was booked by someone else first; the person keeps their place."""

    code = "waitlist_offer_taken"
    http_status = 409
