"""
Every published office gives a phone number (issue 14, finding 5; issue 26): its pages send
people to the phone (same-day cancellation, refusals, trouble joining), whether or not it
lets them cancel online. The model refuses a published office without one and the admin
will not clear it.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.admin_forms import change_form_data
from tests.factories import UserFactory, office_with

pytestmark = pytest.mark.django_db


def test_a_phone_only_office_cannot_be_published_without_a_phone():
    office = office_with(online_cancel_allowed=False)  # cancelled by phone only
    office.phone = ""
    with pytest.raises(ValidationError) as refused:
        office.full_clean()
    assert "phone" in refused.value.message_dict
    office.is_published = False
    office.full_clean()


def test_any_published_office_needs_a_phone_even_with_online_cancellation():
    """Refusals, same-day cancellation and trouble joining all say to phone the office."""
    office = office_with(online_cancel_allowed=True, online_cancel_days_before=0, phone="")
    with pytest.raises(ValidationError) as refused:
        office.full_clean()
    assert refused.value.message_dict["phone"]


@pytest.mark.parametrize("online_cancel_allowed", [False, True])
def test_the_admin_refuses_to_clear_the_phone_of_a_published_office(client, online_cancel_allowed):
    client.force_login(UserFactory(is_superuser=True, username="root"))
    office = office_with(online_cancel_allowed=online_cancel_allowed)
    url = reverse("admin:offices_office_change", args=[office.pk])
    data = change_form_data(client, url)
    data["phone"] = ""
    response = client.post(url, data)
    assert response.status_code == 200
    assert "phone" in response.context["adminform"].form.errors
    office.refresh_from_db()
    assert office.phone
