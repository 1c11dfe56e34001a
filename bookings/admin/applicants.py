"""A person's page in the admin: their bookings, consents, no-shows and bar, within the
office, and who made the record (the office, or an open booking); lifting the bar."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access_log import AccessLoggedAdminMixin
from bookings.admin.forms import DeclineForm
from bookings.admin.search import KanaSearchMixin
from bookings.models import Applicant, BookingStatus
from bookings.services.no_shows import applicant_lift_bar
from bookings.validation import normalize_job_seeker_number, normalize_phone
from common.errors import DomainError
from offices.admin import OfficeScopedAdminMixin
from offices.display import format_datetime, format_session
from terms.models import Consent


@admin.register(Applicant)
class ApplicantAdmin(
    KanaSearchMixin, AccessLoggedAdminMixin, OfficeScopedAdminMixin, admin.ModelAdmin
):
    """A person's page: their bookings, consents, no-shows and bar, within the office."""

    list_display = ["name", "name_kana", "office", "kind", "job_seeker_number", "no_shows",
                    "barred_at", "source"]  # fmt: skip
    actions = ["lift_bar"]
    list_filter = ["office", "source", "kind", ("barred_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "name_kana", "job_seeker_number", "bookings__email",
                     "bookings__phone", "bookings__reference"]  # fmt: skip
    search_help_text = gettext_lazy(
        "Name, kana, job-seeker number, email, phone (any format) or booking reference."
    )
    fieldsets = [
        (
            None,
            {"fields": ["name", "name_kana", "kind", "job_seeker_number", "office", "created_at"]},
        ),
        (gettext_lazy("Bookings"), {"fields": ["booking_history", "no_shows"]}),
        (gettext_lazy("Consents"), {"fields": ["consent_history"]}),
        (
            gettext_lazy("Bar on online booking"),
            {
                "fields": [
                    "barred_at",
                    "barred_reason",
                    "bar_lifted_at",
                    "bar_lifted_by",
                    "bar_lift_reason",
                ]
            },
        ),
        (
            gettext_lazy("Contact on record"),
            {"fields": ["source", "email", "phone"]},
        ),
        (
            gettext_lazy("Identifiers"),
            {"fields": ["uuid", "identity_key"], "classes": ["collapse"]},
        ),
    ]
    readonly_fields = [
        "uuid", "office", "kind", "identity_key", "name", "name_kana", "job_seeker_number",
        "created_at", "barred_at", "barred_reason", "bar_lifted_at", "bar_lifted_by",
        "bar_lift_reason", "booking_history", "consent_history", "no_shows", "email", "phone",
        "source",
    ]  # fmt: skip

    def get_queryset(self, request):

        return (
            super()
            .get_queryset(request)
            .annotate(
                no_show_count=Count("bookings", filter=Q(bookings__status=BookingStatus.NO_SHOW))
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """A phone or number typed in any width or with any dash finds the person."""

        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            phone, number = normalize_phone(term), normalize_job_seeker_number(term)
            extra = queryset.filter(bookings__phone=phone) | queryset.filter(
                job_seeker_number=number
            )
            results = results | extra
            may_have_duplicates = True
        return results, may_have_duplicates

    @admin.display(description=gettext_lazy("no-shows"), ordering="no_show_count")
    def no_shows(self, obj: Applicant) -> int:
        return obj.no_show_count

    @admin.display(description=gettext_lazy("bookings"))
    def booking_history(self, obj: Applicant) -> str:

        bookings = obj.bookings.select_related("service", "counselor").order_by("-start")[:50]
        if not bookings:
            return "—"
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
            "<td>{}</td></tr>",
            (
                (
                    reverse("admin:bookings_booking_change", args=[b.pk]),
                    b.reference,
                    format_session(b.start, b.end),
                    b.service.name,
                    b.counselor.display_name,
                    b.get_status_display(),
                    b.get_channel_display(),
                )
                for b in bookings
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            _("reference"), _("date and time"), _("service"), _("counselor"), _("status"),
            _("channel"), rows,
        )  # fmt: skip

    @admin.display(description=gettext_lazy("consents"))
    def consent_history(self, obj: Applicant) -> str:

        consents = (
            Consent.objects.filter(office_id=obj.office_id, applicant_uuid=obj.uuid)
            .select_related("terms_version", "recorded_by")
            .order_by("-given_at")
        )
        if not consents:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} — {} {} ({}){}</li>",
                (
                    (
                        format_datetime(c.given_at),
                        _("version"),
                        c.terms_version.version,
                        c.get_channel_display(),
                        f" — {c.recorded_by}" if c.recorded_by else "",
                    )
                    for c in consents
                ),
            ),
        )

    def _with_reason(self, request, queryset, *, apply, action, title, intro, submit):
        """An action on people that asks for a reason first: the form, then `apply(person,
        reason)` for each chosen one, refusals reported per person."""
        form = DeclineForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            for person in queryset:
                try:
                    apply(person, form.cleaned_data["reason"])
                except DomainError as error:
                    self.message_user(request, f"{person}: {error.message}", messages.ERROR)
            self.message_user(request, _("Done."))
            return None
        return render(
            request,
            "admin/bookings/booking/action_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "bookings": [],
                "selected": queryset,
                "form": form,
                "action": action,
                "title": title,
                "intro": intro,
                "submit": submit,
            },
        )

    @admin.action(
        description=gettext_lazy("Lift the bar on online booking…"), permissions=["change"]
    )
    def lift_bar(self, request: HttpRequest, queryset):
        return self._with_reason(
            request, queryset,
            apply=lambda applicant, reason: applicant_lift_bar(
                applicant=applicant, by=request.user, reason=reason, now=request.now
            ),
            action="lift_bar",
            title=_("Lift the bar on online booking"),
            intro=_("These people can book online again:")
            + " " + ", ".join(str(a) for a in queryset),
            submit=_("Lift the bar"),
        )  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
