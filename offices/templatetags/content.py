"""`{{ office|local_name }}`, `{% content_text service "body" as text %}`: offices.content."""

from django import template

from offices import content

register = template.Library()


@register.filter
def local_name(obj) -> str:
    """The office's or service's name in the active language (Japanese when untranslated)."""
    return content.content_name(obj)


@register.simple_tag
def content_text(obj, field: str) -> content.Text:
    return content.content_text(obj, field)
