"""
The review's finding, replayed: the 15 demo staff accounts shared the superuser's password,
printed at start. Now each has its own, written to var/demo-staff.txt, never printed, and
none opens with the superuser's.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from offices.models import User


@pytest.mark.django_db
def test_demo_staff_each_have_their_own_password_never_shown_beside_the_superusers(seeded, capsys):
    call_command("ensure_demo_admin", username="demo-review-admin")
    printed = capsys.readouterr().out
    admin_password = (Path(settings.VAR_DIR) / "demo-admin.txt").read_text().split("\n")[1]
    staff_file = Path(settings.VAR_DIR) / "demo-staff.txt"
    staff = dict(line.split(" ", 1) for line in staff_file.read_text().splitlines())
    assert len(staff) == 15 and len(set(staff.values())) == 15
    assert oct(staff_file.stat().st_mode & 0o777) == "0o600"
    for username, password in staff.items():
        user = User.objects.get(username=username)
        assert user.check_password(password) and not user.check_password(admin_password)
        assert password not in printed
    assert printed.count(admin_password) == 1
    assert "kawagoe-manager" not in printed.split(admin_password)[1].split("\\n")[0]
