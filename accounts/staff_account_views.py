"""The office's staff accounts page: its manager adds, deactivates and unlocks counselor
accounts and issues a new password (`accounts.staff_accounts`)."""

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from accounts.models import StaffAccountChange
from accounts.staff_accounts import (
    StaffAccountRefused,
    counselor_account_create,
    counselor_account_deactivate,
    counselor_account_factor_reset,
    counselor_account_new_password,
    counselor_account_reactivate,
    counselor_account_unlock,
    office_staff_accounts,
)
from common.errors import DomainError
from offices.models import Office, User


class CounselorAccountForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Username"), max_length=150,
        help_text=gettext_lazy("What they type to sign in, e.g. kawagoe-tanaka."),
    )  # fmt: skip
    last_name = forms.CharField(label=gettext_lazy("Family name"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("Given name"), max_length=150)
    display_name = forms.CharField(
        label=gettext_lazy("Name on the schedule"), max_length=100, required=False,
        help_text=gettext_lazy("Staff see it; the public never does. Blank: the username."),
    )  # fmt: skip
    email = forms.EmailField(
        label=gettext_lazy("Work email"),
        help_text=gettext_lazy("Where the account's notices go (a lockout, a new browser)."),
    )


def _office(request: HttpRequest) -> Office:
    """The manager's own office; a superuser's choice (`?office=<slug>`)."""
    user = request.user
    if user.is_superuser:
        slug = request.GET.get("office") or request.POST.get("office")
        offices = Office.objects.order_by("pk")
        office = offices.filter(slug=slug).first() if slug else offices.first()
    elif user.has_perm("accounts.manage_office_staff"):
        office = Office.objects.filter(pk=user.office_id).first()
    else:
        raise PermissionDenied
    if office is None:
        raise Http404
    return office


def _target(request: HttpRequest, office: Office) -> User:
    """An account of the office, by id: another office's is not there (404)."""
    raw = request.POST.get("user", "")
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    user = User.objects.filter(pk=int(raw), office=office, is_superuser=False).first()
    if user is None:
        raise Http404
    return user


@never_cache
@staff_member_required(login_url="/admin/login/")
def staff_accounts_view(request: HttpRequest) -> HttpResponse:
    office = _office(request)
    form = CounselorAccountForm(request.POST if request.POST.get("do") == "create" else None)
    shown_password = None
    asking_error = ""
    status = 200
    if request.method == "POST":
        try:
            shown_password = _act(request, office, form)
        except DomainError as refused:
            if isinstance(refused, StaffAccountRefused) and refused.field in form.fields:
                form.add_error(refused.field, refused.message)
            elif request.POST.get("do") in ASKED_WITH_REASON:  # the question again, why
                asking_error = refused.message
            else:
                messages.error(request, refused.message)
            status = 400
        else:
            if form.errors:
                status = 400
            elif shown_password is None:
                return redirect(f"{request.path}?{urlencode({'office': office.slug})}")
    deactivating = None
    asked = request.GET.get("deactivate", "")
    rows = office_staff_accounts(office=office, by=request.user, now=request.now)
    if asked.isdigit():
        deactivating = next(
            (r.user for r in rows if r.user.pk == int(asked) and r.manageable), None
        )
    asking = _asking(request, rows, asking_error)
    if asking_error and asking is None:  # not an account this question is open for
        messages.error(request, asking_error)
    context = {
        "title": _("Staff accounts: %(office)s") % {"office": office.name},
        "office": office,
        "offices": Office.objects.order_by("pk") if request.user.is_superuser else [office],
        "rows": rows,
        "form": form,
        "shown_password": shown_password,
        "deactivating": deactivating,
        "asking": asking,
        "changes": StaffAccountChange.objects.filter(office=office).select_related("user", "by")[
            :20
        ],
    }
    return render(request, "accounts/staff_accounts.html", context, status=status)


# The changes asked with a reason: the question each opens (`?<kind>=<user id>`).
ASKED_WITH_REASON = ("factor_reset", "reactivate")


def _asking(request: HttpRequest, rows, error: str) -> dict | None:
    """The reason asked for a second-factor reset or a reactivation, if one was chosen
    (by the link, or again after a refusal), for an account the row allows it on."""
    for kind in ASKED_WITH_REASON:
        raw = request.POST.get("user", "") if error else request.GET.get(kind, "")
        if (error and request.POST.get("do") != kind) or not raw.isdigit():
            continue
        for row in rows:
            allowed = (
                row.manageable and row.second_factor and not row.entra
                if kind == "factor_reset"
                else row.reactivatable
            )
            if row.user.pk == int(raw) and allowed:
                return {
                    "kind": kind, "user": row.user, "error": error,
                    "reason": request.POST.get("reason", "") if error else "",
                }  # fmt: skip
    return None


def _act(request: HttpRequest, office: Office, form: CounselorAccountForm) -> dict | None:
    """Runs the asked change; returns the account and password to show once, if any."""
    by, now = request.user, request.now
    what = request.POST.get("do")
    if what == "create":
        if not form.is_valid():
            return None
        user, password = counselor_account_create(
            by=by, office=office, now=now, **form.cleaned_data
        )
        return {"username": user.username, "password": password, "new": True}
    user = _target(request, office)
    if what == "deactivate":
        counselor_account_deactivate(by=by, user=user, now=now)
        messages.success(
            request,
            _("%(username)s is deactivated: signed out everywhere, cannot sign in and takes "
              "no new bookings. Their bookings and history stay.") % {"username": user.username},
        )  # fmt: skip
    elif what == "unlock":
        counselor_account_unlock(by=by, user=user, now=now)
        messages.success(
            request, _("The lock of %(username)s is lifted.") % {"username": user.username}
        )
    elif what == "factor_reset":
        counselor_account_factor_reset(
            by=by, user=user, reason=request.POST.get("reason", ""), now=now
        )
        messages.success(
            request,
            _("The second factor of %(username)s is reset: they are signed out everywhere, "
              "emailed, and set up a new one at their next sign-in.")
            % {"username": user.username},
        )  # fmt: skip
    elif what == "reactivate":
        counselor_account_reactivate(
            by=by, user=user, reason=request.POST.get("reason", ""), now=now
        )
        messages.success(
            request,
            _("%(username)s is active again: they can sign in and take bookings.")
            % {"username": user.username},
        )  # fmt: skip
    elif what == "password":
        password = counselor_account_new_password(by=by, user=user, now=now)
        return {"username": user.username, "password": password, "new": False}
    else:
        raise Http404
    return None
