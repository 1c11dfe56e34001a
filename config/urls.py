from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import second_factor_views
from accounts.forms import StaffAuthenticationForm
from config import errors
from config.views import healthz, readyz

admin.site.site_header = _("Online consultation booking: staff")
admin.site.site_title = _("Online consultation booking")
admin.site.index_title = _("Office administration")
admin.site.login_form = StaffAuthenticationForm
admin.site.login_template = "accounts/login.html"  # adds "Sign in with Microsoft" if set up
# The sidebar takes a third of a tablet's width; the header's shortcuts lead to the pages.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", include("offices.urls")),
    path("", include("terms.urls")),
    path("", include("bookings.public.urls")),
    path("", include("invitations.urls")),
    path("", include("interviews.urls")),
    path("", include("waitlist.urls")),
    path("api/v1/", include("bookings.api.urls")),
    path("", include("conferencing.urls")),
    path("", include("notifications.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("favicon.ico", errors.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/reports/", include("reports.urls")),
    path(
        "admin/second-factor/verify/",
        second_factor_views.second_factor_verify,
        name="second-factor-verify",
    ),
    path(
        "admin/second-factor/setup/",
        second_factor_views.second_factor_setup,
        name="second-factor-setup",
    ),
    path(
        "admin/second-factor/recovery/",
        second_factor_views.second_factor_recovery,
        name="second-factor-recovery",
    ),
    path("admin/second-factor/webauthn/", include("django_otp_webauthn.urls")),
    path("admin/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
