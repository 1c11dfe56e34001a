"""
A counselor signs in with Microsoft Entra ID (the local fake, over HTTP, in Chromium) as a
new user would, lands in their office with their role, and loses access once removed from
the group in Entra.
"""

import pytest

from offices.models import User
from offices.roles import COUNSELORS
from tests.e2e.waits import expect
from tests.factories import office_with
from tests.fakes.entra import FakeEntra

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def entra(settings, live_server):
    fake = FakeEntra().start()
    settings.SITE_URL = live_server.url
    settings.ENTRA_TENANT_ID, settings.ENTRA_LOGIN_BASE = fake.tenant, fake.base
    settings.ENTRA_CLIENT_ID, settings.ENTRA_CLIENT_SECRET = fake.client_id, fake.client_secret
    settings.ENTRA_GROUPS = {"g-counselors": {"office": "entra-town", "role": "counselor"}}
    yield fake
    fake.stop()


def test_a_counselor_signs_in_with_entra_lands_in_their_office_then_loses_access(
    live_server, tablet_page, entra
):
    office = office_with(slug="entra-town", name="エントラ町ハローワーク")
    entra.person("oid-e2e", groups=["g-counselors"], amr=["pwd", "mfa"])
    page = tablet_page
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)

    page.goto(live_server.url + "/admin/login/")
    page.get_by_role("link", name="Microsoft（Entra ID）でサインイン").click()
    page.wait_for_url(live_server.url + "/admin/")
    page.get_by_role("link", name="予定表").first.click()
    expect(page.locator("body")).to_contain_text("エントラ町ハローワーク")
    user = User.objects.get(entra__object_id="oid-e2e")
    assert user.office == office
    assert set(user.groups.values_list("name", flat=True)) == {COUNSELORS}
    expect(page.locator("#content").get_by_role("link", name="電話予約")).to_be_visible()

    entra.person("oid-e2e", groups=[], amr=["pwd", "mfa"])  # removed from the group
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.get_by_role("link", name="Microsoft（Entra ID）でサインイン").click()
    expect(page.locator(".errornote")).to_contain_text("グループに所属していません")
    page.goto(live_server.url + "/admin/bookings/booking/schedule/")
    assert "/admin/login/" in page.url
    assert not User.objects.get(pk=user.pk).is_staff
    assert violations == []
