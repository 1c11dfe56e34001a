"""The counselor's invitation form and the withdrawal's reason."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy

from common.text import VisibleTextFormMixin
from invitations.services import DEFAULT_WINDOW_DAYS, MAX_USES


class InviteForm(VisibleTextFormMixin, forms.Form):
    service = forms.ModelChoiceField(
        label=gettext_lazy("Service"), queryset=None, empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Choose a service of your office.")},
    )  # fmt: skip
    first_day = forms.DateField(
        label=gettext_lazy("First day to book"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(
        label=gettext_lazy("Last day to book"), widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=gettext_lazy("The link works until (end of the day)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Blank: until the last day to book."),
    )
    max_uses = forms.TypedChoiceField(
        label=gettext_lazy("Bookings allowed with this invitation"),
        coerce=int,
        choices=[(n, n) for n in range(1, MAX_USES + 1)],
        initial=1,
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the email and letter"),
        choices=lambda: settings.LANGUAGES,
        initial="ja",
    )

    def __init__(self, *args, services, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["first_day"].initial = today + timedelta(days=1)
        self.fields["last_day"].initial = today + timedelta(days=DEFAULT_WINDOW_DAYS)
        for name in ("first_day", "last_day", "expires_on"):
            self.fields[name].error_messages["invalid"] = gettext_lazy(
                "Enter a date, e.g. 2026-12-01."
            )


class WithdrawForm(VisibleTextFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it withdrawn? (kept on record for staff)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
