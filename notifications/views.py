"""
The endpoints the providers call (LINE's webhook, Twilio's delivery receipts, the mail
relay's bounces), each refusing a request whose signature is not the provider's, and the
link that sends a person from LINE to LINE's account-link dialog.
"""

import hashlib
import hmac
import json
import logging
import re
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from notifications.channels import line_provider, sms_provider
from notifications.contacts import line_link_nonce
from notifications.delivery import email_bounce_record, sms_receipt
from notifications.line_events import line_events_handle
from offices.models import Office

logger = logging.getLogger(__name__)

_LINK_TOKEN = re.compile(r"[A-Za-z0-9_\-]{8,100}")


def _office(slug: str):

    office = Office.objects.filter(slug=slug).first()
    if office is None:
        raise Http404
    return office


@csrf_exempt
@require_POST
def line_webhook(request: HttpRequest, slug: str) -> HttpResponse:
    from linebot.v3.exceptions import InvalidSignatureError  # LINE's SDK: heavy, see line_events

    provider = line_provider(slug)
    if provider is None:
        raise Http404
    office = _office(slug)
    try:
        events = provider.parse_webhook(
            request.body.decode("utf-8"), request.headers.get("X-Line-Signature", "")
        )
    except InvalidSignatureError:
        logger.warning("LINE webhook for %s: signature refused", slug)
        return HttpResponse(status=403)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return HttpResponse(status=400)
    line_events_handle(
        provider=provider, office_id=office.pk, office_slug=slug, events=events, now=request.now
    )
    return HttpResponse(status=200)


@never_cache
@require_GET
def line_link(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    """Step 3 of linking LINE: from the account's reply to LINE's account-link dialog."""
    if line_provider(slug) is None:
        raise Http404
    link_token = request.GET.get("linkToken", "")
    nonce = (
        line_link_nonce(code=token, now=request.now) if _LINK_TOKEN.fullmatch(link_token) else None
    )
    if nonce is None:
        response = render(request, "notifications/line_link_lapsed.html", status=410)
        response["Referrer-Policy"] = "no-referrer"
        return response
    query = urlencode({"linkToken": link_token, "nonce": nonce})
    response = HttpResponseRedirect(f"{settings.LINE_ACCESS_BASE}/dialog/bot/accountLink?{query}")
    response["Referrer-Policy"] = "no-referrer"
    return response


@csrf_exempt
@require_POST
def sms_status(request: HttpRequest) -> HttpResponse:
    """Twilio's delivery receipt for one SMS (MessageSid, MessageStatus, ErrorCode)."""
    provider = sms_provider()
    if provider is None:
        raise Http404
    url = settings.SITE_URL.rstrip("/") + request.path
    form = {key: request.POST.get(key, "") for key in request.POST}
    if not provider.signature_valid(
        url=url, form=form, signature=request.headers.get("X-Twilio-Signature", "")
    ):
        logger.warning("SMS receipt: signature refused")
        return HttpResponse(status=403)
    sms_receipt(
        ref=form.get("MessageSid", "")[:100], status=form.get("MessageStatus", ""),
        error_code=form.get("ErrorCode", "")[:10], now=request.now,
    )  # fmt: skip
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def email_bounce(request: HttpRequest) -> HttpResponse:
    """A bounce (a DSN) from the mail relay, signed HMAC-SHA256 with EMAIL_BOUNCE_SECRET."""
    secret = settings.EMAIL_BOUNCE_SECRET
    if not secret:
        raise Http404
    expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Bounce-Signature", "")):
        logger.warning("bounce: signature refused")
        return HttpResponse(status=403)
    try:
        recorded = email_bounce_record(raw=request.body, now=request.now)
    except (ValueError, TypeError, IndexError, AttributeError):
        return HttpResponse(status=400)
    return HttpResponse(
        json.dumps({"recorded": recorded is not None}), content_type="application/json"
    )
