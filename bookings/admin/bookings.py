"""The bookings in the admin: the list, a booking's page with its history and links, and
the actions on the selected bookings; the counselor's pages hang under it (`get_urls`)."""

from django.contrib import admin, messages
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access_log import AccessLoggedAdminMixin, Kind, staff_access_record
from bookings.accommodation import accommodation_lines
from bookings.admin import (
    bursts,
    counselor_change,
    phone,
    propose,
    record_link,
    schedule,
    schedule_csv,
    sms,
)
from bookings.admin.forms import CancelForm, MeetingLinkForm
from bookings.admin.search import KanaSearchMixin
from bookings.models import (
    Booking,
    BookingEvent,
    BookingLink,
    BookingStatus,
)
from bookings.selectors.bookings import device_check_latest, meeting_for
from bookings.services.meetings import meeting_set_manual_link
from bookings.services.staff import (
    booking_cancel_by_staff,
    booking_confirm,
    booking_link_send_new,
    booking_note_contact,
)
from bookings.state import awaits_email_check
from common.clock import JST
from common.errors import DomainError
from conferencing.types import ConferencingError
from offices.admin import OfficeScopedAdminMixin
from offices.display import format_datetime, format_meeting_id, format_session


class BookingEventInline(admin.TabularInline):
    """The history in the admin's language: statuses and reasons by name, times in JST."""

    model = BookingEvent
    extra = 0
    can_delete = False
    fields = ["when", "before", "after", "by", "actor", "what"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("at"))
    def when(self, event: BookingEvent) -> str:
        return format_datetime(event.at)

    @admin.display(description=gettext_lazy("status before"))
    def before(self, event: BookingEvent) -> str:
        return _status_label(event.from_status)

    @admin.display(description=gettext_lazy("status after"))
    def after(self, event: BookingEvent) -> str:
        return _status_label(event.to_status)

    @admin.display(description=gettext_lazy("by"))
    def by(self, event: BookingEvent) -> str:
        return event.get_actor_label_display()

    @admin.display(description=gettext_lazy("what and why"))
    def what(self, event: BookingEvent) -> str:
        return event.describe() or "—"

    def has_add_permission(self, request, obj=None):
        return False


def _status_label(status: str) -> str:
    return str(BookingStatus(status).label) if status in BookingStatus.values else "—"


class BookingLinkInline(admin.TabularInline):
    """The secret links sent so far: when, what for, whether ended; never the token."""

    model = BookingLink
    extra = 0
    can_delete = False
    fields = ["purpose", "created_at", "ended_at"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Secret links sent")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(
    KanaSearchMixin, AccessLoggedAdminMixin, OfficeScopedAdminMixin, admin.ModelAdmin
):
    access_kind, access_also = Kind.BOOKING, ("applicant",)  # the record of views
    list_display = [
        "reference",
        "when",
        "office",
        "service",
        "counselor",
        "status",
        "name",
        "channel",
        "next_step",
    ]
    list_filter = ["status", "office", "channel"]
    list_select_related = ["office", "service", "counselor"]
    search_fields = ["reference", "name", "name_kana", "email", "phone", "job_seeker_number"]
    date_hierarchy = "start"
    ordering = ["start"]
    inlines = [BookingEventInline, BookingLinkInline]
    actions = [
        "confirm_requests", "decline_requests", "paste_meeting_link", "note_contact",
        "send_new_link", sms.send_notices_by_sms,
    ]  # fmt: skip
    exclude = [
        "attendees", "applicant", "job_seeker_number", "accommodations", "accommodation_other",
    ]  # fmt: skip
    readonly_fields = [
        "reference", "office", "service", "counselor", "record", "consent", "start", "end",
        "status", "channel", "language", "name", "name_kana", "number_as_typed", "email",
        "phone", "company_name", "attendee_list", "accommodation_list", "note",
        "verification_expires_at",
        "created_by", "created_at", "meeting", "device_check",
        # Changed only through the schedule's actions, each with its event (and undo).
        "contact_noted_at", "proposed_at", "decide_by",
    ]  # fmt: skip

    @admin.display(description=gettext_lazy("date and time"), ordering="start")
    def when(self, obj: Booking) -> str:
        return format_session(obj.start, obj.end)

    @admin.display(description=gettext_lazy("next step"))
    def next_step(self, obj: Booking) -> str:
        """For a request: propose another time; for the rest: the day in the schedule."""

        if awaits_email_check(obj):
            return _("Waits for the person to confirm it from the email")
        if obj.status == BookingStatus.REQUESTED:
            url = reverse("admin:bookings_booking_propose", args=[obj.pk])
            label = (
                _("Propose another time…") if not obj.proposed_at else _("Proposed; propose again…")
            )
            return format_html('<a href="{}">{}</a>', url, label)
        url = reverse("admin:bookings_booking_schedule")
        day = obj.start.astimezone(JST).date().isoformat()
        return format_html(
            '<a href="{}?office={}&amp;date={}#booking-{}">{}</a>',
            url, obj.office.slug, day, obj.pk, _("In the schedule"),
        )  # fmt: skip

    @admin.display(description=gettext_lazy("job-seeker number"))
    def number_as_typed(self, obj: Booking) -> str:
        """A number from an open booking is what someone typed: shown as not checked."""
        if not obj.job_seeker_number or obj.applicant.is_checked:
            return obj.job_seeker_number or "—"
        return format_html(
            '{} <strong class="unverified">{}</strong>',
            obj.job_seeker_number, _("(as typed online: not checked)"),
        )  # fmt: skip

    @admin.display(description=gettext_lazy("person's record"))
    def record(self, obj: Booking) -> str:
        """The record, what it is worth, and the way to link the booking to the right one."""
        person = format_html(
            '<a href="{}">{}</a> ({})',
            reverse("admin:bookings_applicant_change", args=[obj.applicant_id]),
            obj.applicant.name or "—", obj.applicant.get_source_display(),
        )  # fmt: skip
        return format_html(
            '{}<br><a href="{}">{}</a>',
            person, reverse("admin:bookings_booking_record", args=[obj.pk]),
            _("Link to a person's record…"),
        )  # fmt: skip

    @admin.display(description=gettext_lazy("accommodation asked for"))
    def accommodation_list(self, obj: Booking) -> str:
        return "、".join(accommodation_lines(obj)) or "—"

    @admin.display(description=gettext_lazy("attendees"))
    def attendee_list(self, obj: Booking) -> str:
        parts = []
        for attendee in obj.attendees:
            details = ", ".join(v for v in (attendee.get("role"), attendee.get("affiliation")) if v)
            parts.append(f"{attendee.get('name', '')} ({details})")
        return "; ".join(parts) or "—"

    @admin.display(description=gettext_lazy("online meeting (staff only)"))
    def meeting(self, obj: Booking) -> str:
        meeting = meeting_for(obj)
        if meeting is None:
            return "—"
        return format_html(
            "{}<br>{}: {}<br>{}: {} / {}: {}<br>{}: {}<br>{}",
            meeting.get_status_display(),
            _("Join link"), meeting.join_url or "—",
            _("Meeting ID"), format_meeting_id(meeting.meeting_number) or "—",
            _("Passcode"), meeting.passcode or "—",
            _("Host link"), meeting.host_url or "—",
            meeting.last_error,
        )  # fmt: skip

    @admin.display(description=gettext_lazy("device check"))
    def device_check(self, obj: Booking) -> str:
        check = device_check_latest(obj)
        if check is None:
            return _("Not done yet")
        result = _("passed") if check.passed else ", ".join(map(str, check.problem_labels()))
        return f"{result} ({format_datetime(check.at)})"

    @admin.action(
        description=gettext_lazy("The person contacted us (not a no-show)"), permissions=["change"]
    )
    def note_contact(self, request: HttpRequest, queryset):
        for booking in queryset:
            try:
                booking_note_contact(booking=booking, by=request.user, now=request.now)
            except DomainError as error:
                self.message_user(request, f"{booking.reference}: {error.message}", messages.ERROR)
        self.message_user(request, _("Noted."))

    @admin.action(
        description=gettext_lazy("Send a new link (the links sent before stop working)"),
        permissions=["change"],
    )
    def send_new_link(self, request: HttpRequest, queryset):
        sent = 0
        for booking in queryset.filter(personal_data_purged_at__isnull=True):
            booking_link_send_new(booking=booking, now=request.now)
            sent += 1
        self.message_user(
            request, _("A new link was sent for %(count)d booking(s).") % {"count": sent}
        )

    @admin.action(description=gettext_lazy("Paste a meeting link…"), permissions=["change"])
    def paste_meeting_link(self, request: HttpRequest, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one booking."), messages.ERROR)
            return None
        booking = queryset.get()
        form = MeetingLinkForm(request.POST if "join_url" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                meeting_set_manual_link(
                    booking=booking,
                    join_url=form.cleaned_data["join_url"],
                    passcode=form.cleaned_data["passcode"],
                    by=request.user,
                    now=request.now,
                )
            except ConferencingError as error:
                form.add_error("join_url", str(error))
            else:
                self.message_user(request, _("The link was saved and sent to the person."))
                return None
        staff_access_record(
            request, office_id=booking.office_id, kind=Kind.BOOKING,
            records={"booking": [booking.pk], "applicant": [booking.applicant_id]},
        )  # fmt: skip
        return render(
            request,
            "admin/bookings/booking/action_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "bookings": [booking],
                "form": form,
                "action": "paste_meeting_link",
                "title": _("Paste a meeting link"),
                "intro": _(
                    "The person receives the link by email and sees it on their booking page."
                ),
                "submit": _("Save and send"),
            },
        )

    def has_add_permission(self, request):
        return False  # phone bookings go through `phone_booking_view`, never a raw form

    def get_urls(self):
        def wrap(view):
            def wrapper(request, *args, **kwargs):
                return view(self, request, *args, **kwargs)

            return self.admin_site.admin_view(wrapper)

        extra = [
            path("schedule/", wrap(schedule.schedule_view), name="bookings_booking_schedule"),
            path(
                "schedule.csv",
                wrap(schedule_csv.schedule_csv_view),
                name="bookings_booking_schedule_csv",
            ),
            path(
                "<int:booking_id>/act/",
                wrap(schedule.schedule_action_view),
                name="bookings_booking_act",
            ),
            path(
                "<int:booking_id>/propose/",
                wrap(propose.propose_view),
                name="bookings_booking_propose",
            ),
            path(
                "<int:booking_id>/change-counselor/",
                wrap(counselor_change.change_counselor_view),
                name="bookings_booking_change_counselor",
            ),
            path("phone/", wrap(phone.phone_booking_view), name="bookings_booking_phone"),
            path(
                "<int:booking_id>/record/",
                wrap(record_link.record_link_view),
                name="bookings_booking_record",
            ),
            path("bursts/", wrap(bursts.bursts_view), name="bookings_booking_bursts"),
        ]
        return extra + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "show_schedule_links": True}
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is hard-deleted

    @admin.action(
        description=gettext_lazy("Confirm the selected requests and email each person"),
        permissions=["change"],
    )
    def confirm_requests(self, request: HttpRequest, queryset):
        done = 0
        for booking in queryset.filter(status=BookingStatus.REQUESTED):
            try:
                booking_confirm(booking=booking, by=request.user, now=request.now)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{booking.reference}: {error.message}", messages.ERROR)
        self.message_user(request, _("Confirmed %(count)d booking(s).") % {"count": done})

    @admin.action(
        description=gettext_lazy("Decline or cancel the selected bookings…"), permissions=["change"]
    )
    def decline_requests(self, request: HttpRequest, queryset):
        form = CancelForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = phoned = 0
            for booking in queryset:
                try:
                    booking_cancel_by_staff(
                        booking=booking,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                        message=form.cleaned_data["message"],
                        now=request.now,
                        on_request=form.cleaned_data["asked_by"] == CancelForm.PERSON,
                    )
                    done += 1
                    phoned += not booking.email
                except DomainError as error:
                    self.message_user(
                        request, f"{booking.reference}: {error.message}", messages.ERROR
                    )
            self.message_user(request, _("Cancelled %(count)d booking(s).") % {"count": done})
            if phoned:
                self.message_user(
                    request,
                    _("%(count)d of them have no email: they are on the phone list to be called.")
                    % {"count": phoned},
                )
            return None
        return render(
            request,
            "admin/bookings/booking/action_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "bookings": queryset,
                "form": form,
                "action": "decline_requests",
                "title": _("Decline or cancel bookings"),
                "intro": _(
                    "These bookings will be cancelled and each person is told by email, or, "
                    "without email, put on the phone list for a counselor to call:"
                ),
                "phone_list": True,
                "submit": _("Cancel these bookings"),
            },
        )
