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


urlpatterns = [
    path("boom/", _boom),
    path("denied/", _denied),
    path("suspicious/", _suspicious),
    path("offices/<slug:slug>/boom/", _office_boom),
    *site_urlpatterns,
]
