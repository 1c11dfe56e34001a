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
    number = office if isinstance(office, str) or office is None else office.phone
    return phone.link_phone(str(text), number)
