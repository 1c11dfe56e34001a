"""The emails to a staff member about their own account: values in, a Message out."""

from datetime import datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.clock import JST
from notifications.services import Message

KIND_LOCKOUT = "staff_lockout"
KIND_NEW_DEVICE = "staff_new_device"
KIND_FACTOR_RESET = "staff_factor_reset"

KIND_LABELS = {
    KIND_LOCKOUT: gettext_lazy("Staff sign-in locked"),
    KIND_NEW_DEVICE: gettext_lazy("Staff sign-in from a new device"),
    KIND_FACTOR_RESET: gettext_lazy("Staff second factor reset"),
}


def _when(moment: datetime) -> str:
    return moment.astimezone(JST).strftime("%Y-%m-%d %H:%M")


def _footer() -> str:
    return _(
        "If this was not you, tell your site's system administrator (a superuser) at once: "
        "they can lock the account and reset its second factor."
    )


def lockout_message(*, username: str, until: datetime, self_unlock: bool = False) -> Message:
    with translation.override("ja"):
        subject = _("Signing in as %(username)s is locked") % {"username": username}
        text = "\n\n".join(
            [
                _(
                    "Several wrong passwords were entered for the staff account "
                    "%(username)s, so signing in with it is locked until %(until)s (Japan "
                    "time). Other staff are not affected."
                )
                % {"username": username, "until": _when(until)},
                _(
                    "If it was you: wait until then, or ask your office manager (for a "
                    "counselor's account) or a superuser (your site's system administrator) "
                    "to lift it and issue a new password."
                ),
                *(
                    [
                        _(
                            "Or lift it yourself with your authenticator app or a recovery "
                            "code: %(url)s"
                        )
                        % {"url": settings.SITE_URL.rstrip("/") + "/admin/unlock/"}
                    ]
                    if self_unlock
                    else []
                ),
                _footer(),
                settings.SITE_URL.rstrip("/") + "/admin/",
            ]
        )
        return Message(subject=subject, text=text + "\n")


def new_device_message(*, username: str, device: str, at: datetime) -> Message:
    with translation.override("ja"):
        subject = _("A sign-in as %(username)s from a new device") % {"username": username}
        text = "\n\n".join(
            [
                _(
                    "The staff account %(username)s signed in at %(at)s (Japan time) from "
                    "a browser it had not used before (%(device)s)."
                )
                % {"username": username, "at": _when(at), "device": device},
                _footer(),
            ]
        )
        return Message(subject=subject, text=text + "\n")


def factor_reset_message(*, username: str, at: datetime) -> Message:
    with translation.override("ja"):
        subject = _("The second factor of %(username)s was reset") % {"username": username}
        text = "\n\n".join(
            [
                _(
                    "A superuser removed the passkeys, authenticator apps and recovery "
                    "codes of the staff account %(username)s at %(at)s (Japan time). The "
                    "next sign-in asks to set up a new second factor."
                )
                % {"username": username, "at": _when(at)},
                _footer(),
            ]
        )
        return Message(subject=subject, text=text + "\n")
