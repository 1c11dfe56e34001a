"""
The one interface every channel beside email implements: send a short text to an address
and say what the provider answered. A provider never sees a booking: it is handed the
pointer's text (`notifications.delivery`), which by construction carries no detail.
"""

from dataclasses import dataclass

from common.errors import DomainError


@dataclass(frozen=True)
class Sent:
    """The provider took the message; `ref` is its id for the message (for its receipts)."""

    ref: str = ""


class DeliveryFailed(DomainError):
    """The provider refused or could not be reached. `reason` is the provider's own code
    and status (never an address or the text), kept on the delivery for the admin. Should
    one reach a client, the provider failed, not the request: 502."""

    code = "channel_delivery_failed"
    http_status = 502

    def __init__(self, reason: str):
        super().__init__(reason[:200])
        self.reason = reason[:200]


class ChannelProvider:
    channel: str = ""

    def send(self, *, to: str, text: str, idempotency_key: str) -> Sent:
        raise NotImplementedError
