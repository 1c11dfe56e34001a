"""The five offices as `make run` seeds them: their published facts and their rules."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_office_without_a_phone_in_its_documents_shows_a_marked_demo_one(client, seeded):
    client.cookies["django_language"] = "ja"
    html = client.get(reverse("office-detail", args=["kawagoe"])).content.decode()
    assert "00-0000-0000（デモ）" in html
