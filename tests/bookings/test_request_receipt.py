"""
A receipt once a request is sent from its email (issue 26 walk, item F): at Kawagoe the
person pressed 「申込みを送信する」 and their inbox kept only 「【要対応】申込みはまだ完了して
いません」. Sending it now emails the request's stage: sent, a counselor answers by its
deadline, and whom to phone if no answer comes; one email more, no other.
"""

import pytest

from notifications.models import Notification
from tests.factories import kawagoe_like
from tests.helpers import book, delivered, email_checked, jst

pytestmark = pytest.mark.django_db(transaction=True)

THURSDAY = jst(2026, 11, 26, 9, 30)


def test_sending_the_request_from_its_email_brings_a_receipt_with_the_deadline(
    django_capture_on_commit_callbacks,
):
    office = kawagoe_like(phone="049-242-0197", request_decision_business_days=1)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(office.services.get(), THURSDAY).booking
    before = set(Notification.objects.filter(recipient=booking.email).values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        email_checked(booking)
    new = Notification.objects.filter(recipient=booking.email).exclude(pk__in=before)
    assert [n.kind for n in new] == ["booking_requested"]
    receipt = delivered(new.get())
    assert "要対応" not in receipt.subject
    assert "2026年11月24日(火) 16:00" in receipt.body_text
    assert "049-242-0197" in receipt.body_text
