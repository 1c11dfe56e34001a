"""The five offices as `make run` seeds them: their published facts and their rules."""

import pytest
from django.urls import reverse

from offices.models import Counselor, User
from offices.services import demo_staff_password_set

pytestmark = pytest.mark.django_db


def test_an_office_without_a_phone_in_its_documents_shows_a_marked_demo_one(client, seeded):
    client.cookies["django_language"] = "ja"
    html = client.get(reverse("office-detail", args=["kawagoe"])).content.decode()
    assert "00-0000-0000（デモ）" in html


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

    created = demo_staff_password_set()

    assert len(created) == 14 and "sasebo-manager" not in created
    assert len(set(created.values())) == 14, "each account its own password"
    assert User.objects.get(username="kawagoe-manager").check_password(created["kawagoe-manager"])
    assert User.objects.get(username="sasebo-manager").check_password("kept by the manager")
