from django.contrib import admin

from notifications.models import Notification
from offices.admin import OfficeScopedAdminMixin


@admin.register(Notification)
class NotificationAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
