"""
Interviews in the admin, own office only: the list; an interview's page with its parties
and history; arranging one (the add page); proposing new times; pasting the join link;
and the actions that record attendance, the interview held, or the office's cancellation.
Every change goes through a service.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access_log import AccessLoggedAdminMixin
from bookings.admin.scope import offices_for
from bookings.exceptions import BookingInvalid
from bookings.models import Applicant, ApplicantKind
from common.errors import DomainError
from interviews.forms import ArrangeForm, JoinLinkForm, ProposeForm
from interviews.models import Employer, Interview
from interviews.services.arrange import interview_arrange, interview_propose_again
from interviews.services.meetings import interview_meeting_set_link
from interviews.services.outcomes import interview_held, interview_party_joined
from interviews.services.parties import interview_cancel
from interviews.state import ACTIVE, InterviewStatus, Role
from offices.admin import OfficeScopedAdminMixin
from offices.display import format_datetime
from offices.models import Counselor


def _each(model_admin, request, queryset, call, done_message: str) -> None:
    done = 0
    for interview in queryset:
        try:
            call(interview)
            done += 1
        except DomainError as refused:
            messages.error(request, f"{interview.reference}: {refused.message}")
    if done:
        messages.success(request, done_message % {"count": done})


@admin.action(description=gettext_lazy("Record: the employer joined"), permissions=["change"])
def employer_joined(model_admin, request, queryset):
    _each(
        model_admin,
        request,
        queryset,
        lambda i: interview_party_joined(
            interview_id=i.pk, role=Role.EMPLOYER, by=request.user, now=request.now
        ),
        _("Recorded for %(count)d interview(s)."),
    )


@admin.action(description=gettext_lazy("Record: the job seeker joined"), permissions=["change"])
def seeker_joined(model_admin, request, queryset):
    _each(
        model_admin,
        request,
        queryset,
        lambda i: interview_party_joined(
            interview_id=i.pk, role=Role.JOB_SEEKER, by=request.user, now=request.now
        ),
        _("Recorded for %(count)d interview(s)."),
    )


@admin.action(description=gettext_lazy("Record: the interview was held"), permissions=["change"])
def held(model_admin, request, queryset):
    _each(
        model_admin,
        request,
        queryset,
        lambda i: interview_held(interview_id=i.pk, by=request.user, now=request.now),
        _("Recorded for %(count)d interview(s)."),
    )


@admin.action(description=gettext_lazy("Cancel (by the office)"), permissions=["change"])
def cancel(model_admin, request, queryset):
    _each(
        model_admin,
        request,
        queryset,
        lambda i: interview_cancel(interview_id=i.pk, by=request.user, now=request.now),
        _("Cancelled %(count)d interview(s); both sides are told by email."),
    )


@admin.register(Interview)
class InterviewAdmin(AccessLoggedAdminMixin, OfficeScopedAdminMixin, admin.ModelAdmin):
    access_also = ("applicant", "employer")
    list_display = [
        "reference",
        "when",
        "status",
        "job_number",
        "employer",
        "applicant",
        "counselor",
        "counselor_attends",
        "office",
    ]
    list_filter = ["office", "status"]
    list_select_related = ["employer", "applicant", "counselor", "office"]
    search_fields = ["reference", "job_number", "employer__company_name"]
    actions = [employer_joined, seeker_joined, held, cancel]
    fields = [
        "reference",
        "office",
        "status",
        "when",
        "job_number",
        "employer",
        "applicant",
        "counselor",
        "counselor_attends",
        "minutes",
        "cancelled_by",
        "move_asked_by",
        "times_moved",
        "party_list",
        "history",
        "tools",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("date and time"), ordering="start")
    def when(self, obj: Interview) -> str:
        return obj.when

    @admin.display(description=gettext_lazy("parties"))
    def party_list(self, obj: Interview) -> str:
        rows = []
        for party in obj.parties.all():
            state = (
                _("joined %(at)s") % {"at": format_datetime(party.joined_at)}
                if party.joined_at
                else _("absent")
                if party.absent_at
                else _("confirmed")
                if party.confirmed_at
                else _("not confirmed yet")
            )
            rows.append(
                (party.get_role_display(), state, _("join link sent") if party.join_url else "-")
            )
        return format_html_join("", "<p>{}: {} ({})</p>", rows)

    @admin.display(description=gettext_lazy("history"))
    def history(self, obj: Interview) -> str:
        return format_html_join(
            "",
            "<p>{} {}</p>",
            ((format_datetime(e.at), e.describe()) for e in obj.events.order_by("at", "pk")),
        )

    @admin.display(description=gettext_lazy("actions"))
    def tools(self, obj: Interview) -> str:
        links = []
        if obj.status in ACTIVE:
            links.append(
                (
                    reverse("admin:interviews_interview_propose", args=[obj.pk]),
                    _("Propose new times"),
                )
            )
        if obj.status == InterviewStatus.SCHEDULED:
            links.append(
                (
                    reverse("admin:interviews_interview_link", args=[obj.pk]),
                    _("Enter the join link"),
                )
            )
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # An interview's page is read-only (its changes are the actions and pages, which
        # call the services); the list's actions need the permission.
        return obj is None and request.user.has_perm("interviews.change_interview")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:interview_id>/propose/",
                wrap(self.propose_view),
                name="interviews_interview_propose",
            ),
            path(
                "<int:interview_id>/link/", wrap(self.link_view), name="interviews_interview_link"
            ),
            *super().get_urls(),
        ]

    def _page(self, request, template: str, title: str, **context) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **context,
        }
        return render(request, template, context)

    def _interview(self, request, interview_id: int) -> Interview:
        if not request.user.has_perm("interviews.change_interview"):
            raise PermissionDenied
        interview = self.get_queryset(request).filter(pk=interview_id).first()
        if interview is None:
            raise Http404
        return interview

    def add_view(self, request: HttpRequest, form_url="", extra_context=None) -> HttpResponse:
        """Arrange an interview: who, for which opening, the times proposed."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        office = offices_for(request).filter(slug=request.GET.get("office")).first() or (
            offices_for(request).first()
        )
        if office is None:
            raise Http404
        applicants = Applicant.objects.filter(
            office=office, kind=ApplicantKind.JOB_SEEKER, personal_data_purged_at__isnull=True
        ).order_by("name")
        counselors = Counselor.objects.filter(office=office, is_active=True)
        mine = counselors.filter(user=request.user).first()
        initial = {"counselor": mine, "applicant": request.GET.get("applicant")}
        form = ArrangeForm(
            request.POST if request.method == "POST" else None,
            initial=initial,
            applicants=applicants,
            counselors=counselors,
        )
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                arranged = interview_arrange(
                    office=office,
                    applicant=data["applicant"],
                    job_number=data["job_number"],
                    company_name=data["company_name"],
                    contact_name=data["contact_name"],
                    employer_email=data["employer_email"],
                    counselor=data["counselor"],
                    counselor_attends=data["counselor_attends"],
                    minutes=data["minutes"],
                    starts=form.starts(),
                    by=request.user,
                    now=request.now,
                    seeker_language=data["seeker_language"],
                    employer_language=data["employer_language"] or "ja",
                )
            except BookingInvalid as invalid:
                for name, found in invalid.errors.items():
                    field = None if name in ("__all__", "times") else name
                    form.add_error("time_1" if name == "times" else field, list(found))
            else:
                messages.success(
                    request,
                    _(
                        "Interview arranged: both sides are emailed their "
                        "own link to confirm a time."
                    ),
                )
                return redirect(
                    reverse("admin:interviews_interview_change", args=[arranged.interview.pk])
                )
        return self._page(
            request,
            "admin/interviews/arrange.html",
            _("Arrange an online interview"),
            form=form,
            office=office,
        )

    def propose_view(self, request: HttpRequest, interview_id: int) -> HttpResponse:
        interview = self._interview(request, interview_id)
        form = ProposeForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                interview_propose_again(
                    interview=interview, starts=form.starts(), by=request.user, now=request.now
                )
            except BookingInvalid as invalid:
                for found in invalid.errors.values():
                    form.add_error("time_1", list(found))
            except DomainError as refused:
                form.add_error(None, str(refused.message))
            else:
                messages.success(request, _("New times proposed: both sides are emailed."))
                return redirect(reverse("admin:interviews_interview_change", args=[interview.pk]))
        return self._page(
            request,
            "admin/interviews/form.html",
            _("Propose new times"),
            form=form,
            interview=interview,
            button=_("Propose"),
        )

    def link_view(self, request: HttpRequest, interview_id: int) -> HttpResponse:
        interview = self._interview(request, interview_id)
        form = JoinLinkForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                interview_meeting_set_link(
                    interview=interview,
                    join_url=form.cleaned_data["join_url"],
                    by=request.user,
                    now=request.now,
                )
            except DomainError as refused:
                form.add_error("join_url", str(refused.message))
            else:
                messages.success(request, _("Join link saved: both sides are emailed it."))
                return redirect(reverse("admin:interviews_interview_change", args=[interview.pk]))
        return self._page(
            request,
            "admin/interviews/form.html",
            _("Enter the join link"),
            form=form,
            interview=interview,
            button=_("Save"),
        )


@admin.register(Employer)
class EmployerAdmin(AccessLoggedAdminMixin, OfficeScopedAdminMixin, admin.ModelAdmin):
    list_display = ["company_name", "contact_name", "office"]
    search_fields = ["company_name"]
    fields = ["company_name", "contact_name", "email", "office", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # recorded when an interview is arranged

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


import interviews.admin.day  # noqa: E402  (the interviews on the day's schedule)
import interviews.admin.selection  # noqa: E402, F401  (managed selection's admin)
