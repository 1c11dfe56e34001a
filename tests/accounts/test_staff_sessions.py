"""
Staff sessions: an idle session is ended in the session store and its next request is sent
to sign in with a message; a staff member lists their own signed-in sessions (device kind,
network prefix, last activity; never another person's), signs out one or every other; a
second factor reset or a deactivated account signs the person out everywhere.
"""

from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import StaffSession
from accounts.services import recovery_codes_issue, second_factor_reset
from accounts.tasks import end_idle_staff_sessions
from offices.roles import COUNSELORS
from tests.factories import UserFactory, office_with
from tests.helpers import NOW, staff

PASSWORD = "correct horse battery staple"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Safari/604.1"
WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36 Edg/120.0"


@pytest.fixture
def office(db):
    return office_with()


@pytest.fixture
def counselor(office):
    user = staff(office, COUNSELORS, "session-counselor")
    user.set_password(PASSWORD)
    user.save()
    return user


def _signed_in(user, *, agent: str, address: str) -> Client:
    """A browser signed in through the sign-in page, password and recovery code."""
    browser = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    login = browser.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert login.status_code == 302
    code = recovery_codes_issue(user=user)[0]
    assert browser.post("/admin/second-factor/verify/", {"code": code}).status_code == 302
    assert browser.get("/admin/").status_code == 200
    return browser


def _session_exists(browser: Client) -> bool:
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return import_module(settings.SESSION_ENGINE).SessionStore().exists(key)


def test_an_idle_session_is_ended_and_sent_to_sign_in_with_a_message(client, counselor, frozen):
    client.force_login(counselor)
    frozen.shift(timedelta(minutes=20))
    assert client.get("/admin/").status_code == 200  # activity keeps the session
    frozen.shift(timedelta(minutes=20))
    assert client.get("/admin/bookings/applicant/").status_code == 200
    assert _session_exists(client)

    frozen.shift(timedelta(minutes=settings.STAFF_IDLE_MINUTES, seconds=61))
    response = client.get("/admin/bookings/applicant/?q=x", HTTP_ACCEPT_LANGUAGE="ja")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    assert "_auth_user_id" not in client.session
    assert not StaffSession.objects.filter(user=counselor).exists()
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "操作がなかったため、サインアウトしました" in page
    # The same session cookie no longer reaches anything.
    assert client.get("/admin/bookings/applicant/")["Location"].startswith("/admin/login/")


def test_idle_sessions_are_ended_in_the_store_even_if_the_browser_never_comes_back(
    counselor, frozen
):
    idle = _signed_in(counselor, agent=IPHONE, address="192.0.2.10")
    frozen.shift(timedelta(minutes=20))
    active = _signed_in(counselor, agent=WINDOWS, address="192.0.2.11")
    frozen.shift(timedelta(minutes=15))
    assert end_idle_staff_sessions() == 1
    assert not _session_exists(idle) and _session_exists(active)


def test_the_list_shows_the_accounts_own_sessions_and_signs_out_one_or_all_others(
    counselor, office, frozen
):
    phone = _signed_in(counselor, agent=IPHONE, address="2001:db8:42:7::1")
    frozen.shift(timedelta(minutes=5))
    desk = _signed_in(counselor, agent=WINDOWS, address="203.0.113.77")
    tablet = _signed_in(counselor, agent=IPHONE.replace("iPhone", "iPad"), address="192.0.2.5")
    colleague = staff(office, COUNSELORS, "session-colleague")
    colleague.set_password(PASSWORD)
    colleague.save()
    theirs = _signed_in(colleague, agent=WINDOWS, address="198.51.100.9")

    page = desk.get("/admin/sessions/", HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 200
    html = page.content.decode()
    listed = page.context["sessions"]
    assert {s.device_type for s in listed} == {"iPhone / Safari", "Windows / Edge", "iPad / Safari"}
    assert {s.network for s in listed} == {"2001:db8:42::/48", "203.0.113.0/24", "192.0.2.0/24"}
    assert "203.0.113.77" not in html and "2001:db8:42:7::1" not in html  # prefixes only
    assert "このブラウザ" in html
    other_people = StaffSession.objects.get(user=colleague)
    assert f'value="{other_people.pk}"' not in html and "198.51.100" not in html

    # Another person's session cannot be ended by its id.
    refused = desk.post("/admin/sessions/", {"end": other_people.pk}, follow=True)
    assert "ご自身のものではありません" in refused.content.decode()
    assert _session_exists(theirs)

    phone_row = StaffSession.objects.get(user=counselor, device_type="iPhone / Safari")
    assert desk.post("/admin/sessions/", {"end": phone_row.pk}).status_code == 302
    assert not _session_exists(phone)
    assert phone.get("/admin/")["Location"].startswith("/admin/login/")
    assert _session_exists(tablet)

    desk.post("/admin/sessions/", {"end": "others"})
    assert not _session_exists(tablet) and _session_exists(desk)
    assert desk.get("/admin/sessions/").status_code == 200
    assert [s.device_type for s in StaffSession.objects.filter(user=counselor)] == [
        "Windows / Edge"
    ]
    assert _session_exists(theirs)


def test_a_second_factor_reset_signs_the_person_out_everywhere(counselor, office):
    phone = _signed_in(counselor, agent=IPHONE, address="192.0.2.10")
    desk = _signed_in(counselor, agent=WINDOWS, address="192.0.2.11")
    root = UserFactory(username="session-root", is_superuser=True)
    second_factor_reset(user=counselor, by=root, reason="Lost phone", now=root.date_joined)
    assert not _session_exists(phone) and not _session_exists(desk)
    assert phone.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_deactivated_account_is_signed_out_everywhere(counselor):
    desk = _signed_in(counselor, agent=WINDOWS, address="192.0.2.11")
    counselor.is_active = False
    counselor.save()
    assert not _session_exists(desk)
    assert not StaffSession.objects.filter(user=counselor).exists()


def test_the_idle_check_costs_no_query_and_activity_is_written_once_a_minute(
    client, counselor, frozen
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(counselor)

    def session_queries() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/sessions/").status_code == 200
        return [q["sql"] for q in queries if "accounts_staffsession" in q["sql"]]

    frozen.shift(timedelta(seconds=30))
    assert len(session_queries()) == 1  # the page's own list, nothing from the check
    frozen.shift(timedelta(seconds=31))
    written = session_queries()
    assert len(written) == 2 and written[0].startswith("UPDATE")  # activity, then the list
    assert StaffSession.objects.get(user=counselor).last_seen == NOW + timedelta(seconds=61)
