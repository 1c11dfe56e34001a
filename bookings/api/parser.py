"""
The API reads a body only when it is declared JSON (`Content-Type: application/json`).
A form another site's page submits can only be `text/plain`, form-encoded or multipart
(anything else makes the browser ask first, and this API answers no such preflight), so a
body of those types books nothing: ninja turns the parser's refusal into an HttpError,
which `errors` answers as 415 with a JSON error (issue 23).
"""

import json

from django.http import HttpRequest
from ninja.parser import Parser


def is_json(content_type: str) -> bool:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def declared_json(request: HttpRequest) -> bool:
    return is_json(request.headers.get("Content-Type", ""))


class JsonOnlyParser(Parser):
    def parse_body(self, request: HttpRequest):
        if not declared_json(request):
            raise ValueError("not declared JSON")
        return json.loads(request.body)
