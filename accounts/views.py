"""Staff sign-in pages outside the admin's own: the lockout page, sign-in with Entra ID."""

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from accounts.entra import EntraRefused, entra_configured, entra_sign_in, flow_finish, flow_start
from accounts.forms import SecondFactorCodeForm
from accounts.lockout import lockout_address
from accounts.models import EntraSignIn
from accounts.selectors import lockout_state
from accounts.services import lockout_lift_with_factor, self_unlock_possible
from common import clock

ENTRA_FLOW = "entra_flow"


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """axes' lockout response (`AXES_LOCKOUT_CALLABLE`): which lock, until when, who helps."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    state = lockout_state(
        username=username or None, address=lockout_address(request), now=clock.now()
    )

    context = {
        "state": state,
        "minutes": settings.STAFF_LOCKOUT_MINUTES,
        "title": "",
        "self_unlock": state.by_username and self_unlock_possible(username=username),
        "username": username,
    }
    return render(request, "admin/locked_out.html", context, status=429)


@never_cache
def unlock_view(request: HttpRequest) -> HttpResponse:
    """A locked-out person lifts their own lock with their authenticator app or a recovery
    code; the same answer whether or not the username exists."""

    username = (request.POST.get("username") or request.GET.get("username") or "")[:150]
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if lockout_lift_with_factor(username=username, code=form.cleaned_data["code"]):
            return render(request, "accounts/unlocked.html", {"title": _("The lock is lifted")})
        form.add_error(
            "code",
            _("That code is not right for this username. Wait a little and type the code "
              "your app shows now, or one of your recovery codes."),
        )  # fmt: skip
    context = {
        "form": form,
        "username": username,
        "title": _("Lift the lock with your second factor"),
    }
    return render(request, "accounts/unlock.html", context)


def _callback_url() -> str:
    return settings.SITE_URL.rstrip("/") + "/admin/entra/callback/"


@never_cache
def entra_start(request: HttpRequest) -> HttpResponse:
    """Sends the browser to Microsoft's sign-in page (only where Entra ID is configured)."""

    if not entra_configured():
        raise Http404
    try:
        flow = flow_start(redirect_uri=_callback_url())
    except EntraRefused as refused:
        return _entra_refused(request, refused)
    request.session[ENTRA_FLOW] = flow
    return redirect(flow["auth_uri"])


@never_cache
def entra_callback(request: HttpRequest) -> HttpResponse:
    """Microsoft's answer: the account signed in with its office and roles, or refused."""

    if not entra_configured():
        raise Http404
    flow = request.session.pop(ENTRA_FLOW, None)
    try:
        claims = flow_finish(flow=flow, answer=request.GET.dict(), now=request.now)
        result = entra_sign_in(claims=claims, now=request.now)
    except EntraRefused as refused:
        return _entra_refused(request, refused)
    login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
    if result.mfa:
        device, _created = EntraSignIn.objects.get_or_create(
            user=result.user, defaults={"name": "Microsoft Entra ID", "confirmed": True}
        )
        otp_login(request, device)
    return redirect("/admin/")


def _entra_refused(request: HttpRequest, refused) -> HttpResponse:
    context = {"message": refused.message, "title": ""}
    return render(request, "accounts/entra_refused.html", context, status=refused.http_status)
