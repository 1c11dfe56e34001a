from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = _("Offices")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from offices.roles import _on_post_migrate

        post_migrate.connect(_on_post_migrate, sender=self, dispatch_uid="offices.roles_sync")
