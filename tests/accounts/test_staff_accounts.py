"""
Issue 27, majors 14 and 17: an office manager keeps the office's counselor accounts on the
"Staff accounts" page: adds one for a new hire (who must set up a second factor at the
first sign-in), deactivates one (signed out everywhere), lifts a counselor's lock and
issues a new password, each recorded; never another office's accounts, a manager's or a
superuser's; accounts that sign in with Entra ID are shown as kept in Entra. The lockout
page says who can help and blames only the lock that holds.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import EntraIdentity, SecondFactorReset, StaffAccountChange
from offices.models import Counselor, User
from offices.roles import COUNSELORS, OFFICE_MANAGERS
from tests.factories import UserFactory, office_with
from tests.helpers import NOW, staff

PAGE = "/admin/staff-accounts/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def office(db):
    return office_with()


@pytest.fixture
def manager(office):
    return staff(office, OFFICE_MANAGERS, "accounts-manager")


@pytest.fixture
def counselor(office):
    user = staff(office, COUNSELORS, "accounts-counselor")
    user.set_password(PASSWORD)
    user.save()
    Counselor.objects.create(office=office, user=user, display_name="相談員A")
    return user


@pytest.fixture
def elsewhere(db):
    return staff(office_with(), COUNSELORS, "elsewhere-counselor")


NEW_HIRE = {
    "do": "create",
    "username": "new-hire",
    "last_name": "田中",
    "first_name": "花子",
    "display_name": "田中",
    "email": "tanaka@office.example.jp",
}


def test_the_page_says_what_it_does_and_lists_only_the_offices_accounts(
    client, manager, counselor, elsewhere
):
    client.force_login(manager)
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    page = response.content.decode()
    assert "新しい相談員のアカウントを追加" in page and "2要素目" in page
    assert "accounts-counselor" in page
    assert "elsewhere-counselor" not in page
    # Another office's slug in the address changes nothing for a manager.
    forged = client.get(PAGE, {"office": elsewhere.office.slug}).content.decode()
    assert "elsewhere-counselor" not in forged


def test_a_manager_adds_a_counselor_who_must_set_up_a_second_factor_first(
    client, manager, office, elsewhere
):
    client.force_login(manager)
    # A forged office field is ignored: the account is the manager's office's.
    response = client.post(PAGE, {**NEW_HIRE, "office": elsewhere.office.slug})
    assert response.status_code == 200
    password = response.context["shown_password"]["password"]
    user = User.objects.get(username="new-hire")
    assert user.office == office and user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [COUNSELORS]
    assert Counselor.objects.get(user=user).office == office
    change = StaffAccountChange.objects.get()
    assert (change.kind, change.user, change.by, change.at) == ("created", user, manager, NOW)
    assert password in response.content.decode()
    assert password not in client.get(PAGE).content.decode()  # shown once

    newcomer = Client()
    assert (
        newcomer.post("/admin/login/", {"username": "new-hire", "password": password}).status_code
        == 302
    )
    for path in ("/admin/", "/admin/bookings/booking/schedule/", PAGE):
        assert newcomer.get(path)["Location"].startswith("/admin/second-factor/setup/")


def test_bad_input_is_refused_with_a_message_and_nothing_written(client, manager, counselor):
    client.force_login(manager)
    taken = client.post(PAGE, {**NEW_HIRE, "username": "ACCOUNTS-counselor"},
                        HTTP_ACCEPT_LANGUAGE="ja")  # fmt: skip
    assert taken.status_code == 400 and "使われています" in taken.content.decode()
    spaces = client.post(PAGE, {**NEW_HIRE, "username": "new hire"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert spaces.status_code == 400 and "空白" in spaces.content.decode()
    no_email = client.post(PAGE, {**NEW_HIRE, "email": ""})
    assert no_email.status_code == 400
    assert not User.objects.filter(username__iexact="new-hire").exists()
    assert not User.objects.filter(username="new hire").exists()
    assert not StaffAccountChange.objects.exists()


def test_a_manager_deactivates_a_counselor_who_is_signed_out_everywhere(client, manager, counselor):
    desk = Client()
    desk.force_login(counselor)
    assert desk.get("/admin/").status_code == 200
    client.force_login(manager)
    confirm = client.get(PAGE, {"deactivate": counselor.pk}, HTTP_ACCEPT_LANGUAGE="ja")
    assert "どこでもすぐにサインアウト" in confirm.content.decode()

    response = client.post(PAGE, {"do": "deactivate", "user": counselor.pk})

    assert response.status_code == 302
    counselor.refresh_from_db()
    assert not counselor.is_active
    assert not Counselor.objects.get(user=counselor).is_active
    assert desk.get("/admin/")["Location"].startswith("/admin/login/")
    change = StaffAccountChange.objects.get()
    assert (change.kind, change.user, change.by) == ("deactivated", counselor, manager)
    signing_in = Client().post("/admin/login/", {"username": counselor.username,
                                                 "password": PASSWORD})  # fmt: skip
    assert signing_in.status_code == 200  # refused: the form again


def test_a_manager_changes_no_other_offices_account_no_managers_and_no_superusers(
    client, manager, office, elsewhere
):
    colleague_manager = staff(office, OFFICE_MANAGERS, "second-manager")
    root = UserFactory(username="office-root", is_superuser=True, office=office)
    client.force_login(manager)
    for do in ("deactivate", "unlock", "password", "factor_reset", "reactivate"):
        why = {"reason": "機種変更"}
        assert client.post(PAGE, {"do": do, "user": elsewhere.pk, **why}).status_code == 404
        assert client.post(PAGE, {"do": do, "user": root.pk, **why}).status_code == 404
        refused = client.post(PAGE, {"do": do, "user": colleague_manager.pk, **why},
                              HTTP_ACCEPT_LANGUAGE="ja")  # fmt: skip
        assert refused.status_code == 400 and "スーパーユーザー" in refused.content.decode()
        assert client.post(PAGE, {"do": do, "user": manager.pk, **why}).status_code == 400
    for user in (elsewhere, root, colleague_manager, manager):
        user.refresh_from_db()
        assert user.is_active
    assert not StaffAccountChange.objects.exists()


def test_counselors_cannot_open_the_page(client, counselor):
    client.force_login(counselor)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, NEW_HIRE).status_code == 403
    assert not User.objects.filter(username="new-hire").exists()


def test_a_superuser_keeps_any_offices_accounts(client, elsewhere):
    root = UserFactory(username="root-keeper", is_superuser=True)
    client.force_login(root)
    page = client.get(PAGE, {"office": elsewhere.office.slug}).content.decode()
    assert "elsewhere-counselor" in page
    response = client.post(PAGE, {"do": "deactivate", "user": elsewhere.pk,
                                  "office": elsewhere.office.slug})  # fmt: skip
    assert response.status_code == 302
    elsewhere.refresh_from_db()
    assert not elsewhere.is_active


def test_entra_accounts_are_shown_as_kept_in_entra_and_not_changed_here(client, manager, counselor):
    EntraIdentity.objects.create(user=counselor, tenant_id="t", object_id="o", last_sign_in=NOW)
    client.force_login(manager)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    row = page[page.index(f'id="account-{counselor.pk}"') :].split("</tr>")[0]
    assert "Microsoft Entra ID" in row and "Entraで管理" in row
    assert 'value="password"' not in row and "deactivate=" not in row
    refused = client.post(PAGE, {"do": "deactivate", "user": counselor.pk},
                          HTTP_ACCEPT_LANGUAGE="ja")  # fmt: skip
    assert refused.status_code == 400 and "Entra" in refused.content.decode()
    counselor.refresh_from_db()
    assert counselor.is_active


def _lock(browser, username, frozen):
    for _n in range(10):
        frozen.shift(timedelta(minutes=4))
        response = browser.post(
            "/admin/login/", {"username": username, "password": "wrong"},
            REMOTE_ADDR="192.0.2.10", HTTP_ACCEPT_LANGUAGE="ja",
        )  # fmt: skip
    return response


def test_the_office_manager_lifts_a_counselors_lock_recorded(client, manager, counselor, frozen):
    """Major 14: the lockout page sends the counselor to someone who can help."""
    locked = _lock(Client(), counselor.username, frozen)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert 'id="manager-can-help"' in page and "事務所の管理者" in page
    assert "ネットワーク" not in page  # the username's lock, not the network's

    client.force_login(manager)
    listing = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    row = listing[listing.index(f'id="account-{counselor.pk}"') :].split("</tr>")[0]
    assert "ロック中" in row
    assert client.post(PAGE, {"do": "unlock", "user": counselor.pk}).status_code == 302
    change = StaffAccountChange.objects.get()
    assert (change.kind, change.user, change.by) == ("unlocked", counselor, manager)
    signed_in = Client().post(
        "/admin/login/", {"username": counselor.username, "password": PASSWORD},
        REMOTE_ADDR="192.0.2.10",
    )  # fmt: skip
    assert signed_in.status_code == 302


def test_a_manager_issues_a_new_password_the_old_one_stops_working(client, manager, counselor):
    client.force_login(manager)
    response = client.post(PAGE, {"do": "password", "user": counselor.pk})
    assert response.status_code == 200
    password = response.context["shown_password"]["password"]
    old = Client().post("/admin/login/", {"username": counselor.username, "password": PASSWORD})
    assert old.status_code == 200
    new = Client().post("/admin/login/", {"username": counselor.username, "password": password})
    assert new.status_code == 302
    assert StaffAccountChange.objects.get().kind == "password"


def test_a_network_pause_blames_no_username(client, counselor, frozen, settings):
    for n in range(settings.STAFF_LOCKOUT_ADDRESS_LIMIT):
        frozen.shift(timedelta(seconds=1))
        client.post("/admin/login/", {"username": f"nobody-{n}", "password": "x"},
                    REMOTE_ADDR="2001:db8:5::1")  # fmt: skip
    paused = client.post(
        "/admin/login/", {"username": counselor.username, "password": PASSWORD},
        REMOTE_ADDR="2001:db8:5::2", HTTP_ACCEPT_LANGUAGE="ja",
    )  # fmt: skip
    assert paused.status_code == 429
    page = paused.content.decode()
    assert "ネットワーク" in page
    assert "このユーザー名" not in page and 'id="manager-can-help"' not in page


def test_a_manager_resets_a_counselors_second_factor_with_a_reason_recorded(
    client, manager, counselor, mailoutbox, django_capture_on_commit_callbacks
):
    TOTPDevice.objects.create(user=counselor, name="phone", confirmed=True)
    counselor.email = "counselor@office.example.jp"
    counselor.save(update_fields=["email"])
    desk = Client()
    desk.force_login(counselor)
    client.force_login(manager)
    listing = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f"factor_reset={counselor.pk}" in listing
    asked = client.get(PAGE, {"factor_reset": counselor.pk}, HTTP_ACCEPT_LANGUAGE="ja")
    assert "2要素目をリセットしますか" in asked.content.decode()

    unexplained = client.post(PAGE, {"do": "factor_reset", "user": counselor.pk, "reason": " "},
                              HTTP_ACCEPT_LANGUAGE="ja")  # fmt: skip
    assert unexplained.status_code == 400 and "理由" in unexplained.content.decode()
    assert TOTPDevice.objects.filter(user=counselor).exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            PAGE, {"do": "factor_reset", "user": counselor.pk, "reason": "スマートフォン紛失"}
        )
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=counselor).exists()
    assert desk.get("/admin/")["Location"].startswith("/admin/login/")  # signed out
    change = StaffAccountChange.objects.get()
    assert (change.kind, change.by, change.reason) == (
        "factor_reset",
        manager,
        "スマートフォン紛失",
    )
    assert SecondFactorReset.objects.get(user=counselor).by == manager
    assert [m.to for m in mailoutbox] == [[counselor.email]]  # told, in case it was not them
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "スマートフォン紛失" in page  # on the record of changes


def test_a_manager_reactivates_a_deactivated_counselor_with_a_reason(client, manager, counselor):
    client.force_login(manager)
    client.post(PAGE, {"do": "deactivate", "user": counselor.pk})
    listing = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f"reactivate={counselor.pk}" in listing
    asked = client.get(PAGE, {"reactivate": counselor.pk}, HTTP_ACCEPT_LANGUAGE="ja")
    assert "再開しますか" in asked.content.decode()
    unexplained = client.post(PAGE, {"do": "reactivate", "user": counselor.pk, "reason": ""})
    assert unexplained.status_code == 400
    counselor.refresh_from_db()
    assert not counselor.is_active

    response = client.post(PAGE, {"do": "reactivate", "user": counselor.pk, "reason": "復職"})
    assert response.status_code == 302
    counselor.refresh_from_db()
    assert counselor.is_active and Counselor.objects.get(user=counselor).is_active
    change = StaffAccountChange.objects.latest("pk")
    assert (change.kind, change.by, change.reason) == ("reactivated", manager, "復職")
    signing_in = Client().post("/admin/login/", {"username": counselor.username,
                                                 "password": PASSWORD})  # fmt: skip
    assert signing_in.status_code == 302  # the password works again
