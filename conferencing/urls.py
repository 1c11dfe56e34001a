"""The fake meeting room (development and tests) and the Zoom webhook."""

from django.urls import path

from conferencing.views import fake_meeting
from conferencing.webhooks import zoom_webhook

urlpatterns = [
    path("meet/<uuid:booking_uuid>/", fake_meeting, name="fake-meeting"),
    path("webhooks/zoom", zoom_webhook, name="zoom-webhook"),
]
