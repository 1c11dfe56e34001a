from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from bookings import views as booking_views
from bookings.api import api
from conferencing.views import fake_meeting
from conferencing.webhooks import zoom_webhook
from config.views import healthz
from offices import views as office_views
from terms import views as terms_views

admin.site.site_header = _("Online consultation booking: staff")
admin.site.site_title = _("Online consultation booking")
admin.site.index_title = _("Office administration")

urlpatterns = [
    path("", office_views.office_list, name="home"),
    path("offices/<slug:slug>/", office_views.office_detail, name="office-detail"),
    path("offices/<slug:slug>/terms/", terms_views.terms_current, name="terms-current"),
    path(
        "offices/<slug:slug>/terms/<int:version_id>/",
        terms_views.terms_version,
        name="terms-version",
    ),
    path("offices/<slug:slug>/book/", booking_views.booking_start, name="booking-start"),
    path(
        "offices/<slug:slug>/book/details/", booking_views.booking_details, name="booking-details"
    ),
    path(
        "offices/<slug:slug>/book/confirm/", booking_views.booking_confirm, name="booking-confirm"
    ),
    path("offices/<slug:slug>/book/done/", booking_views.booking_done, name="booking-done"),
    path("bookings/<str:token>/", booking_views.booking_manage, name="booking-manage"),
    path(
        "bookings/<str:token>/calendar.ics",
        booking_views.booking_calendar,
        name="booking-calendar",
    ),
    path("bookings/<str:token>/cancel/", booking_views.booking_cancel, name="booking-cancel"),
    path("bookings/<str:token>/agree/", booking_views.booking_agree_view, name="booking-agree"),
    path(
        "bookings/<str:token>/accept/",
        booking_views.booking_accept_proposal_view,
        name="booking-accept-proposal",
    ),
    path("verify/<str:token>/", booking_views.booking_verify_view, name="booking-verify"),
    path("api/v1/", api.urls),
    path("meet/<uuid:booking_uuid>/", fake_meeting, name="fake-meeting"),
    path("webhooks/zoom", zoom_webhook, name="zoom-webhook"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
