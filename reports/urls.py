"""
The figures' pages, mounted under /admin/reports/ by `config/urls.py` and wrapped by the
admin site: staff login, CSRF and no caching as on every admin page.
"""

from django.contrib import admin
from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", admin.site.admin_view(views.dashboard_view), name="dashboard"),
    path("monthly/", admin.site.admin_view(views.monthly_report_view), name="monthly"),
    path("monthly.csv", admin.site.admin_view(views.monthly_report_csv_view), name="monthly-csv"),
]
