"""
The device check (接続テスト) before a session: the page, for an office or for one booking,
and three small endpoints against which the browser measures the connection. The camera and
microphone are tested in the browser alone (static/js/device-check.js); only a booking's
coarse result is posted back. The measuring endpoints carry no token and no personal data,
answer the same to everyone, and are rate-limited per client address.
"""

import secrets

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings.exceptions import BookingInvalid
from bookings.public.shared import booking_or_404, token_page
from bookings.services.device_check import device_check_record
from bookings.tokens import MANAGE
from common import ratelimit
from common.errors import DomainError
from common.http import client_ip
from offices import display
from offices.devices import BROWSER_NAMES, platform_needs, platform_needs_lines
from offices.models import Office

DOWNLOAD_MAX_BYTES = 2_000_000
UPLOAD_MAX_BYTES = 2_000_000
_payload: bytes | None = None


def _random_payload() -> bytes:
    """Incompressible bytes, made once per process (compression would fake a fast line)."""
    global _payload
    if _payload is None:
        _payload = secrets.token_bytes(DOWNLOAD_MAX_BYTES)
    return _payload


def _limited(request: HttpRequest) -> HttpResponse | None:
    wait = ratelimit.hit(
        scope="device-check", key=f"ip:{client_ip(request)}", rate=settings.RATE_LIMIT_DEVICE_CHECK
    )
    if wait is None:
        return None
    response = JsonResponse({"code": "rate_limited", "retry_after": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def device_check_ping(request: HttpRequest) -> HttpResponse:
    """An empty answer, for the round trip."""
    return _no_store(_limited(request) or HttpResponse(b"", content_type="text/plain"))


@require_GET
def device_check_download(request: HttpRequest) -> HttpResponse:
    """`?bytes=N` (at most 2 MB) random bytes, for the download speed."""
    limited = _limited(request)
    if limited:
        return _no_store(limited)
    try:
        size = int(request.GET.get("bytes", "250000"))
    except ValueError:
        size = 250_000
    size = min(max(size, 1), DOWNLOAD_MAX_BYTES)
    response = HttpResponse(_random_payload()[:size], content_type="application/octet-stream")
    return _no_store(response)


@require_POST
def device_check_upload(request: HttpRequest) -> HttpResponse:
    """Takes up to 2 MB and throws it away, for the upload speed (with CSRF, like any POST)."""
    limited = _limited(request)
    if limited:
        return _no_store(limited)
    received = 0
    while received <= UPLOAD_MAX_BYTES:
        chunk = request.read(64 * 1024)
        if not chunk:
            break
        received += len(chunk)
    if received > UPLOAD_MAX_BYTES:
        return _no_store(JsonResponse({"code": "too_large", "max": UPLOAD_MAX_BYTES}, status=413))
    return _no_store(JsonResponse({"received": received}))


def _messages() -> dict[str, str]:
    """The script's texts, in the page's language (placeholders in braces)."""
    allow = _("Then reload this page and press the button again.")
    return {
        "browser_ok": _("This browser can join {platform}."),
        "browser_phone_ok": _("This browser on this phone or tablet can join {platform}."),
        "browser_phone_app": _(
            "On a smartphone or tablet, {platform} needs the {app} app: install it before the "
            "day, and join from your booking page."
        ),
        "browser_app_install": _("Install the {app} app"),
        "app": _("joins with the app"),
        "browser_unsupported": _(
            "This browser cannot join {platform}. Open this page in {browsers} instead."
        ),
        "asking": _("Your browser now asks whether this page may use it. Choose “Allow”."),
        "camera_ok": _(
            "Your camera works: you should see yourself above. The picture stays in this browser."
        ),
        "mic_ok": _("Your microphone works: the bar moves when you speak."),
        "mic_listening": _("Say a few words: the bar should move."),
        "denied": _("Permission was refused, so the check could not see or hear anything."),
        "missing": _("No device was found. Connect one, or use a device that has one built in."),
        "in_use": _(
            "Another app is using it. Close other apps that use the camera or microphone "
            "(another video call, for example) and press the button again."
        ),
        "unavailable": _(
            "This browser cannot use a camera or microphone on this page. Use a current "
            "version of Chrome, Edge or Safari."
        ),
        "mic_silent": _(
            "No sound reached the microphone. Check that it is not muted, speak a little "
            "louder, and press the button again."
        ),
        "perm_chrome": _(
            "In Chrome: click the icon to the left of the address, turn on Camera and "
            "Microphone for this site."
        ),
        "perm_edge": _(
            "In Edge: click the lock to the left of the address, set Camera and Microphone "
            "to Allow."
        ),
        "perm_firefox": _(
            "In Firefox: click the crossed-out camera or microphone icon to the left of the "
            "address and remove the block."
        ),
        "perm_safari_mac": _(
            "In Safari: choose Safari › Settings for This Website, set Camera and "
            "Microphone to Allow."
        ),
        "perm_safari_ios": _(
            "On an iPhone or iPad: tap “ぁあ” or “AA” in the address bar, then Website "
            "Settings, and set Camera and Microphone to Allow (or Settings › Safari › Camera "
            "and Microphone)."
        ),
        "perm_android": _(
            "On Android: tap the icon to the left of the address, then Permissions, and "
            "allow Camera and Microphone. If they stay blocked: Settings › Apps › your "
            "browser › Permissions."
        ),
        "perm_other": _(
            "Allow the camera and microphone for this site in your browser's settings."
        ),
        "perm_then": allow,
        "speaker_question": _("Did you hear the test sound?"),
        "speaker_ok": _("Your speaker works."),
        "speaker_not_heard": _(
            "Turn the volume up, check that sound is not muted and that headphones are "
            "connected, then play the sound again."
        ),
        "speaker_unavailable": _("This browser cannot play the test sound."),
        "connection_running": _("Measuring… (about 10 seconds)"),
        "connection_ok": _("Your connection is fast and steady enough for a video call."),
        "connection_slow": _(
            "Your connection is slower than a video call needs. Move closer to the Wi-Fi "
            "router, stop downloads and other videos, or use another connection (not free "
            "public Wi-Fi). If it stays slow, the office can continue by phone."
        ),
        "connection_unstable": _(
            "Your connection is unstable: its delay varies a lot, so the picture and sound "
            "may stop. Move closer to the router or use another connection."
        ),
        "connection_failed": _(
            "The connection could not be measured. Check that you are online and try again."
        ),
        "mbps": _("{value} Mbit/s"),
        "ms": _("{value} ms"),
        "battery_ok": _("Battery at {level}."),
        "battery_charging": _("Battery at {level}, charging."),
        "battery_low": _(
            "Battery at {level}: charge it, or connect the charger, before the session."
        ),
        "battery_unknown": _(
            "This browser does not tell the battery level. Charge your device before the session."
        ),
        "summary_ok": _("Everything that was tested works. You are ready for your session."),
        "summary_problems": _(
            "Some parts need attention (see above). If they cannot be fixed before the day, "
            "tell the office: they can phone you instead."
        ),
        "summary_untested": _("Not tested yet: {parts}."),
        "list_separator": _(", "),
        "label_separator": _(": "),  # 「カメラ：問題なし」 in Japanese
        "passed": _("works"),
        "problem": _("problem"),
        "not_tested": _("not tested"),
        "part_browser": _("Browser"),
        "part_camera": _("Camera"),
        "part_microphone": _("Microphone"),
        "part_speaker": _("Speaker"),
        "part_connection": _("Connection"),
        "part_battery": _("Battery"),
    }


def _context(office: Office) -> dict:
    needs = platform_needs(office.platform)
    preparation = display.platform_guidance(office.platform) + display.common_preparation()
    return {
        "office": office,
        "needs_lines": platform_needs_lines(office.platform, office.get_platform_display()),
        "preparation": preparation,
        "check_data": {
            "platform": office.get_platform_display(),
            "needs": needs.as_data(),
            "messages": _messages(),
            "browsers": BROWSER_NAMES,
        },
    }


@never_cache
def device_check_office(request: HttpRequest, slug: str) -> HttpResponse:
    office = Office.objects.filter(slug=slug, is_published=True).first()
    if office is None:
        raise Http404
    return render(request, "bookings/device_check.html", _context(office))


@never_cache
@require_http_methods(["GET", "POST"])
def device_check_booking(request: HttpRequest, token: str) -> HttpResponse:
    """The check for one booking; its summary's form posts the coarse result (POST, CSRF)."""
    booking = booking_or_404(token, MANAGE)
    error = None
    if request.method == "POST":
        try:
            device_check_record(booking=booking, result=request.POST, now=request.now)
        except BookingInvalid:
            error = _("The result was not understood. Please run the check again.")
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(
                request, _("Thank you. The office can now see the result of your device check.")
            )
            return redirect("booking-manage", token=token)
    context = {
        **_context(booking.office),
        "booking": booking,
        "when": display.format_session(booking.start, booking.end),
        "token": token,
        "error": error,
        "can_save": booking.is_active,
    }
    return token_page(request, "bookings/device_check.html", context, status=409 if error else 200)
