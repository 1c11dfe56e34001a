"""Domain errors of the terms app; each carries a message a person can act on."""

from django.utils.functional import Promise


class TermsError(Exception):
    """Base class. `field` names the form field the message belongs to, if any."""

    def __init__(self, message: str | Promise, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class TermsOutdated(TermsError):
    """The person agreed to a version that is no longer (or not yet) the one in force."""

    def __init__(self, message: str | Promise, *, current_version_id: int):
        super().__init__(message, field="terms_version")
        self.current_version_id = current_version_id


class NoTermsInForce(TermsError):
    """The office has no terms in force, so nobody can agree to them (nor book)."""


class TermsNotEditable(TermsError):
    """A published version is never changed; a correction is a new version."""


class PublishRefused(TermsError):
    """Publishing would break the history of the office's terms."""


class NotAllowed(TermsError):
    """The user may not do this for this office."""
