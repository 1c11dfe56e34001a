"""The providers' callbacks and the LINE linking step (`notifications.views`)."""

from django.urls import path

from notifications import views

urlpatterns = [
    path(
        "notifications/line/<slug:slug>/webhook/",
        views.line_webhook,
        name="notifications-line-webhook",
    ),
    # The code is a secret: config/logging.py redacts the segment after ".../line/link/".
    path(
        "notifications/line/link/<str:token>/<slug:slug>/",
        views.line_link,
        name="notifications-line-link",
    ),
    path("notifications/sms/status/", views.sms_status, name="notifications-sms-status"),
    path("notifications/email/bounce/", views.email_bounce, name="notifications-email-bounce"),
]
