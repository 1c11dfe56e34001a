"""
The providers of the channels beside email, behind one interface (`base.ChannelProvider`):
LINE (one official account per office, `LINE_ACCOUNTS` by office slug) and SMS (one
Twilio account, `SMS_ACCOUNT`). Credentials come from settings only; a channel whose
account is not configured is off: the booking page does not offer it.
"""

from django.conf import settings
from django.urls import reverse

from notifications.channels.base import ChannelProvider, DeliveryFailed, Sent
from notifications.channels.line import LineProvider
from notifications.channels.sms import TwilioSms

__all__ = [
    "ChannelProvider",
    "DeliveryFailed",
    "Sent",
    "line_provider",
    "provider_for",
    "sms_provider",
]


def line_provider(office_slug: str):

    config = (settings.LINE_ACCOUNTS or {}).get(office_slug)
    if not config or not config.get("channel_secret") or not config.get("access_token"):
        return None
    return LineProvider(**config)


def sms_provider():

    config = dict(settings.SMS_ACCOUNT or {})
    if not config.get("account_sid") or not config.get("auth_token"):
        return None
    callback = settings.SITE_URL.rstrip("/") + reverse("notifications-sms-status")
    return TwilioSms(status_callback=callback, **config)


def provider_for(channel: str, *, office_slug: str) -> ChannelProvider | None:
    if channel == "line":
        return line_provider(office_slug)
    if channel == "sms":
        return sms_provider()
    return None
