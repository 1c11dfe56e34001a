"""
One provider per platform, picked by the office's platform and account name. Credentials
come from settings (environment or a secrets file read in config/), never from the
database. An office whose account is not configured gets AccountMissing: there is no
silent fallback to another platform. An account serves only the offices it is configured
for (`CONFERENCING_ACCOUNT_OFFICES`, account -> office slugs; an account not listed there
serves the office its name ends with, `zoom:toyooka` -> toyooka), so an office pointed at
another office's account gets AccountMissing, never that office's host. `CONFERENCING_FAKE`
(on for `make run` and tests) puts every office on the fake provider.
"""

from django.conf import settings

from conferencing.providers.base import MeetingProvider
from conferencing.providers.fake import FakeProvider
from conferencing.providers.teams import TeamsProvider
from conferencing.providers.teleoffice import TeleOfficeProvider
from conferencing.providers.zoom import ZoomProvider
from conferencing.types import AccountMissing, Capabilities


def account_config(account: str) -> dict | None:
    return settings.CONFERENCING_ACCOUNTS.get(account) if account else None


def account_offices(account: str) -> list[str]:
    mapping = getattr(settings, "CONFERENCING_ACCOUNT_OFFICES", {}) or {}
    if account in mapping:
        return list(mapping[account])
    return [account.split(":", 1)[1]] if ":" in account else []


def account_is_configured(*, platform: str, account: str, office: str | None = None) -> bool:
    if settings.CONFERENCING_FAKE or not capabilities_for(platform).auto_create:
        return True
    if office is not None and office not in account_offices(account):
        return False
    return bool(account_config(account)) and account.split(":", 1)[0] == platform


def join_hosts_for(*, platform: str, account: str) -> list[str]:
    """The hosts a pasted join link of this office may use: the account's, else the platform's."""
    config = account_config(account) or {}
    hosts = config.get("join_hosts") or settings.CONFERENCING_JOIN_HOSTS.get(platform, [])
    return [str(host).lower() for host in hosts]


def _classes() -> dict[str, type[MeetingProvider]]:

    return {cls.name: cls for cls in (ZoomProvider, TeamsProvider, TeleOfficeProvider)}


def capabilities_for(platform: str) -> Capabilities:
    """What the office's platform does (also under the fake, which stands in for it)."""
    cls = _classes().get(platform)
    return cls.capabilities if cls else Capabilities()


def platforms_where(capability: str) -> list[str]:
    """The platforms that have `capability` (for a query over offices)."""
    return [name for name, cls in _classes().items() if getattr(cls.capabilities, capability)]


def provider_for(*, platform: str, account: str, office: str) -> MeetingProvider:

    if settings.CONFERENCING_FAKE:
        return FakeProvider()
    cls = _classes().get(platform)
    if cls is None:
        raise AccountMissing(f"no provider for platform {platform} yet")
    if not cls.capabilities.auto_create:
        return cls()  # no API, no account: a counselor pastes the link
    config = account_config(account)
    if not config or account.split(":", 1)[0] != platform or office not in account_offices(account):
        raise AccountMissing(f"platform account {account or '(none)'} is not configured")
    return cls(account=account, **config)
