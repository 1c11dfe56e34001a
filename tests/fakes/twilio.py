"""
A local fake of Twilio's Programmable Messaging API, speaking the real protocol: a form
POST to `/2010-04-01/Accounts/{AccountSid}/Messages.json` under HTTP Basic auth (20003
when refused), 201 with the message resource (`sid` SM..., `status` queued), Twilio's
error bodies `{code, message, more_info, status}` (21211 for a number that is not one),
and delivery receipts POSTed to the message's `StatusCallback`, signed as Twilio signs
(X-Twilio-Signature: base64 HMAC-SHA1 of the URL and the sorted fields under the token).
"""

import base64
import hashlib
import hmac
import re
import uuid
from urllib.parse import parse_qs

import requests

from tests.fakes.base import FakeService


def twilio_signature(auth_token: str, url: str, form: dict) -> str:
    payload = url + "".join(f"{key}{form[key]}" for key in sorted(form))
    return base64.b64encode(
        hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    ).decode()


class FakeTwilio(FakeService):
    def __init__(self, *, account_sid="AC" + "0" * 32, auth_token="twilio-token"):
        super().__init__()
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages: dict[str, dict] = {}  # sid -> {"to", "body", "callback", "from"}

    def account(self) -> dict:
        return {
            "account_sid": self.account_sid,
            "auth_token": self.auth_token,
            "from": "+15005550006",
        }

    def handle(self, request, method, path, query, raw):
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return request.send(
                401,
                {
                    "code": 20003,
                    "message": "Authenticate",
                    "more_info": "https://www.twilio.com/docs/errors/20003",
                    "status": 401,
                },
            )
        failure = self.scripted_failure(f"{method} {path}")
        if failure:
            status, body, headers, _then, delay = failure
            request.delay = delay
            return request.send(
                status, body or {"code": 20500, "message": "error", "status": status}, headers
            )
        if method == "POST" and path == f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            form = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
            if not re.fullmatch(r"\+[1-9]\d{6,14}", form.get("To", "")):
                return request.send(
                    400,
                    {
                        "code": 21211,
                        "message": f"The 'To' number {form.get('To')} is not a valid phone number.",
                        "more_info": "https://www.twilio.com/docs/errors/21211",
                        "status": 400,
                    },
                )
            sid = "SM" + uuid.uuid4().hex
            self.messages[sid] = {"to": form["To"], "body": form["Body"], "from": form.get("From", ""),
                                  "callback": form.get("StatusCallback", "")}  # fmt: skip
            return request.send(
                201,
                {
                    "sid": sid,
                    "status": "queued",
                    "to": form["To"],
                    "body": form["Body"],
                    "error_code": None,
                    "account_sid": self.account_sid,
                },
            )
        return request.send(
            404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
        )

    def receipt(self, sid: str, status: str, error_code: str = "") -> tuple[str, dict, str]:
        """The receipt Twilio would POST: (callback URL, form, signature)."""
        message = self.messages[sid]
        form = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status,
                "AccountSid": self.account_sid, "To": message["to"], "From": message["from"], "ApiVersion": "2010-04-01"}  # fmt: skip
        if error_code:
            form["ErrorCode"] = error_code
        return (
            message["callback"],
            form,
            twilio_signature(self.auth_token, message["callback"], form),
        )

    def report(self, sid: str, status: str, error_code: str = "") -> int:
        """Twilio's receipt, POSTed to the message's status callback (a live server)."""
        url, form, signature = self.receipt(sid, status, error_code)
        return requests.post(
            url, data=form, headers={"X-Twilio-Signature": signature}, timeout=10
        ).status_code
