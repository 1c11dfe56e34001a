"""Signing a staff member in through the pages, second factor included."""

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from offices.models import User


def staff_sign_in(page, live_server, username: str, password: str) -> None:
    """The password, then a recovery code (given to the account here) on the next page."""
    user = User.objects.get(username=username)
    device, _created = StaticDevice.objects.get_or_create(user=user, name="e2e")
    token = StaticToken.random_token()
    StaticToken.objects.create(device=device, token=token)
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_label("コード").fill(token)
    page.get_by_role("button", name="このコードでサインイン").click()
