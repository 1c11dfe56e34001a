from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencingConfig(AppConfig):
    name = "conferencing"
    verbose_name = _("Online meetings")

    def ready(self) -> None:
        from conferencing.providers import account_is_configured
        from offices.platforms import register_account_check

        register_account_check(account_is_configured)
