"""
The waitlist in the admin, scoped to the user's office: who waits for which days, in the
order they asked, each entry's offers and events; and the offers (open ones first). Both
read-only: the person answers an offer from their link, the matching makes offers.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.access_log import AccessLoggedAdminMixin
from offices.admin import OfficeScopedAdminMixin, RecordAdminMixin
from offices.display import format_date, format_datetime, format_session
from waitlist.models import WaitlistEntry, WaitlistEvent, WaitlistOffer


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OfferInline(_ReadOnlyInline):
    model = WaitlistOffer
    fields = ["when", "status", "offered_at", "expires_at", "answered_at", "booking"]
    readonly_fields = fields

    @admin.display(description=_("time offered"))
    def when(self, obj: WaitlistOffer) -> str:
        return format_session(obj.start, obj.end)


class EventInline(_ReadOnlyInline):
    model = WaitlistEvent
    fields = ["at", "reason_code", "actor_label", "offer"]
    readonly_fields = fields


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(
    AccessLoggedAdminMixin, OfficeScopedAdminMixin, RecordAdminMixin, admin.ModelAdmin
):
    list_display = ["asked", "name", "office", "service", "days", "status", "booking"]
    list_filter = ["office", "service", "status"]
    list_select_related = ["office", "service", "booking"]
    search_fields = ["name"]
    fields = ["name", "email", "office", "service", "applicant", "days", "earliest",
              "latest", "status", "asked_at", "confirm_by", "booking", "language"]  # fmt: skip
    readonly_fields = fields
    inlines = [OfferInline, EventInline]

    @admin.display(description=_("asked at"), ordering="asked_at")
    def asked(self, obj: WaitlistEntry) -> str:
        return format_datetime(obj.asked_at)

    @admin.display(description=_("days"))
    def days(self, obj: WaitlistEntry) -> str:
        return f"{format_date(obj.first_day)} – {format_date(obj.last_day)}"


@admin.register(WaitlistOffer)
class WaitlistOfferAdmin(
    AccessLoggedAdminMixin, OfficeScopedAdminMixin, RecordAdminMixin, admin.ModelAdmin
):
    access_also = ("entry",)
    list_display = ["when", "person", "office", "service", "status", "until", "booking"]
    list_filter = ["status", "office", "service"]
    list_select_related = ["entry", "office", "service", "booking"]
    fields = ["entry", "office", "service", "when", "status", "offered_at", "expires_at",
              "answered_at", "booking"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("time offered"), ordering="start")
    def when(self, obj: WaitlistOffer) -> str:
        return format_session(obj.start, obj.end)

    @admin.display(description=_("person"))
    def person(self, obj: WaitlistOffer) -> str:
        return obj.entry.name

    @admin.display(description=_("held until"), ordering="expires_at")
    def until(self, obj: WaitlistOffer) -> str:
        return format_datetime(obj.expires_at)
