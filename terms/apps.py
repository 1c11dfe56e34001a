from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TermsConfig(AppConfig):
    name = "terms"
    verbose_name = _("Terms of use")

    def ready(self) -> None:
        from offices.roles import COUNSELORS, OFFICE_MANAGERS, role_permissions_grant

        role_permissions_grant("terms", COUNSELORS, ["view_termsversion", "view_consent"])
        role_permissions_grant("terms", OFFICE_MANAGERS, [
            "add_termsversion", "change_termsversion", "delete_termsversion",
            "publish_termsversion",
        ])  # fmt: skip
        from django.db.models.signals import post_delete, post_save

        from terms.models import TermsVersion
        from terms.selectors import terms_versions_changed

        post_save.connect(terms_versions_changed, sender=TermsVersion, dispatch_uid="terms-v")
        post_delete.connect(terms_versions_changed, sender=TermsVersion, dispatch_uid="terms-v-d")
