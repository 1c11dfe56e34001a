import re

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.kinds import kind_label
from notifications.models import ContactChannel, Delivery, Notification
from offices.admin import OfficeScopedAdminMixin, RecordAdminMixin


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = model_admin.get_queryset(request).order_by("kind").values_list("kind", flat=True)
        return [(kind, kind_label(kind)) for kind in kinds.distinct()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class DeliveryInline(admin.TabularInline):
    """Each channel's fate of the message: sent, delivered, or failed with the reason."""

    model = Delivery
    extra = 0
    can_delete = False
    fields = ["channel", "status", "reason", "created_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(RecordAdminMixin, OfficeScopedAdminMixin, admin.ModelAdmin):
    """The outbox, read-only: what was sent, what waits, what failed and why."""

    inlines = [DeliveryInline]

    office_lookup = "office_id"
    list_display = [
        "created_at",
        "kind_name",
        "recipient",
        "status",
        "attempts",
        "last_error",
        "sent_at",
    ]
    list_filter = ["status", KindFilter]
    search_fields = ["recipient", "subject"]
    readonly_fields = [
        "dedupe_key", "kind_name", "office_id", "recipient", "language", "subject", "body_masked",
        "status", "attempts", "last_error", "created_at", "sent_at", "attachment_name",
        "undelivered_at",
    ]  # fmt: skip
    exclude = ["body_text", "body_html", "attachment_content", "attachment_mimetype", "kind"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, obj: Notification) -> str:
        return kind_label(obj.kind)

    @admin.display(description=_("text"))
    def body_masked(self, notification: Notification) -> str:
        return mask_links(notification.body_text)


@admin.register(ContactChannel)
class ContactChannelAdmin(RecordAdminMixin, OfficeScopedAdminMixin, admin.ModelAdmin):
    """The channels people added beside email (read-only: the person adds and removes
    them on their booking's or waitlist entry's page). The address (a LINE user id, a
    number) is not shown."""

    office_lookup = "office_id"
    list_display = [
        "owner_kind", "owner_id", "kind", "status", "created_at", "linked_at", "removed_at",
    ]  # fmt: skip
    list_filter = ["owner_kind", "kind", "status"]
    fields = ["owner_kind", "owner_id", "kind", "status", "created_at", "linked_at", "removed_at"]
    readonly_fields = fields


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
