"""
The office page, as bookings see it: a closure added on a day with bookings is refused
until the manager chooses, on the closure's row, to cancel those bookings (each person is
emailed) or to keep them. `offices` knows nothing of bookings, so the check lives here and
the office's admin is registered again with it.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.services.closures import bookings_cancel_for_closure, bookings_on_day
from offices import display
from offices.admin import ClosureInline, OfficeAdmin
from offices.forms import ClosureForm, ClosureFormSet
from offices.models import Closure, Office

CANCEL, KEEP = "cancel", "keep"


class ClosureWithBookingsForm(ClosureForm):
    bookings_on_day = forms.ChoiceField(
        label=gettext_lazy("bookings that day"),
        required=False,
        choices=[
            ("", "—"),
            (CANCEL, gettext_lazy("Cancel them and email each person")),
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
                listed = "、".join(
                    f"{b.reference} {display.format_session(b.start, b.end)}" for b in affected
                )
                form.add_error(
                    "bookings_on_day",
                    _(
                        "%(count)d bookings are on this day: %(list)s. Choose whether to "
                        "cancel them (each person is emailed) or keep them, or remove the "
                        "closure."
                    )
                    % {"count": len(affected), "list": listed},
                )


class ClosureWithBookingsInline(ClosureInline):
    form = ClosureWithBookingsForm
    formset = ClosureWithBookingsFormSet
    fields = [*ClosureInline.fields, "bookings_on_day"]


class OfficeWithBookingsAdmin(OfficeAdmin):
    def get_inlines(self, request, obj):
        return [
            ClosureWithBookingsInline if inline is ClosureInline else inline
            for inline in super().get_inlines(request, obj)
        ]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
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
                    _("%(count)d bookings on %(day)s were cancelled; each person is emailed.")
                    % {"count": len(cancelled), "day": display.format_date(data["date"])},
                )


admin.site.unregister(Office)
admin.site.register(Office, OfficeWithBookingsAdmin)
