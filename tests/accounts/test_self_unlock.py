"""
A locked-out staff member lifts their own lockout with their second factor (the lockout
page and email offer it only when the account has a code that works), and a superuser
lifts it in the admin.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from offices.roles import COUNSELORS
from tests.factories import UserFactory, office_with
from tests.helpers import staff

PASSWORD = "correct horse battery"


@pytest.fixture
def counselor(db):
    user = staff(office_with(), COUNSELORS, "unlock-counselor")
    user.email = "unlock@example.jp"
    user.save()
    return user


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _lock(client, frozen, username: str, capture):
    with capture(execute=True):
        for _ in range(10):
            frozen.shift(timedelta(minutes=4))
            response = client.post("/admin/login/", {"username": username, "password": "wrong"})
    return response


def _sign_in(client, username):
    return client.post("/admin/login/", {"username": username, "password": PASSWORD})


def test_the_person_lifts_their_own_lockout_with_their_authenticator_app(
    client, counselor, frozen, django_capture_on_commit_callbacks
):
    device = TOTPDevice.objects.create(user=counselor, name="app", confirmed=True)
    locked = _lock(client, frozen, counselor.username, django_capture_on_commit_callbacks)
    assert locked.status_code == 429 and 'id="self-unlock"' in locked.content.decode()
    assert "/admin/unlock/" in mail.outbox[-1].body
    assert _sign_in(client, counselor.username).status_code == 429

    wrong = client.post("/admin/unlock/", {"username": counselor.username, "code": "000000"})
    assert wrong.status_code == 200 and "正しくありません" in wrong.content.decode()
    assert _sign_in(client, counselor.username).status_code == 429

    frozen.shift(timedelta(seconds=30))  # past django-otp's slow-down after a wrong code
    right = client.post("/admin/unlock/", {"username": counselor.username, "code": _code(device)})
    assert right.status_code == 200 and "解除" in right.content.decode()
    assert _sign_in(client, counselor.username).status_code == 302


def test_without_a_code_the_page_and_email_do_not_offer_it(
    client, counselor, frozen, django_capture_on_commit_callbacks
):
    locked = _lock(client, frozen, counselor.username, django_capture_on_commit_callbacks)
    assert locked.status_code == 429 and 'id="self-unlock"' not in locked.content.decode()
    assert "/admin/unlock/" not in mail.outbox[-1].body
    answer = client.post("/admin/unlock/", {"username": "nobody-here", "code": "123456"})
    assert answer.status_code == 200 and "正しくありません" in answer.content.decode()


def test_a_superuser_lifts_a_lockout_in_the_admin(
    client, counselor, frozen, django_capture_on_commit_callbacks
):
    _lock(client, frozen, counselor.username, django_capture_on_commit_callbacks)
    root = UserFactory(username="root-unlocker", is_superuser=True)
    client.force_login(root)
    attempts = list(AccessAttempt.objects.filter(username=counselor.username))
    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [a.pk for a in attempts], "post": "yes"},
    )
    assert response.status_code == 302
    client.logout()
    assert _sign_in(client, counselor.username).status_code == 302
