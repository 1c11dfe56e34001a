"""Staff pages of this app, under /admin/ (included before the admin's own)."""

from django.urls import path

from accounts import access_views, session_views, staff_account_views, views

urlpatterns = [
    path("access-log/", access_views.access_review_view, name="staff-access-review"),
    path("unlock/", views.unlock_view, name="staff-unlock"),
    path("sessions/", session_views.sessions_view, name="staff-sessions"),
    path("staff-accounts/", staff_account_views.staff_accounts_view, name="staff-accounts"),
    path("entra/start/", views.entra_start, name="entra-start"),
    path("entra/callback/", views.entra_callback, name="entra-callback"),
    path("access-log/summary.csv", access_views.access_summary_csv, name="staff-access-summary"),
]
