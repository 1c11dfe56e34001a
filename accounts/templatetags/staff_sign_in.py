from django import template

from accounts.entra import entra_configured

register = template.Library()


@register.simple_tag
def entra_sign_in_enabled() -> bool:
    """Whether this deployment offers sign-in with Microsoft Entra ID."""

    return entra_configured()
