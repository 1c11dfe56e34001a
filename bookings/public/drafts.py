"""
The unfinished booking kept in the session between the steps (the draft): what was typed is
kept when the person switches language or goes back to change the time, unchecked (its
errors are shown when the form is sent).
"""

import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from bookings.forms import DetailsForm

SESSION_KEY = "booking_draft"


def draft_of(request: HttpRequest, slug: str) -> dict | None:
    draft = request.session.get(SESSION_KEY)
    return draft if draft and draft.get("office") == slug else None


def keep_input(request, slug, service, start, office, rules) -> None:
    """Keeps what was typed (unchecked: the errors are shown when the form is sent)."""
    data = DetailsForm(request.POST, office=office, rules=rules).typed_data()
    previous = draft_of(request, slug) or {}
    request.session[SESSION_KEY] = {
        **previous,
        "office": slug,
        "service": service.slug,
        "start": start.isoformat(),
        "data": data,
        "idempotency_key": previous.get("idempotency_key") or uuid.uuid4().hex,
    }


def switch_language_keeping_input(request, slug, service, start, office, rules) -> HttpResponse:
    """The language switch pressed mid-form: keep the input and show it again."""
    language = request.POST["language"]
    keep_input(request, slug, service, start, office, rules)
    target = reverse("booking-details", args=[slug]) + f"?service={service.slug}&start="
    target += start.isoformat().replace("+", "%2B")
    response = redirect(target)
    if language in {code for code, _name in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
        )  # fmt: skip
    return response
