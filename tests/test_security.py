"""
Security promises, each tested: response headers (CSP without inline script, frame
denial, no sniffing, referrer policy, no caching of secret-link pages), no inline script
in any template, and no personal data in logs or error reports after a whole booking's
life, nor the secret tokens of booking links.
"""

import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from bookings.models import Booking
from bookings.services.no_shows import bookings_mark_no_shows
from bookings.services.reminders import bookings_send_reminders
from bookings.services.staff import booking_confirm
from common import clock
from config.logging import NoPersonalDataReporterFilter, redact
from notifications.tasks import send_queued_notifications
from tests.factories import office_with
from tests.helpers import counselor_account, email_checked, jst, manage_token, person

THU = jst(2026, 11, 26, 9, 30)
TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture
def kawagoe(db):
    """An office whose counselors confirm each request (so a counselor's answer is part of
    the booking's life), its one service "counseling" open weekday mornings."""
    office = office_with(slug="kawagoe", name="ハローワーク川越", counselors=2,
                         confirmation_mode="staff_approval")  # fmt: skip
    office.services.update(slug="counseling")
    return office


def _book_on_the_web(client, **overrides):
    """Books through the pages, and fails unless the booking was made (the done page)."""
    data = {**person(), **overrides}
    details = client.post(
        reverse("booking-details", args=["kawagoe"]),
        {"service": "counseling", "start": THU.isoformat(), **data},
    )
    assert details.status_code == 302, "the details step refused the booking"
    page = client.get(reverse("booking-confirm", args=["kawagoe"]))
    done = client.post(
        reverse("booking-confirm", args=["kawagoe"]),
        {"terms_version": page.context["terms"].pk, "agree_terms": "on"},
    )
    assert done.status_code == 302 and done.url == reverse("booking-done", args=["kawagoe"])
    return Booking.objects.latest("pk")


def test_public_pages_send_a_strict_content_security_policy(client, kawagoe):
    for url in ("/", "/offices/kawagoe/", "/offices/kawagoe/terms/", "/offices/kawagoe/book/"):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = dict(
            part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
        )
        assert policy["script-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []


def test_secret_link_pages_are_never_cached_indexed_or_leaked_to_other_sites(client, kawagoe):
    booking = _book_on_the_web(client)

    response = client.get(reverse("booking-manage", args=[manage_token(booking)]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    # Same-origin only: the platform's join page never learns the link's token. (Not
    # no-referrer: Chromium then sends `Origin: null` on the page's own forms, which CSRF
    # protection must refuse; see docs/reliability.md.)
    assert response["Referrer-Policy"] == "same-origin"


def test_the_production_settings_send_hsts_and_redirect_to_https(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv(
        "SECRET_KEY", "Zq3vN8xK2pLw7RtY5mJc9HbF4sGd6QeA1uVn0oXiT_kEyWrPz-aBcDfGhIjKlMnOpQ"
    )
    monkeypatch.setenv("TRUSTED_PROXIES", "172.30.0.10")
    monkeypatch.setenv("ALLOWED_HOSTS", "consult.example.jp")
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://user:password@smtp.example.jp:587")
    sys.modules.pop("config.settings.production", None)
    sys.modules.pop("config.settings.base", None)  # it read EMAIL_URL at import
    production = importlib.import_module("config.settings.production")
    sys.modules.pop("config.settings.production", None)
    sys.modules.pop("config.settings.base", None)

    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SECURE_SSL_REDIRECT and production.SESSION_COOKIE_SECURE
    assert production.CSRF_COOKIE_SECURE


@pytest.mark.django_db
def test_no_personal_data_or_token_in_the_logs_of_a_whole_booking(
    client, kawagoe, frozen, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    secrets = {
        "name": "個人 情報子", "name_kana": "コジン ジョウホウコ",
        "job_seeker_number": "98765-4321012", "email": "secret.person@example.jp",
        "phone": "080-9999-1234",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book_on_the_web(client, **secrets)
    counselor = counselor_account(kawagoe)
    with django_capture_on_commit_callbacks(execute=True):
        booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())
    token = manage_token(booking)
    client.get(reverse("booking-manage", args=[token]))
    client.get(reverse("booking-manage", args=[token + "x"]))  # a 404, logged with its path
    frozen.move_to(jst(2026, 11, 25, 10, 0))
    bookings_send_reminders(now=clock.now())
    frozen.move_to(THU + timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        bookings_mark_no_shows(now=clock.now())
    send_queued_notifications()
    assert len(mail.outbox) >= 4  # the emails did carry the data; the logs must not

    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert logged.strip(), "nothing was logged: the test would prove nothing"
    for value in [*secrets.values(), "08099991234", "98765", token]:
        assert value not in logged, value
    assert "/bookings/[token]" in logged  # the 404 was logged, without its token


def test_error_reports_carry_no_post_values_or_local_variables():
    request = RequestFactory().post("/offices/kawagoe/book/details/", {"email": "a@example.jp"})
    reporter = NoPersonalDataReporterFilter()
    assert "a@example.jp" not in str(reporter.get_post_parameters(request))

    def frame():
        email = "a@example.jp"  # noqa: F841 (a local variable the report must hide)
        import sys

        return sys._getframe()

    assert "a@example.jp" not in str(reporter.get_traceback_frame_variables(request, frame()))


def test_tokens_are_redacted_from_paths_in_logs_and_gunicorns_access_log():
    token = "AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789-abc"
    assert (
        redact(f"GET /bookings/{token}/cancel/ HTTP/1.1")
        == "GET /bookings/[token]/cancel/ HTTP/1.1"
    )
    assert redact(f"/verify/{token}/") == "/verify/[token]/"
    from config.logging import RedactingGunicornLogger

    assert issubclass(RedactingGunicornLogger, object)


def test_the_api_docs_load_swagger_ui_from_this_site_under_the_csp(client, kawagoe):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    styles = re.findall(r'<link[^>]*href="([^"]+)"', html)
    assert scripts and all(src.startswith(settings.STATIC_URL) for src in scripts + styles)
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert all(_static_file_exists(src) for src in scripts + styles)


def _static_file_exists(url: str) -> bool:
    from django.contrib.staticfiles import finders

    return finders.find(url.removeprefix(settings.STATIC_URL)) is not None
