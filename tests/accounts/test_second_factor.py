"""
A second factor for every staff account, enforced: a password alone reaches no admin page;
an authenticator app is set up and then asked for; recovery codes work once; a superuser
resets a lost factor with a reason, recorded.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecondFactorReset
from offices.models import User
from offices.roles import OFFICE_MANAGERS
from tests.factories import office_with
from tests.helpers import counselor_account, staff

PASSWORD = "correct horse battery staple"
ADMIN_PAGES = [
    "/admin/",
    "/admin/bookings/booking/",
    "/admin/bookings/applicant/",
    "/admin/offices/office/",
    "/admin/reports/",
    "/admin/password_change/",
]


@pytest.fixture
def counselor(db):
    """A counselor's account of an office of the test's own, with a password and an email."""
    user = counselor_account(office_with())
    user.set_password(PASSWORD)
    user.email = "counselor@office.example.jp"
    user.save()
    return user


def _sign_in(client, user):
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_password_alone_reaches_only_the_setup_page(client, counselor):
    _sign_in(client, counselor)
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/second-factor/setup/"), path
    setup = client.get("/admin/second-factor/setup/")
    assert setup.status_code == 200
    page = setup.content.decode()
    assert "パスキー" in page and "<svg" in page
    assert "<script>" not in page  # the CSP allows no inline script


def test_an_authenticator_app_is_set_up_then_asked_at_the_next_sign_in(client, counselor, frozen):
    _sign_in(client, counselor)
    client.get("/admin/second-factor/setup/")
    device = TOTPDevice.objects.get(user=counselor, confirmed=False)
    wrong = client.post("/admin/second-factor/setup/", {"code": "000000"})
    assert wrong.status_code == 200 and "正しくありません" in wrong.content.decode()
    frozen.shift(timedelta(seconds=31))  # past django-otp's throttle after a wrong code
    done = client.post("/admin/second-factor/setup/", {"code": _code(device)})
    assert done["Location"] == reverse("second-factor-recovery")
    codes_page = client.get(done["Location"]).content.decode()
    assert codes_page.count("<li><code>") == 10
    assert client.get("/admin/bookings/booking/").status_code == 200

    client.logout()
    _sign_in(client, counselor)
    asked = client.get("/admin/bookings/booking/")
    assert asked["Location"].startswith("/admin/second-factor/verify/")
    frozen.shift(timedelta(seconds=31))  # the next 30-second code
    device.refresh_from_db()
    verified = client.post(
        "/admin/second-factor/verify/", {"code": _code(device), "next": "/admin/bookings/booking/"}
    )
    assert verified["Location"] == "/admin/bookings/booking/"
    assert client.get("/admin/bookings/booking/").status_code == 200


def test_a_recovery_code_works_once(client, counselor):
    from accounts.services import recovery_codes_issue

    codes = recovery_codes_issue(user=counselor)
    _sign_in(client, counselor)
    assert client.post("/admin/second-factor/verify/", {"code": codes[0]}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.logout()
    _sign_in(client, counselor)
    again = client.post("/admin/second-factor/verify/", {"code": codes[0]})
    assert again.status_code == 200
    assert client.get("/admin/")["Location"].startswith("/admin/second-factor/verify/")


def test_a_superuser_resets_a_lost_factor_with_a_reason_recorded(
    client, counselor, django_capture_on_commit_callbacks
):
    from accounts.services import recovery_codes_issue

    recovery_codes_issue(user=counselor)
    superuser = User.objects.create_superuser("root", "root@example.jp", PASSWORD)
    client.force_login(superuser)
    add = "/admin/accounts/secondfactorreset/add/"
    empty = client.post(add, {"user": counselor.pk, "reason": ""})
    assert empty.status_code == 200  # a reason is required
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            add, {"user": counselor.pk, "reason": "Lost phone; identity checked in person"}
        )
    assert response.status_code == 302
    record = SecondFactorReset.objects.get()
    assert (record.user, record.by) == (counselor, superuser)
    assert [m.subject for m in mail.outbox if m.to == [counselor.email]]
    client.logout()
    _sign_in(client, counselor)
    assert client.get("/admin/")["Location"].startswith("/admin/second-factor/setup/")


def test_a_manager_cannot_reset_a_factor(client, db):
    client.force_login(staff(office_with(), OFFICE_MANAGERS, "manager"))
    assert client.get("/admin/accounts/secondfactorreset/add/").status_code == 403
