"""The site's URLs plus views that fail, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import *  # noqa: F403
from config.urls import urlpatterns as site_urlpatterns


def _boom(request):
    raise RuntimeError("a bug")


def _denied(request):
    raise PermissionDenied


def _suspicious(request):
    raise SuspiciousOperation("bad")


def _office_boom(request, slug):
    raise RuntimeError("a bug on an office's page")


def _platform_busy(request):
    from conferencing.types import RateLimited

    raise RateLimited("The meeting platform asked to wait.", retry_after_seconds=2.5)


def _terms_refused(request):
    from django.utils.translation import gettext_lazy

    from terms.exceptions import NoTermsInForce

    raise NoTermsInForce(gettext_lazy("This office has no terms of use in force yet, so bookings cannot be taken."))  # fmt: skip


urlpatterns = [
    path("boom/", _boom),
    path("denied/", _denied),
    path("suspicious/", _suspicious),
    path("offices/<slug:slug>/boom/", _office_boom),
    path("refused/platform/", _platform_busy),
    path("refused/terms/", _terms_refused),
    *site_urlpatterns,
]
