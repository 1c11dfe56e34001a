"""A sign-in from a browser the account has not used before emails the account."""

import pytest
from django.core import mail

from accounts.models import KnownDevice
from tests.factories import office_with
from tests.helpers import counselor_account

PASSWORD = "correct horse battery staple"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


@pytest.fixture
def counselor(db):
    """A counselor's account of an office of the test's own, with a password and an email."""
    user = counselor_account(office_with())
    user.set_password(PASSWORD)
    user.email = "counselor@office.example.jp"
    user.save()
    return user


def _sign_in(client, user):
    return client.post(
        "/admin/login/",
        {"username": user.username, "password": PASSWORD},
        HTTP_USER_AGENT=CHROME,
    )


def test_a_new_browser_is_emailed_a_known_one_is_not(
    client, counselor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _sign_in(client, counselor)
    assert first.status_code == 302
    cookie = first.cookies["staff_device"]
    assert cookie["httponly"] and cookie.value
    # The account's first browser ever: nothing to warn about.
    assert not [m for m in mail.outbox if m.to == [counselor.email]]
    assert KnownDevice.objects.get(user=counselor).key_hash != cookie.value

    client.logout()  # which forgets every cookie: the browser keeps this one
    client.cookies["staff_device"] = cookie.value
    with django_capture_on_commit_callbacks(execute=True):
        _sign_in(client, counselor)
    assert not [m for m in mail.outbox if m.to == [counselor.email]]

    client.logout()  # another browser, without the cookie
    with django_capture_on_commit_callbacks(execute=True):
        again = _sign_in(client, counselor)
    assert again.status_code == 302
    notices = [m for m in mail.outbox if m.to == [counselor.email]]
    assert len(notices) == 1
    assert "新しい端末" in notices[0].subject
    assert "Windows / Chrome" in notices[0].body
    assert KnownDevice.objects.filter(user=counselor).count() == 2
