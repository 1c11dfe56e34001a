import re

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from offices.admin import OfficeScopedAdminMixin, RecordAdminMixin


@admin.register(Notification)
class NotificationAdmin(RecordAdminMixin, OfficeScopedAdminMixin, admin.ModelAdmin):
    """The outbox, read-only: what was sent, what waits, what failed and why."""

    office_lookup = "office_id"
    list_display = [
        "created_at",
        "kind",
        "recipient",
        "status",
        "attempts",
        "last_error",
        "sent_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "subject"]
    readonly_fields = [
        "dedupe_key", "kind", "office_id", "recipient", "language", "subject", "body_masked",
        "status", "attempts", "last_error", "created_at", "sent_at", "attachment_name",
    ]  # fmt: skip
    exclude = ["body_text", "body_html", "attachment_content", "attachment_mimetype"]

    @admin.display(description=_("text"))
    def body_masked(self, notification: Notification) -> str:
        return mask_links(notification.body_text)


# The secret part of a link: a long path segment (a booking link's token, a meeting's id)
# or a long query value (a meeting's passcode). Staff see that a link was sent, not the link:
# with it they could check a person's email address or act on the booking as the person.
_SECRET_SEGMENT = re.compile(r"(https?://[^\s/]+/(?:[^\s?#]*/)?)[A-Za-z0-9_\-]{16,}")
_SECRET_QUERY = re.compile(r"(https?://[^\s?]+\?[^\s]*?=)[^\s&#]{8,}")
MASK = "••••••"


def mask_links(text: str) -> str:
    text = _SECRET_QUERY.sub(lambda m: m.group(1) + MASK, text)
    previous = None
    while previous != text:  # one secret segment per pass (a link may have several)
        previous, text = text, _SECRET_SEGMENT.sub(lambda m: m.group(1) + MASK, text)
    return text
