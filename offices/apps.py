from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = _("Offices")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from offices.roles import (
            COUNSELORS,
            OFFICE_MANAGERS,
            _on_post_migrate,
            role_permissions_grant,
        )

        role_permissions_grant("offices", COUNSELORS, [
            "view_office", "view_service", "view_openinghours", "view_closure",
            "view_counselor", "view_counselorabsence", "view_contenttranslation",
        ])  # fmt: skip
        role_permissions_grant("offices", OFFICE_MANAGERS, [
            "change_office", "add_service", "change_service", "delete_service",
            "add_openinghours", "change_openinghours", "delete_openinghours",
            "add_closure", "change_closure", "delete_closure", "add_counselor",
            "change_counselor", "add_counselorabsence", "change_counselorabsence",
            "delete_counselorabsence", "add_contenttranslation", "change_contenttranslation",
            "delete_contenttranslation",
        ])  # fmt: skip
        post_migrate.connect(_on_post_migrate, sender=self, dispatch_uid="offices.roles_sync")
