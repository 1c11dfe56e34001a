"""
SMS through Twilio's Programmable Messaging REST API, with plain `requests`: one form POST
per message (`To`, `From` or `MessagingServiceSid`, `Body`, `StatusCallback`) under HTTP
Basic auth, and the delivery receipts Twilio POSTs to the status callback, signed with
X-Twilio-Signature (HMAC-SHA1 of the callback URL and the sorted form fields under the
auth token, base64).
"""

import base64
import hashlib
import hmac

import requests
from django.conf import settings

from notifications.channels.base import ChannelProvider, DeliveryFailed, Sent


class TwilioSms(ChannelProvider):
    channel = "sms"

    def __init__(self, *, account_sid: str, auth_token: str, status_callback: str = "", **config):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sender = config.get("from", "")
        self.messaging_service_sid = config.get("messaging_service_sid", "")
        self.status_callback = status_callback

    def send(self, *, to: str, text: str, idempotency_key: str) -> Sent:
        form = {"To": to, "Body": text}
        if self.messaging_service_sid:
            form["MessagingServiceSid"] = self.messaging_service_sid
        else:
            form["From"] = self.sender
        if self.status_callback:
            form["StatusCallback"] = self.status_callback
        url = (
            f"{settings.SMS_API_BASE.rstrip('/')}/2010-04-01/Accounts/{self.account_sid}"
            "/Messages.json"
        )
        try:
            response = requests.post(
                url, data=form, auth=(self.account_sid, self.auth_token),
                timeout=settings.CHANNELS_HTTP_TIMEOUT,
            )  # fmt: skip
        except requests.RequestException as error:
            raise DeliveryFailed(f"Twilio: {type(error).__name__}") from None
        if response.status_code >= 400:
            raise DeliveryFailed(f"Twilio {response.status_code}: error {_error_code(response)}")
        body = response.json()
        if body.get("status") == "failed":
            raise DeliveryFailed(f"Twilio: failed, error {body.get('error_code')}")
        return Sent(ref=str(body.get("sid", "")))

    def signature_valid(self, *, url: str, form: dict[str, str], signature: str) -> bool:
        return hmac.compare_digest(twilio_signature(self.auth_token, url, form), signature or "")


def twilio_signature(auth_token: str, url: str, form: dict[str, str]) -> str:
    payload = url + "".join(f"{key}{form[key]}" for key in sorted(form))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _error_code(response: requests.Response) -> str:
    """Twilio's error code (21211 invalid number, 21610 unsubscribed...); its message may
    echo the number, so only the code is kept."""
    try:
        return str(response.json().get("code", ""))
    except ValueError:
        return ""
