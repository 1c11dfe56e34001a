from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.admin import views as admin_views
from bookings.exceptions import BookingError
from bookings.models import (
    AccessRecord,
    Applicant,
    Booking,
    BookingEvent,
    BookingLink,
    BookingStatus,
)
from bookings.selectors.bookings import meeting_for
from bookings.services.meetings import meeting_set_manual_link
from bookings.services.staff import (
    applicant_lift_bar,
    booking_cancel_by_staff,
    booking_confirm,
    booking_link_send_new,
    booking_note_contact,
)
from conferencing.types import ConferencingError
from offices.admin import OfficeScopedAdminMixin, RecordAdminMixin
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


class MeetingLinkForm(forms.Form):
    join_url = forms.URLField(
        label=gettext_lazy("Join link"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy(
            "The guest link from TeleOffice (or another platform), starting with https://"
        ),
    )
    passcode = forms.CharField(
        label=gettext_lazy("Access code or passcode"), max_length=50, required=False
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept on record for staff; not sent to the person)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@admin.register(Booking)
class BookingAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
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
        "send_new_link",
    ]  # fmt: skip
    exclude = ["attendees"]
    readonly_fields = [
        "reference", "office", "service", "counselor", "applicant", "consent", "start", "end",
        "status", "channel", "language", "name", "name_kana", "job_seeker_number", "email",
        "phone", "company_name", "attendee_list", "note", "verification_expires_at",
        "created_by", "created_at", "meeting",
    ]  # fmt: skip

    @admin.display(description=gettext_lazy("date and time"), ordering="start")
    def when(self, obj: Booking) -> str:
        return format_session(obj.start, obj.end)

    @admin.display(description=gettext_lazy("next step"))
    def next_step(self, obj: Booking) -> str:
        """For a request: propose another time; for the rest: the day in the schedule."""
        from django.urls import reverse

        from common.clock import JST

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

    @admin.action(
        description=gettext_lazy("The person contacted us (not a no-show)"), permissions=["change"]
    )
    def note_contact(self, request: HttpRequest, queryset):
        for booking in queryset:
            try:
                booking_note_contact(booking=booking, by=request.user, now=request.now)
            except BookingError as error:
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
            path("schedule/", wrap(admin_views.schedule_view), name="bookings_booking_schedule"),
            path(
                "schedule.csv",
                wrap(admin_views.schedule_csv_view),
                name="bookings_booking_schedule_csv",
            ),
            path(
                "<int:booking_id>/act/",
                wrap(admin_views.schedule_action_view),
                name="bookings_booking_act",
            ),
            path(
                "<int:booking_id>/propose/",
                wrap(admin_views.propose_view),
                name="bookings_booking_propose",
            ),
            path("phone/", wrap(admin_views.phone_booking_view), name="bookings_booking_phone"),
            path("bursts/", wrap(admin_views.bursts_view), name="bookings_booking_bursts"),
        ]
        return extra + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "show_schedule_links": True}
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is hard-deleted

    @admin.action(description=gettext_lazy("Confirm the selected requests"), permissions=["change"])
    def confirm_requests(self, request: HttpRequest, queryset):
        done = 0
        for booking in queryset.filter(status=BookingStatus.REQUESTED):
            try:
                booking_confirm(booking=booking, by=request.user, now=request.now)
                done += 1
            except BookingError as error:
                self.message_user(request, f"{booking.reference}: {error.message}", messages.ERROR)
        self.message_user(request, _("Confirmed %(count)d booking(s).") % {"count": done})

    @admin.action(
        description=gettext_lazy("Decline or cancel the selected bookings…"), permissions=["change"]
    )
    def decline_requests(self, request: HttpRequest, queryset):
        form = DeclineForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for booking in queryset:
                try:
                    booking_cancel_by_staff(
                        booking=booking,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                        now=request.now,
                    )
                    done += 1
                except BookingError as error:
                    self.message_user(
                        request, f"{booking.reference}: {error.message}", messages.ERROR
                    )
            self.message_user(request, _("Cancelled %(count)d booking(s).") % {"count": done})
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
                "intro": _("These bookings will be cancelled and each person is told by email:"),
                "submit": _("Cancel these bookings"),
            },
        )


@admin.register(Applicant)
class ApplicantAdmin(OfficeScopedAdminMixin, admin.ModelAdmin):
    """A person's page: their bookings, consents, no-shows and bar, within the office."""

    list_display = ["name", "name_kana", "office", "kind", "job_seeker_number", "no_shows",
                    "barred_at", "claim"]  # fmt: skip
    actions = ["lift_bar", "link_claims"]
    list_filter = ["office", "kind", ("barred_at", admin.EmptyFieldListFilter),
                   ("claimed", admin.EmptyFieldListFilter)]  # fmt: skip
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
            gettext_lazy("Same person?"),
            {"fields": ["email", "phone", "claimed", "linked_at"]},
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
        "claimed", "linked_at",
    ]  # fmt: skip

    @admin.display(description=gettext_lazy("gave the details of"))
    def claim(self, obj: Applicant) -> str:
        if obj.claimed_id is None:
            return ""
        if obj.linked_at:
            return _("linked")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:bookings_applicant_change", args=[obj.claimed_id]),
            _("not linked: check and link"),
        )

    def get_queryset(self, request):
        from django.db.models import Count, Q

        return (
            super()
            .get_queryset(request)
            .annotate(
                no_show_count=Count("bookings", filter=Q(bookings__status=BookingStatus.NO_SHOW))
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """A phone or number typed in any width or with any dash finds the person."""
        from bookings.validation import normalize_job_seeker_number, normalize_phone

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
        from django.urls import reverse
        from django.utils.html import format_html_join

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
        from django.utils.html import format_html_join

        from offices.display import format_datetime
        from terms.models import Consent

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
                except BookingError as error:
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

    @admin.action(
        description=gettext_lazy("Link to the person whose details they gave…"),
        permissions=["change"],
    )
    def link_claims(self, request: HttpRequest, queryset):
        """A counselor who checked (on the phone, in a session) links a claim, with a reason."""
        from bookings.services.identity import applicant_link

        queryset = queryset.filter(claimed__isnull=False, linked_at__isnull=True)
        reason_given = DeclineForm(request.POST if "reason" in request.POST else None).is_valid()
        if not queryset and not reason_given:
            self.message_user(
                request, _("Choose bookings that gave another person's details."), messages.ERROR
            )
            return None
        return self._with_reason(
            request, queryset,
            apply=lambda claim, reason: applicant_link(
                claim=claim, by=request.user, reason=reason, now=request.now
            ),
            action="link_claims",
            title=_("Link to the person whose details they gave"),
            intro=_("Their bookings join the record of the person they named:")
            + " " + ", ".join(f"{c} → {c.claimed}" for c in queryset),
            submit=_("Link"),
        )  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessRecord)
class AccessRecordAdmin(RecordAdminMixin, OfficeScopedAdminMixin, admin.ModelAdmin):
    """Records of use: read-only, for office managers (and superusers)."""

    list_display = ["at", "office", "booking", "kind", "device_type", "device"]
    list_filter = ["office", "kind"]
    list_select_related = ["office", "booking"]
    search_fields = ["booking__reference", "device"]
    date_hierarchy = "at"
    readonly_fields = ["at", "office", "booking", "kind", "device_type", "device"]
