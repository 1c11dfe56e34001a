"""
The counselor's pages in the admin: the day's schedule (with its actions and CSV export),
the phone booking form (also "book the next session now"), and proposing another time
for a request. Every page is limited to the user's office: another office's booking or
schedule asked for by address is a 404.
"""

import csv
from datetime import date, datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.exceptions import BookingError, BookingInvalid, SlotTaken
from bookings.forms import ROLE_LABELS, DetailsForm
from bookings.models import Applicant, Booking, BookingChannel, BookingStatus
from bookings.selectors.availability import slot_list_available
from bookings.selectors.consent import bookings_needing_reconsent
from bookings.selectors.schedule import schedule_for_day
from bookings.services.create import booking_create
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
    booking_propose_time,
    booking_switch_to_phone,
    booking_undo,
    meeting_reissue,
)
from bookings.state import Action, Actor, refusal
from common.clock import JST
from common.dates import EARLIEST, LATEST, parse_day
from conferencing.types import ConferencingError
from offices import display
from offices.models import Office, Service
from offices.rules import rules_for_service
from terms.exceptions import TermsError
from terms.selectors import terms_in_force

PHONE_DAYS = 21  # how far ahead the phone form lists free times


def _today(request: HttpRequest) -> date:
    return request.now.astimezone(JST).date()


def _offices_for(request: HttpRequest) -> QuerySet[Office]:
    if request.user.is_superuser:
        return Office.objects.order_by("pk")
    return Office.objects.filter(pk=request.user.office_id)


def _office(request: HttpRequest) -> Office:
    """The office asked for (`?office=<slug>`), which must be the user's own: else 404."""
    offices = _offices_for(request)
    slug = request.GET.get("office") or request.POST.get("office")
    office = offices.filter(slug=slug).first() if slug else offices.first()
    if office is None:
        raise Http404
    return office


def _day(request: HttpRequest) -> date:
    """The day asked for (`?date=YYYY-MM-DD`, 2000 to 2100), else today with a warning."""
    value = request.GET.get("date") or request.POST.get("date")
    if not value:
        return _today(request)
    day = parse_day(value)
    if day is None:
        messages.warning(
            request,
            _("“%(value)s” is not a date between %(first)s and %(last)s: today is shown.")
            % {"value": value[:20], "first": EARLIEST, "last": LATEST},
        )
        return _today(request)
    return day


def _schedule_url(office: Office, day: date) -> str:
    query = urlencode({"office": office.slug, "date": day.isoformat()})
    return reverse("admin:bookings_booking_schedule") + "?" + query


def _booking(model_admin: ModelAdmin, request: HttpRequest, booking_id) -> Booking:
    booking = (
        model_admin.get_queryset(request)
        .select_related("office", "service", "counselor")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise Http404
    return booking


def _require_change(model_admin: ModelAdmin, request: HttpRequest) -> None:
    if not model_admin.has_change_permission(request):
        raise PermissionDenied


EXTEND_CHOICES = [(m, m) for m in (5, 10, 15, 30, 45, 60)]


class ExtendForm(forms.Form):
    minutes = forms.TypedChoiceField(coerce=int, choices=EXTEND_CHOICES, initial=15)


def schedule_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    office = _office(request)
    day = _day(request)
    schedule = schedule_for_day(office=office, day=day, now=request.now)
    reconsent = bookings_needing_reconsent(
        [block.booking for block in schedule.blocks], office, now=request.now
    )
    current_terms = terms_in_force(office=office, at=request.now)
    rules = {}
    results, page_messages = _split_messages(request)
    for block in schedule.blocks:
        booking = block.booking
        block.results = results.get(booking.pk, [])
        block.attendee_lines = [_attendee_line(a) for a in booking.attendees]
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
        extended = used - rules[service.pk].slot_minutes
        left = rules[service.pk].max_extension_minutes - extended
        block.extend_choices = [m for m, _label in EXTEND_CHOICES if m <= left]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Day's schedule"),
        "office": office,
        "offices": _offices_for(request),
        "day": day,
        "day_label": display.format_date(day),
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "today": _today(request),
        "schedule": schedule,
        "page_messages": page_messages,
        "can_change": model_admin.has_change_permission(request),
        "platform": office.get_platform_display(),
        "current_terms": current_terms,
        "now": request.now,
        "requested_count": sum(
            1 for b in schedule.blocks if b.booking.status == BookingStatus.REQUESTED
        ),
    }
    return render(request, "admin/bookings/schedule.html", context)


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
    parts = [f"{role}: {attendee.get('name', '')}"]
    if attendee.get("affiliation"):
        parts.append(f"（{attendee['affiliation']}）")
    return "".join(parts)


def schedule_csv_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """The day as CSV for the office's records: what the page shows, no contact details."""
    office = _office(request)
    day = _day(request)
    schedule = schedule_for_day(office=office, day=day, now=request.now)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="schedule-{office.slug}-{day}.csv"'
    response.write("\ufeff")  # a BOM, so that Excel in Japan reads UTF-8
    writer = csv.writer(response)

    def write(row: list) -> None:
        writer.writerow([_csv_safe(str(cell)) for cell in row])

    write(
        [_("start"), _("end"), _("counselor"), _("status"), _("reference"), _("name"),
         _("service"), _("channel"), _("attendees"), _("note")]
    )  # fmt: skip
    for block in schedule.blocks:
        b = block.booking
        write(
            [
                f"{b.start.astimezone(JST):%H:%M}",
                f"{b.end.astimezone(JST):%H:%M}",
                b.counselor.display_name,
                b.get_status_display(),
                b.reference,
                b.name,
                b.service.name,
                b.get_channel_display(),
                len(b.attendees),
                b.note,
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    """
    A cell a spreadsheet would run as a formula is kept as text (CSV injection). Every
    cell goes through here: a counselor's display name or a service name is typed by
    staff and is as able to start with "=" as the person's name.
    """
    return "'" + value if value[:1] in _FORMULA_STARTS else value


# OWASP's list, and the full-width forms a Japanese spreadsheet also reads as formulas.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


ACTIONS = {
    "check_in": lambda b, u, p, now: booking_check_in(booking=b, by=u, now=now),
    "complete": lambda b, u, p, now: booking_complete(booking=b, by=u, now=now),
    "switch_to_phone": lambda b, u, p, now: booking_switch_to_phone(
        booking=b, by=u, reason=p.get("reason", ""), now=now
    ),
    "no_show": lambda b, u, p, now: booking_mark_no_show(booking=b, by=u, now=now),
    "note_contact": lambda b, u, p, now: booking_note_contact(booking=b, by=u, now=now),
    "confirm": lambda b, u, p, now: booking_confirm(booking=b, by=u, now=now),
    "cancel": lambda b, u, p, now: booking_cancel_by_staff(
        booking=b, by=u, reason=p.get("reason", ""), now=now
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
    "confirm": gettext_lazy("Confirmed; the person was told by email."),
    "cancel": gettext_lazy("Cancelled; the person was told by email."),
    "reissue_meeting": gettext_lazy("The meeting is being issued again."),
    "reconsent_stated": gettext_lazy("The agreement to the current terms was recorded."),
    "extend": gettext_lazy("Extended."),
    "paste_link": gettext_lazy("The link was saved and sent to the person."),
    "undo": gettext_lazy("The change was undone."),
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
    _require_change(model_admin, request)
    booking = _booking(model_admin, request, booking_id)
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
    except BookingInvalid as invalid:
        for errors in invalid.errors.values():
            for error in errors:
                messages.error(request, f"{booking.reference}: {error}", extra_tags=tags)
    except (BookingError, ConferencingError, TermsError) as refused:
        text = str(refused) if isinstance(refused, ConferencingError) else refused.message
        messages.error(request, f"{booking.reference}: {text}", extra_tags=tags)
    else:
        messages.success(request, f"{booking.reference}: {ACTION_DONE[action]}", extra_tags=tags)
    # The result is shown in the block; the fragment moves focus to it, so it is read out.
    return redirect(_schedule_url(booking.office, day) + f"#result-{booking.pk}")


def _confirm_no_show(model_admin: ModelAdmin, request: HttpRequest, booking: Booking):
    """The step before a no-show by hand: what it means for the person, then confirm."""
    office = booking.office
    refused = refusal(Action.NO_SHOW, booking, Actor.STAFF, request.now)
    if refused:
        messages.error(
            request, f"{booking.reference}: {refused}", extra_tags=f"booking-{booking.pk}"
        )
        day = booking.start.astimezone(JST).date()
        return redirect(_schedule_url(office, day) + f"#result-{booking.pk}")
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
        "schedule_url": _schedule_url(office, booking.start.astimezone(JST).date())
        + f"#booking-{booking.pk}",
    }
    return render(request, "admin/bookings/confirm_no_show.html", context)


class StaffBookingForm(DetailsForm):
    """The public form's fields and checks, plus the time and the consent stated by phone."""

    email_optional = True

    start = forms.ChoiceField(label=gettext_lazy("Time"), widget=forms.RadioSelect)
    consent_stated = forms.BooleanField(
        label=gettext_lazy(
            "The person heard the terms of use in force and agreed to them on the phone"
        ),
        required=True,
        error_messages={
            "required": gettext_lazy(
                "Read out or explain the terms of use and tick this box once the person agrees."
            )
        },
    )

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].choices = [
            (s.start.isoformat(), f"{display.format_session(s.start, s.end)} ({s.free})")
            for s in slots
        ]
        self.fields["start"].error_messages["required"] = _("Choose one of the free times.")
        self.fields["start"].error_messages["invalid_choice"] = _(
            "That time is no longer free. Choose another."
        )


def _prefill(office: Office, applicant_id: str | None) -> dict:
    if not applicant_id:
        return {}
    if not applicant_id.isdigit() or len(applicant_id) > 18:
        raise Http404
    applicant = Applicant.objects.filter(office=office, pk=applicant_id).first()
    if applicant is None:
        raise Http404
    # The contact on record, never the latest booking's: a booking may have been made by
    # someone else giving this person's number (bookings.services.identity).
    return {
        "kind": applicant.kind,
        "name": applicant.name,
        "name_kana": applicant.name_kana,
        "job_seeker_number": applicant.job_seeker_number,
        "email": applicant.email,
        "phone": applicant.phone,
    }


def phone_booking_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """
    A booking taken on the phone, or the next session booked during one (`?applicant=`):
    the same free times and checks as the public form, through `booking_create`.
    """
    _require_change(model_admin, request)
    office = _office(request)
    services = list(Service.objects.filter(office=office, is_active=True).order_by("position"))
    if not services:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    service = next((s for s in services if s.slug == source.get("service")), services[0])
    applicant_id = source.get("applicant")
    channel = BookingChannel.SESSION if applicant_id else BookingChannel.PHONE
    rules = rules_for_service(service, office)
    now = request.now
    first_day = _day(request) if source.get("date") else now.astimezone(JST).date()
    slots = slot_list_available(
        service=service, first_day=first_day, last_day=first_day + timedelta(days=PHONE_DAYS),
        now=now,
    )  # fmt: skip
    terms = terms_in_force(office=office, at=now)
    form_kwargs = {"office": office, "rules": rules, "slots": slots}
    if request.method == "POST":
        form = StaffBookingForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                created = booking_create(
                    service=service,
                    start=datetime.fromisoformat(form.cleaned_data["start"]),
                    data=form.raw_data(),
                    terms_version_id=terms.pk if terms else None,
                    agree_terms=form.cleaned_data["consent_stated"],
                    channel=channel,
                    created_by=request.user,
                    now=request.now,
                )
            except BookingInvalid as invalid:
                for name, errors in invalid.errors.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            except SlotTaken as taken:
                form.add_error("start", taken.message)
            except BookingError as refused:
                form.add_error(None, refused.message)
            else:
                booking = created.booking
                messages.success(
                    request,
                    (
                        _("Booked %(reference)s: %(when)s. The person is emailed the details.")
                        if booking.email
                        else _(
                            "Booked %(reference)s: %(when)s. The person has no email: tell "
                            "them the time now, and the meeting link by phone or post."
                        )
                    )
                    % {
                        "reference": booking.reference,
                        "when": display.format_session(booking.start, booking.end),
                    },
                )
                return redirect(_schedule_url(office, booking.start.astimezone(JST).date()))
    else:
        form = StaffBookingForm(initial=_prefill(office, applicant_id), **form_kwargs)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Book the next session")
        if channel == BookingChannel.SESSION
        else _("Phone booking"),
        "office": office,
        "services": services,
        "service": service,
        "form": form,
        "slots": slots,
        "terms": terms,
        "applicant_id": applicant_id or "",
        "first_day": first_day,
        "days": PHONE_DAYS,
    }
    return render(request, "admin/bookings/phone_booking.html", context)


def propose_view(model_admin: ModelAdmin, request: HttpRequest, booking_id: int) -> HttpResponse:
    """Offer the person of a request another free time; they accept it from their page."""
    _require_change(model_admin, request)
    booking = _booking(model_admin, request, booking_id)
    now = request.now
    first_day = now.astimezone(JST).date()
    slots = slot_list_available(
        service=booking.service, first_day=first_day,
        last_day=first_day + timedelta(days=PHONE_DAYS), now=now,
    )  # fmt: skip
    error = None
    if request.method == "POST":
        choice = request.POST.get("start", "")
        try:
            start = datetime.fromisoformat(choice)
            booking_propose_time(booking=booking, by=request.user, start=start, now=request.now)
        except ValueError:
            error = _("Choose one of the free times.")
        except BookingError as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _("%(reference)s: the new time was proposed to the person by email.")
                % {"reference": booking.reference},
            )
            return redirect(_schedule_url(booking.office, start.astimezone(JST).date()))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Propose another time"),
        "booking": booking,
        "when": display.format_session(booking.start, booking.end),
        "slots": [(s.start.isoformat(), display.format_session(s.start, s.end)) for s in slots],
        "error": error,
    }
    return render(request, "admin/bookings/propose.html", context, status=409 if error else 200)


def bursts_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """Suspicious bursts of public bookings at the office (bookings.selectors.bursts)."""
    from bookings.selectors.bursts import BURST_HOURS, BURST_MIN_BOOKINGS, booking_bursts

    office = _office(request)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Suspicious bursts of bookings"),
        "office": office,
        "offices": _offices_for(request),
        "bursts": booking_bursts(office=office, now=request.now),
        "hours": BURST_HOURS,
        "at_least": BURST_MIN_BOOKINGS,
        "can_change": model_admin.has_change_permission(request),
    }
    return render(request, "admin/bookings/bursts.html", context)
