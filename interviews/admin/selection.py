"""Managed selection (管理選考) in the admin, own office only: setting up a block of turns
and referring candidates to it (the add page); a block's page read-only with who took each
turn."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access_log import AccessLoggedAdminMixin
from bookings.admin.scope import offices_for
from bookings.exceptions import BookingInvalid
from bookings.models import Applicant, ApplicantKind
from interviews.forms import SelectionForm
from interviews.models import SelectionBlock
from interviews.selectors import block_turns
from interviews.services.selection import selection_block_create
from offices.admin import OfficeScopedAdminMixin
from offices.display import format_session
from offices.models import Counselor


@admin.register(SelectionBlock)
class SelectionBlockAdmin(AccessLoggedAdminMixin, OfficeScopedAdminMixin, admin.ModelAdmin):
    access_also = ("employer",)
    list_display = ["job_number", "when", "employer", "filled", "status", "office"]
    list_filter = ["office", "status"]
    list_select_related = ["employer", "office"]
    fields = [
        "office",
        "job_number",
        "employer",
        "counselor",
        "when",
        "turn_minutes",
        "status",
        "turn_list",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("date and time"), ordering="start")
    def when(self, obj: SelectionBlock) -> str:
        return format_session(obj.start, obj.end)

    @admin.display(description=gettext_lazy("turns taken"))
    def filled(self, obj: SelectionBlock) -> str:
        turns = obj.turns.all()
        return f"{sum(1 for t in turns if t.candidate_id)} / {len(turns)}"

    @admin.display(description=gettext_lazy("turns"))
    def turn_list(self, obj: SelectionBlock) -> str:
        return format_html_join(
            "",
            "<p>{}: {}</p>",
            (
                (
                    format_session(t.start, t.end),
                    t.candidate.applicant.name if t.candidate else _("free"),
                )
                for t in block_turns(obj)
            ),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("turns")

    def has_change_permission(self, request, obj=None):
        return False  # read-only: turns are taken by the candidates' links

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request: HttpRequest, form_url="", extra_context=None) -> HttpResponse:
        """Set up a block of turns and refer candidates to it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        office = offices_for(request).filter(slug=request.GET.get("office")).first() or (
            offices_for(request).first()
        )
        if office is None:
            raise Http404
        applicants = (
            Applicant.objects.filter(
                office=office, kind=ApplicantKind.JOB_SEEKER, personal_data_purged_at__isnull=True
            )
            .exclude(email="")
            .order_by("name")
        )
        counselors = Counselor.objects.filter(office=office, is_active=True)
        form = SelectionForm(
            request.POST if request.method == "POST" else None,
            initial={"counselor": counselors.filter(user=request.user).first()},
            applicants=applicants,
            counselors=counselors,
        )
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                set_up = selection_block_create(
                    office=office,
                    job_number=data["job_number"],
                    company_name=data["company_name"],
                    contact_name=data["contact_name"],
                    employer_email=data["employer_email"],
                    counselor=data["counselor"],
                    day=data["day"],
                    first=data["first"],
                    last=data["last"],
                    turn_minutes=data["turn_minutes"],
                    candidates=list(data["candidates"]),
                    by=request.user,
                    now=request.now,
                    employer_language=data["employer_language"] or "ja",
                )
            except BookingInvalid as invalid:
                for name, found in invalid.errors.items():
                    form.add_error(None if name == "__all__" else name, list(found))
            else:
                messages.success(
                    request,
                    _(
                        "Managed selection set up: each candidate is emailed "
                        "a link to pick a turn, the employer a link to the list."
                    ),
                )
                return redirect(
                    reverse("admin:interviews_selectionblock_change", args=[set_up.block.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Set up a managed selection"),
            "form": form,
            "office": office,
            "intro": _(
                "The employer interviews the candidates the office refers, one turn "
                "after another, within the block. Each candidate picks a turn from "
                "their own link; each turn is an interview of its own."
            ),
        }
        return render(request, "admin/interviews/selection.html", context)
