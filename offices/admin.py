from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin_initial import QueryInitialMixin
from offices.forms import (
    ClosureForm,
    ClosureFormSet,
    CounselorForm,
    OfficeForm,
    OpeningHoursForm,
    OpeningHoursFormSet,
    ServiceForm,
)
from offices.models import (
    Closure,
    ContentTranslation,
    Counselor,
    CounselorAbsence,
    Office,
    OpeningHours,
    Service,
    User,
)
from offices.platforms import account_is_configured
from offices.services import counselor_attach_user


class OfficeScopedAdminMixin(QueryInitialMixin):
    """
    Limits a staff user to their own office's rows; superusers see every office.
    `office_lookup` is the path from the model to its office.
    """

    office_lookup = "office"

    def get_list_display(self, request: HttpRequest):
        columns = super().get_list_display(request)
        if request.user.is_superuser:
            return columns
        return [c for c in columns if c != "office"]

    def get_list_filter(self, request: HttpRequest):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [f for f in filters if f != "office"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if request.user.office_id is None:
            return queryset.none()
        return queryset.filter(**{self.office_lookup: request.user.office_id})

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another office's row asked for by address is simply not there: 404, the same
        # answer as for a row that does not exist, never a hint that it does.
        raise Http404


class RecordAdminMixin:
    """A record kept as evidence (emails sent, consents, records of use): read, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _office_from_request(request: HttpRequest) -> Office | None:
    object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
    if not object_id:
        return None
    return Office.objects.filter(pk=object_id).first()


class ServiceInline(admin.StackedInline):
    model = Service
    form = ServiceForm
    extra = 0
    show_change_link = False
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("slug", "position", "is_active"),
                    ("name", "name_en"),
                    ("description", "description_en"),
                    ("accepts_web", "accepts_invitations", "accepts_phone"),
                    ("waitlist_enabled", "waitlist_offer_minutes"),
                    "admin_note",
                ]
            },
        ),
        (
            _("Rules for this service (blank = as the office)"),
            {
                "classes": ["collapse"],
                "fields": [
                    ("slot_minutes", "max_extension_minutes"),
                    ("confirmation_mode", "email_verification_minutes"),
                    ("request_decision_hours", "request_decision_business_days"),
                    ("lead_time_days", "lead_time_unit", "lead_time_cutoff"),
                    "horizon_days",
                    ("online_cancel_allowed", "online_cancel_days_before"),
                    "reschedule_limit",
                    "job_seeker_number",
                ],
            },
        ),
    ]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    form = OpeningHoursForm
    formset = OpeningHoursFormSet
    extra = 0
    fields = ["service", "weekday", "start", "end"]
    verbose_name_plural = _("Opening hours (save a new service first to add its hours)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "service":
            office = _office_from_request(request)
            kwargs["queryset"] = (
                Service.objects.filter(office=office) if office else (Service.objects.none())
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ClosureInline(admin.TabularInline):
    model = Closure
    form = ClosureForm
    formset = ClosureFormSet
    extra = 0
    fields = ["date", "kind", "start", "end", "reason"]


class StaffUserChoiceMixin:
    """
    A manager picks a counselor's account among their own office's staff only (a plain
    list, never another office's usernames); superusers search every account. Only a
    superuser gives an account staff status or an office (`counselor_attach_user`).
    """

    def get_autocomplete_fields(self, request: HttpRequest):
        return ["user"] if request.user.is_superuser else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(
                office_id=request.user.office_id, is_staff=True
            ).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ContentTranslationInline(admin.TabularInline):
    """The office's public texts in more languages (offices.content falls back to Japanese)."""

    model = ContentTranslation
    extra = 0
    fields = ["language", "service", "name", "text"]
    verbose_name = _("translation of the public page")
    verbose_name_plural = _(
        "Translations of the public page (a language left out shows the Japanese, with a note)"
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "service":
            office_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Service.objects.filter(office_id=office_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CounselorInline(StaffUserChoiceMixin, admin.TabularInline):
    model = Counselor
    form = CounselorForm
    extra = 0
    fields = ["user", "display_name", "is_active"]


@admin.register(Office)
class OfficeAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    office_lookup = "pk"
    form = OfficeForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "platform", "platform_status", "phone", "is_published"]
    list_filter = ["platform", "kind", "is_published"]
    search_fields = ["name", "name_en", "slug"]
    inlines = [
        ServiceInline,
        OpeningHoursInline,
        ClosureInline,
        CounselorInline,
        ContentTranslationInline,
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "admin_note",
                    ("slug", "position", "is_published"),
                    ("name", "name_en"),
                    ("kind", "platform", "platform_account"),
                    ("phone", "email", "website"),
                    "court",
                ]
            },
        ),
        (
            _("Default booking rules (each service may override them)"),
            {
                "fields": [
                    ("slot_minutes", "max_extension_minutes"),
                    ("confirmation_mode", "email_verification_minutes"),
                    ("request_decision_hours", "request_decision_business_days"),
                    "proposal_answer_hours",
                    ("lead_time_days", "lead_time_unit", "lead_time_cutoff"),
                    "horizon_days",
                    ("online_cancel_allowed", "online_cancel_days_before"),
                    "reschedule_limit",
                    ("job_seeker_number", "name_kana"),
                ]
            },
        ),
        (
            _("Who may book, and no-shows"),
            {
                "fields": [
                    "employers_may_book",
                    ("no_show_grace_minutes", "no_show_bar_threshold"),
                    "check_in_opens_minutes",
                ]
            },
        ),
        (
            _("Accommodation (合理的配慮)"),
            {"fields": ["accommodation_means", "accommodation_extra_minutes"]},
        ),
        (
            _("Public page"),
            {"fields": ["preparation_note", "preparation_note_en", ("ruby", "plain_summary")]},
        ),
    ]

    @admin.display(description=_("platform account"))
    def platform_status(self, obj: Office) -> str:

        if account_is_configured(
            platform=obj.platform, account=obj.platform_account, office=obj.slug
        ):
            return format_html(
                '<span style="color:#197a43">✔ {}</span>', obj.platform_account or "—"
            )
        return format_html(
            '<strong style="color:#ce0000">✘ {}</strong>',
            _("not configured: meetings wait") if obj.platform_account else _("no account named"),
        )

    def render_change_form(self, request, context, *args, **kwargs):
        # The summary at the top links to each inline row with an error (the page is long).
        links = []
        for inline in context.get("inline_admin_formsets", []):
            formset = inline.formset
            for index, row in enumerate(formset.forms):
                for field, errors in row.errors.items():
                    label = row.fields[field].label if field in row.fields else ""
                    for error in errors:
                        links.append(
                            {
                                "anchor": f"{formset.prefix}-{index}",
                                "where": _("%(section)s, row %(row)d%(field)s")
                                % {
                                    "section": inline.opts.verbose_name_plural,
                                    "row": index + 1,
                                    "field": f" ({label})" if label else "",
                                },
                                "error": error,
                            }
                        )
        context["inline_error_links"] = links
        return super().render_change_form(request, context, *args, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # The slug is part of public addresses, and the platform account holds another
        # office's host if mistyped: only an operator changes them.
        return [] if request.user.is_superuser else ["slug", "platform_account"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new office is set up by an operator; office managers edit their own.
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            if isinstance(instance, OpeningHours):
                instance.office = form.instance
            instance.save()
            if isinstance(instance, Counselor) and request.user.is_superuser:
                counselor_attach_user(counselor=instance)
        formset.save_m2m()


class CounselorAbsenceInline(admin.TabularInline):
    model = CounselorAbsence
    extra = 0


class CounselorAdminForm(CounselorForm):
    """CounselorForm's checks, with the office chosen (superusers) or the manager's own."""

    class Meta(CounselorForm.Meta):
        fields = ["office", "user", "display_name", "is_active"]

    def clean_user(self):
        office = self.cleaned_data.get("office") or self.acting_office
        if office is not None and not self.instance.office_id:
            self.instance.office = office
        return super().clean_user()


@admin.register(Counselor)
class CounselorAdmin(StaffUserChoiceMixin, OfficeScopedAdminMixin, admin.ModelAdmin):
    form = CounselorAdminForm
    list_display = ["display_name", "office", "user", "is_active"]
    list_filter = ["office", "is_active"]
    search_fields = ["display_name", "user__username"]
    inlines = [CounselorAbsenceInline]

    def get_readonly_fields(self, request, obj=None):
        return ["office"] if not request.user.is_superuser else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.acting_office = None if request.user.is_superuser else request.user.office
        return form

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.office = request.user.office
        super().save_model(request, obj, form, change)
        if request.user.is_superuser:
            counselor_attach_user(counselor=obj)


@admin.register(User)
class StaffUserAdmin(OfficeScopedAdminMixin, UserAdmin):
    fieldsets = [
        *UserAdmin.fieldsets[:2],
        (_("Office"), {"fields": ["office"]}),
        *UserAdmin.fieldsets[2:],
    ]
    list_display = ["username", "office", "is_staff", "is_superuser", "is_active"]
    list_filter = ["office", "is_staff", "is_superuser", "is_active"]
