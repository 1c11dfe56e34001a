"""
The admin's sign-in form. Before the password is checked, a username that has had
several wrong passwords must wait a little (a slow-down that doubles with each failure,
`accounts.selectors.slowdown_seconds`); a wrong password just before the lockout
(django-axes, `accounts.lockout`) says that the next one locks the account, so nobody is
locked out without warning.
"""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _

from accounts.selectors import sign_in_wait_seconds
from common import clock


class StaffAuthenticationForm(AdminAuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and self.request is not None:
            wait = sign_in_wait_seconds(username=username, now=clock.now())
            if wait:
                raise ValidationError(
                    _(
                        "Several wrong passwords were entered for this username. For your "
                        "account's safety, try again in %(seconds)s seconds."
                    ),
                    code="slow_down",
                    params={"seconds": wait},
                )
        try:
            return super().clean()
        except ValidationError as error:
            if self.request is None or error.code != "invalid_login":
                raise
            failures = AxesProxyHandler.get_failures(self.request, {"username": username})
            left = settings.AXES_FAILURE_LIMIT - failures
            if left == 1:
                raise ValidationError(
                    [
                        error,
                        ValidationError(
                            _(
                                "One more wrong password locks signing in with this username "
                                "for %(minutes)s minutes. If you have forgotten it, your "
                                "office manager (for a counselor's account) or a superuser "
                                "(your site's system administrator) can issue a new one."
                            ),
                            code="last_attempt",
                            params={"minutes": settings.STAFF_LOCKOUT_MINUTES},
                        ),
                    ]
                ) from error
            raise


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        validators=[
            RegexValidator(
                r"^[0-9A-Za-z ]+$",
                _("Type only the letters and digits of the code."),
            )
        ],
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )
