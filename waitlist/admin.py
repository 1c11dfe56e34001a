"""
The waitlist in the admin, scoped to the user's office: who waits for which days, in the
order they asked, each entry's offers and events; and the offers (open ones first). Both
read-only: the person answers an offer from their link, the matching makes offers.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.access_log import AccessLoggedAdminMixin
from bookings.admin.group_sessions import seat_list_panel_register
from bookings.admin.schedule import day_panel_register
from bookings.services.phone_calls import CallSubject, phone_call_subject_register
from offices.admin import OfficeScopedAdminMixin, RecordAdminMixin
from offices.display import format_date, format_datetime, format_session
from waitlist.models import (
    WAITLIST_OWNER,
    OfferStatus,
    WaitlistEntry,
    WaitlistEvent,
    WaitlistOffer,
)
from waitlist.selectors import office_has_waitlist, session_waitlist, waitlist_for_day


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OfferInline(_ReadOnlyInline):
    model = WaitlistOffer
    fields = ["when", "status", "offered_at", "expires_at", "answered_at", "booking"]
    readonly_fields = fields

    @admin.display(description=_("time offered"))
    def when(self, obj: WaitlistOffer) -> str:
        return format_session(obj.start, obj.end)


class EventInline(_ReadOnlyInline):
    model = WaitlistEvent
    fields = ["at", "reason_code", "actor_label", "offer"]
    readonly_fields = fields


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(
    AccessLoggedAdminMixin, OfficeScopedAdminMixin, RecordAdminMixin, admin.ModelAdmin
):
    list_display = ["asked", "name", "office", "service", "days", "status", "booking"]
    list_filter = ["office", "service", "status"]
    list_select_related = ["office", "service", "booking"]
    search_fields = ["name"]
    fields = ["name", "email", "office", "service", "group_session", "applicant", "days",
              "earliest", "latest", "status", "asked_at", "confirm_by", "booking",
              "language"]  # fmt: skip
    readonly_fields = fields
    inlines = [OfferInline, EventInline]

    @admin.display(description=_("asked at"), ordering="asked_at")
    def asked(self, obj: WaitlistEntry) -> str:
        return format_datetime(obj.asked_at)

    @admin.display(description=_("days"))
    def days(self, obj: WaitlistEntry) -> str:
        return f"{format_date(obj.first_day)} – {format_date(obj.last_day)}"


@admin.register(WaitlistOffer)
class WaitlistOfferAdmin(
    AccessLoggedAdminMixin, OfficeScopedAdminMixin, RecordAdminMixin, admin.ModelAdmin
):
    access_also = ("entry",)
    list_display = ["when", "person", "office", "service", "status", "until", "booking"]
    list_filter = ["status", "office", "service"]
    list_select_related = ["entry", "office", "service", "booking"]
    fields = ["entry", "office", "service", "when", "status", "offered_at", "expires_at",
              "answered_at", "booking"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("time offered"), ordering="start")
    def when(self, obj: WaitlistOffer) -> str:
        return format_session(obj.start, obj.end)

    @admin.display(description=_("person"))
    def person(self, obj: WaitlistOffer) -> str:
        return obj.entry.name

    @admin.display(description=_("held until"), ordering="expires_at")
    def until(self, obj: WaitlistOffer) -> str:
        return format_datetime(obj.expires_at)


def schedule_panel(*, office, day, now) -> dict | None:
    """The day's schedule's panel: how many wait for the day, and the day's offers (open
    ones with their hold, accepted ones with their booking). Nothing where the office has
    no waitlist."""
    if not office_has_waitlist(office.pk):
        return None
    found = waitlist_for_day(office_id=office.pk, day=day)
    offers = [
        {
            "when": format_session(o.start, o.end),
            "name": o.entry.name,
            "status": o.get_status_display(),
            "open": o.status == OfferStatus.OPEN,
            "until": format_datetime(o.expires_at),
            "booking_id": o.booking_id,
        }
        for o in found.offers
    ]
    query = urlencode({"office__id__exact": office.pk, "status__exact": "waiting"})
    return {
        "template": "admin/waitlist/schedule_panel.html",
        "context": {
            "waiting": found.waiting,
            "offers": offers,
            "list_url": reverse("admin:waitlist_waitlistentry_changelist") + "?" + query,
        },
    }


day_panel_register(schedule_panel)


def session_panel(*, session, now) -> dict | None:
    """Beside a session's seat list: who waits for a seat, in order, with their open
    offer's hold. Nothing where the service keeps no waitlist and no one waits."""
    entries = session_waitlist(session_id=session.pk)
    if not entries and not session.service.waitlist_enabled:
        return None
    rows = [
        {
            "place": place,
            "name": entry.name,
            "status": entry.get_status_display(),
            "until": format_datetime(entry.open_offer.expires_at) if entry.open_offer else "",
            "url": reverse("admin:waitlist_waitlistentry_change", args=[entry.pk]),
        }
        for place, entry in enumerate(entries, start=1)
    ]
    return {
        "template": "admin/waitlist/session_panel.html",
        "context": {"rows": rows},
        "records": {"waitlist_entry": [entry.pk for entry in entries]},
    }


seat_list_panel_register(session_panel)


def phone_call_subjects(calls) -> dict:
    """What the phone list shows of calls about entries (an offer that reached the person
    nowhere): the service and days, the latest offer's time and hold, the name and phone
    (from the record an invitation named, else as the person gave it). Two queries."""
    entries = {
        entry.pk: entry
        for entry in WaitlistEntry.objects.select_related("service", "applicant").filter(
            pk__in=[call.owner_id for call in calls]
        )
    }
    latest = {}
    for offer in WaitlistOffer.objects.filter(entry_id__in=list(entries)).order_by("offered_at"):
        latest[offer.entry_id] = offer
    found = {}
    for call in calls:
        entry = entries.get(call.owner_id)
        if entry is None:
            continue
        offer = latest.get(entry.pk)
        phone = entry.applicant.phone if entry.applicant_id else entry.details.get("phone", "")
        when = ""
        if offer is not None:
            when = _("%(when)s (held until %(until)s)") % {
                "when": format_session(offer.start, offer.end),
                "until": format_datetime(offer.expires_at),
            }
        found[call.pk] = CallSubject(
            label=_("Waitlist: %(service)s") % {"service": entry.service.name},
            url=reverse("admin:waitlist_waitlistentry_change", args=[entry.pk]),
            when=when,
            name=entry.name,
            phone=phone or "",
        )
    return found


phone_call_subject_register(WAITLIST_OWNER, phone_call_subjects)
