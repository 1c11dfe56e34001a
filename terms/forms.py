from datetime import datetime, time, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from common import clock
from common.clock import JST
from common.forms import BoundedDateField
from common.text import VisibleTextFormMixin
from terms.models import TermsVersion


class TermsVersionForm(VisibleTextFormMixin, forms.ModelForm):
    class Meta:
        model = TermsVersion
        fields = [
            "office",
            "version",
            "title",
            "title_en",
            "body",
            "body_en",
            "change_summary",
            "change_summary_en",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 24}),
            "body_en": forms.Textarea(attrs={"rows": 12}),
            "change_summary": forms.Textarea(attrs={"rows": 3}),
            "change_summary_en": forms.Textarea(attrs={"rows": 3}),
        }


def _next_midnight() -> datetime:
    tomorrow = clock.now().astimezone(JST).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0, 0), tzinfo=JST)


class PublishForm(forms.Form):
    immediately = forms.BooleanField(
        label=_("In force immediately"),
        required=False,
        help_text=_("Tick to put this version in force as soon as it is published."),
    )
    effective_date = BoundedDateField(
        label=_("In force from (date)"),
        required=False,
        help_text=_("Japan time. Example: 2027-01-04"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    effective_time = forms.TimeField(
        label=_("In force from (time)"),
        required=False,
        initial=time(0, 0),
        help_text=_("Japan time. 00:00 = from the start of that day."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_date"].initial = _next_midnight().date()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("immediately"):
            cleaned["effective_from"] = None
            return cleaned
        day, at = cleaned.get("effective_date"), cleaned.get("effective_time")
        if day is None:
            self.add_error(
                "effective_date",
                _("Enter the date the version takes effect, or tick “In force immediately”."),
            )
            return cleaned
        cleaned["effective_from"] = datetime.combine(day, at or time(0, 0), tzinfo=JST)
        return cleaned


class CompareForm(forms.Form):
    older = forms.ModelChoiceField(queryset=TermsVersion.objects.none(), label=_("Older"))
    newer = forms.ModelChoiceField(queryset=TermsVersion.objects.none(), label=_("Newer"))

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["older"].queryset = versions
        self.fields["newer"].queryset = versions
