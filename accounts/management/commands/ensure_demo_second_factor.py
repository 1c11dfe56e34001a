from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.services import demo_totp_ensure
from offices.models import Office
from offices.services import demo_staff_usernames


class Command(BaseCommand):
    help = (
        "Local trials only (make run): gives the demo admin and the demo staff accounts an "
        "authenticator-app key, kept in var/demo-second-factor.txt beside their password and "
        "printed. Refused under the production settings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--admin", default="admin")

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith("production"):
            raise CommandError("demo second factors are for local trials only")
        names = [options["admin"]]
        for slug in Office.objects.order_by("slug").values_list("slug", flat=True):
            names += demo_staff_usernames(slug)
        keys = demo_totp_ensure(usernames=names)
        path = Path(settings.VAR_DIR) / "demo-second-factor.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{name} {key}\n" for name, key in keys.items()))
        path.chmod(0o600)
        self.stdout.write(
            "Second factor (authenticator app) keys of the demo accounts, in "
            f"{path}; add one to an authenticator app, or print the current code with "
            "`manage.py demo_totp_code USERNAME`:"
        )
        for name in (options["admin"], *[n for n in keys if n.startswith("kawagoe")]):
            if name in keys:
                self.stdout.write(f"  {name}: {keys[name]}")
