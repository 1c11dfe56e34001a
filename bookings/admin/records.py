"""Records of use in the admin: read-only, for office managers (and superusers)."""

from django.contrib import admin

from bookings.models import AccessRecord
from offices.admin import OfficeScopedAdminMixin, RecordAdminMixin


@admin.register(AccessRecord)
class AccessRecordAdmin(RecordAdminMixin, OfficeScopedAdminMixin, admin.ModelAdmin):
    """Records of use: read-only, for office managers (and superusers)."""

    list_display = ["at", "office", "booking", "kind", "device_type", "device"]
    list_filter = ["office", "kind"]
    list_select_related = ["office", "booking"]
    search_fields = ["booking__reference", "device"]
    date_hierarchy = "at"
    readonly_fields = ["at", "office", "booking", "kind", "device_type", "device"]
