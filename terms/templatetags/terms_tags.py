from django import template

from common import clock
from offices.display import format_effective
from offices.models import Office
from terms.selectors import terms_next_scheduled

register = template.Library()


@register.inclusion_tag("terms/_upcoming_notice.html", takes_context=True)
def terms_upcoming_notice(context, office: Office) -> dict:
    """A notice that the office's terms change on a given date, with a link to the text."""
    upcoming = terms_next_scheduled(office=office, at=clock.now())
    return {
        "office": office,
        "upcoming": upcoming,
        "effective": format_effective(upcoming.effective_from) if upcoming else "",
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }


@register.simple_tag
def effective_date(version) -> str:
    return format_effective(version.effective_from) if version and version.effective_from else ""
