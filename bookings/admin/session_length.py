"""
A new session length on the office's page (the office's default, or one service's) asks
first, like a closure: bookings still to come whose session is of another length are
listed until the manager chooses to keep them (they keep their time and length) or to
cancel them with notice. Mixed into the office's admin by `admin.offices`.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.admin.offices_common import CANCEL, KEEP, cancelled_text, report_changes, who_is_told
from bookings.selectors.office_changes import bookings_of_other_length
from bookings.services.office_changes import bookings_cancel_with_notice
from common import clock
from offices.forms import OfficeForm, ServiceForm

CHOICES = [
    ("", "—"),
    (CANCEL, gettext_lazy("Cancel them: email each person, or the phone list")),
    (KEEP, gettext_lazy("Keep them (their time and length stay)")),
]
LABEL = gettext_lazy("bookings of another length")


def _question(affected) -> str:
    return _(
        "%(count)d bookings still to come are not of the new length. %(who)s Choose whether "
        "to keep them (their time and length stay) or to cancel them, or keep the length as "
        "it was."
    ) % {"count": len(affected), "who": who_is_told(affected)}


def _ask(form, service_ids: list[int], minutes: int) -> None:
    affected = bookings_of_other_length(service_ids=service_ids, minutes=minutes, now=clock.now())
    chosen = form.cleaned_data.get("bookings_of_other_length")
    if affected and not chosen:
        form.add_error("bookings_of_other_length", _question(affected))
    form.length_affected = affected if chosen == CANCEL else []


class OfficeLengthForm(OfficeForm):
    bookings_of_other_length = forms.ChoiceField(label=LABEL, required=False, choices=CHOICES)

    def clean(self):
        cleaned = super().clean()
        self.length_affected = []
        office, minutes = self.instance, cleaned.get("slot_minutes")
        if office.pk and minutes and "slot_minutes" in self.changed_data and not self.errors:
            inheriting = list(
                office.services.filter(slot_minutes__isnull=True).values_list("pk", flat=True)
            )
            _ask(self, inheriting, minutes)
        return cleaned


class ServiceLengthForm(ServiceForm):
    bookings_of_other_length = forms.ChoiceField(label=LABEL, required=False, choices=CHOICES)

    class Meta(ServiceForm.Meta):
        pass

    def clean(self):
        cleaned = super().clean()
        self.length_affected = []
        service = self.instance
        if service.pk and "slot_minutes" in self.changed_data and not self.errors:
            minutes = cleaned.get("slot_minutes") or service.office.slot_minutes
            _ask(self, [service.pk], minutes)
        return cleaned


def length_changes_apply(model_admin, request, forms_changed) -> None:
    """Cancels, with notice, the bookings each changed form was told to cancel."""
    affected = [b for form in forms_changed for b in getattr(form, "length_affected", [])]
    if not affected:
        return
    done, refused = bookings_cancel_with_notice(
        bookings=affected, by=request.user, reason=_("Session length changed"),
        notice="length_changed",
        now=request.now,
    )  # fmt: skip
    report_changes(model_admin, request, cancelled_text(done), refused)
