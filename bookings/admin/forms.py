"""The forms of the admin's actions on bookings and people."""

from django import forms
from django.utils.translation import gettext_lazy

from common.text import validate_visible_lines


class MeetingLinkForm(forms.Form):
    join_url = forms.URLField(
        label=gettext_lazy("Join link"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy(
            "The guest link from TeleOffice (or another platform), starting with https://"
        ),
    )
    passcode = forms.CharField(
        label=gettext_lazy("Access code or passcode"), max_length=50, required=False
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept on record for staff; not sent to the person)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_visible_lines],
    )


class CancelForm(DeclineForm):
    """Cancelling or declining bookings: the staff's note, and what the person is told."""

    PERSON, OFFICE = "person", "office"
    field_order = ["asked_by", "reason", "message"]
    asked_by = forms.ChoiceField(
        label=gettext_lazy("Whose decision is it?"),
        choices=[
            (
                PERSON,
                gettext_lazy(
                    "The person asked for it (counted as their cancellation; the email says "
                    "it was cancelled at their request)"
                ),
            ),
            (OFFICE, gettext_lazy("The office cancels or declines it")),
        ],
        widget=forms.RadioSelect,
    )

    message = forms.CharField(
        label=gettext_lazy("Message to the person (sent in the email; optional)"),
        help_text=gettext_lazy(
            "Written to the person, politely: the email adds the office's phone number. "
            "Leave empty to send the email without a reason."
        ),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_visible_lines],
    )
