"""The public pages of the booking core: booking, the device check, finding a booking, and
the pages behind a booking's secret links. Names and paths are what templates and tests use."""

from django.urls import path

from bookings.public import (
    booking_flow,
    channels,
    device_check,
    find,
    manage,
    open_request,
    reschedule,
    seats,
    verify,
)

urlpatterns = [
    path("offices/<slug:slug>/book/", booking_flow.booking_start, name="booking-start"),
    path("offices/<slug:slug>/book/details/", booking_flow.booking_details, name="booking-details"),
    path("offices/<slug:slug>/book/confirm/", booking_flow.booking_confirm, name="booking-confirm"),
    path("offices/<slug:slug>/book/done/", booking_flow.booking_done, name="booking-done"),
    path(
        "offices/<slug:slug>/sessions/<uuid:session_uuid>/",
        seats.seat_book_view,
        name="seat-book",
    ),
    path(
        "offices/<slug:slug>/book/sent/",
        open_request.open_request_sent,
        name="booking-open-request-sent",
    ),
    path(
        "offices/<slug:slug>/book/request/<str:token>/",
        open_request.open_request_view,
        name="booking-open-request",
    ),
    path(
        "offices/<slug:slug>/device-check/",
        device_check.device_check_office,
        name="office-device-check",
    ),
    path("device-check/ping", device_check.device_check_ping, name="device-check-ping"),
    path(
        "device-check/download",
        device_check.device_check_download,
        name="device-check-download",
    ),
    path("device-check/upload", device_check.device_check_upload, name="device-check-upload"),
    # Before the booking's own routes, which would take "find" for a token.
    path("bookings/find/", find.booking_find, name="booking-find"),
    path(
        "offices/<slug:slug>/book/done/resend/",
        booking_flow.booking_done_resend,
        name="booking-done-resend",
    ),
    path("bookings/<str:token>/", manage.booking_manage, name="booking-manage"),
    path(
        "bookings/<str:token>/device-check/",
        device_check.device_check_booking,
        name="booking-device-check",
    ),
    path("bookings/<str:token>/change/", reschedule.booking_change, name="booking-change"),
    path(
        "bookings/<str:token>/change/confirm/",
        reschedule.booking_change_confirm,
        name="booking-change-confirm",
    ),
    path("bookings/<str:token>/calendar.ics", manage.booking_calendar, name="booking-calendar"),
    path("bookings/<str:token>/cancel/", manage.booking_cancel, name="booking-cancel"),
    path("bookings/<str:token>/notices/sms/", channels.booking_sms_set, name="booking-sms-set"),
    path(
        "bookings/<str:token>/notices/sms/confirm/",
        channels.booking_sms_confirm,
        name="booking-sms-confirm",
    ),
    path(
        "bookings/<str:token>/notices/line/", channels.booking_line_link, name="booking-line-link"
    ),
    path(
        "bookings/<str:token>/notices/line/remove/",
        channels.booking_channel_remove,
        {"kind": "line"},
        name="booking-line-remove",
    ),
    path(
        "bookings/<str:token>/notices/sms/remove/",
        channels.booking_channel_remove,
        {"kind": "sms"},
        name="booking-sms-remove",
    ),
    path("bookings/<str:token>/agree/", manage.booking_agree_view, name="booking-agree"),
    path(
        "bookings/<str:token>/accommodation/",
        manage.booking_accommodation_view,
        name="booking-accommodation",
    ),
    path(
        "bookings/<str:token>/accept/",
        manage.booking_accept_proposal_view,
        name="booking-accept-proposal",
    ),
    path(
        "bookings/<str:token>/not-suitable/",
        manage.booking_refuse_proposal_view,
        name="booking-refuse-proposal",
    ),
    path("verify/<str:token>/", verify.booking_verify_view, name="booking-verify"),
]
