"""
The counselor's invitation pages: invite one person or a list (from the schedule, the
person's record, or the people's list), print a letter with the link as a QR code, withdraw
with a reason, and the people invited who have not booked (to phone them). Staff see only
their own office: another office's person or invitation asked for by address is a 404.
"""

from datetime import timedelta

import segno
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts.access_log import Kind, staff_access_record
from bookings.admin.scope import offices_for, today
from bookings.models import Applicant
from common.errors import DomainError
from invitations.emails import invitation_facts
from invitations.forms import InviteForm, WithdrawForm
from invitations.models import Invitation, InvitationLink
from invitations.selectors import invitations_not_booked
from invitations.services import invitation_create, invitation_link_issue, invitation_withdraw
from offices.display import format_date
from offices.models import Service

MAX_PEOPLE = 200


def _people(request: HttpRequest) -> list[Applicant]:
    """The people asked for (`?people=1,2` or `?applicant=1`), all of one office the user
    may see; any other is a 404."""
    source = request.POST if request.method == "POST" else request.GET
    raw = source.get("people") or source.get("applicant") or ""
    ids = [part for part in raw.split(",") if part]
    if not ids or len(ids) > MAX_PEOPLE or not all(i.isdigit() and len(i) < 19 for i in ids):
        raise Http404
    people = list(
        Applicant.objects.filter(pk__in=ids, office__in=offices_for(request)).order_by("name")
    )
    if len(people) != len(set(ids)) or len({p.office_id for p in people}) != 1:
        raise Http404
    return people


def _invitation(request: HttpRequest, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_related("office", "service", "applicant")
        .filter(pk=invitation_id, office__in=offices_for(request))
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def _record(request: HttpRequest, office_id: int, kind: str, *, people=(), invitations=()):
    """The record of who looked at whom: the people and invitations a page names, by id."""
    records = {
        "applicant": [p.pk for p in people] + [i.applicant_id for i in invitations],
        "invitation": [i.pk for i in invitations],
    }
    staff_access_record(request, office_id=office_id, kind=kind, records=records)


def _require(model_admin: ModelAdmin, request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(f"invitations.{permission}_invitation"):
        raise PermissionDenied


def invite_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    _require(model_admin, request, "add")
    people = _people(request)
    office = people[0].office
    services = Service.objects.filter(office=office, is_active=True, accepts_invitations=True)
    source = request.POST if request.method == "POST" else None
    initial = {}
    asked = request.GET.get("service")
    if asked:
        initial["service"] = services.filter(slug=asked).first()
    form = InviteForm(source, initial=initial, services=services, today=today(request))
    if form.is_bound and form.is_valid():
        done, emailed = [], 0
        for person in people:
            try:
                issued = invitation_create(
                    applicant=person,
                    service=form.cleaned_data["service"],
                    by=request.user,
                    first_day=form.cleaned_data["first_day"],
                    last_day=form.cleaned_data["last_day"],
                    expires_on=form.cleaned_data["expires_on"],
                    max_uses=form.cleaned_data["max_uses"],
                    language=form.cleaned_data["language"],
                    now=request.now,
                )
            except DomainError as refused:
                messages.error(request, f"{person.name}: {refused.message}")
                continue
            done.append(issued.invitation)
            emailed += issued.emailed
        if done:
            messages.success(
                request,
                _(
                    "Invited %(count)d: %(emailed)d by email. Print a letter for those "
                    "without email."
                )
                % {"count": len(done), "emailed": emailed},
            )
        if len(done) == 1:
            return redirect(reverse("admin:invitations_invitation_change", args=[done[0].pk]))
        if done:
            return redirect(reverse("admin:invitations_invitation_changelist"))
    _record(request, office.pk, Kind.LIST, people=people)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Invite to book online"),
        "people": people,
        "people_ids": ",".join(str(p.pk) for p in people),
        "form": form,
        "no_service": not services.exists(),
    }
    return render(request, "admin/invitations/invite.html", context)


def withdraw_view(model_admin: ModelAdmin, request: HttpRequest, invitation_id: int):
    _require(model_admin, request, "change")
    invitation = _invitation(request, invitation_id)
    _record(request, invitation.office_id, Kind.PERSON, invitations=[invitation])
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            invitation_withdraw(
                invitation=invitation, by=request.user, reason=form.cleaned_data["reason"],
                now=request.now,
            )  # fmt: skip
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The invitation is withdrawn: its links no longer book."))
            return redirect(reverse("admin:bookings_applicant_change",
                                    args=[invitation.applicant_id]))  # fmt: skip
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Withdraw the invitation"),
        "invitation": invitation,
        "form": form,
    }
    return render(request, "admin/invitations/withdraw.html", context)


def letter_view(model_admin: ModelAdmin, request: HttpRequest, invitation_id: int):
    """GET: what the letter is, and the button; POST: a new link, the printable letter
    (A4, the link as a QR code drawn as inline SVG: no script, no image from elsewhere)."""
    _require(model_admin, request, "view")
    invitation = _invitation(request, invitation_id)
    _record(request, invitation.office_id, Kind.PERSON, invitations=[invitation])
    if request.method == "GET":
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": _("Print a letter"),
            "invitation": invitation,
        }
        return render(request, "admin/invitations/letter_start.html", context)
    token = invitation_link_issue(invitation=invitation, via=InvitationLink.Via.LETTER)
    url = request.build_absolute_uri(reverse("invitation", args=[token]))
    with translation.override(invitation.language):
        context = {
            **invitation_facts(invitation),
            "invitation": invitation,
            "person_name": invitation.applicant.name,
            "link_url": url,
            "qr": mark_safe(segno.make(url, error="m").svg_inline(scale=4, title=url)),  # noqa: S308 - segno's own SVG
            "printed_on": format_date(today(request)),
            "language": invitation.language,
        }
        response = render(request, "invitations/letter.html", context)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def not_booked_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    _require(model_admin, request, "view")
    offices = offices_for(request)
    office = offices.filter(slug=request.GET.get("office")).first() or offices.first()
    if office is None:
        raise Http404
    rows = list(invitations_not_booked(office_id=office.pk, now=request.now))
    _record(request, office.pk, Kind.LIST, invitations=rows)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Invited, not booked yet"),
        "office": office,
        "rows": rows,
        "now": request.now,
        "soon": request.now + timedelta(days=2),
    }
    return render(request, "admin/invitations/not_booked.html", context)
