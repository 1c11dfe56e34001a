from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

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
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
