"""Staff roles: counselors read, office managers edit their office and publish terms."""

import pytest
from django.contrib.auth.models import Group

from offices.models import Counselor, User
from offices.roles import COUNSELORS, OFFICE_MANAGERS, roles_sync
from offices.services import demo_staff_password_set

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


def test_seeded_demo_staff_hold_their_roles_and_office(seeded):
    manager = User.objects.get(username="kawagoe-manager")
    counselor = User.objects.get(username="kawagoe-counselor-1")
    assert manager.office == counselor.office == seeded["kawagoe"]
    assert manager.has_perm("terms.publish_termsversion")
    assert counselor.has_perm("terms.view_termsversion")
    assert not counselor.has_perm("terms.publish_termsversion")
    assert not Counselor.objects.filter(user=manager).exists()  # managers take no sessions


def test_demo_staff_password_is_set_only_where_none_was_usable(seeded):
    chosen = User.objects.get(username="sasebo-manager")
    chosen.set_password("kept by the manager")
    chosen.save()

    names = demo_staff_password_set(password="demo-password-123")

    assert len(names) == 15
    assert User.objects.get(username="kawagoe-manager").check_password("demo-password-123")
    assert User.objects.get(username="sasebo-manager").check_password("kept by the manager")
