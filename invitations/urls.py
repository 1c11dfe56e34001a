from django.urls import path

from invitations import views

urlpatterns = [
    path("invitations/<str:token>/", views.invitation_start, name="invitation"),
    path("invitations/<str:token>/book/", views.invitation_confirm, name="invitation-confirm"),
    path("invitations/<str:token>/done/", views.invitation_done, name="invitation-done"),
    path(
        "invitations/<str:token>/waitlist/", views.invitation_waitlist, name="invitation-waitlist"
    ),
]
