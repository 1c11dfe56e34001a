"""
The admin's sign-in form: a wrong password just before the lockout (django-axes) says
that the next one locks the sign-in, so nobody is locked out without warning.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class StaffAuthenticationForm(AdminAuthenticationForm):
    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            if self.request is None or error.code != "invalid_login":
                raise
            username = self.cleaned_data.get("username", "")
            failures = AxesProxyHandler.get_failures(self.request, {"username": username})
            left = settings.AXES_FAILURE_LIMIT - failures
            if left == 1:
                raise ValidationError(
                    [
                        error,
                        ValidationError(
                            _(
                                "One more wrong password locks signing in with this username "
                                "for 30 minutes. If you are not sure of it, ask your office's "
                                "administrator to reset it."
                            ),
                            code="last_attempt",
                        ),
                    ]
                ) from error
            raise
