"""
An office's phone number, the one way it is shown and dialled: every page and email that
tells a person to phone builds its `tel:` link here, so a phone can always dial it.

A number as an office writes it may carry words (the seed's 「00-0000-0000（デモ）」, an
extension, full-width digits): those stay in the link's text, never in its `tel:` URI,
which is digits only (and a leading + for an international number, RFC 3966).
"""

import re
import unicodedata

from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_NOT_DIALLED = re.compile(r"[^0-9+]")
_MARKER = re.compile(r"[（(][^）)]*[）)]\s*$")


def tel_uri(number: str | None) -> str:
    """`tel:0956882003` for 「0956-88-2003」; "" when the number has no digit to dial.

    A marker in brackets after the number (「（デモ）」, "(ext. 12)") is not dialled."""
    text = unicodedata.normalize("NFKC", _MARKER.sub("", number or "")).strip()
    digits = _NOT_DIALLED.sub("", text)
    digits = digits[:1] + digits[1:].replace("+", "")
    return f"tel:{digits}" if re.search(r"[0-9]", digits) else ""


def phone_link(number: str | None) -> SafeString:
    """The number as a link a phone dials, its text as the office wrote it."""
    if not (number or "").strip():
        return SafeString("")
    uri = tel_uri(number)
    if not uri:
        return SafeString(escape(number))
    return format_html('<a href="{}">{}</a>', uri, number)


def phone_in_brackets(number: str | None) -> str:
    """` (0956-88-2003)` in English, 「（0956-88-2003）」 in Japanese; "" without a number.

    For the sentences that end 「…お電話ください%(phone)s。」, as plain text."""
    if not (number or "").strip():
        return ""
    return _(" (%(phone)s)") % {"phone": number}


def link_phone(text: str, number: str | None) -> SafeString:
    """The text, escaped, with every writing of the number in it made a `tel:` link."""
    escaped = conditional_escape(text)
    if not (number or "").strip():
        return escaped
    # Both the text and the number are escaped; only the link built here is markup.
    return mark_safe(escaped.replace(escape(number), phone_link(number)))  # noqa: S308
