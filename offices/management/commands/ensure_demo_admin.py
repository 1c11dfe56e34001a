from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from offices.services import demo_admin_ensure, demo_staff_password_set


def demo_credentials_write(name: str, lines: list[str]) -> Path:
    """
    The one place that writes demo credentials under var/ (readable by the owner only):
    `demo-admin.txt` (the superuser) and `demo-staff.txt` (each staff account's own).
    """
    path = Path(settings.VAR_DIR) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text("".join(f"{line}\n" for line in lines))
    return path


class Command(BaseCommand):
    help = (
        "Creates a local demo superuser once and prints its login (kept in "
        "var/demo-admin.txt); each seeded demo staff account gets a password of its own, "
        "kept in var/demo-staff.txt and never printed. Local trials only, never in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, **options):
        admin_file = Path(settings.VAR_DIR) / "demo-admin.txt"
        user, password = demo_admin_ensure(username=options["username"])
        if password is not None:
            demo_credentials_write("demo-admin.txt", [user.username, password])
        elif admin_file.exists():
            password = admin_file.read_text().split("\n")[1]
        staff = demo_staff_password_set()
        if staff:
            staff_file = Path(settings.VAR_DIR) / "demo-staff.txt"
            known = staff_file.read_text().splitlines() if staff_file.exists() else []
            kept = [line for line in known if line.split(" ", 1)[0] not in staff]
            demo_credentials_write(
                "demo-staff.txt", kept + [f"{name} {secret}" for name, secret in staff.items()]
            )
        url = f"{settings.SITE_URL}/admin/"
        if password is None:
            self.stdout.write(
                f"Admin: {url}  user: {user.username}  "
                f"(password set earlier; change it with: manage.py changepassword {user.username})"
            )
        else:
            self.stdout.write(f"Admin: {url}  user: {user.username}  password: {password}")
        self.stdout.write(
            "Demo staff (<office>-manager, <office>-counselor-1/2), each with its own password: "
            f"{Path(settings.VAR_DIR) / 'demo-staff.txt'}"
        )
