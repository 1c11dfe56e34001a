"""Staff roles: counselors read, office managers edit their office and publish terms."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from offices.roles import (
    COUNSELORS,
    OFFICE_MANAGERS,
    REPORT_READERS,
    role_permissions_grant,
    roles,
    roles_sync,
)

pytestmark = pytest.mark.django_db


def test_roles_exist_after_migrate_with_their_permissions(db):
    counselors = {p.codename for p in Group.objects.get(name=COUNSELORS).permissions.all()}
    managers = {p.codename for p in Group.objects.get(name=OFFICE_MANAGERS).permissions.all()}
    assert {"view_office", "view_termsversion", "view_consent"} <= counselors
    assert "publish_termsversion" not in counselors
    assert "change_office" not in counselors
    assert {"change_office", "add_termsversion", "publish_termsversion"} <= managers
    assert "delete_office" not in managers


def test_roles_sync_restores_a_permission_removed_by_hand(db):
    group = Group.objects.get(name=OFFICE_MANAGERS)
    group.permissions.remove(group.permissions.get(codename="publish_termsversion"))
    roles_sync()
    assert group.permissions.filter(codename="publish_termsversion").exists()


# What each role held when the permissions were listed in offices/roles.py: the registry
# filled by the apps at start must give exactly these.
COUNSELOR_PERMISSIONS = {
    "offices.view_office", "offices.view_service", "offices.view_openinghours",
    "offices.view_closure", "offices.view_counselor", "offices.view_counselorabsence",
    "terms.view_termsversion", "terms.view_consent", "bookings.view_booking",
    "bookings.change_booking", "bookings.view_bookingevent", "bookings.view_applicant",
    "bookings.change_applicant", "notifications.view_notification",
    "notifications.view_delivery", "notifications.view_contactchannel",
    "invitations.view_invitation", "invitations.add_invitation", "invitations.change_invitation",
    "offices.view_contenttranslation",
    "bookings.view_groupsession", "bookings.add_groupsession", "bookings.change_groupsession",
    "interviews.view_interview", "interviews.add_interview", "interviews.change_interview",
    "interviews.view_employer", "interviews.view_selectionblock", "interviews.add_selectionblock",
    "waitlist.view_waitlistentry", "waitlist.view_waitlistoffer",
}  # fmt: skip
MANAGER_PERMISSIONS = COUNSELOR_PERMISSIONS | {
    "offices.change_office", "offices.add_service", "offices.change_service",
    "offices.delete_service", "offices.add_openinghours", "offices.change_openinghours",
    "offices.delete_openinghours", "offices.add_closure", "offices.change_closure",
    "offices.delete_closure", "offices.add_counselor", "offices.change_counselor",
    "offices.add_counselorabsence", "offices.change_counselorabsence",
    "offices.delete_counselorabsence", "terms.add_termsversion", "terms.change_termsversion",
    "terms.delete_termsversion", "terms.publish_termsversion", "bookings.view_accessrecord",
    "reports.view_office_report", "accounts.review_staffaccess",
    "accounts.manage_office_staff", "offices.add_contenttranslation",
    "offices.change_contenttranslation", "offices.delete_contenttranslation",
}  # fmt: skip
EXPECTED = {
    COUNSELORS: COUNSELOR_PERMISSIONS,
    OFFICE_MANAGERS: MANAGER_PERMISSIONS,
    REPORT_READERS: {"reports.view_office_report"},
}


def test_each_role_holds_exactly_the_permissions_it_had(db):
    assert {role: set(codes) for role, codes in roles().items()} == EXPECTED
    for role, codes in EXPECTED.items():
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=role).permissions.select_related("content_type")
        }
        assert held == codes, role


def test_the_roles_module_names_no_other_apps_permissions():
    import offices.roles

    source = Path(offices.roles.__file__).read_text()
    for app in ("bookings", "terms", "notifications", "reports", "accounts", "conferencing"):
        assert f'"{app}.' not in source, app


def test_a_grant_to_an_unknown_role_is_refused():
    with pytest.raises(ValueError):
        role_permissions_grant("offices", "Janitors", ["view_office"])
