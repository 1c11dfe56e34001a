"""`{{ value|nowrap_times }}`: each time in a text (`9:30`, `9:30〜10:00`, `9:30–10:00`) kept
on one line in HTML emails, whose clients may break a line anywhere in a table cell."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

TIME = re.compile(r"\d{1,2}:\d{2}(?:\s?[〜~–-]\s?\d{1,2}:\d{2})?")


@register.filter(is_safe=True)
def nowrap_times(value) -> str:
    """The value escaped, each time in a `white-space:nowrap` span."""
    text = escape(str(value))
    return mark_safe(  # noqa: S308 - escaped above; the span is ours
        TIME.sub(lambda m: f'<span style="white-space:nowrap">{m.group(0)}</span>', text)
    )
