"""
A booking taken on the phone, or the next session booked during one: the public form's
fields and checks plus the time and the consent stated by phone, through `booking_create`.
"""

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access_log import Kind, staff_access_record
from bookings.admin.scope import (
    PHONE_DAYS,
    day_asked,
    day_to_return_to,
    office_for,
    require_change,
    schedule_url,
)
from bookings.exceptions import BookingInvalid, SlotTaken
from bookings.forms import DetailsForm
from bookings.models import Applicant, BookingChannel
from bookings.selectors.availability import slot_list_available
from bookings.services.create import booking_create
from common.clock import JST
from common.errors import DomainError
from offices import display
from offices.models import Office, Service
from offices.rules import rules_for_service
from terms.selectors import terms_in_force


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


def _prefill(request: HttpRequest, office: Office, applicant_id: str | None) -> dict:
    if not applicant_id:
        return {}
    if not applicant_id.isdigit() or len(applicant_id) > 18:
        raise Http404
    applicant = Applicant.objects.filter(office=office, pk=applicant_id).first()
    if applicant is None:
        raise Http404
    if not applicant.is_checked:
        # An open booking's record holds what someone typed (bookings.services.identity):
        # nothing of it is offered as the person's contact.
        messages.warning(
            request,
            _(
                "This person booked online: their details were typed on the public form and "
                "not checked, so nothing is filled in. Ask them, or first link their booking "
                "to the office's record of them (the booking's page, “Link to a person's "
                "record”)."
            ),
        )
        return {}
    staff_access_record(
        request, office_id=office.pk, kind=Kind.PREFILL, records={"applicant": [applicant.pk]}
    )
    # The contact on record, never the latest booking's: a counselor checked it.
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
    require_change(model_admin, request)
    office = office_for(request)
    services = list(Service.objects.filter(office=office, is_active=True).order_by("position"))
    if not services:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    service = next((s for s in services if s.slug == source.get("service")), services[0])
    applicant_id = source.get("applicant")
    channel = BookingChannel.SESSION if applicant_id else BookingChannel.PHONE
    rules = rules_for_service(service, office)
    now = request.now
    first_day = day_asked(request) if source.get("date") else now.astimezone(JST).date()
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
            except DomainError as refused:
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
                day = day_to_return_to(request, booking.start.astimezone(JST).date())
                return redirect(schedule_url(office, day))
    else:
        form = StaffBookingForm(initial=_prefill(request, office, applicant_id), **form_kwargs)
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
        "back": (source.get("back") or "")[:10],
        "first_day": first_day,
        "days": PHONE_DAYS,
    }
    return render(request, "admin/bookings/phone_booking.html", context)
