"""
A local fake of LINE's Messaging API and account-link dialog, speaking the real protocol:
Bearer-authenticated JSON (`/v2/bot/message/push` with `X-Line-Retry-Key`, a retry key
seen before answered 409 as LINE does, `/v2/bot/message/reply`,
`/v2/bot/user/{userId}/linkToken`), LINE's error bodies `{"message": ...}`, and the
dialog `/dialog/bot/accountLink?linkToken=&nonce=` that, once the person agrees, POSTs the
`accountLink` event to the bot's webhook signed as LINE signs (X-Line-Signature:
base64 HMAC-SHA256 of the body under the channel secret). `user_says` stands for a person
typing in the LINE app: a signed `message` event to the webhook.
"""

import base64
import hashlib
import hmac
import itertools
import json
import uuid
from urllib.parse import parse_qs

import requests

from tests.fakes.base import FakeService


def line_signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class FakeLine(FakeService):
    def __init__(self, *, channel_secret="line-secret", access_token="line-token"):
        super().__init__()
        self.channel_secret = channel_secret
        self.access_token = access_token
        self.webhook_url = ""  # the bot's webhook, set by the test
        self.pushed: list[dict] = []  # {"to", "text", "retry_key"}
        self.replies: list[dict] = []  # {"reply_token", "text"}
        self.link_tokens: dict[str, str] = {}  # link token -> user id
        self.retry_keys: set[str] = set()
        self._ids = itertools.count(1)

    def account(self) -> dict:
        return {
            "channel_secret": self.channel_secret,
            "access_token": self.access_token,
            "basic_id": "@fake-office",
        }

    # --- the person in the LINE app ---------------------------------------------------

    def event_body(self, event: dict) -> bytes:
        event = {
            "timestamp": 1_700_000_000_000, "mode": "active",
            "webhookEventId": uuid.uuid4().hex.upper()[:26],
            "deliveryContext": {"isRedelivery": False}, **event,
        }  # fmt: skip
        return json.dumps({"destination": "Ubot", "events": [event]}).encode()

    def message_event(self, user_id: str, text: str) -> bytes:
        return self.event_body(
            {
                "type": "message", "replyToken": f"reply-{next(self._ids)}",
                "source": {"type": "user", "userId": user_id},
                "message": {"id": str(next(self._ids)), "type": "text", "text": text,
                            "quoteToken": "q"},
            }
        )  # fmt: skip

    def post_webhook(self, body: bytes, *, signature: str | None = None) -> int:
        response = requests.post(
            self.webhook_url, data=body, timeout=10,
            headers={
                "Content-Type": "application/json",
                "X-Line-Signature": signature or line_signature(self.channel_secret, body),
            },
        )  # fmt: skip
        return response.status_code

    def user_says(self, user_id: str, text: str) -> int:
        return self.post_webhook(self.message_event(user_id, text))

    # --- the API ----------------------------------------------------------------------

    def handle(self, request, method, path, query, raw):
        if method == "GET" and path == "/dialog/bot/accountLink":
            return self._dialog(request, query)
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return request.send(
                401, {"message": "Authentication failed due to the following reason: invalid token"}
            )
        failure = self.scripted_failure(f"{method} {path}")
        if failure:
            status, body, headers, _then, delay = failure
            request.delay = delay
            return request.send(status, body or {"message": "error"}, headers)
        body = json.loads(raw or b"{}")
        if method == "POST" and path == "/v2/bot/message/push":
            key = request.headers.get("X-Line-Retry-Key", "")
            if key and key in self.retry_keys:
                return request.send(
                    409, {"message": "The retry key is already accepted", "sentMessages": []},
                    {"x-line-accepted-request-id": key},
                )  # fmt: skip
            if not str(body.get("to", "")).startswith("U"):
                return request.send(
                    400,
                    {
                        "message": "The property, 'to', in the request body is invalid (line: -, column: -)"
                    },
                )
            self.retry_keys.add(key)
            for message in body["messages"]:
                self.pushed.append({"to": body["to"], "text": message["text"], "retry_key": key})
            return request.send(
                200,
                {"sentMessages": [{"id": str(next(self._ids)), "quoteToken": "q"}]},
                {"x-line-request-id": str(uuid.uuid4())},
            )
        if method == "POST" and path == "/v2/bot/message/reply":
            for message in body["messages"]:
                self.replies.append({"reply_token": body["replyToken"], "text": message["text"]})
            return request.send(200, {"sentMessages": [{"id": str(next(self._ids))}]})
        parts = path.strip("/").split("/")
        if method == "POST" and parts[:3] == ["v2", "bot", "user"] and parts[4:] == ["linkToken"]:
            token = f"LT{next(self._ids):06d}{uuid.uuid4().hex[:12]}"
            self.link_tokens[token] = parts[3]
            return request.send(200, {"linkToken": token})
        return request.send(404, {"message": "Not found"})

    def _dialog(self, request, query):
        """The person agrees in LINE's dialog: LINE tells the bot, then shows its page."""
        params = parse_qs(query)
        token, nonce = params.get("linkToken", [""])[0], params.get("nonce", [""])[0]
        user_id = self.link_tokens.pop(token, None)

        def agree():
            if user_id is not None:
                self.post_webhook(
                    self.event_body(
                        {
                            "type": "accountLink", "replyToken": f"reply-{next(self._ids)}",
                            "source": {"type": "user", "userId": user_id},
                            "link": {"result": "ok", "nonce": nonce},
                        }
                    )
                )  # fmt: skip
            page = ("<!doctype html><title>LINE</title><p>"
                    + ("連携しました" if user_id else "無効なリンクです") + "</p>").encode()  # fmt: skip
            request.send_response(200 if user_id else 400)
            request.send_header("Content-Type", "text/html; charset=utf-8")
            request.send_header("Content-Length", str(len(page)))
            request.end_headers()
            request.wfile.write(page)

        request.after = agree
