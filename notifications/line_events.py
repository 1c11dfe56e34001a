"""
What the office's LINE account does with the events LINE's webhook brings (their
signature already checked): a message carrying a linking code gets a link token and a
reply with this site's link (step 2 of `notifications.contacts`), an `accountLink` event
binds the user id (step 4), and a person who blocks the account loses the channel. No
reply ever names a booking: the texts are fixed, in the language of the booking or waitlist
entry the code was given for (Japanese for a code never given).
"""

import logging
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.channels import DeliveryFailed
from notifications.contacts import (
    line_account_linked,
    line_code_language,
    line_code_of,
    line_link_contact,
    line_user_left,
)

logger = logging.getLogger(__name__)


def line_events_handle(
    *, provider, office_id: int, office_slug: str, events: list, now: datetime
) -> int:
    """Handles each event; returns how many changed something. A failing LINE call is
    logged (by its status) and the next event handled."""
    handled = 0
    for event in events:
        try:
            handled += _handle(provider, office_id, office_slug, event, now)
        except DeliveryFailed as failed:
            logger.warning("LINE event %s not handled: %s", type(event).__name__, failed.reason)
    return handled


def _user_id(event) -> str:
    return getattr(getattr(event, "source", None), "user_id", "") or ""


def _handle(provider, office_id: int, office_slug: str, event, now: datetime) -> int:
    # LINE's SDK is imported here, not with the module: the URLconf imports this module, and
    # the SDK's models (pydantic) cost every web process about a second of CPU to import,
    # paid by the first request it served, though most offices have no LINE account.
    from linebot.v3.webhooks import (
        AccountLinkEvent,
        MessageEvent,
        TextMessageContent,
        UnfollowEvent,
    )

    user_id = _user_id(event)
    if isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
        code = line_code_of(event.message.text)
        if not code or not user_id:
            return 0
        contact = line_link_contact(code=code, office_id=office_id, now=now)
        language = (
            contact.language if contact else line_code_language(code=code, office_id=office_id)
        )
        with translation.override(language):
            if contact is None:
                provider.reply(
                    event.reply_token,
                    _(
                        "This code has lapsed or was already used. Open your booking page "
                        "and choose “Link LINE” again."
                    ),
                )
                return 0
            link_token = provider.issue_link_token(user_id)
            url = settings.SITE_URL.rstrip("/") + reverse(
                "notifications-line-link", args=[code, office_slug]
            )
            provider.reply(
                event.reply_token,
                _("Open this link to finish linking LINE to your booking:")
                + f"\n{url}?linkToken={link_token}",
            )
        return 1
    if isinstance(event, AccountLinkEvent):
        if getattr(event.link, "result", "") != "ok":
            return 0
        contact = line_account_linked(
            nonce=event.link.nonce, user_id=user_id, office_id=office_id, now=now
        )
        if contact is None:
            return 0
        with translation.override(contact.language):
            provider.send(
                to=user_id,
                text=_(
                    "LINE is linked. Notices of your booking come here as a link to your "
                    "booking page; its details stay on the page."
                ),
                idempotency_key=f"linked:{contact.pk}",
            )
        return 1
    if isinstance(event, UnfollowEvent) and user_id:
        return line_user_left(user_id=user_id, office_id=office_id, now=now)
    return 0
