"""A superuser resets a lost second factor here, with a reason; the list is the record."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import SecondFactorReset
from accounts.services import second_factor_reset
from common import clock
from common.admin_initial import QueryInitialMixin


@admin.register(SecondFactorReset)
class SecondFactorResetAdmin(QueryInitialMixin, admin.ModelAdmin):
    list_display = ["user", "by", "at", "reason"]
    fields = ["user", "reason"]
    readonly_fields: list[str] = []
    autocomplete_fields = ["user"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        record = second_factor_reset(
            user=form.cleaned_data["user"],
            by=request.user,
            reason=form.cleaned_data["reason"],
            now=clock.now(),
        )
        obj.pk = record.pk
        obj.by, obj.at = record.by, record.at


# The libraries' own device admins would let an account's factors be edited one by one (and
# show a TOTP key's QR code); a reset above, with its reason, is the one way to change them.
import django_otp.plugins.otp_static.admin  # noqa: E402 (registered first, then removed)
import django_otp.plugins.otp_totp.admin  # noqa: E402, F401
import django_otp_webauthn.admin  # noqa: E402, F401

for _model in (StaticDevice, TOTPDevice, WebAuthnCredential):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


# The email outbox names people (addresses, and names in the texts): its list and pages are
# recorded like the people's and bookings' (notifications sits below accounts, so the
# record is added here, around its admin).
from accounts.access_log import AccessLoggedAdminMixin  # noqa: E402
from notifications.admin import NotificationAdmin  # noqa: E402
from notifications.models import Notification  # noqa: E402


class RecordedNotificationAdmin(AccessLoggedAdminMixin, NotificationAdmin):
    pass


if admin.site.is_registered(Notification):
    admin.site.unregister(Notification)
admin.site.register(Notification, RecordedNotificationAdmin)
