"""`href="{{ number|tel }}"`, `{{ number|phone_link }}`, `{{ text|phone_links:office }}`:
offices.phone, the one way a page or an email writes a number to dial."""

from django import template
from django.utils.safestring import SafeString

from offices import phone

register = template.Library()


@register.filter
def tel(number) -> str:
    return phone.tel_uri(number)


@register.filter
def phone_link(number) -> SafeString:
    return phone.phone_link(number)


@register.filter
def phone_links(text, office) -> SafeString:
    """`{{ error|phone_links:office }}`: the office (or None, or a number) whose number the
    text may name."""
    return phone.link_phone(str(text), _number(office))


@register.simple_tag(takes_context=True)
def phone_linked(context, text) -> SafeString:
    """`{% phone_linked message %}`: as |phone_links with the page's office, for the shared
    includes, which some pages render without one."""
    return phone.link_phone(str(text), _number(context.get("office")))


def _number(office) -> str | None:
    """The office's number from an Office, the error pages' dict, or a number itself."""
    if office is None or isinstance(office, str):
        return office
    return office.get("phone") if isinstance(office, dict) else getattr(office, "phone", None)
