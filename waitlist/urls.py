from django.urls import path

from waitlist import views

urlpatterns = [
    path("offices/<slug:slug>/waitlist/", views.waitlist_join_view, name="waitlist-join"),
    path("offices/<slug:slug>/waitlist/sent/", views.waitlist_sent_view, name="waitlist-sent"),
    path("waitlist/<str:token>/", views.waitlist_entry_view, name="waitlist-entry"),
]
