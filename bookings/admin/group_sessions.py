"""
Group sessions in the admin (`bookings.group_sessions`): a counselor or manager schedules
one (date, time, length, seats, counselor, platform) for a service of their own office,
through `group_session_schedule` (the counselor's time taken under the booking guard);
the session's page lists its seats with the schedule's own actions on each (check in,
complete, no-show, contact noted, cancel), and takes the pasted link of a TeleOffice
meeting for all the seats, and a new number of seats (never below those taken); other apps
add their panels beside the seats (the session's waitlist). Staff see only their own
office's sessions.
"""

from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access_log import Kind, staff_access_record
from bookings.exceptions import BookingInvalid, NotAllowedNow
from bookings.group_sessions import GroupSession, GroupSessionStatus
from bookings.models import TIME_HOLDING_STATUSES, Booking, BookingStatus
from bookings.selectors.bookings import meeting_for
from bookings.services.meetings import meeting_set_manual_link
from bookings.services.seats import (
    MAX_CAPACITY,
    SESSION_MINUTES,
    group_session_cancel,
    group_session_capacity_set,
    group_session_schedule,
)
from bookings.state import allowed_actions
from common.clock import JST
from common.errors import DomainError
from conferencing.providers import capabilities_for
from conferencing.types import ConferencingError
from offices.admin import OfficeScopedAdminMixin
from offices.display import format_session
from offices.models import Counselor, Service

FILLED = Q(seats__status__in=TIME_HOLDING_STATUSES)
# Panels other apps show beside a session's seat list (the session's waitlist): each is
# called with the session and the request's moment and returns {"template", "context"}
# and, optionally, "records" (ids by kind, for the record of staff views), or None.
# Registered once, from the other app's admin module.
SEAT_LIST_PANELS: list = []


def seat_list_panel_register(panel) -> None:
    if panel not in SEAT_LIST_PANELS:
        SEAT_LIST_PANELS.append(panel)


class GroupSessionForm(forms.ModelForm):
    """A new session: its day, start and length rather than two moments."""

    day = forms.DateField(
        label=gettext_lazy("date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label=gettext_lazy("starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    minutes = forms.TypedChoiceField(
        label=gettext_lazy("length"),
        coerce=int,
        choices=[(m, gettext_lazy("%(minutes)d min") % {"minutes": m}) for m in SESSION_MINUTES],
        initial=60,
    )

    class Meta:
        model = GroupSession
        fields = ["service", "counselor", "title", "title_en", "capacity", "platform"]

    def __init__(self, *args, request: HttpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        office = request.user.office_id
        services = Service.objects.filter(is_active=True).select_related("office")
        counselors = Counselor.objects.filter(is_active=True)
        if not request.user.is_superuser:
            services, counselors = services.filter(office=office), counselors.filter(office=office)
        self.fields["service"].queryset = services
        self.fields["counselor"].queryset = counselors
        self.fields["capacity"].help_text = _("How many people can book a seat.")
        self.order_fields(["service", "title", "title_en", "day", "start_time", "minutes"])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start = datetime.combine(data["day"], data["start_time"], tzinfo=JST)
        try:
            self.session = group_session_schedule(
                service=data["service"], counselor=data["counselor"], start=start,
                minutes=data["minutes"], capacity=data["capacity"], by=self.request.user,
                now=self.request.now, title=data.get("title", ""),
                title_en=data.get("title_en", ""), platform=data.get("platform", ""),
            )  # fmt: skip
        except BookingInvalid as invalid:
            for field, errors in invalid.errors.items():
                target = {"start": "start_time"}.get(field, field)
                for error in errors:
                    self.add_error(target if target in self.fields else None, error)
        except NotAllowedNow as refused:
            raise forms.ValidationError(refused.message) from refused
        return data


@admin.register(GroupSession)
class GroupSessionAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "label", "when", "office", "service", "counselor", "seats_filled", "status", "seat_list",
    ]  # fmt: skip
    list_filter = ["status", "office"]
    list_select_related = ["office", "service", "counselor"]
    ordering = ["-start"]
    date_hierarchy = "start"
    readonly_fields = [
        "office", "service", "counselor", "when", "capacity", "platform", "status",
        "created_by", "created_at",
    ]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(filled=Count("seats", filter=FILLED))

    @admin.display(description=gettext_lazy("title"))
    def label(self, obj: GroupSession) -> str:
        return obj.display_title

    @admin.display(description=gettext_lazy("date and time"), ordering="start")
    def when(self, obj: GroupSession) -> str:
        return format_session(obj.start, obj.end)

    @admin.display(description=gettext_lazy("seats taken"))
    def seats_filled(self, obj: GroupSession) -> str:
        return f"{getattr(obj, 'filled', 0)} / {obj.capacity}"

    @admin.display(description=gettext_lazy("seat list"))
    def seat_list(self, obj: GroupSession) -> str:
        url = reverse("admin:bookings_groupsession_seats", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Seat list and check-in"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:  # after scheduling, only its titles change here
            kwargs["fields"] = ["title", "title_en"]
            return super().get_form(request, obj, change, **kwargs)
        form = GroupSessionForm

        class BoundForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return BoundForm

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": [
                "service", "title", "title_en", "day", "start_time", "minutes", "capacity",
                "counselor", "platform",
            ]})]  # fmt: skip
        return [(None, {"fields": ["title", "title_en", *self.readonly_fields]})]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_form(self, request, form, change):
        if not change:
            return form.session  # scheduled by the form's service call
        return super().save_form(request, form, change)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["title", "title_en"])

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:bookings_groupsession_seats", args=[obj.pk]))

    def has_delete_permission(self, request, obj=None):
        return False  # cancelled, never deleted

    def get_urls(self):
        def wrap(view):
            def wrapper(request, *args, **kwargs):
                return view(self, request, *args, **kwargs)

            return self.admin_site.admin_view(wrapper)

        return [
            path("<int:session_id>/seats/", wrap(seats_view), name="bookings_groupsession_seats"),
            path(
                "<int:session_id>/cancel/", wrap(cancel_view), name="bookings_groupsession_cancel"
            ),
            path("<int:session_id>/link/", wrap(link_view), name="bookings_groupsession_link"),
            path(
                "<int:session_id>/capacity/",
                wrap(capacity_view),
                name="bookings_groupsession_capacity",
            ),
            *super().get_urls(),
        ]


def _session_or_404(model_admin, request, session_id) -> GroupSession:
    session = (
        model_admin.get_queryset(request)
        .select_related("office", "service", "counselor")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404
    return session


def seats_view(model_admin, request: HttpRequest, session_id: int):
    """The seat list: each seat's person, state and the schedule's actions on it."""
    session = _session_or_404(model_admin, request, session_id)
    panels = [
        shown
        for panel in SEAT_LIST_PANELS
        if (shown := panel(session=session, now=request.now)) is not None
    ]
    seats = list(
        Booking.objects.filter(group_session=session)
        .exclude(status=BookingStatus.EXPIRED)
        .select_related("office", "service", "counselor", "applicant", "group_session")
        .order_by("created_at", "pk")
    )
    staff_access_record(
        request, office_id=session.office_id, kind=Kind.LIST,
        records={"booking": [s.pk for s in seats]}
        | {kind: ids for p in panels for kind, ids in p.get("records", {}).items()},
    )  # fmt: skip
    rows = [(seat, allowed_actions(seat, request.now)) for seat in seats]
    held = [s for s in seats if s.status in TIME_HOLDING_STATUSES]
    attended = [
        s for s in seats if s.status in (BookingStatus.IN_PROGRESS, BookingStatus.COMPLETED)
    ]
    meeting = meeting_for(held[0]) if held else None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Seats"),
        "session": session,
        "when": format_session(session.start, session.end),
        "rows": rows,
        "taken": len(held),
        "attended": len(attended),
        "left": max(0, session.capacity - len(held)),
        "meeting": meeting,
        "panels": panels,
        "can_change": model_admin.has_change_permission(request),
        # A platform whose meetings are not made by this site (TeleOffice): pasted here.
        "pasted_link": not capabilities_for(
            session.platform or session.office.platform
        ).auto_create,
        "schedule_url": reverse("admin:bookings_booking_schedule")
        + f"?office={session.office.slug}&date={session.start.astimezone(JST).date():%Y-%m-%d}",
    }
    return render(request, "admin/bookings/group_session_seats.html", context)


def cancel_view(model_admin, request: HttpRequest, session_id: int):
    if request.method != "POST" or not model_admin.has_change_permission(request):
        raise Http404
    session = _session_or_404(model_admin, request, session_id)
    try:
        count = group_session_cancel(
            session=session, by=request.user, reason=request.POST.get("reason", ""),
            now=request.now,
        )  # fmt: skip
    except DomainError as refused:
        for text in refused.texts():
            messages.error(request, text)
    else:
        messages.success(
            request, _("The session was cancelled; %(count)d seat(s) cancelled and emailed.")
            % {"count": count},
        )  # fmt: skip
    return redirect("admin:bookings_groupsession_seats", session.pk)


def capacity_view(model_admin, request: HttpRequest, session_id: int):
    """More (or fewer) seats: never below those taken; new seats go to the waitlist first."""
    if request.method != "POST" or not model_admin.has_change_permission(request):
        raise Http404
    session = _session_or_404(model_admin, request, session_id)
    try:
        capacity = int(request.POST.get("capacity", ""))
    except ValueError:
        messages.error(
            request, _("Enter a number of seats from 1 to %(max)d.") % {"max": MAX_CAPACITY}
        )
        return redirect("admin:bookings_groupsession_seats", session.pk)
    try:
        group_session_capacity_set(
            session=session, capacity=capacity, by=request.user, now=request.now
        )
    except DomainError as refused:
        for text in refused.texts():
            messages.error(request, text)
    else:
        messages.success(
            request, _("The session now has %(capacity)d seats.") % {"capacity": capacity}
        )
    return redirect("admin:bookings_groupsession_seats", session.pk)


def link_view(model_admin, request: HttpRequest, session_id: int):
    """The pasted join link of the session's meeting (TeleOffice): sent to every seat."""
    if request.method != "POST" or not model_admin.has_change_permission(request):
        raise Http404
    session = _session_or_404(model_admin, request, session_id)
    seat = (
        session.seats.filter(status__in=[BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS])
        .select_related("office", "group_session")
        .first()
    )
    if seat is None:
        messages.error(
            request, _("No seat is confirmed yet: paste the link once someone has a seat.")
        )
        return redirect("admin:bookings_groupsession_seats", session.pk)
    try:
        meeting_set_manual_link(
            booking=seat, join_url=request.POST.get("join_url", "").strip(),
            passcode=request.POST.get("passcode", "").strip(), by=request.user,
            now=request.now,
        )  # fmt: skip
    except (ConferencingError, DomainError) as refused:
        messages.error(request, getattr(refused, "message", None) or str(refused))
    else:
        messages.success(request, _("The link was saved and sent to every seat."))
    return redirect("admin:bookings_groupsession_seats", session.pk)


__all__ = ["GroupSessionAdmin", "GroupSessionStatus"]
