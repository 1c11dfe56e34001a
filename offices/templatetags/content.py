"""`{{ office|local_name }}`, `{% content_text service "body" as text %}`: offices.content."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from common.languages import EASY_JAPANESE
from offices import content
from offices.ruby import add_ruby

register = template.Library()


@register.filter
def local_name(obj) -> str:
    """The office's or service's name in the active language (Japanese when untranslated)."""
    return content.content_name(obj)


@register.simple_tag
def content_text(obj, field: str) -> content.Text:
    return content.content_text(obj, field)


@register.simple_tag(takes_context=True)
def ruby_wanted(context) -> bool:
    """Whether this page shows readings: in やさしい日本語, for an office that chose them."""

    office = context.get("office")
    return get_language() == EASY_JAPANESE and getattr(office, "ruby", False) is True


@register.filter(is_safe=True)
def furigana(html, wanted):
    """The page's headings with readings (offices.ruby) when `wanted`, else unchanged."""

    if not wanted:
        return html
    # The page was rendered (escaped) already; add_ruby only wraps kanji of its own table.
    return mark_safe(add_ruby(str(html)))  # noqa: S308 - see above
