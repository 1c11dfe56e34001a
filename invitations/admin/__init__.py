"""
Invitations in the admin: the list (own office only), an invitation's page with its
bookings, the invitations on a person's record (an inline added to the people's admin),
and the action that invites a list of people. The counselor's pages (invite, print the
letter, withdraw, who has not booked) are in `pages`, hung under this admin's URLs.
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access_log import AccessLoggedAdminMixin
from bookings.admin.applicants import ApplicantAdmin
from common import clock
from invitations.admin import pages
from invitations.models import Invitation
from invitations.selectors import invitation_state
from offices.admin import OfficeScopedAdminMixin
from offices.display import format_date, format_datetime, format_session

STATE_LABELS = {
    "open": gettext_lazy("open"),
    "expired": gettext_lazy("expired"),
    "used_up": gettext_lazy("used"),
    "withdrawn": gettext_lazy("withdrawn"),
    "not_offered": gettext_lazy("service closed to invitations"),
}


def state_label(invitation: Invitation) -> str:
    # The request's moment: `clock.now()` is pinned to `request.now` for the request.
    return str(STATE_LABELS[invitation_state(invitation, clock.now())])


class _Columns:
    """The columns an invitation shows in its list and on the person's record."""

    @admin.display(description=gettext_lazy("days to book"))
    def window(self, obj: Invitation) -> str:
        return f"{format_date(obj.first_day)} – {format_date(obj.last_day)}"

    @admin.display(description=gettext_lazy("link expires"), ordering="expires_at")
    def expires(self, obj: Invitation) -> str:
        return format_datetime(obj.expires_at)

    @admin.display(description=gettext_lazy("bookings made"))
    def use_count(self, obj: Invitation) -> str:
        return f"{obj.uses} / {obj.max_uses}"

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj: Invitation) -> str:
        return state_label(obj)

    @admin.display(description=gettext_lazy("actions"))
    def tools(self, obj: Invitation) -> str:
        links = [(reverse("admin:invitations_invitation_letter", args=[obj.pk]),
                  _("Print a letter"))]  # fmt: skip
        if obj.withdrawn_at is None:
            links.append(
                (reverse("admin:invitations_invitation_withdraw", args=[obj.pk]), _("Withdraw"))
            )
        return format_html_join(" · ", '<a href="{}">{}</a>', links)


@admin.register(Invitation)
class InvitationAdmin(_Columns, AccessLoggedAdminMixin, OfficeScopedAdminMixin, admin.ModelAdmin):
    access_also = ("applicant",)  # the record of views: the invited person's id
    list_display = ["applicant", "office", "service", "window", "expires", "use_count",
                    "state", "invited_by", "created_at"]  # fmt: skip
    list_filter = ["office", "service", ("withdrawn_at", admin.EmptyFieldListFilter)]
    list_select_related = ["applicant", "office", "service", "invited_by"]
    search_fields = ["applicant__name", "applicant__name_kana", "applicant__job_seeker_number"]
    fields = ["applicant", "office", "service", "window", "expires", "use_count", "language",
              "invited_by", "created_at", "reminded_at", "withdrawn_at", "withdrawn_by",
              "withdrawn_reason", "booking_list", "tools"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=gettext_lazy("bookings made with it"))
    def booking_list(self, obj: Invitation) -> str:
        uses = obj.used.select_related("booking").order_by("booking__start")
        if not uses:
            return "—"
        return format_html_join(
            "",
            '<p><a href="{}">{}</a> {} ({})</p>',
            (
                (
                    reverse("admin:bookings_booking_change", args=[use.booking_id]),
                    use.booking.reference,
                    format_session(use.booking.start, use.booking.end),
                    use.booking.get_status_display(),
                )
                for use in uses
            ),
        )

    def has_add_permission(self, request):
        return False  # through the invite page (the service checks and emails)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra = {"not_booked_url": reverse("admin:invitations_invitation_not_booked")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def get_urls(self):
        def wrap(view):
            def wrapper(request, *args, **kwargs):
                if request.method not in ("GET", "HEAD", "POST"):
                    return HttpResponseNotAllowed(["GET", "POST"])
                return view(self, request, *args, **kwargs)

            return self.admin_site.admin_view(wrapper)

        return [
            path("invite/", wrap(pages.invite_view), name="invitations_invitation_invite"),
            path("not-booked/", wrap(pages.not_booked_view),
                 name="invitations_invitation_not_booked"),
            path("<int:invitation_id>/letter/", wrap(pages.letter_view),
                 name="invitations_invitation_letter"),
            path("<int:invitation_id>/withdraw/", wrap(pages.withdraw_view),
                 name="invitations_invitation_withdraw"),
            *super().get_urls(),
        ]  # fmt: skip


class InvitationInline(_Columns, admin.TabularInline):
    """The person's invitations, on their record; the link to invite them again."""

    model = Invitation
    fk_name = "applicant"
    extra = 0
    fields = ["service", "window", "expires", "use_count", "state", "invited_by", "tools"]
    readonly_fields = fields
    template = "admin/invitations/invitation_inline.html"
    verbose_name_plural = gettext_lazy("Invitations to book online")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description=gettext_lazy("Invite to book online…"), permissions=["change"])
def invite_people(model_admin, request: HttpRequest, queryset):
    """The chosen people (own office only: the list is scoped), to the invite page."""
    ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:200])
    query = urlencode({"people": ids})
    return redirect(reverse("admin:invitations_invitation_invite") + "?" + query)


# The people's admin shows each person's invitations and offers to invite a list of them.
ApplicantAdmin.inlines = [*ApplicantAdmin.inlines, InvitationInline]
ApplicantAdmin.actions = [*ApplicantAdmin.actions, invite_people]
