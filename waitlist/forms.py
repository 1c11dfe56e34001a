"""The forms to join a waitlist: the days (and, if the person wishes, times of day) they
could come (`DaysForm`, also the invitation page's, where the record gives the rest), and
with them the same details as a booking (`JoinForm`: `bookings.forms.DetailsForm`, checked
by the same validation); for a seat of a full session, the details alone
(`SessionJoinForm`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.forms import DetailsForm

DAY_FIELDS = ("first_day", "last_day", "earliest", "latest")


def day_fields() -> dict[str, forms.Field]:
    date_input = {"type": "date"}
    days = {
        "first_day": forms.DateField(
            label=_("First day you could come"), help_text=_("Example: 2026-12-01"),
            error_messages={"required": _("Enter the first day, e.g. 2026-12-01."),
                            "invalid": _("Enter the day as year-month-day, e.g. 2026-12-01.")},
            widget=forms.DateInput(attrs=date_input, format="%Y-%m-%d"),
        ),
        "last_day": forms.DateField(
            label=_("Last day you could come"),
            help_text=_("The same day as the first for one day only."),
            error_messages={"required": _("Enter the last day, e.g. 2026-12-03."),
                            "invalid": _("Enter the day as year-month-day, e.g. 2026-12-03.")},
            widget=forms.DateInput(attrs=date_input, format="%Y-%m-%d"),
        ),
        "earliest": forms.TimeField(
            label=_("From (time of day)"), required=False,
            help_text=_("Leave empty for any time. Example: 13:00"),
            error_messages={"invalid": _("Enter a time as hours:minutes, e.g. 13:00.")},
            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        ),
        "latest": forms.TimeField(
            label=_("Until (time of day)"), required=False,
            help_text=_("Leave empty for any time. Example: 16:00"),
            error_messages={"invalid": _("Enter a time as hours:minutes, e.g. 16:00.")},
            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        ),
    }  # fmt: skip
    days["first_day"].required_mark = days["last_day"].required_mark = True
    days["earliest"].required_mark = days["latest"].required_mark = False
    return days


class DaysForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = day_fields()


class SessionJoinForm(DetailsForm):
    """To wait for a seat of a full session: a booking's details (the session is the day)."""

    asks_accommodation = False


class JoinForm(DetailsForm):
    # The accommodation is asked for on the booking the offer leads to (its booking page).
    asks_accommodation = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {**day_fields(), **self.fields}

    def raw_data(self) -> dict:
        data = super().raw_data()
        for name in DAY_FIELDS:
            data.pop(name, None)
        return data
