"""
The phone list (電話連絡リスト) in the admin: the calls the office owes people without an
email address (a cancellation, a new time, a confirmation...), open ones first. A counselor
opens a call, phones, and saves the result; reached or a message left takes it off the
open list, no answer keeps it there with the attempt counted.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access_log import AccessLoggedAdminMixin, Kind
from bookings.models import PhoneCall, PhoneCallResult
from bookings.services.phone_calls import phone_call_record, phone_call_subjects_attach
from bookings.state import EmailKind
from common.errors import DomainError
from notifications.kinds import kind_label
from offices.admin import OfficeScopedAdminMixin
from offices.display import format_session
from offices.phone import phone_link


class OpenFilter(admin.SimpleListFilter):
    title = gettext_lazy("to do")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Still to call")), ("no", _("Done"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(done_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(done_at__isnull=False)
        return queryset


class PhoneCallForm(forms.ModelForm):
    result = forms.ChoiceField(
        label=gettext_lazy("result of the call"), choices=PhoneCallResult.choices
    )

    class Meta:
        model = PhoneCall
        fields = ["result", "note"]
        labels = {"note": gettext_lazy("note (for staff; never sent)")}


@admin.register(PhoneCall)
class PhoneCallAdmin(AccessLoggedAdminMixin, OfficeScopedAdminMixin, admin.ModelAdmin):
    access_kind, access_also = Kind.BOOKING, ("booking",)
    form = PhoneCallForm
    list_display = [
        "state", "what", "booking_link", "session", "person", "phone", "attempts",
        "result", "office",
    ]  # fmt: skip
    list_display_links = ["what"]
    list_filter = [OpenFilter, "office"]
    list_select_related = ["booking", "office"]
    search_fields = ["booking__reference", "booking__name", "booking__phone"]
    ordering = [F("done_at").asc(nulls_first=True), "created_at", "pk"]
    fields = [
        "what", "booking_link", "session", "person", "phone", "created_at", "attempts",
        "last_called_at", "last_called_by", "result", "note",
    ]  # fmt: skip
    readonly_fields = [
        "what", "booking_link", "session", "person", "phone", "created_at", "attempts",
        "last_called_at", "last_called_by",
    ]  # fmt: skip

    @admin.display(description=gettext_lazy("state"), ordering="done_at")
    def state(self, obj: PhoneCall) -> str:
        return _("Done") if obj.done_at else _("To call")

    @admin.display(description=gettext_lazy("what to tell"), ordering="kind")
    def what(self, obj: PhoneCall) -> str:

        what = (
            str(EmailKind(obj.kind).label) if obj.kind in EmailKind.values else kind_label(obj.kind)
        )
        if obj.dedupe_key.startswith("undelivered:"):
            return _("%(what)s (not delivered by email, LINE or SMS)") % {"what": what}
        return what

    # A call about another owner than a booking (a waitlist entry's offer) shows what its
    # app describes (`phone_call_subjects_attach`, one query per page).

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        phone_call_subjects_attach(list(changelist.result_list))
        return changelist

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            phone_call_subjects_attach([obj])
        return obj

    @admin.display(description=gettext_lazy("booking"), ordering="booking__reference")
    def booking_link(self, obj: PhoneCall) -> str:
        if obj.booking_id is None:
            subject = getattr(obj, "subject", None)
            return (
                format_html('<a href="{}">{}</a>', subject.url, subject.label) if subject else "—"
            )
        url = reverse("admin:bookings_booking_change", args=[obj.booking_id])
        return format_html('<a href="{}">{}</a>', url, obj.booking.reference)

    @admin.display(description=gettext_lazy("session"), ordering="booking__start")
    def session(self, obj: PhoneCall) -> str:
        if obj.booking_id is None:
            subject = getattr(obj, "subject", None)
            return subject.when if subject else "—"
        return format_session(obj.booking.start, obj.booking.end)

    @admin.display(description=gettext_lazy("name"))
    def person(self, obj: PhoneCall) -> str:
        if obj.booking_id is None:
            subject = getattr(obj, "subject", None)
            return subject.name if subject else "—"
        return obj.booking.name

    @admin.display(description=gettext_lazy("phone"))
    def phone(self, obj: PhoneCall) -> str:
        if obj.booking_id is None:
            subject = getattr(obj, "subject", None)
            number = subject.phone if subject else ""
        else:
            number = obj.booking.phone
        return phone_link(number) if number else "—"

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is not None and obj.done_at is not None:
            return [*self.readonly_fields, "result", "note"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        try:
            phone_call_record(
                call=obj, by=request.user, result=form.cleaned_data["result"],
                note=form.cleaned_data.get("note", ""), now=request.now,
            )  # fmt: skip
        except DomainError as refused:
            self.message_user(request, refused.message, messages.ERROR)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("bookings.view_booking")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("bookings.change_booking")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
