"""Form fields with the bounds every date of a request keeps (`common.dates`)."""

from django import forms
from django.utils.translation import gettext as _

from common.dates import EARLIEST, LATEST, day_in_bounds


class BoundedDateField(forms.DateField):
    """A DateField that refuses a day outside EARLIEST..LATEST, saying which days it takes."""

    def validate(self, value) -> None:
        super().validate(value)
        if value is not None and not day_in_bounds(value):
            raise forms.ValidationError(
                _("Enter a date from %(first)s to %(last)s.")
                % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()},
                code="out_of_range",
            )
