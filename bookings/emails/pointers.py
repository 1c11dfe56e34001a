"""
The pointer sent by LINE or SMS: the office's name, one fixed sentence and the link to the
booking's page, nothing else. The national guideline on LINE (2021) allows it for public
bodies only when no personal information is stored there, so a pointer never carries a
name, a time, a meeting link or anything else of the booking; the page behind the link
shows them. A pure renderer: values in, text out, in the active language.
"""

from django.utils.translation import gettext as _


def pointer_text(*, kind: str, office_name: str, url: str) -> str:
    if kind.startswith("reminder"):
        sentence = _("A reminder of your booking. Open this link to see it:")
    else:
        sentence = _("There is news about your booking. Open this link to see it:")
    return f"{office_name}{_(': ')}{sentence}\n{url}"
