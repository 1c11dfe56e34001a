"""The JSON API's routes, mounted at /api/v1/ by `config/urls.py` (namespace "api")."""

from django.urls import path

from bookings.api import seats  # noqa: F401 (registers the group sessions' endpoints)
from bookings.api.endpoints import api

urlpatterns = [path("", api.urls)]
