from django.urls import path

from waitlist import views

urlpatterns = [
    path("offices/<slug:slug>/waitlist/", views.waitlist_join_view, name="waitlist-join"),
    path("offices/<slug:slug>/waitlist/sent/", views.waitlist_sent_view, name="waitlist-sent"),
    path(
        "offices/<slug:slug>/sessions/<uuid:session_uuid>/waitlist/",
        views.waitlist_session_join_view,
        name="waitlist-session-join",
    ),
    path("waitlist/<str:token>/", views.waitlist_entry_view, name="waitlist-entry"),
    path("waitlist/<str:token>/notices/sms/", views.waitlist_sms_set, name="waitlist-sms-set"),
    path(
        "waitlist/<str:token>/notices/sms/confirm/",
        views.waitlist_sms_confirm,
        name="waitlist-sms-confirm",
    ),
    path("waitlist/<str:token>/notices/line/", views.waitlist_line_link, name="waitlist-line-link"),
    path(
        "waitlist/<str:token>/notices/line/remove/",
        views.waitlist_channel_remove,
        {"kind": "line"},
        name="waitlist-line-remove",
    ),
    path(
        "waitlist/<str:token>/notices/sms/remove/",
        views.waitlist_channel_remove,
        {"kind": "sms"},
        name="waitlist-sms-remove",
    ),
]
