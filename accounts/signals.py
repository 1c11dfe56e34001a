"""
Receivers: a lockout emails the account; a sign-in records its browser and its session;
signing out forgets the session; an account deactivated is signed out everywhere.
"""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.services import known_device_sign_in, lockout_notify
from accounts.staff_sessions import (
    staff_session_forget,
    staff_session_start,
    staff_sessions_end_all,
)
from common import clock

DEVICE_COOKIE = "staff_device"


@receiver(user_locked_out, dispatch_uid="accounts.lockout_notify")
def _on_locked_out(sender, request=None, username=None, **kwargs) -> None:
    if username:
        lockout_notify(username=username, now=clock.now())


@receiver(user_logged_in, dispatch_uid="accounts.known_device")
def _on_logged_in(sender, request=None, user=None, **kwargs) -> None:
    if request is None or user is None or not user.is_staff:
        return
    value = known_device_sign_in(
        user=user,
        cookie=request.COOKIES.get(DEVICE_COOKIE),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        now=clock.now(),
    )
    if value is not None:
        request.staff_device_cookie = value


@receiver(user_logged_in, dispatch_uid="accounts.staff_session")
def _on_staff_signed_in(sender, request=None, user=None, **kwargs) -> None:
    if request is not None and user is not None and user.is_staff:
        staff_session_start(request=request, user=user, now=clock.now())


@receiver(user_logged_out, dispatch_uid="accounts.staff_session_end")
def _on_signed_out(sender, request=None, user=None, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        staff_session_forget(session_key=request.session.session_key)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.sessions_end")
def _on_user_saved(sender, instance=None, created=False, **kwargs) -> None:
    """An account deactivated or no longer staff (by a superuser, a manager, or Entra ID's
    mapping) is signed out everywhere."""
    if not created and (not instance.is_active or not instance.is_staff):
        staff_sessions_end_all(user=instance)
