from django.contrib import admin

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
        "dedupe_key", "kind", "office_id", "recipient", "language", "subject", "body_text",
        "status", "attempts", "last_error", "created_at", "sent_at", "attachment_name",
    ]  # fmt: skip
    exclude = ["body_html", "attachment_content", "attachment_mimetype"]
