"""
The office page, as bookings see it: a closure added on a day with bookings, or opening
hours shrunk from under booked times, are refused until the manager chooses, on the row,
to cancel those bookings (each person emailed, or put on the phone list without email) or
to keep them. `offices` knows nothing of bookings, so the check lives here and the office's
admin is registered again with it (the counselor's absences: `admin.counselors`).
"""

from collections import defaultdict

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.admin.offices_common import (
    CANCEL,
    KEEP,
    SetupChangeLocked,
    cancelled_text,
    report_changes,
    who_is_told,
    who_was_told,
)
from bookings.admin.session_length import (
    OfficeLengthForm,
    ServiceLengthForm,
    length_changes_apply,
)
from bookings.models import Booking
from bookings.selectors.office_changes import bookings_outside_new_hours
from bookings.services.closures import bookings_cancel_for_closure, bookings_on_day
from bookings.services.office_changes import bookings_cancel_with_notice
from common import clock
from offices import display
from offices.admin import ClosureInline, OfficeAdmin, OpeningHoursInline, ServiceInline
from offices.forms import ClosureForm, ClosureFormSet, OpeningHoursForm, OpeningHoursFormSet
from offices.models import Closure, Office, OpeningHours, Service


class ClosureWithBookingsForm(ClosureForm):
    bookings_on_day = forms.ChoiceField(
        label=gettext_lazy("bookings that day"),
        required=False,
        choices=[
            ("", "—"),
            (
                CANCEL,
                gettext_lazy(
                    "Cancel them: email each person, and put those without email on the phone list"
                ),
            ),
            (KEEP, gettext_lazy("Keep them")),
        ],
    )

    class Meta(ClosureForm.Meta):
        fields = [*ClosureForm.Meta.fields, "bookings_on_day"]


class ClosureWithBookingsFormSet(ClosureFormSet):
    def clean(self):
        super().clean()
        office = self.instance
        if not office.pk:
            return
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("kind") != Closure.Kind.CLOSED:
                continue
            if not data.get("date") or not ({"date", "kind"} & set(form.changed_data)):
                continue
            affected = bookings_on_day(office=office, day=data["date"])
            form.affected = affected
            if affected and not data.get("bookings_on_day"):
                form.add_error(
                    "bookings_on_day",
                    _(
                        "%(count)d bookings are on this day. %(who)s Choose whether to "
                        "cancel them or keep them, or remove the closure."
                    )
                    % {"count": len(affected), "who": who_is_told(affected)},
                )


class ClosureWithBookingsInline(ClosureInline):
    form = ClosureWithBookingsForm
    formset = ClosureWithBookingsFormSet
    fields = [*ClosureInline.fields, "bookings_on_day"]


class HoursWithBookingsForm(OpeningHoursForm):
    bookings_outside = forms.ChoiceField(
        label=gettext_lazy("bookings outside the new hours"),
        required=False,
        choices=[
            ("", "—"),
            (CANCEL, gettext_lazy("Cancel them: email each person, or the phone list")),
            (KEEP, gettext_lazy("Keep them (outside the hours)")),
        ],
    )

    class Meta(OpeningHoursForm.Meta):
        fields = [*OpeningHoursForm.Meta.fields, "bookings_outside"]


class HoursWithBookingsFormSet(OpeningHoursFormSet):
    """Hours shrunk from under booked times ask first: the bookings they leave outside are
    listed on a changed row of that service and weekday until the manager chooses."""

    def clean(self):
        super().clean()
        self.affected: dict[tuple[int, int], list[Booking]] = {}
        office = self.instance
        if not office.pk or any(form.errors for form in self.forms):
            return
        old: dict[tuple[int, int], list] = defaultdict(list)
        for row in OpeningHours.objects.filter(office=office):
            old[(row.service_id, row.weekday)].append((row.start, row.end))
        new: dict[tuple[int, int], list] = defaultdict(list)
        rows: dict[tuple[int, int], list[forms.Form]] = defaultdict(list)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if form.instance.pk:  # the row's key before this edit (the instance has the new)
                was = (form.initial.get("service"), form.initial.get("weekday"))
                rows[was].append(form)
            if not data or not data.get("service") or data.get("weekday") is None:
                continue
            key = (data["service"].pk, data["weekday"])
            if form not in rows[key]:
                rows[key].append(form)
            if not data.get("DELETE"):
                new[key].append((data["start"], data["end"]))
        unplaced = []
        for key in old.keys() | new.keys():
            if sorted(old[key]) == sorted(new[key]):
                continue
            affected = bookings_outside_new_hours(
                service_id=key[0], weekday=key[1], old=old[key], new=new[key], now=clock.now()
            )
            if not affected:
                continue
            # An error on a row being deleted is ignored by the formset: such a row's
            # question goes above the table, its choice still read from the row.
            kept = [f for f in rows[key] if f not in self.deleted_forms]
            form = next((f for f in kept if f.has_changed()), kept[0] if kept else None)
            chosen = next(
                (f.cleaned_data.get("bookings_outside") for f in rows[key]
                 if f.cleaned_data.get("bookings_outside")), "",
            )  # fmt: skip
            if chosen:
                self.affected[key] = affected if chosen == CANCEL else []
                continue
            question = _(
                "%(count)d bookings would be outside the new hours. %(who)s Choose whether "
                "to cancel them or keep them, or keep the hours as they were."
            ) % {"count": len(affected), "who": who_is_told(affected)}
            if form is None:
                unplaced.append(question)
            else:
                form.add_error("bookings_outside", question)
        if unplaced:
            raise ValidationError(unplaced)


class HoursWithBookingsInline(OpeningHoursInline):
    form = HoursWithBookingsForm
    formset = HoursWithBookingsFormSet
    fields = [*OpeningHoursInline.fields, "bookings_outside"]


def _with_length_choice(fieldsets) -> list:
    """The fieldsets with the length question right under the session length."""
    result = []
    for name, options in fieldsets:
        fields = []
        for row in options["fields"]:
            fields.append(row)
            if row == ("slot_minutes", "max_extension_minutes"):
                fields.append("bookings_of_other_length")
        result.append((name, {**options, "fields": fields}))
    return result


class ServiceWithLengthInline(ServiceInline):
    form = ServiceLengthForm
    fieldsets = _with_length_choice(ServiceInline.fieldsets)


class OfficeWithBookingsAdmin(SetupChangeLocked, OfficeAdmin):
    form = OfficeLengthForm

    def office_of(self, obj):
        return obj

    fieldsets = _with_length_choice(OfficeAdmin.fieldsets)

    def get_inlines(self, request, obj):
        swap = {
            ClosureInline: ClosureWithBookingsInline,
            OpeningHoursInline: HoursWithBookingsInline,
            ServiceInline: ServiceWithLengthInline,
        }
        return [swap.get(inline, inline) for inline in super().get_inlines(request, obj)]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services = [f for fs in formsets if fs.model is Service for f in fs.forms]
        length_changes_apply(self, request, [form, *services])

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if isinstance(formset, HoursWithBookingsFormSet):
            affected = [b for bookings in formset.affected.values() for b in bookings]
            if affected:
                done, refused = bookings_cancel_with_notice(
                    bookings=affected, by=request.user, reason=_("Opening hours changed"),
                    notice="hours_changed", now=request.now,
                )  # fmt: skip
                report_changes(self, request, cancelled_text(done), refused)
            return
        if not isinstance(formset, ClosureWithBookingsFormSet):
            return
        for row in formset.forms:
            data = getattr(row, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("bookings_on_day") != CANCEL:
                continue
            cancelled = bookings_cancel_for_closure(
                office=form.instance, day=data["date"], by=request.user, now=request.now
            )
            if cancelled:
                self.message_user(
                    request,
                    _("%(count)d bookings on %(day)s were cancelled. %(who)s")
                    % {
                        "count": len(cancelled),
                        "day": display.format_date(data["date"]),
                        "who": who_was_told(cancelled),
                    },
                )


admin.site.unregister(Office)
admin.site.register(Office, OfficeWithBookingsAdmin)
