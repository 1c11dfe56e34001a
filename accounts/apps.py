from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff sign-in")

    def ready(self) -> None:
        from accounts import signals  # noqa: F401 (connects the receivers)
        from accounts.emails import KIND_LABELS
        from notifications.kinds import kind_labels_register

        kind_labels_register(KIND_LABELS)
        from offices.roles import OFFICE_MANAGERS, role_permissions_grant

        role_permissions_grant(
            "accounts", OFFICE_MANAGERS, ["review_staffaccess", "manage_office_staff"]
        )
