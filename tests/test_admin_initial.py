"""
An add page's initial values from the query string that the field cannot hold open the
page without them (they gave a 500 through the autocomplete widget: found by
tests/production/test_parameters_property.py); a value that fits is still used.
"""

import pytest

from offices.models import User
from tests.factories import office_with


@pytest.fixture
def superuser_client(client, db):
    client.raise_request_exception = False
    client.force_login(User.objects.create_superuser("root-init", "root-init@example.jp", "pw-1"))
    return client


@pytest.mark.parametrize("query", ["user=nan", "user=1e999", "office=nan",
                                   "user=99999999999999999999", "office=-0.5"])  # fmt: skip
def test_a_value_the_field_cannot_hold_opens_the_add_page_without_it(superuser_client, query):
    for page in ("/admin/offices/counselor/add/", "/admin/accounts/secondfactorreset/add/"):
        response = superuser_client.get(f"{page}?{query}")
        assert response.status_code == 200, (page, query, response.status_code)


def test_a_value_that_fits_is_still_the_initial_choice(superuser_client):
    office = office_with()
    response = superuser_client.get(f"/admin/offices/counselor/add/?office={office.pk}")
    assert response.status_code == 200
    assert f'<option value="{office.pk}" selected>' in response.text


@pytest.mark.parametrize("value", ["nan", "4191-09-10T05:32:52+14:00", "99999999999999999999"])
def test_a_posted_value_the_field_cannot_hold_is_refused_with_the_form_not_a_500(
    superuser_client, value
):
    response = superuser_client.post(
        "/admin/accounts/secondfactorreset/add/", {"user": value, "reason": "lost phone"}
    )
    assert response.status_code == 200  # the form again, with its error
    assert "errornote" in response.text or "errorlist" in response.text
