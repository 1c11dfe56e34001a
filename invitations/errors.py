"""The refusals of invitations (each a `common.errors.DomainError`)."""

from common.errors import DomainError


class InvitationError(DomainError):
    """Base of the invitations' refusals."""


class InvitationRefused(InvitationError):
    """A counselor's invitation that cannot be made or changed as asked (the message says
    what to do instead)."""

    code = "invitation_refused"
    http_status = 422


class InvitationClosed(InvitationError):
    """The person's link no longer books: expired, used up, withdrawn, or the service no
    longer takes invitations. The message says so kindly, with the office's phone."""

    code = "invitation_closed"
    http_status = 410

    def __init__(self, message, *, state: str):
        super().__init__(message)
        self.state = state
