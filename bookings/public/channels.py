"""
The booking page's part for notices by LINE or SMS (お知らせの受け取り方): the booking's
secret link opens `notifications.channel_pages`, the part every owner of channels shares,
for the booking's channels (the person adds an SMS number confirmed by a code, links the
office's LINE account, or removes either). Only pointers go there: a fixed sentence and a
link to this page, never the booking's details.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bookings.public.shared import booking_or_404, token_page
from bookings.tokens import MANAGE
from notifications import channel_pages
from notifications.models import Owner
from notifications.services import BOOKING_OWNER


def channel_page(booking, token: str) -> channel_pages.ChannelPage:
    return channel_pages.ChannelPage(
        owner=Owner(BOOKING_OWNER, booking.pk),
        office=booking.office,
        language=booking.language,
        active=booking.is_active,
        back_url=reverse("booking-manage", args=[token]),
        urls={
            name: reverse(f"booking-{name.replace('_', '-')}", args=[token])
            for name in ("line_link", "line_remove", "sms_set", "sms_confirm", "sms_remove")
        },
        render=token_page,
    )


def channels_context(booking, token: str) -> dict:
    """What the booking page shows of the person's channels beside email."""
    return channel_pages.channels_context(channel_page(booking, token))


def _page(token: str) -> channel_pages.ChannelPage:
    return channel_page(booking_or_404(token, MANAGE), token)


@never_cache
@require_http_methods(["POST"])
def booking_sms_set(request: HttpRequest, token: str) -> HttpResponse:
    return channel_pages.sms_start(request, _page(token))


@never_cache
@require_http_methods(["POST"])
def booking_sms_confirm(request: HttpRequest, token: str) -> HttpResponse:
    return channel_pages.sms_confirm(request, _page(token))


@never_cache
@require_http_methods(["POST"])
def booking_line_link(request: HttpRequest, token: str) -> HttpResponse:
    return channel_pages.line_link(request, _page(token))


@never_cache
@require_http_methods(["POST"])
def booking_channel_remove(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    return channel_pages.channel_remove(request, _page(token), kind)
