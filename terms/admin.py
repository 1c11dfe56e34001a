import difflib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import clock
from offices.admin import OfficeScopedAdminMixin, RecordAdminMixin
from offices.display import format_datetime
from terms.exceptions import TermsError
from terms.forms import CompareForm, PublishForm, TermsVersionForm
from terms.models import Consent, TermsVersion
from terms.rendering import render_markdown
from terms.selectors import user_can_publish_terms
from terms.services import terms_publish, terms_version_create, terms_version_update, terms_withdraw


def _status(version: TermsVersion, now) -> str:
    status = version.status_at(now)
    if status == TermsVersion.Status.IN_FORCE:
        later = TermsVersion.objects.filter(
            office_id=version.office_id,
            published_at__isnull=False,
            withdrawn_at__isnull=True,
            effective_from__gt=version.effective_from,
            effective_from__lte=now,
        ).exists()
        if later:
            status = TermsVersion.Status.SUPERSEDED
    return status


@admin.register(TermsVersion)
class TermsVersionAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    form = TermsVersionForm
    list_display = ["version", "office", "title", "status", "effective_from_jst", "published_at"]
    list_filter = ["office"]
    search_fields = ["version", "title"]
    change_form_template = "admin/terms/termsversion/change_form.html"
    readonly_fields = ["status", "effective_from_jst", "published_at", "published_by", "rendered"]

    @admin.display(description=gettext_lazy("status"))
    def status(self, obj: TermsVersion) -> str:
        return TermsVersion.Status(_status(obj, clock.now())).label

    @admin.display(description=gettext_lazy("in force from"))
    def effective_from_jst(self, obj: TermsVersion) -> str:
        return format_datetime(obj.effective_from) if obj.effective_from else "—"

    @admin.display(description=gettext_lazy("as published"))
    def rendered(self, obj: TermsVersion) -> str:
        # body_html is the Markdown rendered and cleaned by nh3 (terms.rendering) when saved.
        return (
            format_html('<div class="terms-body">{}</div>', mark_safe(obj.body_html))  # noqa: S308
            if obj
            else ""
        )

    def get_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return ["office", "version", "title", "status", "effective_from_jst",
                    "published_at", "published_by", "change_summary", "rendered"]  # fmt: skip
        fields = list(TermsVersionForm.Meta.fields)
        if not request.user.is_superuser:
            fields.remove("office")
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return self.get_fields(request, obj)
        return []

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        if obj is not None or request.user.is_superuser:
            return form_class
        office_id = request.user.office_id

        class OwnOfficeForm(form_class):
            """A manager's new draft belongs to their office, from validation on."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.instance.office_id = office_id

        return OwnOfficeForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model.objects.filter(pk=request.user.office_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name != "office"}
        try:
            if change:
                terms_version_update(terms_version=obj, by=request.user, **fields)
            else:
                office = form.cleaned_data.get("office") or obj.office
                created = terms_version_create(office=office, by=request.user, **fields)
                obj.pk = created.pk
        except TermsError as error:
            raise PermissionDenied(error.message) from error

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="terms_termsversion_preview",
            ),
            path(
                "<int:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="terms_termsversion_publish",
            ),
            path(
                "<int:object_id>/withdraw/",
                self.admin_site.admin_view(self.withdraw_view),
                name="terms_termsversion_withdraw",
            ),
            path(
                "<int:object_id>/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="terms_termsversion_compare",
            ),
        ]
        return own + super().get_urls()

    def _get_visible(self, request: HttpRequest, object_id: int) -> TermsVersion:
        version = self.get_object(request, str(object_id))
        if version is None or not self.has_view_permission(request, version):
            raise Http404
        return version

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            now = request.now
            context["can_publish"] = not obj.is_published and user_can_publish_terms(
                user=request.user, office=obj.office
            )
            context["can_withdraw"] = _status(
                obj, now
            ) == TermsVersion.Status.SCHEDULED and user_can_publish_terms(
                user=request.user, office=obj.office
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The version as the public will see it (drafts rendered on the fly)."""

        version = self._get_visible(request, object_id)
        body_html = version.body_html or render_markdown(version.body)
        return render(
            request,
            "terms/terms_detail.html",
            {
                "office": version.office,
                "version": version,
                "body_html": body_html,
                "preview": True,
                "history": None,
            },
        )

    def publish_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        version = self._get_visible(request, object_id)
        if not user_can_publish_terms(user=request.user, office=version.office):
            raise PermissionDenied
        form = PublishForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                terms_publish(
                    terms_version=version,
                    by=request.user,
                    effective_from=form.cleaned_data["effective_from"],
                    now=request.now,
                )
            except TermsError as error:
                target = "effective_date" if error.field == "effective_from" else None
                form.add_error(target, error.message)
            else:
                version.refresh_from_db()
                messages.success(
                    request,
                    _("Published version %(version)s, in force from %(date)s.")
                    % {"version": version.version, "date": format_datetime(version.effective_from)},
                )
                return HttpResponseRedirect(
                    reverse("admin:terms_termsversion_change", args=[version.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": version,
            "form": form,
            "title": _("Publish %(version)s") % {"version": version.version},
        }
        return TemplateResponse(request, "admin/terms/termsversion/publish.html", context)

    def withdraw_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Asks first (what withdrawing does, which date it frees); only the confirming
        POST withdraws."""
        version = self._get_visible(request, object_id)
        if not user_can_publish_terms(user=request.user, office=version.office):
            raise PermissionDenied
        if request.method != "POST" or request.POST.get("confirmed") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": version,
                "effective": format_datetime(version.effective_from)
                if version.effective_from
                else "",
                "title": _("Withdraw %(version)s?") % {"version": version.version},
            }
            return TemplateResponse(request, "admin/terms/termsversion/withdraw.html", context)
        try:
            terms_withdraw(terms_version=version, by=request.user, now=request.now)
        except TermsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Withdrew version %s.") % version.version)
        return HttpResponseRedirect(reverse("admin:terms_termsversion_change", args=[version.pk]))

    def compare_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """A side-by-side diff of any two versions of the same office."""
        version = self._get_visible(request, object_id)
        versions = (
            self.get_queryset(request)
            .filter(office=version.office)
            .order_by("effective_from", "created_at")
        )
        previous = (
            versions.filter(published_at__isnull=False, effective_from__lt=version.effective_from)
            .order_by("-effective_from")
            .first()
            if version.effective_from
            else versions.filter(published_at__isnull=False).order_by("-effective_from").first()
        )
        initial = {"older": previous or version, "newer": version}
        form = CompareForm(request.GET or None, versions=versions, initial=initial)
        older, newer = initial["older"], initial["newer"]
        if form.is_bound and form.is_valid():
            older, newer = form.cleaned_data["older"], form.cleaned_data["newer"]
        table = difflib.HtmlDiff(wrapcolumn=60).make_table(
            older.body.splitlines(),
            newer.body.splitlines(),
            # HtmlDiff escapes the lines but not these labels, which staff type.
            fromdesc=escape(older.version),
            todesc=escape(newer.version),
            context=True,
            numlines=2,
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": version,
            "form": form,
            "older": older,
            "newer": newer,
            "diff_table": table,
            "identical": older.body == newer.body,
            "title": _("Compare versions"),
        }
        return TemplateResponse(request, "admin/terms/termsversion/compare.html", context)


@admin.register(Consent)
class ConsentAdmin(RecordAdminMixin, OfficeScopedAdminMixin, admin.ModelAdmin):
    """Read-only: consents are evidence and are never edited."""

    list_display = ["given_at", "office", "terms_version", "applicant_kind", "channel"]
    list_filter = ["office", "channel", "applicant_kind"]
    list_select_related = ["office", "terms_version"]
    readonly_fields = [
        "uuid", "office", "terms_version", "applicant_uuid", "applicant_kind", "channel",
        "given_at", "recorded_by", "ip_prefix", "device_type",
    ]  # fmt: skip
