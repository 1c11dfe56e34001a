"""
The part of a person's page for notices by LINE or SMS (お知らせの受け取り方), one for every
owner of channels: the booking's page and the waitlist entry's page each open it behind
their own secret link and hand it a `ChannelPage` (whose channels, the office, where to go
back, the addresses of its actions). The person adds a Japanese mobile number (in use once
the code sent to it is typed back), links the office's LINE account
(`notifications.contacts` says how LINE's account-link flow runs), or removes either. Only
pointers go there: a fixed sentence and a link to the owner's page, never its details.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import DomainError
from notifications import contacts
from notifications.models import ContactChannel, Owner


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


class SmsCodeForm(forms.Form):
    sms_code = forms.CharField(
        label=gettext_lazy("Code sent by SMS"),
        help_text=gettext_lazy("The 6 digits of the SMS, for example 123456"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
        error_messages={"required": gettext_lazy("Enter the 6 digits of the SMS.")},
    )
    sms_code.required_mark = True


@dataclass(frozen=True)
class ChannelPage:
    """One owner's page, as the channels' part needs it."""

    owner: Owner
    office: object  # offices.Office
    language: str
    active: bool  # the owner still takes notices (an active booking, an entry in line)
    back_url: str  # the owner's page
    # The addresses of the part's actions: line_link, line_remove, sms_set, sms_confirm,
    # sms_remove (each a POST).
    urls: dict[str, str]
    # The owner's page renderer (its secret-link headers): (request, template, context,
    # status) -> response.
    render: Callable[..., HttpResponse]


def channels_context(page: ChannelPage) -> dict:
    """What the owner's page shows of the person's channels beside email."""
    if not page.active:
        return {"channels_shown": False}
    found = {contact.kind: contact for contact in contacts.contact_channels(page.owner)}
    line, sms = found.get(ContactChannel.Kind.LINE), found.get(ContactChannel.Kind.SMS)
    line_offered, sms_offered = contacts.line_offered(page.office.slug), contacts.sms_offered()
    sms_active = sms is not None and sms.status == ContactChannel.Status.ACTIVE
    return {
        "channels_shown": bool(line_offered or sms_offered or found),
        "channel_urls": page.urls,
        "line_offered": line_offered,
        "sms_offered": sms_offered,
        "line_linked": line is not None and line.status == ContactChannel.Status.ACTIVE,
        "sms_number": contacts.sms_number_display(sms.address) if sms_active else "",
        "sms_pending": contacts.sms_number_display(sms.address)
        if sms is not None and not sms_active and sms.address
        else "",
        "sms_form": SmsNumberForm(),
        "sms_code_form": SmsCodeForm(),
    }


def _back(page: ChannelPage) -> HttpResponse:
    return redirect(f"{page.back_url}#notices")


def _form_again(request, page: ChannelPage, template: str, form, status=400) -> HttpResponse:
    """The form again, its error under the field and in the summary."""
    context = {"office": page.office, "back_url": page.back_url, "channel_urls": page.urls,
               "form": form, "number_form": SmsNumberForm()}  # fmt: skip
    return page.render(request, template, context, status)


def sms_start(request: HttpRequest, page: ChannelPage) -> HttpResponse:
    """The number typed: a code goes to it by SMS; the page then asks for the code."""
    form = SmsNumberForm(request.POST)
    if not page.active:
        form.add_error(None, _("Notices by LINE or SMS can no longer be added here."))
    elif form.is_valid():
        try:
            contacts.sms_code_send(
                owner=page.owner, office_id=page.office.pk, office_name=page.office.name,
                number=form.cleaned_data["sms_number"], language=page.language, now=request.now,
            )  # fmt: skip
        except DomainError as refused:
            form.add_error("sms_number", refused.message)
    if form.errors:
        return _form_again(request, page, "notifications/sms_number.html", form)
    messages.success(request, _("A code was sent by SMS. Type it below to start notices by SMS."))
    return _back(page)


def sms_confirm(request: HttpRequest, page: ChannelPage) -> HttpResponse:
    form = SmsCodeForm(request.POST)
    if not page.active:
        form.add_error(None, _("Notices by LINE or SMS can no longer be added here."))
    elif form.is_valid():
        try:
            contacts.sms_code_confirm(
                owner=page.owner, code=form.cleaned_data["sms_code"], now=request.now
            )
        except DomainError as refused:
            form.add_error("sms_code", refused.message)
    if form.errors:
        return _form_again(request, page, "notifications/sms_code.html", form)
    messages.success(
        request, _("Your number is confirmed: notices will also come by SMS, as a link.")
    )
    return _back(page)


def line_link(request: HttpRequest, page: ChannelPage) -> HttpResponse:
    """Step 1 of linking LINE: the code, and the button that sends it from LINE."""
    try:
        if not page.active:
            raise contacts.ChannelInvalid(_("Notices by LINE or SMS can no longer be added here."))
        line_url = contacts.line_link_start(
            owner=page.owner, office_id=page.office.pk, office_slug=page.office.slug,
            language=page.language, now=request.now,
        )  # fmt: skip
    except DomainError as refused:
        messages.error(request, refused.message)
        return _back(page)
    context = {"office": page.office, "back_url": page.back_url, "line_url": line_url}
    return page.render(request, "notifications/line_link.html", context, 200)


def channel_remove(request: HttpRequest, page: ChannelPage, kind: str) -> HttpResponse:
    if kind in ContactChannel.Kind.values:
        contacts.contact_remove(owner=page.owner, kind=kind, now=request.now)
        messages.success(request, _("Done. Notices no longer go there."))
    return _back(page)
