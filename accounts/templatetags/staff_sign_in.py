from django import template

register = template.Library()


@register.simple_tag
def entra_sign_in_enabled() -> bool:
    """Whether this deployment offers sign-in with Microsoft Entra ID."""
    from accounts.entra import entra_configured

    return entra_configured()
