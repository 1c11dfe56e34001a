from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from offices.services import demo_admin_ensure, demo_staff_password_set


class Command(BaseCommand):
    help = (
        "Creates a local demo superuser once and prints its login; the seeded demo staff "
        "accounts get the same password. It is kept in var/demo-admin.txt. Local trials "
        "only, never in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, **options):
        credentials_file = Path(settings.VAR_DIR) / "demo-admin.txt"
        user, password = demo_admin_ensure(username=options["username"])
        if password is not None:
            credentials_file.parent.mkdir(parents=True, exist_ok=True)
            credentials_file.write_text(f"{user.username}\n{password}\n")
            credentials_file.chmod(0o600)
        elif credentials_file.exists():
            password = credentials_file.read_text().split("\n")[1]
        url = f"{settings.SITE_URL}/admin/"
        if password is not None:
            staff = demo_staff_password_set(password=password)
            if staff:
                self.stdout.write(
                    "Demo staff with the same password: "
                    f"{', '.join(name for name in staff if name.startswith('kawagoe'))}, ... "
                    "(<office>-manager, <office>-counselor-1/2 for every office)"
                )
        if password is None:
            self.stdout.write(
                f"Admin: {url}  user: {user.username}  "
                f"(password set earlier; change it with: manage.py changepassword {user.username})"
            )
        else:
            self.stdout.write(f"Admin: {url}  user: {user.username}  password: {password}")
