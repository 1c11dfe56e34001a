"""
The counselor's day in the admin: the schedule with its actions (check in, complete, extend,
switch to phone, no-show, paste a link…), each a POST that comes back to the block.
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access_log import Kind, staff_access_record
from bookings.accommodation import accommodation_lines
from bookings.admin.scope import (
    booking_or_404,
    day_asked,
    office_for,
    offices_for,
    require_change,
    schedule_url,
    today,
)
from bookings.exceptions import BookingInvalid
from bookings.forms import ROLE_LABELS
from bookings.models import Booking, BookingStatus
from bookings.selectors.consent import bookings_needing_reconsent
from bookings.selectors.schedule import schedule_for_day
from bookings.services.meetings import meeting_set_manual_link
from bookings.services.public import booking_reconsent
from bookings.services.staff import (
    booking_cancel_by_staff,
    booking_check_in,
    booking_complete,
    booking_confirm,
    booking_extend,
    booking_mark_no_show,
    booking_note_contact,
    booking_switch_to_phone,
    booking_withdraw_contact,
    meeting_reissue,
)
from bookings.services.undo import booking_undo
from bookings.state import Action, Actor, awaits_email_check, awaits_person, refusal
from common.clock import JST
from common.errors import DomainError
from offices import display
from offices.rules import rules_for_service
from terms.selectors import terms_in_force

EXTEND_CHOICES = [(m, m) for m in (5, 10, 15, 30, 45, 60)]
# Panels other apps show under the day's schedule (the waitlist's offers, the day's
# interviews): each is called with the office, the day and the request's moment and returns
# {"template", "context"}, or None for nothing; and, optionally, "blocks" (`OtherBlock`s
# placed in their counselors' columns of the grid) and "records" (the ids it shows of
# people and their records, by kind, for the record of staff views). Registered once, from
# the other app's admin module.
DAY_PANELS: list = []


def day_panel_register(panel) -> None:
    if panel not in DAY_PANELS:
        DAY_PANELS.append(panel)


class ExtendForm(forms.Form):
    minutes = forms.TypedChoiceField(coerce=int, choices=EXTEND_CHOICES, initial=15)


def schedule_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    office = office_for(request)
    day = day_asked(request)
    panels = [
        shown
        for panel in DAY_PANELS
        if (shown := panel(office=office, day=day, now=request.now)) is not None
    ]
    others = [block for panel in panels for block in panel.get("blocks", ())]
    schedule = schedule_for_day(office=office, day=day, now=request.now, others=others)
    record_schedule_view(
        request, office, schedule, Kind.SCHEDULE, also=[p.get("records", {}) for p in panels]
    )
    reconsent = bookings_needing_reconsent(
        [block.booking for block in schedule.blocks], office, now=request.now
    )
    current_terms = terms_in_force(office=office, at=request.now)
    rules = {}
    results, page_messages = _split_messages(request)
    kept_links = request.session.pop(KEPT_LINKS, {})
    for block in schedule.blocks:
        booking = block.booking
        block.results = results.get(booking.pk, [])
        block.kept_link = kept_links.get(str(booking.pk), {})
        block.unverified = awaits_email_check(booking)
        block.awaits_person = awaits_person(booking)
        block.declined_time = (
            booking.status == BookingStatus.REQUESTED and booking.declined_start == booking.start
        )
        block.past_request = booking.status == BookingStatus.REQUESTED and booking.start <= (
            request.now
        )
        block.attendee_lines = [_attendee_line(a) for a in booking.attendees]
        block.accommodation_lines = accommodation_lines(booking)
        block.meeting_number = (
            display.format_meeting_id(block.meeting.meeting_number)
            if block.meeting and block.meeting.meeting_number
            else ""
        )
        block.later_offers = [
            (ACTION_LABELS[name], display.format_datetime(offer.opens_at))
            for name, offer in block.offers.items()
            if offer.opens_at and name in ACTION_LABELS
        ]
        block.last_change_label = (
            BookingStatus(block.last_change.to_status).label if block.last_change else ""
        )
        block.needs_reconsent = block.booking.pk in reconsent
        service = block.booking.service
        if service.pk not in rules:
            rules[service.pk] = rules_for_service(service, office)
        used = (block.booking.end - block.booking.start).total_seconds() // 60
        extended = used - rules[service.pk].slot_minutes - block.booking.extra_minutes
        left = rules[service.pk].max_extension_minutes - extended
        block.extend_choices = [m for m, _label in EXTEND_CHOICES if m <= left]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Day's schedule"),
        "office": office,
        "offices": offices_for(request),
        "day": day,
        "day_label": display.format_date(day),
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "today": today(request),
        "schedule": schedule,
        "page_messages": page_messages,
        "can_change": model_admin.has_change_permission(request),
        "platform": office.get_platform_display(),
        "current_terms": current_terms,
        "now": request.now,
        # The requests a counselor can answer now (past, unverified and proposed ones wait).
        "requested_count": sum(1 for b in schedule.blocks if "confirm" in b.offers),
        "panels": panels,
    }
    return render(request, "admin/bookings/schedule.html", context)


def record_schedule_view(
    request: HttpRequest, office, schedule, kind: str, *, also: list[dict] = ()
) -> None:
    """The record of who looked at whom: the bookings and people the day shows, and what
    the panels show (`also`: ids by kind), by id."""
    shown = [block.booking for block in schedule.blocks]
    records = {"booking": [b.pk for b in shown], "applicant": [b.applicant_id for b in shown]}
    for more in also:
        for name, ids in more.items():
            records.setdefault(name, []).extend(ids)
    staff_access_record(request, office_id=office.pk, kind=kind, records=records)


def _split_messages(request: HttpRequest) -> tuple[dict[int, list], list]:
    """The results of schedule actions by booking (shown at its block), and the rest."""
    by_booking: dict[int, list] = {}
    rest = []
    for message in messages.get_messages(request):
        tag = next((t for t in message.extra_tags.split() if t.startswith("booking-")), None)
        if tag and tag[8:].isdigit():
            by_booking.setdefault(int(tag[8:]), []).append(message)
        else:
            rest.append(message)
    return by_booking, rest


def _attendee_line(attendee: dict) -> str:
    role = ROLE_LABELS.get(attendee.get("role", ""), attendee.get("role", ""))
    parts = [f"{role}{_(': ')}{attendee.get('name', '')}"]
    if attendee.get("affiliation"):
        parts.append(f"（{attendee['affiliation']}）")
    return "".join(parts)


ACTIONS = {
    "check_in": lambda b, u, p, now: booking_check_in(booking=b, by=u, now=now),
    "complete": lambda b, u, p, now: booking_complete(booking=b, by=u, now=now),
    "switch_to_phone": lambda b, u, p, now: booking_switch_to_phone(
        booking=b, by=u, reason=p.get("reason", ""), now=now
    ),
    "no_show": lambda b, u, p, now: booking_mark_no_show(booking=b, by=u, now=now),
    "note_contact": lambda b, u, p, now: booking_note_contact(booking=b, by=u, now=now),
    "unnote_contact": lambda b, u, p, now: booking_withdraw_contact(
        booking=b, by=u, reason=p.get("reason", ""), now=now
    ),
    "confirm": lambda b, u, p, now: booking_confirm(booking=b, by=u, now=now),
    # The schedule's cancel is the person's request (they phoned): theirs in the figures.
    "cancel": lambda b, u, p, now: booking_cancel_by_staff(
        booking=b,
        by=u,
        reason=p.get("reason", ""),
        message=p.get("message", ""),
        now=now,
        on_request=True,
    ),
    "reissue_meeting": lambda b, u, p, now: meeting_reissue(booking=b, by=u, now=now),
    "undo": lambda b, u, p, now: booking_undo(booking=b, by=u, reason=p.get("reason", ""), now=now),
    "reconsent_stated": lambda b, u, p, now: booking_reconsent(
        booking=b, terms_version_id=_int(p.get("terms_version")), recorded_by=u, now=now
    ),
}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


ACTION_DONE = {
    "check_in": gettext_lazy("Checked in."),
    "complete": gettext_lazy("Completed."),
    "switch_to_phone": gettext_lazy("Switched to phone."),
    "no_show": gettext_lazy("Marked as a no-show; the person was told by email."),
    "note_contact": gettext_lazy("Contact noted: this session will not count as a no-show."),
    "unnote_contact": gettext_lazy("The noted contact was withdrawn."),
    "confirm": gettext_lazy("Confirmed; the person was told by email."),
    "cancel": gettext_lazy("Cancelled; the person was told by email."),
    "reissue_meeting": gettext_lazy("The meeting is being issued again."),
    "reconsent_stated": gettext_lazy("The agreement to the current terms was recorded."),
    "extend": gettext_lazy("Extended."),
    "paste_link": gettext_lazy("The link was saved and sent to the person."),
    "undo": gettext_lazy("The change was undone."),
}
# The same results for a person without email, whom the counselor must phone.
ACTION_DONE_NO_EMAIL = {
    "no_show": gettext_lazy("Marked as a no-show. The person has no email: phone them."),
    "confirm": gettext_lazy("Confirmed. The person has no email: phone them with the time."),
    "cancel": gettext_lazy("Cancelled. The person has no email: phone them."),
    "paste_link": gettext_lazy("The link was saved. The person has no email: give it by phone."),
}
# A link pasted into a block and refused is kept for the next try (the session holds it
# until the schedule is shown again).
KEPT_LINKS = "schedule_kept_links"

# For a person without email, nobody is emailed: the call goes on the phone list.
NO_EMAIL_DONE = {
    "confirm": gettext_lazy("Confirmed; no email: the call to the person is on the phone list."),
    "cancel": gettext_lazy("Cancelled; no email: the call to the person is on the phone list."),
}

# The names of the actions whose window opens later, as the block says "Check in: from 9:15".
ACTION_LABELS = {
    Action.CHECK_IN.value: gettext_lazy("Check in"),
    Action.COMPLETE.value: gettext_lazy("Complete"),
    Action.EXTEND.value: gettext_lazy("Extend"),
    Action.SWITCH_TO_PHONE.value: gettext_lazy("Switch to phone"),
    Action.NO_SHOW.value: gettext_lazy("Mark as no-show"),
}


def schedule_action_view(model_admin: ModelAdmin, request: HttpRequest, booking_id: int):
    """One action from a block of the schedule (POST only), then back to the schedule."""
    if request.method != "POST":
        raise Http404
    require_change(model_admin, request)
    booking = booking_or_404(model_admin, request, booking_id)
    action = request.POST.get("action", "")
    day = booking.start.astimezone(JST).date()
    if action == "no_show" and request.POST.get("confirmed") != "yes":
        return _confirm_no_show(model_admin, request, booking)
    tags = f"booking-{booking.pk}"
    try:
        if action == "extend":
            form = ExtendForm(request.POST)
            if not form.is_valid():
                raise BookingInvalid({"minutes": [_("Choose how many minutes to add.")]})
            booking_extend(
                booking=booking,
                by=request.user,
                minutes=form.cleaned_data["minutes"],
                now=request.now,
            )
        elif action == "paste_link":
            meeting_set_manual_link(
                booking=booking,
                join_url=request.POST.get("join_url", "").strip(),
                passcode=request.POST.get("passcode", "").strip(),
                by=request.user,
                now=request.now,
            )
        elif action in ACTIONS:
            ACTIONS[action](booking, request.user, request.POST, request.now)
        else:
            raise Http404
    except DomainError as refused:
        for text in refused.texts():
            messages.error(request, f"{booking.reference}: {text}", extra_tags=tags)
        _keep_link(request, booking, action)
    else:
        done = (ACTION_DONE if booking.email else {**ACTION_DONE, **ACTION_DONE_NO_EMAIL})[action]
        if action in NO_EMAIL_DONE and not booking.email:
            done = NO_EMAIL_DONE[action]
        messages.success(request, f"{booking.reference}: {done}", extra_tags=tags)
    if booking.group_session_id:  # acted on from the session's seat list: back to it
        return redirect(
            reverse("admin:bookings_groupsession_seats", args=[booking.group_session_id])
            + f"#seat-{booking.pk}"
        )
    # The result is shown in the block; the fragment moves focus to it, so it is read out.
    return redirect(schedule_url(booking.office, day) + f"#result-{booking.pk}")


def _keep_link(request: HttpRequest, booking: Booking, action: str) -> None:
    if action == "paste_link":
        kept = request.session.get(KEPT_LINKS, {})
        kept[str(booking.pk)] = {
            "join_url": request.POST.get("join_url", "")[:500],
            "passcode": request.POST.get("passcode", "")[:50],
        }
        request.session[KEPT_LINKS] = kept


def _confirm_no_show(model_admin: ModelAdmin, request: HttpRequest, booking: Booking):
    """The step before a no-show by hand: what it means for the person, then confirm."""
    office = booking.office
    refused = refusal(Action.NO_SHOW, booking, Actor.STAFF, request.now)
    if refused:
        messages.error(
            request, f"{booking.reference}: {refused}", extra_tags=f"booking-{booking.pk}"
        )
        day = booking.start.astimezone(JST).date()
        return redirect(schedule_url(office, day) + f"#result-{booking.pk}")
    counted = Booking.objects.filter(
        applicant_id=booking.applicant_id, status=BookingStatus.NO_SHOW
    ).count()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Mark as no-show?"),
        "booking": booking,
        "when": display.format_session(booking.start, booking.end),
        "threshold": office.no_show_bar_threshold,
        "count_after": counted + 1,
        "schedule_url": schedule_url(office, booking.start.astimezone(JST).date())
        + f"#booking-{booking.pk}",
    }
    return render(request, "admin/bookings/confirm_no_show.html", context)
