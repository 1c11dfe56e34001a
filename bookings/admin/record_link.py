"""
Linking a booking to the office's record of the person, once a counselor checked who booked
(on the phone, in a session): a record the office has, or one made from the booking's
details; with a reason, recorded as an event (`bookings.services.identity`).
"""

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access_log import Kind, staff_access_record
from bookings.admin.scope import booking_or_404, require_change
from bookings.selectors.identity import record_by_number, record_candidates
from bookings.services.identity import booking_link_record
from common.errors import DomainError
from offices import display

NEW = "new"
BY_NUMBER = "number"


class RecordLinkForm(forms.Form):
    record = forms.ChoiceField(
        label=gettext_lazy("The person's record"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a record, or make one.")},
    )
    number = forms.CharField(
        label=gettext_lazy("Job-seeker number on the office's record"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("Only with “The record with this job-seeker number”."),
    )
    reason = forms.CharField(
        label=gettext_lazy("How you checked who this is (kept on record for staff)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": gettext_lazy("Say how you checked who this is, e.g. on the phone.")
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [
            *(
                (str(a.pk), f"{a.name} ({a.job_seeker_number or a.email or a.phone or '—'})")
                for a in candidates
            ),
            (BY_NUMBER, _("The record with this job-seeker number:")),
            (NEW, _("A new record made from this booking's details")),
        ]


def record_link_view(
    model_admin: ModelAdmin, request: HttpRequest, booking_id: int
) -> HttpResponse:
    """Choose the person's record (or make it) and say how you checked; then back to the
    booking's page, where the event is shown."""
    require_change(model_admin, request)
    booking = booking_or_404(model_admin, request, booking_id)
    candidates = record_candidates(booking)
    staff_access_record(
        request, office_id=booking.office_id, kind=Kind.PERSON,
        records={"applicant": [a.pk for a in candidates]},
    )  # fmt: skip
    form = RecordLinkForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if form.is_bound and form.is_valid():
        choice, to = form.cleaned_data["record"], None
        if choice == BY_NUMBER:
            to = record_by_number(office_id=booking.office_id, number=form.cleaned_data["number"])
            if to is None:
                form.add_error(
                    "number",
                    _(
                        "The office has no record with this job-seeker number. Check it, "
                        "or make one."
                    ),
                )
        elif choice != NEW:
            to = next(a for a in candidates if str(a.pk) == choice)
        if not form.errors:
            try:
                person = booking_link_record(
                    booking=booking, to=to, by=request.user,
                    reason=form.cleaned_data["reason"], now=request.now,
                )  # fmt: skip
            except DomainError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request,
                    _("%(reference)s is now in the record of %(person)s.")
                    % {"reference": booking.reference, "person": person.name},
                )
                return redirect(reverse("admin:bookings_booking_change", args=[booking.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Link to a person's record"),
        "booking": booking,
        "when": display.format_session(booking.start, booking.end),
        "form": form,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "admin/bookings/record_link.html", context, status=status)
