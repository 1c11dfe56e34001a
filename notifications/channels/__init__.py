"""
The providers of the channels beside email, behind one interface (`base.ChannelProvider`):
LINE (one official account per office, `LINE_ACCOUNTS` by office slug) and SMS (one
Twilio account, `SMS_ACCOUNT`). Credentials come from settings only; a channel whose
account is not configured is off: the booking page does not offer it.
"""

from django.conf import settings
from django.urls import reverse

from notifications.channels.base import ChannelProvider, DeliveryFailed, Sent

__all__ = [
    "ChannelProvider",
    "DeliveryFailed",
    "Sent",
    "line_configured",
    "line_provider",
    "provider_for",
    "sms_configured",
    "sms_provider",
]


# Each provider's module (LINE's SDK above all: about a second and a half of CPU to import)
# is imported once its account is known to be configured, never to learn that it is not:
# the booking page asks on every view whether to offer the channel.


def line_configured(office_slug: str) -> bool:
    config = (settings.LINE_ACCOUNTS or {}).get(office_slug)
    return bool(config and config.get("channel_secret") and config.get("access_token"))


def sms_configured() -> bool:
    config = settings.SMS_ACCOUNT or {}
    return bool(config.get("account_sid") and config.get("auth_token"))


def line_provider(office_slug: str):
    if not line_configured(office_slug):
        return None
    from notifications.channels.line import LineProvider  # heavy: only once configured

    return LineProvider(**settings.LINE_ACCOUNTS[office_slug])


def sms_provider():
    if not sms_configured():
        return None
    from notifications.channels.sms import TwilioSms  # heavy: only once configured

    config = dict(settings.SMS_ACCOUNT)
    callback = settings.SITE_URL.rstrip("/") + reverse("notifications-sms-status")
    return TwilioSms(status_callback=callback, **config)


def provider_for(channel: str, *, office_slug: str) -> ChannelProvider | None:
    if channel == "line":
        return line_provider(office_slug)
    if channel == "sms":
        return sms_provider()
    return None
