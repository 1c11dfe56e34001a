"""
Whether an office's platform account is configured on this server. The secrets live with
the `conferencing` app, which `offices` does not import: conferencing registers its check
here when Django starts (its AppConfig.ready), and the office admin asks through it.
"""

from collections.abc import Callable

_account_check: Callable[..., bool] | None = None


def register_account_check(check: Callable[..., bool]) -> None:
    global _account_check
    _account_check = check


def account_is_configured(*, platform: str, account: str, office: str | None = None) -> bool:
    """False until a conferencing app registered its check (nothing can be issued then)."""
    return bool(
        _account_check and _account_check(platform=platform, account=account, office=office)
    )
