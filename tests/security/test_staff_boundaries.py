"""
Staff boundaries (issue 13), through the admin as the managers and counselors of two
offices: counselor accounts, staff status, platform accounts, lifting a bar.
"""

import pytest
from django.test import override_settings
from django.urls import reverse

from bookings.models import Applicant
from conferencing.providers import provider_for
from conferencing.types import AccountMissing
from offices.models import Counselor, Office, User
from offices.roles import COUNSELORS, OFFICE_MANAGERS
from tests.admin_forms import add_inline_row, change_form_data
from tests.factories import CounselorFactory, UserFactory, office_with
from tests.helpers import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    """The office whose manager and counselor act: no platform account of its own."""
    office = office_with(counselors=0, platform="zoom", platform_account="")
    staff(office, OFFICE_MANAGERS, "home-manager")
    counselor(office, "home-counselor-1")
    return office


@pytest.fixture
def other():
    """Another office, with a manager, a counselor and a platform account of its own."""
    office = office_with(counselors=0, platform="zoom", platform_account="zoom:other")
    staff(office, OFFICE_MANAGERS, "other-manager")
    counselor(office, "other-counselor-1")
    return office


def counselor(office, username):
    """A counselor of `office` who signs in as `username`."""
    user = staff(office, COUNSELORS, username)
    CounselorFactory(office=office, user=user)
    return user


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def test_a_manager_cannot_bind_a_counselor_to_another_offices_account(client, home, other):
    login(client, "home-manager")
    manager_elsewhere = User.objects.get(username="other-manager")
    response = client.post(
        reverse("admin:offices_counselor_add"),
        {"user": manager_elsewhere.pk, "display_name": "乗っ取り", "is_active": "on",
         "absences-TOTAL_FORMS": 0, "absences-INITIAL_FORMS": 0},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Counselor.objects.filter(user=manager_elsewhere).exists()


def test_the_counselor_page_lists_only_the_managers_own_staff(client, home, other):
    login(client, "home-manager")
    html = client.get(reverse("admin:offices_counselor_add")).content.decode()
    assert "home-counselor-1" in html
    for name in ("other-manager", "other-counselor-1"):
        assert name not in html


def test_a_manager_never_gives_staff_status_or_an_office(client, home):
    outsider = UserFactory(is_staff=False, office=None, username="outsider")
    login(client, "home-manager")
    client.post(
        reverse("admin:offices_counselor_add"),
        {"user": outsider.pk, "display_name": "x", "is_active": "on",
         "absences-TOTAL_FORMS": 0, "absences-INITIAL_FORMS": 0},
    )  # fmt: skip
    url = reverse("admin:offices_office_change", args=[home.pk])
    data = change_form_data(client, url)
    add_inline_row(data, "counselors", user=outsider.pk, display_name="x", is_active="on")
    client.post(url, data)
    outsider.refresh_from_db()
    assert (outsider.is_staff, outsider.office_id) == (False, None)
    assert not Counselor.objects.filter(user=outsider).exists()


def test_a_superuser_still_attaches_a_new_account(client, home):
    newcomer = UserFactory(is_staff=False, office=None, username="newcomer2")
    client.force_login(UserFactory(is_superuser=True, is_staff=True, username="root2"))
    response = client.post(
        reverse("admin:offices_counselor_add"),
        {"office": home.pk, "user": newcomer.pk, "display_name": "新任", "is_active": "on",
         "absences-TOTAL_FORMS": 0, "absences-INITIAL_FORMS": 0},
    )  # fmt: skip
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert (newcomer.is_staff, newcomer.office) == (True, home)


def test_a_manager_cannot_point_the_office_at_another_offices_account(client, home, other):
    login(client, "home-manager")
    url = reverse("admin:offices_office_change", args=[home.pk])
    data = change_form_data(client, url)
    data["platform_account"] = other.platform_account
    assert client.post(url, data).status_code == 302  # saved, the account left out
    home.refresh_from_db()
    assert home.platform_account == ""


ZOOM = {"zoom:toyooka": {"account_id": "a", "client_id": "c", "client_secret": "s", "host": "h"}}


@override_settings(CONFERENCING_FAKE=False, CONFERENCING_ACCOUNTS=ZOOM)
def test_the_providers_refuse_an_account_not_configured_for_the_office():
    assert provider_for(platform="zoom", account="zoom:toyooka", office="toyooka")
    with pytest.raises(AccountMissing):
        provider_for(platform="zoom", account="zoom:toyooka", office="kawagoe")
    with override_settings(CONFERENCING_ACCOUNT_OFFICES={"zoom:toyooka": ["toyooka", "matsudo"]}):
        assert provider_for(platform="zoom", account="zoom:toyooka", office="matsudo")
        with pytest.raises(AccountMissing):
            provider_for(platform="zoom", account="zoom:toyooka", office="kawagoe")


def _barred(office: Office):
    return Applicant.objects.create(
        office=office, kind="job_seeker", name="欠席 三回",
        identity_key="jsn:11111-1", barred_at="2026-11-01T00:00:00+09:00", barred_reason="3",
    )  # fmt: skip


def test_a_counselor_lifts_a_bar_with_a_reason_in_the_admin(client, other):
    person = _barred(other)
    login(client, "other-counselor-1")
    url = reverse("admin:bookings_applicant_changelist")
    client.post(
        url, {"action": "lift_bar", "_selected_action": [person.pk], "reason": "電話で確認"}
    )
    person.refresh_from_db()
    assert not person.is_barred and person.bar_lift_reason == "電話で確認"
    assert person.bar_lifted_by.username == "other-counselor-1"


def test_a_counselor_of_another_office_cannot_lift_the_bar(client, home, other):
    person = _barred(other)
    login(client, "home-counselor-1")
    url = reverse("admin:bookings_applicant_changelist")
    client.post(url, {"action": "lift_bar", "_selected_action": [person.pk], "reason": "x"})
    person.refresh_from_db()
    assert person.is_barred
    change = reverse("admin:bookings_applicant_change", args=[person.pk])
    assert client.get(change).status_code == 404
