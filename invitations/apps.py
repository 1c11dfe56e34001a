from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = _("Invitations")

    def ready(self) -> None:
        from offices.roles import COUNSELORS, role_permissions_grant

        # A counselor invites people of their office, and withdraws an invitation with a
        # reason (withdrawing is the only change: the admin's fields stay read-only).
        role_permissions_grant("invitations", COUNSELORS, [
            "view_invitation", "add_invitation", "change_invitation",
        ])  # fmt: skip
        import invitations.tasks  # noqa: F401  (registers the reminder task with Celery)
        from invitations.waitlist_path import invitation_offer_accepting
        from waitlist.services import offer_accept_hook_register

        # An offer accepted from an entry made with an invitation counts a use of it.
        offer_accept_hook_register(invitation_offer_accepting)
