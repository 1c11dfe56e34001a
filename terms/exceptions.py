"""Domain errors of the terms app; each carries a message a person can act on (the shape
of every app's errors: `common.errors.DomainError`)."""

from django.utils.functional import Promise

from common.errors import DomainError


class TermsError(DomainError):
    """Base class. `field` names the form field the message belongs to, if any."""


class TermsOutdated(TermsError):
    """The person agreed to a version that is no longer (or not yet) the one in force; the
    API answers with the current version's id and label, so a client can show it."""

    code = "terms_outdated"

    def __init__(
        self, message: str | Promise, *, current_version_id: int, current_version_label: str
    ):
        super().__init__(message, field="terms_version")
        self.current_version_id = current_version_id
        self.current_version_label = current_version_label

    def api_fields(self) -> dict:
        return {
            **super().api_fields(),
            "current_version": self.current_version_id,
            "current_version_label": self.current_version_label,
        }


class NoTermsInForce(TermsError):
    """The office has no terms in force, so nobody can agree to them (nor book)."""

    code = "no_terms"


class TermsNotEditable(TermsError):
    """A published version is never changed; a correction is a new version."""


class PublishRefused(TermsError):
    """Publishing would break the history of the office's terms."""


class NotAllowed(TermsError):
    """The user may not do this for this office."""
