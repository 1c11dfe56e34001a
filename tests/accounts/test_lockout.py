"""
Guessing stops at the account: failed sign-ins are counted per username across every
address, slowed down first and then locked; per address (an IPv6 address by its /64)
with a higher limit, so that one person's typos never lock out an office behind one
address. Replays the security review's finding at the level of the sign-in page.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from offices.roles import COUNSELORS, OFFICE_MANAGERS
from tests.factories import office_with
from tests.helpers import staff

PASSWORD = "correct horse battery staple"
LOGIN = "/admin/login/"


@pytest.fixture
def manager(db):
    """An office manager's account of an office of the test's own."""
    user = staff(office_with(), OFFICE_MANAGERS, "office-manager")
    user.set_password(PASSWORD)
    user.email = "manager@office.example.jp"
    user.save()
    return user


@pytest.fixture
def counselors(db):
    """The accounts of two counselors of one office, signing in with `PASSWORD`."""
    office = office_with(counselors=2)
    users = [counselor.user for counselor in office.counselors.order_by("pk")]
    for user in users:
        user.groups.add(Group.objects.get(name=COUNSELORS))
        user.set_password(PASSWORD)
        user.save()
    return users


def _post(client, username, password, address, **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="ja",
        **extra,
    )


FIVE_ADDRESSES_OF_ONE_64 = [f"2001:db8:42:7::{n:x}" for n in (1, 0xBEEF, 0x1234, 0xA, 0xFFFF)]


def test_twenty_guesses_from_five_addresses_of_one_64_then_the_right_password_is_refused(
    client, manager, frozen
):
    """The finding: 20 wrong passwords from five addresses of one /64, then the right one."""
    for attempt in range(20):
        frozen.shift(timedelta(minutes=4))  # past every slow-down: only the lockout counts
        _post(client, manager.username, "wrong", FIVE_ADDRESSES_OF_ONE_64[attempt % 5])
    right = _post(client, manager.username, PASSWORD, "2001:db8:42:7::99")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # From an address in no way related to the guesses: still locked (per account).
    elsewhere = _post(client, manager.username, PASSWORD, "198.51.100.7")
    assert elsewhere.status_code == 429
    assert "_auth_user_id" not in client.session


def test_guesses_at_full_speed_are_slowed_down_and_the_right_password_waits_too(client, manager):
    pages = [
        _post(client, manager.username, "wrong", FIVE_ADDRESSES_OF_ONE_64[n % 5]).content.decode()
        for n in range(20)
    ]
    assert "秒後にもう一度" in pages[3]
    right = _post(client, manager.username, PASSWORD, "2001:db8:42:7::99")
    assert "_auth_user_id" not in client.session
    assert "秒後にもう一度" in right.content.decode()


def test_after_the_slow_down_the_right_password_signs_in(client, manager, frozen):
    for _n in range(3):
        _post(client, manager.username, "wrong", "203.0.113.5")
    frozen.shift(timedelta(minutes=1))
    response = _post(client, manager.username, PASSWORD, "203.0.113.5")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(manager.pk)


def test_the_lockout_emails_the_account_and_the_page_says_who_can_help(
    client, manager, frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _n in range(12):
            frozen.shift(timedelta(minutes=4))
            response = _post(client, manager.username, "wrong", "203.0.113.5")
    assert response.status_code == 429
    page = response.content.decode()
    assert "システム管理者" in page  # a superuser lifts it, not the office manager
    assert "同じ事務所の他の職員は" in page
    notices = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(notices) == 1  # once per lockout, not per refused attempt
    assert "ロック" in notices[0].subject
    assert PASSWORD not in notices[0].body


def test_one_users_typos_do_not_lock_out_the_office_behind_one_address(client, counselors, frozen):
    """Issue 27 item 14: five wrong passwords locked every account at that address."""
    typist, colleague = counselors
    for _n in range(12):
        frozen.shift(timedelta(minutes=4))
        _post(client, typist.username, "wrong", "192.0.2.10")
    assert _post(client, typist.username, PASSWORD, "192.0.2.10").status_code == 429
    response = _post(client, colleague.username, PASSWORD, "192.0.2.10")
    assert response.status_code == 302


def test_many_usernames_from_one_64_lock_that_network(client, counselors, frozen, settings):
    """Spraying one password over many usernames is stopped per network (/64 for IPv6)."""
    for n in range(settings.STAFF_LOCKOUT_ADDRESS_LIMIT):
        frozen.shift(timedelta(seconds=1))
        _post(client, f"nobody-{n}", "Password1", f"2001:db8:99:1::{n + 1:x}")
    counselor = counselors[1]
    assert _post(client, counselor.username, PASSWORD, "2001:db8:99:1::abcd").status_code == 429
    # Another /64 is not affected.
    assert _post(client, counselor.username, PASSWORD, "2001:db8:99:2::1").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, manager, frozen, settings):
    for _n in range(10):
        frozen.shift(timedelta(minutes=4))
        _post(client, manager.username, "wrong", "203.0.113.5")
    frozen.shift(timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES + 1))
    assert _post(client, manager.username, PASSWORD, "203.0.113.5").status_code == 302
