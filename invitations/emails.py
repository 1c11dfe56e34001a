"""The invitation's email and its reminder: values in, subject and bodies out (no query
beyond the invitation's own office, service and person, already loaded)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from invitations.models import Invitation
from notifications.services import Message
from offices import display
from offices.content import content_name


def invitation_facts(invitation: Invitation) -> dict:
    """What the email, the letter and the person's page say about an invitation."""
    office, service = invitation.office, invitation.service
    return {
        "office_name": content_name(office),
        "service_name": content_name(service),
        "window": display.format_date(invitation.first_day)
        + " – "
        + display.format_date(invitation.last_day),
        "expires": display.format_deadline(invitation.expires_at),
        "phone": office.phone,
        "max_uses": invitation.max_uses,
    }


def invitation_message(invitation: Invitation, *, link_path: str, reminder: bool) -> Message:
    with translation.override(invitation.language):
        facts = invitation_facts(invitation)
        title = (
            _("Reminder: your invitation to book a session")
            if reminder
            else _("Your invitation to book a session")
        )
        subject = f"[{facts['office_name']}] {title}"
        context = {
            **facts,
            "subject": subject,
            "reminder": reminder,
            "booking": {"name": invitation.applicant.name},
            "link_url": settings.SITE_URL.rstrip("/") + link_path,
        }
        return Message(
            subject=subject,
            text=render_to_string("emails/invitation.txt", context),
            html=render_to_string("emails/invitation.html", context),
        )
