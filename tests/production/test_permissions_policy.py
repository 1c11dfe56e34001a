"""
The review's finding, replayed: a page asks for the camera and microphone, and no page sent
a Permissions-Policy. Now every page denies them, and only the device check allows them,
for this site only.
"""

import pytest
from django.urls import reverse

from tests.factories import office_with
from tests.helpers import book, jst, manage_token


@pytest.mark.django_db
def test_only_the_device_check_pages_may_use_camera_and_microphone(client, db):
    office = office_with()
    booking = book(office.services.get(), jst(2026, 11, 26, 9, 30)).booking
    allowed = [f"/offices/{office.slug}/device-check/",
               reverse("booking-device-check", args=[manage_token(booking)])]  # fmt: skip
    denied = ["/", f"/offices/{office.slug}/", f"/offices/{office.slug}/book/",
              reverse("booking-manage", args=[manage_token(booking)]), "/api/v1/offices",
              "/admin/login/", "/no-such-page/"]  # fmt: skip
    for path in allowed:
        policy = client.get(path)["Permissions-Policy"]
        assert "camera=(self)" in policy and "microphone=(self)" in policy, path
    for path in denied:
        policy = client.get(path)["Permissions-Policy"]
        assert "camera=()" in policy and "microphone=()" in policy, path
