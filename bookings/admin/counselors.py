"""
A counselor's page, as bookings see it: an absence added (or lengthened) over days on
which the counselor has bookings is refused until the manager chooses what becomes of
them: keep them, cancel them with notice (each person emailed, or put on the phone list),
or give each to the counselor a new booking at its time would get. `offices` knows nothing
of bookings, so the check lives here and the counselor's admin is registered again with it.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.admin.offices_common import (
    CANCEL,
    KEEP,
    SetupChangeLocked,
    cancelled_text,
    listed,
    report_changes,
    who_is_told,
)
from bookings.selectors.office_changes import bookings_during_absence
from bookings.services.counselor_change import counselor_free_for
from bookings.services.office_changes import (
    bookings_cancel_with_notice,
    bookings_move_to_free_counselors,
)
from common import clock
from offices.admin import CounselorAbsenceInline, CounselorAdmin
from offices.models import Counselor, CounselorAbsence

MOVE = "move"


class AbsenceWithBookingsForm(forms.ModelForm):
    bookings_then = forms.ChoiceField(
        label=gettext_lazy("bookings on those days"),
        required=False,
        choices=[
            ("", "—"),
            (MOVE, gettext_lazy("Give each to another free counselor (nobody is emailed)")),
            (CANCEL, gettext_lazy("Cancel them: email each person, or the phone list")),
            (KEEP, gettext_lazy("Keep them with this counselor")),
        ],
    )

    class Meta:
        model = CounselorAbsence
        fields = ["start_date", "end_date", "reason", "bookings_then"]


def _days(first, last) -> set:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


class AbsenceWithBookingsFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        counselor = self.instance
        if not counselor.pk:
            return
        now = clock.now()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            form.affected = []
            if not data or data.get("DELETE") or form.errors:
                continue
            first, last = data.get("start_date"), data.get("end_date")
            if not first or not last or not {"start_date", "end_date"} & set(form.changed_data):
                continue
            # Days the absence already covered (the instance holds the edit already):
            # their bookings were asked about when it was saved.
            was_first, was_last = form.initial.get("start_date"), form.initial.get("end_date")
            known = _days(was_first, was_last) if form.instance.pk and was_first else set()
            affected = [
                b
                for b in bookings_during_absence(
                    counselor_id=counselor.pk, first=first, last=last, now=now
                )
                if b.start.astimezone(clock.JST).date() not in known
            ]
            if not affected:
                continue
            chosen = data.get("bookings_then")
            if chosen == MOVE:
                stuck = [b for b in affected if counselor_free_for(b, now=now) is None]
                if stuck:
                    form.add_error(
                        "bookings_then",
                        _(
                            "No other counselor is free for %(list)s. Cancel or keep them, "
                            "or first free a counselor for them in the schedule."
                        )
                        % {"list": listed(stuck)},
                    )
                    continue
            if chosen:
                form.affected = [] if chosen == KEEP else affected
                continue
            form.add_error(
                "bookings_then",
                _(
                    "%(name)s has %(count)d bookings on these days: %(list)s. Choose whether "
                    "to give them to another counselor (nobody is emailed), to cancel them "
                    "(%(who)s), or to keep them."
                )
                % {
                    "name": counselor.display_name,
                    "count": len(affected),
                    "list": listed(affected),
                    "who": who_is_told(affected),
                },
            )


class AbsenceWithBookingsInline(CounselorAbsenceInline):
    form = AbsenceWithBookingsForm
    formset = AbsenceWithBookingsFormSet


class CounselorWithBookingsAdmin(SetupChangeLocked, CounselorAdmin):
    inlines = [AbsenceWithBookingsInline]

    def office_of(self, obj):
        return obj.office

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if not isinstance(formset, AbsenceWithBookingsFormSet):
            return
        for row in formset.forms:
            affected = getattr(row, "affected", [])
            if not affected:
                continue
            data = row.cleaned_data
            reason = _("Counselor absent") + (f": {data['reason']}" if data.get("reason") else "")
            if data.get("bookings_then") == MOVE:
                done, refused = bookings_move_to_free_counselors(
                    bookings=affected, by=request.user, reason=reason, now=request.now
                )
                text = (
                    _("%(count)d bookings were given to other counselors: %(list)s.")
                    % {"count": len(done), "list": listed(done)}
                    if done
                    else ""
                )
            else:
                done, refused = bookings_cancel_with_notice(
                    bookings=affected, by=request.user, reason=reason,
                    notice="counselor_absent", now=request.now,
                )  # fmt: skip
                text = cancelled_text(done)
            report_changes(self, request, text, refused)


admin.site.unregister(Counselor)
admin.site.register(Counselor, CounselorWithBookingsAdmin)
