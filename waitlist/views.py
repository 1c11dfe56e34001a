"""
The person's side of the waitlist: the forms to join, for days or for a seat of a full
group session (open booking's path: the details of a booking, then the email's link), and
the entry's page behind its secret link (its place, an offered time or seat to book or let
pass, LINE or SMS for the offers, leaving the list). An unknown link is the site's 404.
"""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.exceptions import BookingInvalid
from bookings.models import GroupSession
from bookings.public.shared import office_and_service, token_page
from common.clock import JST
from common.dates import parse_day
from common.errors import DomainError
from common.http import client_ip
from notifications import channel_pages
from notifications.models import Owner
from offices import display
from offices.rules import rules_for_service
from terms.selectors import terms_in_force
from waitlist.emails import entry_facts, offer_button
from waitlist.errors import OfferTaken, WaitlistRefused
from waitlist.forms import JoinForm, SessionJoinForm
from waitlist.models import IN_LINE, WAITLIST_OWNER, EntryStatus, WaitlistEntry
from waitlist.selectors import entry_get_by_token, entry_open_offer, entry_place
from waitlist.services import (
    offer_accept,
    offer_decline,
    waitlist_confirm,
    waitlist_join,
    waitlist_leave,
)

BOOKED_KEY = "waitlist_booked"


@never_cache
@require_http_methods(["GET", "POST"])
def waitlist_join_view(request: HttpRequest, slug: str) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    office, service, _services = office_and_service(slug, source.get("service"))
    if not service.waitlist_enabled:
        raise Http404
    rules = rules_for_service(service, office)
    if request.method == "POST":
        form = JoinForm(request.POST, office=office, rules=rules)
        if form.is_valid():
            days = form.cleaned_data
            try:
                waitlist_join(
                    service=service, data=form.raw_data(), first_day=days["first_day"],
                    last_day=days["last_day"], earliest=days.get("earliest"),
                    latest=days.get("latest"), language=get_language() or "ja", now=request.now,
                )  # fmt: skip
            except WaitlistRefused as refused:
                form.add_error(refused.field if refused.field in form.fields else None,
                               str(refused.message))  # fmt: skip
            except BookingInvalid as invalid:
                for name, errors in invalid.errors.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, str(error))
            else:
                return redirect(reverse("waitlist-sent", args=[slug]) + f"?service={service.slug}")
    else:
        day = parse_day(request.GET.get("day")) or request.now.astimezone(JST).date()
        form = JoinForm(office=office, rules=rules, initial={"first_day": day, "last_day": day})
    context = {"office": office, "service": service, "form": form,
               "length": display.session_length_text(rules)}  # fmt: skip
    return render(request, "waitlist/join.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def waitlist_session_join_view(
    request: HttpRequest, slug: str, session_uuid: uuid.UUID
) -> HttpResponse:
    """The form to wait for a seat of a full session (the open path: the details, then the
    email's link); a session with a free seat, or a service without a waitlist, says so."""
    session = (
        GroupSession.objects.select_related("service", "office", "counselor")
        .filter(uuid=session_uuid, office__slug=slug)
        .first()
    )
    if session is None or not session.service.waitlist_enabled:
        raise Http404
    office, service, _services = office_and_service(slug, session.service.slug)
    rules = rules_for_service(service, office)
    form = SessionJoinForm(request.POST or None, office=office, rules=rules)
    if request.method == "POST" and form.is_valid():
        try:
            waitlist_join(
                service=service, group_session=session, data=form.raw_data(),
                language=get_language() or "ja", now=request.now,
            )  # fmt: skip
        except WaitlistRefused as refused:
            form.add_error(None, str(refused.message))
        except BookingInvalid as invalid:
            for name, errors in invalid.errors.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, str(error))
        else:
            return redirect(reverse("waitlist-sent", args=[slug]) + f"?service={service.slug}")
    japanese = (get_language() or "ja").startswith("ja")
    context = {
        "office": office, "service": service, "form": form, "session": session,
        "session_title": session.title_en
        if not japanese and session.title_en
        else session.display_title,
        "session_when": display.format_session(session.start, session.end),
    }  # fmt: skip
    return render(request, "waitlist/join.html", context)


@never_cache
def waitlist_sent_view(request: HttpRequest, slug: str) -> HttpResponse:
    office, service, _services = office_and_service(slug, request.GET.get("service"))
    return render(request, "waitlist/sent.html", {"office": office, "service": service})


def _entry_or_404(token: str) -> WaitlistEntry:
    entry = entry_get_by_token(token=token)
    if entry is None:
        raise Http404
    return entry


@never_cache
@require_http_methods(["GET", "POST"])
def waitlist_entry_view(request: HttpRequest, token: str) -> HttpResponse:
    """The entry's page; POST `action`: confirm, accept, decline or leave."""
    entry = _entry_or_404(token)
    now = request.now
    here = reverse("waitlist-entry", args=[token])
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action")
        offer = entry_open_offer(entry)
        try:
            if action == "confirm":
                waitlist_confirm(entry=entry, now=now)
                messages.success(request, _("Your place on the waitlist is confirmed."))
            elif action == "leave":
                waitlist_leave(entry=entry, now=now)
                messages.success(request, _("You have left the waitlist."))
            elif action in ("accept", "decline") and offer is None:
                messages.error(request, _("This offer has ended. You stay on the waitlist."))
            elif action == "decline":
                offer_decline(offer=offer, now=now)
                messages.success(
                    request,
                    _("The seat has passed to the next person.")
                    if entry.group_session_id
                    else _("The time has passed to the next person. You stay on the list."),
                )
            elif action == "accept":
                try:
                    terms_id = int(request.POST.get("terms_version", ""))
                except ValueError:
                    terms_id = None
                created = offer_accept(
                    offer=offer, terms_version_id=terms_id,
                    agree_terms=request.POST.get("agree_terms") == "on",
                    ip_address=client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""), now=now,
                )  # fmt: skip
                request.session[BOOKED_KEY] = {"entry": entry.pk, "token": created.manage_token}
                messages.success(request, _("The time is booked for you."))
        except OfferTaken as taken:
            messages.error(request, str(taken.message))
        except BookingInvalid as invalid:
            errors = {name: str(found[0]) for name, found in invalid.errors.items()}
        except DomainError as refused:
            errors = {"__all__": str(refused.message)}
        if not errors:
            return redirect(here)
    entry.refresh_from_db()
    offer = entry_open_offer(entry)
    booked = request.session.get(BOOKED_KEY) or {}
    terms = terms_in_force(office=entry.office, at=now) if offer is not None else None
    english = get_language() == "en"
    context = {
        **entry_facts(entry),
        "office": entry.office,
        "entry": entry,
        "token": token,
        "place": entry_place(entry),
        "unconfirmed": entry.status == EntryStatus.UNCONFIRMED,
        "in_line": entry.status in (EntryStatus.WAITING, EntryStatus.OFFERED),
        "offer": offer,
        "offer_when": display.format_session(offer.start, offer.end) if offer else "",
        "offer_until": display.format_datetime(offer.expires_at) if offer else "",
        "submit": offer_button(entry) if offer else "",
        "booking_when": display.format_session(entry.booking.start, entry.booking.end)
        if entry.booking_id
        else "",
        "manage_url": reverse("booking-manage", args=[booked["token"]])
        if booked.get("entry") == entry.pk and booked.get("token")
        else "",
        "terms": terms,
        "terms_html": (terms.body_en_html if english and terms.body_en_html else terms.body_html)
        if terms
        else "",
        "errors": errors,
        **channel_pages.channels_context(_channel_page(entry, token)),
        "channels_intro": _(
            "Besides email, the office can tell you by LINE or SMS when a time is offered to "
            "you. The message only says there is news, with a link to this page; your "
            "details are never sent there."
        ),
    }
    return token_page(request, "waitlist/entry.html", context, status=422 if errors else 200)


# --- Notices by LINE or SMS (the part every owner of channels shares) ----------------------


def _channel_page(entry: WaitlistEntry, token: str) -> channel_pages.ChannelPage:
    return channel_pages.ChannelPage(
        owner=Owner(WAITLIST_OWNER, entry.pk),
        office=entry.office,
        language=entry.language,
        active=entry.status in IN_LINE,
        back_url=reverse("waitlist-entry", args=[token]),
        urls={
            name: reverse(f"waitlist-{name.replace('_', '-')}", args=[token])
            for name in ("line_link", "line_remove", "sms_set", "sms_confirm", "sms_remove")
        },
        render=token_page,
    )


@never_cache
@require_http_methods(["POST"])
def waitlist_sms_set(request: HttpRequest, token: str) -> HttpResponse:
    return channel_pages.sms_start(request, _channel_page(_entry_or_404(token), token))


@never_cache
@require_http_methods(["POST"])
def waitlist_sms_confirm(request: HttpRequest, token: str) -> HttpResponse:
    return channel_pages.sms_confirm(request, _channel_page(_entry_or_404(token), token))


@never_cache
@require_http_methods(["POST"])
def waitlist_line_link(request: HttpRequest, token: str) -> HttpResponse:
    return channel_pages.line_link(request, _channel_page(_entry_or_404(token), token))


@never_cache
@require_http_methods(["POST"])
def waitlist_channel_remove(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    return channel_pages.channel_remove(request, _channel_page(_entry_or_404(token), token), kind)
