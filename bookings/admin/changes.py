"""
Changes of time the person asked for at offices whose counselors confirm bookings: a
list with two actions, confirm (the booking moves, through the booking guard) and
decline (it keeps its time). Staff rights follow the bookings' own: whoever may change a
booking decides its changes.
"""

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.models import BookingChange
from bookings.services.reschedule import booking_change_confirm, booking_change_decline
from common.errors import DomainError
from offices.admin import OfficeScopedAdminMixin
from offices.display import format_session


@admin.register(BookingChange)
class BookingChangeAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    list_display = ["booking", "office", "present_time", "requested_time", "status", "requested_at"]
    list_filter = ["status", "office"]
    list_select_related = ["booking", "office"]
    search_fields = ["booking__reference"]
    ordering = ["-requested_at"]
    actions = ["confirm_changes", "decline_changes"]
    readonly_fields = [
        "booking", "office", "from_start", "from_end", "to_start", "to_end", "status",
        "requested_at", "decided_at", "decided_by",
    ]  # fmt: skip

    @admin.display(description=gettext_lazy("present time"), ordering="from_start")
    def present_time(self, obj: BookingChange) -> str:
        return format_session(obj.from_start, obj.from_end)

    @admin.display(description=gettext_lazy("requested time"), ordering="to_start")
    def requested_time(self, obj: BookingChange) -> str:
        return format_session(obj.to_start, obj.to_end)

    def _decide(self, request: HttpRequest, queryset, service, done: str) -> None:
        count = 0
        for change in queryset:
            try:
                service(change=change, by=request.user, now=request.now)
            except DomainError as error:
                self.message_user(
                    request, f"{change.booking.reference}: {error.message}", messages.ERROR
                )
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count})

    @admin.action(description=gettext_lazy("Confirm the change of time"), permissions=["change"])
    def confirm_changes(self, request: HttpRequest, queryset):
        self._decide(request, queryset, booking_change_confirm, _("%(count)d change(s) confirmed."))

    @admin.action(
        description=gettext_lazy("Decline (the booking keeps its time)"), permissions=["change"]
    )
    def decline_changes(self, request: HttpRequest, queryset):
        self._decide(request, queryset, booking_change_decline, _("%(count)d change(s) declined."))

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("bookings.view_booking")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("bookings.change_booking")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
