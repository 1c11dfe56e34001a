"""
A local staff account reaches no admin page before it has a second factor, and enrolls a
passkey with Chromium's virtual authenticator (the CDP WebAuthn domain), then signs in
with it.
"""

import pytest

from tests.e2e.waits import expect
from tests.factories import office_with
from tests.helpers import counselor_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long demo password"


def test_a_counselor_enrolls_a_passkey_before_reaching_any_admin_page(
    live_server, tablet_page, settings
):
    origin = live_server.url.replace("127.0.0.1", "localhost")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [origin]
    user = counselor_account(office_with())  # a counselor with no second factor yet
    user.set_password(PASSWORD)
    user.save()
    page = tablet_page
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]

    page.goto(origin + "/admin/login/?next=/admin/")
    page.get_by_label("ユーザー名").fill(user.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/admin/second-factor/setup/**")
    for path in ("/admin/", "/admin/bookings/booking/", "/admin/reports/"):
        page.goto(origin + path)
        assert "/admin/second-factor/setup/" in page.url, path
        assert "2要素目" in page.content()

    page.get_by_role("button", name="パスキーを追加する").click()
    page.wait_for_url("**/admin/second-factor/recovery/")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1
    page.get_by_role("button", name="新しいリカバリーコードを作る").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.goto(origin + "/admin/bookings/booking/")
    expect(page).to_have_url(origin + "/admin/bookings/booking/")

    # Signed out and in again: the password, then the passkey.
    page.context.clear_cookies()
    page.goto(origin + "/admin/login/?next=/admin/bookings/booking/")
    page.get_by_label("ユーザー名").fill(user.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/admin/second-factor/verify/**")
    page.get_by_role("button", name="パスキーを使う").click()
    page.wait_for_url("**/admin/bookings/booking/")
    assert violations == []
