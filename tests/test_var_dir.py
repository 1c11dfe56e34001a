"""The suite writes into a temporary directory of its own, never the run's var/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

RUN_VAR = Path(settings.BASE_DIR) / "var"


def test_everything_written_under_var_goes_to_a_temporary_directory():
    var = Path(settings.VAR_DIR)
    assert var != RUN_VAR and RUN_VAR not in var.parents
    assert Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent == var
    assert Path(settings.STATIC_ROOT).is_relative_to(var)
    broker = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in")
    assert broker is None or Path(broker).is_relative_to(var)


@pytest.mark.django_db
def test_the_demo_admin_password_is_kept_in_the_tests_own_directory(capsys):
    before = (
        (RUN_VAR / "demo-admin.txt").read_bytes() if (RUN_VAR / "demo-admin.txt").exists() else None
    )
    call_command("ensure_demo_admin", username="test-admin")
    written = Path(settings.VAR_DIR) / "demo-admin.txt"
    assert written.read_text().startswith("test-admin\n")
    after = (
        (RUN_VAR / "demo-admin.txt").read_bytes() if (RUN_VAR / "demo-admin.txt").exists() else None
    )
    assert before == after
