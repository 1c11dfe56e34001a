"""The period and office chosen on the dashboard and the monthly report."""

import re
from datetime import date

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.forms import BoundedDateField
from reports.periods import MAX_DAYS, Period

ALL_OFFICES = "all"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _office_choices(offices, *, with_all: bool) -> list[tuple[str, str]]:
    choices = [(ALL_OFFICES, _("All offices, side by side"))] if with_all else []
    return choices + [(office.slug, office.name) for office in offices]


def _month(value: str) -> Period | None:
    match = _MONTH.match(value or "")
    if not match or not (2000 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12):
        return None
    return Period.month(int(match[1]), int(match[2]))


class PeriodForm(forms.Form):
    """A month (the default: this month), or a range of dates of up to a year."""

    office = forms.ChoiceField(label=gettext_lazy("Office"), required=False)
    month = forms.CharField(
        label=gettext_lazy("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=gettext_lazy("For example 2026-11."),
    )
    first = BoundedDateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last = BoundedDateField(
        label=gettext_lazy("To (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Instead of a month, any range of up to a year."),
    )

    def __init__(self, data, *, offices, superuser: bool, today: date):
        super().__init__(data)
        self.today = today
        self.fields["office"].choices = _office_choices(offices, with_all=superuser)
        self.period = Period.month_of(today)
        self.fields["month"].initial = self.period.month_value

    def clean_month(self) -> str:
        value = self.cleaned_data["month"].strip()
        if value and _month(value) is None:
            raise forms.ValidationError(_("Enter the month as year and month, e.g. 2026-11."))
        return value

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if self.errors:
            return cleaned
        if first or last:
            if not (first and last):
                self.add_error(
                    "first" if not first else "last",
                    _("Give both the first and the last day, or choose a month."),
                )
            elif last < first:
                self.add_error("last", _("The last day must not be before the first day."))
            elif (last - first).days + 1 > MAX_DAYS:
                self.add_error("last", _("Choose a range of at most a year (366 days)."))
            else:
                self.period = Period(first=first, last=last)
        elif cleaned.get("month"):
            self.period = _month(cleaned["month"])
        return cleaned


class ReportForm(forms.Form):
    """The monthly report's month (the default: last month) and office."""

    office = forms.ChoiceField(label=gettext_lazy("Office"), required=False)
    month = forms.CharField(
        label=gettext_lazy("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=gettext_lazy("For example 2026-11."),
    )

    def __init__(self, data, *, offices, superuser: bool, today: date):
        super().__init__(data)
        self.fields["office"].choices = _office_choices(offices, with_all=superuser)
        self.period = Period.month_of(today).previous()
        self.fields["month"].initial = self.period.month_value

    def clean_month(self) -> str:
        value = self.cleaned_data["month"].strip()
        if value:
            period = _month(value)
            if period is None:
                raise forms.ValidationError(_("Enter the month as year and month, e.g. 2026-11."))
            self.period = period
        return value
