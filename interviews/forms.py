"""The counselor's forms: arrange an interview, propose new times, paste the join link."""

from django import forms
from django.utils.translation import gettext_lazy

from common import languages
from common.text import VisibleTextFormMixin
from interviews.selectors import EMPLOYER_LANGUAGES
from interviews.services.arrange import LENGTHS

TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
_TIME_ERROR = gettext_lazy("Enter a date and time, e.g. 2026-11-25 13:00.")


def _time_field(n: int, *, required: bool) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=gettext_lazy("Time %(n)d") % {"n": n},
        required=required,
        input_formats=TIME_FORMATS,
        error_messages={"invalid": _TIME_ERROR},
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _employer_language() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=gettext_lazy("Employer's language (its emails)"),
        choices=[(c, n) for c, n in languages.CHOICES if c in EMPLOYER_LANGUAGES],
        initial=languages.DEFAULT,
        required=False,  # Japanese unless chosen
    )


class _Times(forms.Form):
    time_1 = _time_field(1, required=True)
    time_2 = _time_field(2, required=False)
    time_3 = _time_field(3, required=False)

    def starts(self) -> list:
        return [v for k in ("time_1", "time_2", "time_3") if (v := self.cleaned_data.get(k))]


class ArrangeForm(VisibleTextFormMixin, _Times):
    applicant = forms.ModelChoiceField(
        label=gettext_lazy("Job seeker (the office's record)"),
        queryset=None,
        error_messages={"invalid_choice": gettext_lazy("Choose a job seeker of your office.")},
    )
    job_number = forms.CharField(
        label=gettext_lazy("Job opening number"),
        max_length=20,
        help_text=gettext_lazy("As printed on the opening, e.g. 42020-12345678."),
    )
    company_name = forms.CharField(label=gettext_lazy("Company"), max_length=200)
    contact_name = forms.CharField(label=gettext_lazy("HR contact"), max_length=100)
    employer_email = forms.EmailField(
        label=gettext_lazy("Employer's email"),
        help_text=gettext_lazy("The address the employer registered with the office."),
        error_messages={
            "invalid": gettext_lazy("Enter an email address, like name@example.co.jp.")
        },
    )
    counselor = forms.ModelChoiceField(label=gettext_lazy("Counselor"), queryset=None)
    counselor_attends = forms.BooleanField(
        label=gettext_lazy("The counselor attends (their time is taken too)"), required=False
    )
    seeker_language = forms.ChoiceField(
        label=gettext_lazy("Job seeker's language (their emails)"),
        choices=[("", gettext_lazy("As they last booked (else Japanese)"))]
        + [(c, n) for c, n in languages.CHOICES if c in languages.SHIPPED],
        required=False,
    )
    employer_language = _employer_language()
    minutes = forms.TypedChoiceField(
        label=gettext_lazy("Length"),
        coerce=int,
        initial=30,
        choices=[(m, gettext_lazy("%(m)d minutes") % {"m": m}) for m in LENGTHS],
    )
    field_order = [
        "applicant",
        "job_number",
        "company_name",
        "contact_name",
        "employer_email",
        "seeker_language",
        "employer_language",
        "counselor",
        "counselor_attends",
        "minutes",
        "time_1",
        "time_2",
        "time_3",
    ]

    def __init__(self, *args, applicants, counselors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].queryset = applicants
        self.fields["counselor"].queryset = counselors
        self.fields["time_1"].help_text = gettext_lazy(
            "One time or more: the times the office proposes, or the time the employer asked for."
        )


class ProposeForm(_Times):
    pass


class JoinLinkForm(forms.Form):
    join_url = forms.CharField(
        label=gettext_lazy("Join link of the meeting"),
        max_length=500,
        help_text=gettext_lazy("Paste the whole link from the meeting you created (https://…)."),
    )


class SelectionForm(VisibleTextFormMixin, forms.Form):
    job_number = forms.CharField(
        label=gettext_lazy("Job opening number"),
        max_length=20,
        help_text=gettext_lazy("As printed on the opening, e.g. 42020-12345678."),
    )
    company_name = forms.CharField(label=gettext_lazy("Company"), max_length=200)
    contact_name = forms.CharField(label=gettext_lazy("HR contact"), max_length=100)
    employer_email = forms.EmailField(
        label=gettext_lazy("Employer's email"),
        error_messages={
            "invalid": gettext_lazy("Enter an email address, like name@example.co.jp.")
        },
    )
    employer_language = _employer_language()
    counselor = forms.ModelChoiceField(label=gettext_lazy("Counselor"), queryset=None)
    day = forms.DateField(
        label=gettext_lazy("Day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date, e.g. 2026-12-01.")},
    )
    first = forms.TimeField(
        label=gettext_lazy("Start time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": gettext_lazy("Enter a time, e.g. 13:00.")},
    )
    last = forms.TimeField(
        label=gettext_lazy("End time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": gettext_lazy("Enter a time, e.g. 16:00.")},
    )
    turn_minutes = forms.TypedChoiceField(
        label=gettext_lazy("Minutes per turn"),
        coerce=int,
        initial=30,
        choices=[(m, gettext_lazy("%(m)d minutes") % {"m": m}) for m in (15, 20, 30, 45, 60)],
    )
    candidates = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Candidates (the office's job seekers)"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, applicants, counselors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = applicants
        self.fields["counselor"].queryset = counselors
