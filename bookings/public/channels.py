"""
The booking page's part for notices by LINE or SMS (お知らせの受け取り方): the person adds
a Japanese mobile number for SMS, links the office's LINE account (`notifications.contacts`
says how LINE's account-link flow runs), or removes either. Only pointers go there: a
fixed sentence and a link to this page, never the booking's details.
"""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.public.shared import booking_or_404, token_page
from bookings.tokens import MANAGE
from common.errors import DomainError
from notifications import contacts
from notifications.models import ContactChannel


class SmsNumberForm(forms.Form):
    sms_number = forms.CharField(
        label=gettext_lazy("Mobile number for SMS"),
        help_text=gettext_lazy("A Japanese mobile number, for example 090-1234-5678"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={
            "required": gettext_lazy("Enter your mobile number, for example 090-1234-5678.")
        },
    )
    sms_number.required_mark = True


def channels_context(booking) -> dict:
    """What the booking page shows of the person's channels beside email."""
    if not booking.is_active:
        return {"channels_shown": False}
    found = {contact.kind: contact for contact in contacts.contact_channels(booking.pk)}
    line, sms = found.get(ContactChannel.Kind.LINE), found.get(ContactChannel.Kind.SMS)
    line_offered, sms_offered = contacts.line_offered(booking.office.slug), contacts.sms_offered()
    return {
        "channels_shown": bool(line_offered or sms_offered or found),
        "line_offered": line_offered,
        "sms_offered": sms_offered,
        "line_linked": line is not None and line.status == ContactChannel.Status.ACTIVE,
        "sms_number": contacts.sms_number_display(sms.address) if sms else "",
        "sms_form": SmsNumberForm(),
    }


@never_cache
@require_http_methods(["POST"])
def booking_sms_set(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_or_404(token, MANAGE)
    form = SmsNumberForm(request.POST)
    if form.is_valid():
        try:
            contacts.contact_sms_set(
                booking_id=booking.pk, office_id=booking.office_id,
                number=form.cleaned_data["sms_number"], now=request.now,
            )  # fmt: skip
        except DomainError as refused:
            form.add_error("sms_number", refused.message)
    if not booking.is_active:
        form.add_error(None, _("This booking is no longer active."))
    if form.errors:  # the form again, its error under the field and in the summary
        context = {"booking": booking, "office": booking.office, "token": token, "sms_form": form}
        return token_page(request, "bookings/sms_number.html", context, status=400)
    messages.success(request, _("Notices of this booking will also come by SMS, as a link."))
    return redirect(f"{_manage_url(token)}#notices")


@never_cache
@require_http_methods(["POST"])
def booking_line_link(request: HttpRequest, token: str) -> HttpResponse:
    """Step 1 of linking LINE: the code, and the button that sends it from LINE."""
    booking = booking_or_404(token, MANAGE)
    try:
        if not booking.is_active:
            raise contacts.ChannelInvalid(_("This booking is no longer active."))
        line_url = contacts.line_link_start(
            booking_id=booking.pk, office_id=booking.office_id,
            office_slug=booking.office.slug, now=request.now,
        )  # fmt: skip
    except DomainError as refused:
        messages.error(request, refused.message)
        return redirect(f"{_manage_url(token)}#notices")
    context = {"booking": booking, "office": booking.office, "token": token, "line_url": line_url}
    return token_page(request, "bookings/line_link.html", context)


@never_cache
@require_http_methods(["POST"])
def booking_channel_remove(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    booking = booking_or_404(token, MANAGE)
    if kind in ContactChannel.Kind.values:
        contacts.contact_remove(booking_id=booking.pk, kind=kind, now=request.now)
        messages.success(request, _("Done. Notices no longer go there."))
    return redirect(f"{_manage_url(token)}#notices")


def _manage_url(token: str) -> str:
    from django.urls import reverse

    return reverse("booking-manage", args=[token])
