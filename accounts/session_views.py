"""A staff member's own signed-in sessions: the list, signing out of one or of all others."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.staff_sessions import (
    staff_session_end,
    staff_sessions_active,
    staff_sessions_end_others,
)


@never_cache
@staff_member_required(login_url="/admin/login/")
def sessions_view(request: HttpRequest) -> HttpResponse:
    """GET: the account's own sessions; POST `end=<id>` or `end=others` signs them out."""
    user = request.user
    here = request.session.session_key
    if request.method == "POST":
        asked = request.POST.get("end", "")
        if asked == "others":
            count = staff_sessions_end_others(user=user, keep_key=here)
            messages.success(
                request, _("Signed out of %(count)d other session(s).") % {"count": count}
            )
        elif (
            asked.isdigit()
            and len(asked) < 19
            and staff_session_end(user=user, session_id=int(asked))
        ):
            messages.success(request, _("That session is signed out."))
        else:
            messages.error(
                request,
                _("That session is no longer signed in (or is not yours): the list is "
                  "shown again."),
            )  # fmt: skip
        return redirect("staff-sessions")
    sessions = staff_sessions_active(user=user, now=request.now)
    context = {
        "title": _("Your signed-in sessions"),
        "idle_minutes": settings.STAFF_IDLE_MINUTES,
        "sessions": sessions,
        "here": here,
        "others": [s for s in sessions if s.session_key != here],
    }
    return render(request, "accounts/sessions.html", context)
