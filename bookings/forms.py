"""
The public booking form. Which fields appear follows the office's rules; the checks
themselves are `bookings.validation`, shared with the API and phone bookings.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.models import ApplicantKind
from bookings.validation import ATTENDEE_ROLES, validate_applicant
from offices.accommodation import OTHER_MAX, Means, means_choices, office_means
from offices.models import FieldRequirement, Office
from offices.rules import BookingRules

ATTENDEE_ROWS = 2
# Digits (any width), spaces and dashes: what `normalize_job_seeker_number` accepts.
JOB_SEEKER_NUMBER_PATTERN = "[0-9０-９\\s\\-－‐−ー]*"
ROLE_LABELS = {
    "interpreter": _("Interpreter"),
    "helper": _("Helper"),
    "supporter": _("Supporter"),
    "family": _("Family member"),
    "other": _("Other"),
}


class DetailsForm(forms.Form):
    """Fields carry `required_mark` (必須/任意) and an example under the label."""

    email_optional = False  # staff bookings: a person without email is reached by phone
    asks_accommodation = True  # the means the office offers, where it offers any

    def __init__(
        self, *args, office: Office, rules: BookingRules, attendees: bool = True, **kwargs
    ):
        """`attendees`: the form asks who attends with the person (a group session's seat
        does not)."""
        super().__init__(*args, **kwargs)
        self.office, self.rules = office, rules
        add = self._add
        if office.employers_may_book:
            self.fields["kind"] = forms.ChoiceField(
                label=_("Who is booking"),
                choices=ApplicantKind.choices,
                widget=forms.RadioSelect,
                initial=ApplicantKind.JOB_SEEKER,
                required=False,
            )
            self.fields["kind"].required_mark = True
        add("name", _("Name"), True, _("Example: 山田 太郎"), autocomplete="name", max_length=100)
        if office.name_kana != FieldRequirement.NOT_ASKED:
            add(
                "name_kana",
                _("Name in kana"),
                office.name_kana == FieldRequirement.REQUIRED,
                _("Example: ヤマダ タロウ"),
                autocomplete="off",
                max_length=100,
            )
        if rules.job_seeker_number != FieldRequirement.NOT_ASKED:
            add(
                "job_seeker_number",
                _("Job-seeker number"),
                rules.job_seeker_number == FieldRequirement.REQUIRED,
                _(
                    "As on your Hello Work card. Example: 12345-1234567. Digits only is "
                    "fine: 123451234567"
                ),
                autocomplete="off",
                # The number pad (no hyphen on an iPhone's): digits alone are accepted.
                inputmode="numeric",
                pattern=JOB_SEEKER_NUMBER_PATTERN,
                max_length=30,
            )
        add(
            "email",
            _("Email address"),
            not self.email_optional,
            _(
                "Example: taro@example.jp. Without one, give the person the meeting link by "
                "phone or post."
            )
            if self.email_optional
            else _("Example: taro@example.jp. Your booking link is sent here."),
            autocomplete="email",
            inputmode="email",
            type="email",
            max_length=254,
        )
        add(
            "phone",
            _("Phone number"),
            True,
            _("Example: 090-1234-5678. The office calls it if the connection fails."),
            autocomplete="tel",
            inputmode="tel",
            type="tel",
            max_length=30,
        )
        if office.employers_may_book:
            add(
                "company_name",
                _("Company name (employers)"),
                True,
                _("Employers only. Example: 株式会社サンプル"),
                autocomplete="organization",
                max_length=200,
            )
            # Who must fill what depends on "who is booking": said on the mark itself.
            self.fields["company_name"].required_for = _("Required for employers")
            if "job_seeker_number" in self.fields:
                self.fields["job_seeker_number"].label = _("Job-seeker number (job seekers)")
                self.fields["job_seeker_number"].required_for = (
                    _("Required for job seekers")
                    if rules.job_seeker_number == FieldRequirement.REQUIRED
                    else ""
                )
                self.fields["job_seeker_number"].help_text = _(
                    "Job seekers: as on your Hello Work card, e.g. 12345-1234567 (digits only "
                    "is fine). Employers leave it empty."
                )
        means = means_choices(office, attendees_below=attendees) if self.asks_accommodation else []
        if means:
            self.fields.update(accommodation_fields(office, means))
        for index in range(ATTENDEE_ROWS if attendees else 0):
            number = {"number": index + 1}
            self.fields[f"attendee_{index}_role"] = forms.ChoiceField(
                label=_("Attendee %(number)d: role") % number,
                required=False,
                choices=[("", "---")] + [(role, ROLE_LABELS[role]) for role in ATTENDEE_ROLES],
            )
            self.fields[f"attendee_{index}_role"].required_mark = False
            add(
                f"attendee_{index}_name",
                _("Attendee %(number)d: name") % number,
                False,
                "",
                max_length=100,
            )
            add(
                f"attendee_{index}_affiliation",
                _("Attendee %(number)d: affiliation") % number,
                False,
                "",
                max_length=200,
            )
        self.fields["note"] = forms.CharField(
            label=_("Anything the counselor should know"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
            # Asking for what one needs is welcome; a diagnosis is not needed for it.
            help_text=_(
                "What you need to take part goes under “Accommodation you need” above. "
                "Medical details such as a diagnosis are not needed."
            )
            if means
            else _(
                "If you need something to take part (for example captions or more time), "
                "you may write it here. Medical details such as a diagnosis are not needed."
            ),
        )
        self.fields["note"].required_mark = False

    def _add(self, name, label, required, example, *, max_length, type="text", **attrs):
        widget_attrs = {"autocomplete": attrs.get("autocomplete", "on"), **attrs}
        widget_attrs.pop("type", None)
        widget_class = {"email": forms.EmailInput, "tel": forms.TextInput}.get(
            type, forms.TextInput
        )
        if type == "tel":
            widget_attrs["type"] = "tel"
        field = forms.CharField(
            label=label,
            required=False,  # the shared validation decides, with its own messages
            help_text=example,
            widget=widget_class(attrs={**widget_attrs, "maxlength": max_length}),
        )
        field.required_mark = required
        self.fields[name] = field

    def attendee_rows(self):
        return [
            (
                self[f"attendee_{i}_role"],
                self[f"attendee_{i}_name"],
                self[f"attendee_{i}_affiliation"],
            )
            for i in range(ATTENDEE_ROWS)
        ]

    def raw_data(self) -> dict:
        return self.raw_data_from({name: self.cleaned_data.get(name, "") for name in self.fields})

    def typed_data(self) -> dict:
        """What was typed, unchecked (a draft kept for later), in `raw_data`'s shape."""
        return self.raw_data_from(
            {
                name: self.data.getlist(name)
                if isinstance(field, forms.MultipleChoiceField) and hasattr(self.data, "getlist")
                else self.data.get(name, "")
                for name, field in self.fields.items()
            }
        )

    def cleaned_email(self) -> str:
        return str(self.cleaned_data.get("email") or "").strip()

    @staticmethod
    def raw_data_from(values: dict) -> dict:
        """The fields' values in the shape `validate_applicant` takes (attendees as a list)."""
        data = dict(values)
        attendees = []
        for i in range(ATTENDEE_ROWS):
            role, name = data.pop(f"attendee_{i}_role", ""), data.pop(f"attendee_{i}_name", "")
            affiliation = data.pop(f"attendee_{i}_affiliation", "")
            if role or name or affiliation:
                attendees.append({"role": role, "name": name, "affiliation": affiliation})
        data["attendees"] = attendees
        return data

    def clean(self):
        cleaned = super().clean()
        _applicant, errors = validate_applicant(
            self.raw_data(), office=self.office, rules=self.rules,
            email_optional=self.email_optional,
        )  # fmt: skip
        for name, messages in errors.items():
            target = name if name in self.fields else None
            if name == "attendees":
                target = "attendee_0_name"
            for message in messages:
                self.add_error(target, message)
        return cleaned


def accommodation_fields(office: Office, means: list[tuple[str, str]]) -> dict:
    """The means the office offers as boxes to tick, and "Other" in the person's words
    (checked by `bookings.validation.validate_accommodations`)."""
    invalid = _("Choose only from the accommodation this office offers.")
    fields = {
        "accommodations": forms.MultipleChoiceField(
            label=_("Accommodation you need"),
            choices=means,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_(
                "Tick what helps you take part. You need not say why, and no medical "
                "details are needed."
            ),
            error_messages={"invalid_choice": invalid, "invalid_list": invalid},
        )
    }
    if Means.OTHER in office_means(office):
        fields["accommodation_other"] = forms.CharField(
            label=_("Other: what you need"),
            required=False,
            help_text=_("Example: breaks during the session"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": OTHER_MAX}),
        )
    for field in fields.values():
        field.required_mark = False
    return fields


class AccommodationForm(forms.Form):
    """The accommodation on its own, without the details form (no attendee fields): asked
    for on the invitation page, changed on the booking's page before the session
    (`bookings.services.accommodation`). `changing`: something was asked for already."""

    def __init__(self, *args, office: Office, changing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            accommodation_fields(office, means_choices(office, attendees_below=False))
        )
        if changing:
            self.fields["accommodations"].label = _("Change what you need")

    def values(self) -> dict:
        """What was sent, unchecked, in the shape `validate_accommodations` takes."""
        return {
            "accommodations": self.data.getlist("accommodations"),
            "accommodation_other": self.data.get("accommodation_other", ""),
        }

    @classmethod
    def as_sent(cls, values: dict, *, office: Office, errors: dict | None = None):
        """The fields showing `values` again, with the booking's messages under them."""
        form = cls(office=office, initial=values)
        form.full_clean()
        form.cleaned_data = {}
        for name, messages in (errors or {}).items():
            if name in form.fields:
                for message in messages:
                    form.add_error(name, message)
        return form


class FindBookingForm(forms.Form):
    """予約の確認: the reference and the email address; the service checks both."""

    reference = forms.CharField(
        label=_("Booking reference"),
        required=False,
        max_length=40,
        help_text=_("In the email about your booking. Example: AB3CD5EF"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    email = forms.CharField(
        label=_("Email address"),
        required=False,
        max_length=254,
        help_text=_("The address you booked with. Example: taro@example.jp"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required_mark = True
