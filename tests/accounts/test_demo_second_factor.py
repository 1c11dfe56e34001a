"""`make run`'s demo accounts get an authenticator key, kept in var/ and printed."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from offices.models import User


def test_demo_staff_get_a_key_in_var_and_can_sign_in_with_its_code(client, offices, settings):
    out = StringIO()
    call_command("ensure_demo_second_factor", stdout=out)
    lines = (Path(settings.VAR_DIR) / "demo-second-factor.txt").read_text().splitlines()
    keys = dict(line.split() for line in lines)
    assert "kawagoe-manager" in keys and "yamaguchi-counselor-2" in keys
    assert f"kawagoe-manager: {keys['kawagoe-manager']}" in out.getvalue()
    call_command("ensure_demo_second_factor", stdout=StringIO())  # again: the same keys
    assert (
        dict(
            line.split()
            for line in (Path(settings.VAR_DIR) / "demo-second-factor.txt").read_text().splitlines()
        )
        == keys
    )

    user = User.objects.get(username="kawagoe-manager")
    user.set_password("a long demo password")
    user.save()
    client.post("/admin/login/", {"username": user.username, "password": "a long demo password"})
    code = StringIO()
    call_command("demo_totp_code", "kawagoe-manager", stdout=code)
    response = client.post(reverse("second-factor-verify"), {"code": code.getvalue().strip()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_refused_under_the_production_settings(offices, settings):
    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError):
        call_command("ensure_demo_second_factor", stdout=StringIO())
