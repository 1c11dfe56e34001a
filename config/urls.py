from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from bookings.api.endpoints import api
from bookings.public import device_check as device_check_views
from bookings.public import find as find_views
from bookings.public import reschedule as reschedule_views
from bookings.public import views as booking_views
from conferencing.views import fake_meeting
from conferencing.webhooks import zoom_webhook
from config import errors
from config.admin_login import StaffAuthenticationForm
from config.views import healthz
from offices import views as office_views
from terms import views as terms_views

admin.site.site_header = _("Online consultation booking: staff")
admin.site.site_title = _("Online consultation booking")
admin.site.index_title = _("Office administration")
admin.site.login_form = StaffAuthenticationForm
# The sidebar takes a third of a tablet's width; the header's shortcuts lead to the pages.
admin.site.enable_nav_sidebar = False

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
    path(
        "offices/<slug:slug>/device-check/",
        device_check_views.device_check_office,
        name="office-device-check",
    ),
    path("device-check/ping", device_check_views.device_check_ping, name="device-check-ping"),
    path(
        "device-check/download",
        device_check_views.device_check_download,
        name="device-check-download",
    ),
    path("device-check/upload", device_check_views.device_check_upload, name="device-check-upload"),
    # Before the booking's own routes, which would take "find" for a token.
    path("bookings/find/", find_views.booking_find, name="booking-find"),
    path(
        "offices/<slug:slug>/book/done/resend/",
        booking_views.booking_done_resend,
        name="booking-done-resend",
    ),
    path("bookings/<str:token>/", booking_views.booking_manage, name="booking-manage"),
    path(
        "bookings/<str:token>/device-check/",
        device_check_views.device_check_booking,
        name="booking-device-check",
    ),
    path(
        "bookings/<str:token>/change/",
        reschedule_views.booking_change,
        name="booking-change",
    ),
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
    path(
        "bookings/<str:token>/not-suitable/",
        booking_views.booking_refuse_proposal_view,
        name="booking-refuse-proposal",
    ),
    path("verify/<str:token>/", booking_views.booking_verify_view, name="booking-verify"),
    path("records/link/<str:token>/", booking_views.record_link_view, name="record-link"),
    path("api/v1/", api.urls),
    path("meet/<uuid:booking_uuid>/", fake_meeting, name="fake-meeting"),
    path("webhooks/zoom", zoom_webhook, name="zoom-webhook"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", errors.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
