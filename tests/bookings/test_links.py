"""
Secret links: random tokens kept only as hashes, a link of its own in each email, ended
one by one or all at once by a counselor's "send a new link"; links sent before the
change keep working; the outbox in the admin never shows a link.
"""

import base64
import hashlib
import hmac

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from bookings.emails.ics import booking_ics
from bookings.models import Booking, BookingLink
from bookings.selectors.bookings import booking_get_by_token
from bookings.services.links import booking_link_end
from bookings.services.staff import booking_link_send_new
from bookings.tokens import MANAGE, VERIFY, token_hash
from common import clock
from notifications.models import Notification
from offices.models import User
from tests.factories import office_with
from tests.helpers import book, counselor_account, jst, link_token

THU = jst(2026, 11, 26, 9, 30)


def a_service():
    """The service of an office open on weekday mornings (bookings confirmed at once)."""
    return office_with().services.get()


def checking_email():
    """The service of an office whose bookings wait an hour for the email check."""
    return office_with(email_verification_minutes=60).services.get()


def _old_derived_token(booking: Booking, purpose: str) -> str:
    """How tokens were made before: HMAC(SECRET_KEY, purpose + the public booking UUID)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"booking-{purpose}:{booking.uuid}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def test_a_token_cannot_be_derived_from_the_public_booking_uuid(client, db):
    created = book(checking_email(), THU)
    booking = created.booking
    assert str(booking.uuid) in booking_ics(booking, manage_url="")  # public: the calendar UID
    for purpose, name in ((MANAGE, "booking-manage"), (VERIFY, "booking-verify")):
        derived = _old_derived_token(booking, purpose)
        assert client.get(reverse(name, args=[derived])).status_code == 404
    assert client.get(reverse("booking-manage", args=[created.manage_token])).status_code == 200


def test_every_email_carries_a_link_of_its_own_and_each_can_be_ended_alone(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = book(a_service(), THU)
    emailed = link_token(mail.outbox[0].body)
    assert emailed != created.manage_token
    link = BookingLink.objects.get(token_hash=token_hash(emailed))
    assert booking_link_end(link_id=link.pk, booking=created.booking, now=clock.now())
    assert client.get(reverse("booking-manage", args=[emailed])).status_code == 404
    assert client.get(reverse("booking-manage", args=[created.manage_token])).status_code == 200


def test_send_a_new_link_ends_every_earlier_link_and_emails_a_working_one(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = book(a_service(), THU)
    earlier = [created.manage_token, link_token(mail.outbox[0].body)]
    counselor = counselor_account(created.booking.office)
    client.force_login(counselor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:bookings_booking_changelist"),
            {"action": "send_new_link", "_selected_action": [created.booking.pk]},
            follow=True,
        )
    assert response.status_code == 200
    client.logout()
    for token in earlier:
        assert client.get(reverse("booking-manage", args=[token])).status_code == 404
    new_email = mail.outbox[-1]
    assert new_email.to == ["taro@example.jp"] and "新しいリンク" in new_email.subject
    fresh = link_token(new_email.body)
    assert client.get(reverse("booking-manage", args=[fresh])).status_code == 200


def test_a_new_link_for_a_pending_email_check_carries_a_new_check_link_too(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = book(checking_email(), THU)
        booking_link_send_new(booking=created.booking, now=clock.now())
    assert booking_get_by_token(token=created.verification_token, purpose=VERIFY) is None
    fresh = link_token(mail.outbox[-1].body, "verify")
    assert booking_get_by_token(token=fresh, purpose=VERIFY) == created.booking


def test_another_offices_counselor_cannot_send_a_new_link(client, db):
    created = book(a_service(), THU)
    client.force_login(counselor_account(office_with()))  # a counselor of another office
    client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "send_new_link", "_selected_action": [created.booking.pk]},
    )
    assert client.get(reverse("booking-manage", args=[created.manage_token])).status_code == 200


def test_the_outbox_admin_masks_every_link_in_an_email_body(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(checking_email(), THU)
    notification = Notification.objects.get(kind="booking_created")
    verify = link_token(notification.body_text, "verify")
    client.force_login(User.objects.filter(is_superuser=True).first() or _superuser())
    page = client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert verify not in html
    assert "/verify/••••••/" in html


def _superuser():
    return User.objects.create_superuser("root-links", "root@example.jp", "pw-links-123")


@pytest.mark.slow  # migrates back and forth
@pytest.mark.django_db(transaction=True)
def test_links_sent_before_the_change_keep_working_after_the_migration():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    booking = book(a_service(), THU).booking
    old_token = _old_derived_token(booking, MANAGE)
    executor = MigrationExecutor(connection)
    executor.migrate([("bookings", "0011_event_reasons")])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE bookings_booking SET manage_token_hash = %s WHERE id = %s",
            [token_hash(old_token), booking.pk],
        )
    executor = MigrationExecutor(connection)
    executor.migrate([("bookings", "0012_booking_links")])
    executor = MigrationExecutor(connection)  # then on to today's schema, as a deploy does
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert booking_get_by_token(token=old_token, purpose=MANAGE) == booking
