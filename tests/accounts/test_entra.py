"""
Sign-in with Microsoft Entra ID against a fake Entra that speaks the protocol over HTTP:
the mapping from groups to an office and a role applied at every sign-in (a transfer, a
removal), `amr` deciding whether the local second factor is still asked, and every token
that cannot be trusted refused with a page that says so.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from accounts.models import EntraIdentity
from offices.models import User
from offices.roles import COUNSELORS, OFFICE_MANAGERS, REPORT_READERS
from tests.factories import CounselorFactory, UserFactory, office_with
from tests.fakes.entra import FakeEntra

KAWAGOE_COUNSELORS, KAWAGOE_MANAGERS, SASEBO_COUNSELORS = "g-kawagoe-c", "g-kawagoe-m", "g-sasebo-c"


@pytest.fixture
def kawagoe(db):
    return office_with(slug="kawagoe-test")


@pytest.fixture
def sasebo(db):
    return office_with(slug="sasebo-test")


@pytest.fixture
def entra(settings, kawagoe, sasebo):
    fake = FakeEntra().start()
    settings.ENTRA_TENANT_ID, settings.ENTRA_LOGIN_BASE = fake.tenant, fake.base
    settings.ENTRA_CLIENT_ID, settings.ENTRA_CLIENT_SECRET = fake.client_id, fake.client_secret
    settings.ENTRA_GROUPS = {
        KAWAGOE_COUNSELORS: {"office": "kawagoe-test", "role": "counselor"},
        KAWAGOE_MANAGERS: {"office": "kawagoe-test", "role": "manager"},
        "g-kawagoe-r": {"office": "kawagoe-test", "role": "report_reader"},
        SASEBO_COUNSELORS: {"office": "sasebo-test", "role": "counselor"},
    }
    yield fake
    fake.stop()


def sign_in(client, fake, *, answer=None):
    """The browser's round trip: here, to the fake's sign-in page, back with the code."""
    start = client.get("/admin/entra/start/")
    assert start.status_code == 302 and start["Location"].startswith(fake.base)
    at_microsoft = requests.get(start["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(at_microsoft.headers["Location"])
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    return client.get(back.path, {**query, **(answer or {})})


def roles(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_the_option_appears_only_when_configured(client, db, settings):
    settings.ENTRA_TENANT_ID = ""
    assert "entra-sign-in" not in client.get("/admin/login/").content.decode()
    assert client.get("/admin/entra/start/").status_code == 404
    settings.ENTRA_TENANT_ID, settings.ENTRA_CLIENT_ID, settings.ENTRA_CLIENT_SECRET = "t", "c", "s"
    assert "entra-sign-in" in client.get("/admin/login/").content.decode()


def test_a_counselor_lands_in_their_office_with_their_role_and_mfa_counts(client, entra, kawagoe):
    entra.person("oid-1", groups=[KAWAGOE_COUNSELORS, "unmapped-group"], amr=["pwd", "mfa"])

    response = sign_in(client, entra)

    assert response.status_code == 302 and response["Location"] == "/admin/"
    user = User.objects.get(entra__object_id="oid-1")
    assert user.username == "taro@pref.example.lg.jp" and not user.has_usable_password()
    assert user.office == kawagoe and user.is_staff and roles(user) == {COUNSELORS}
    schedule = client.get("/admin/bookings/booking/schedule/")
    assert schedule.status_code == 200  # no local second factor asked: Entra's MFA counts
    assert schedule.context["office"] == kawagoe


def test_without_mfa_in_amr_the_local_second_factor_is_still_asked(client, entra):
    entra.person("oid-2", groups=[KAWAGOE_COUNSELORS], amr=["pwd"])
    assert sign_in(client, entra)["Location"] == "/admin/"
    page = client.get("/admin/bookings/booking/schedule/")
    assert page.status_code == 302 and page["Location"].startswith("/admin/second-factor/setup/")


def test_the_mapping_is_applied_at_every_sign_in_transfer_and_removal(
    client, entra, kawagoe, sasebo
):
    entra.person("oid-3", groups=[KAWAGOE_COUNSELORS, "g-kawagoe-r"], amr=["mfa"])
    sign_in(client, entra)
    user = User.objects.get(entra__object_id="oid-3")
    CounselorFactory(user=user, office=kawagoe)
    assert roles(user) == {COUNSELORS, REPORT_READERS}

    entra.person("oid-3", groups=[SASEBO_COUNSELORS], amr=["mfa"])  # April: transferred
    sign_in(client, entra)
    user.refresh_from_db()
    assert user.office == sasebo and roles(user) == {COUNSELORS}
    assert not user.counselor.is_active  # no more bookings at the old office

    entra.person("oid-3", groups=["unmapped-group"], amr=["mfa"])  # left the service
    client.logout()
    refused = sign_in(client, entra)
    assert refused.status_code == 403
    assert "グループ" in refused.content.decode()
    user.refresh_from_db()
    assert not user.is_staff and roles(user) == set()
    assert client.get("/admin/").status_code == 302  # not signed in


def test_a_manager_group_gives_the_manager_role(client, entra):
    entra.person("oid-4", groups=[KAWAGOE_MANAGERS], amr=["mfa"])
    sign_in(client, entra)
    assert roles(User.objects.get(entra__object_id="oid-4")) == {OFFICE_MANAGERS}


def test_groups_of_two_offices_are_refused(client, entra):
    entra.person("oid-5", groups=[KAWAGOE_COUNSELORS, SASEBO_COUNSELORS], amr=["mfa"])
    response = sign_in(client, entra)
    assert response.status_code == 403 and not User.objects.filter(entra__isnull=False).exists()


def test_a_local_account_of_the_same_name_is_never_taken_over(client, entra, kawagoe):
    local = UserFactory(username="taro@pref.example.lg.jp", office=kawagoe, is_superuser=True)
    entra.person("oid-6", groups=[KAWAGOE_COUNSELORS], amr=["mfa"])
    sign_in(client, entra)
    identity = EntraIdentity.objects.get(object_id="oid-6")
    assert identity.user != local and identity.user.username.startswith("taro@pref.example.lg.jp~")
    assert not identity.user.is_superuser


@pytest.mark.parametrize(
    ("tamper", "words"),
    [
        ({"aud": "another-app"}, "別のアプリケーション"),
        ({"iss": "https://login.microsoftonline.com/other-tenant/v2.0"}, "別のテナント"),
        ({"nonce": "replayed"}, "ノンス"),
        ({"expired": True}, "期限"),
        ({"sign_with_other_key": True}, "署名"),
    ],
)
def test_a_token_that_cannot_be_trusted_is_refused_with_a_clear_page(client, entra, tamper, words):
    entra.person("oid-7", groups=[KAWAGOE_COUNSELORS], amr=["mfa"])
    entra.tamper = tamper
    response = sign_in(client, entra)
    assert response.status_code == 403
    page = response.content.decode()
    assert words in page and "サインインしていません" in page
    assert not User.objects.filter(username="taro@pref.example.lg.jp").exists()
    assert "_auth_user_id" not in client.session


def test_an_answer_for_another_sign_in_is_refused(client, entra):
    entra.person("oid-8", groups=[KAWAGOE_COUNSELORS], amr=["mfa"])
    response = sign_in(client, entra, answer={"state": "someone-elses"})
    assert response.status_code == 403 and "別のサインイン" in response.content.decode()
    again = client.get("/admin/entra/callback/", {"code": "x", "state": "y"})
    assert again.status_code == 403 and "最初から" in again.content.decode()


def test_a_refusal_by_microsoft_is_shown(client, entra):
    client.get("/admin/entra/start/")
    state = client.session["entra_flow"]["state"]
    response = client.get("/admin/entra/callback/", {"error": "access_denied", "state": state})
    assert response.status_code == 403 and "access_denied" in response.content.decode()
