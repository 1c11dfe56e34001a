"""
LINE Messaging API through LINE's own SDK (`line-bot-sdk`, v3): push messages (with a retry
key, so a repeated attempt is not shown twice), link tokens for the account-link flow,
replies, and the webhook's signature (X-Line-Signature: HMAC-SHA256 of the body under the
channel secret, base64), checked by the SDK's parser before any event is read.
"""

import json
import uuid

from django.conf import settings
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhook import WebhookParser

from notifications.channels.base import ChannelProvider, DeliveryFailed, Sent

__all__ = ["InvalidSignatureError", "LineProvider"]


class LineProvider(ChannelProvider):
    channel = "line"

    def __init__(self, *, channel_secret: str, access_token: str, basic_id: str = "", **_):
        self.channel_secret = channel_secret
        self.access_token = access_token
        self.basic_id = basic_id

    def _call(self, what: str, call):
        configuration = Configuration(host=settings.LINE_API_BASE, access_token=self.access_token)
        with ApiClient(configuration) as client:
            try:
                return call(MessagingApi(client))
            except ApiException as error:
                raise DeliveryFailed(
                    f"LINE {what} {error.status}: {_line_message(error)}"
                ) from None
            except Exception as error:  # urllib3's connection errors, timeouts
                raise DeliveryFailed(f"LINE {what}: {type(error).__name__}") from None

    def send(self, *, to: str, text: str, idempotency_key: str) -> Sent:
        retry_key = str(uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key))
        request = PushMessageRequest(to=to, messages=[TextMessage(text=text)])
        try:
            response = self._call(
                "push",
                lambda api: api.push_message_with_http_info(
                    request, x_line_retry_key=retry_key,
                    _request_timeout=settings.CHANNELS_HTTP_TIMEOUT,
                ),
            )  # fmt: skip
        except DeliveryFailed as failed:
            if " 409:" in failed.reason:  # this retry key was accepted before: it was sent
                return Sent(ref=retry_key)
            raise
        return Sent(ref=(response.headers or {}).get("x-line-request-id", retry_key))

    def issue_link_token(self, user_id: str) -> str:
        response = self._call(
            "linkToken",
            lambda api: api.issue_link_token(
                user_id, _request_timeout=settings.CHANNELS_HTTP_TIMEOUT
            ),
        )
        return response.link_token

    def reply(self, reply_token: str, text: str) -> None:
        request = ReplyMessageRequest(reply_token=reply_token, messages=[TextMessage(text=text)])
        self._call(
            "reply",
            lambda api: api.reply_message(request, _request_timeout=settings.CHANNELS_HTTP_TIMEOUT),
        )

    def parse_webhook(self, body: str, signature: str) -> list:
        """The events of a webhook call; InvalidSignatureError when the signature is not
        LINE's for this channel."""
        return WebhookParser(self.channel_secret).parse(body, signature)


def _line_message(error: ApiException) -> str:
    """LINE's error message (`{"message": ...}`), which names the problem, not the user."""
    try:
        return str(json.loads(error.body or "{}").get("message", ""))[:120]
    except (TypeError, ValueError):
        return ""
