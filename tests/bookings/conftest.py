from datetime import datetime

from common.clock import JST
from offices.models import Service
from terms.selectors import terms_in_force

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=JST)  # Sunday


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)


def service(slug: str, service_slug: str | None = None) -> Service:
    queryset = Service.objects.select_related("office").filter(office__slug=slug)
    if service_slug:
        queryset = queryset.filter(slug=service_slug)
    return queryset.order_by("position").first()


def person(**overrides) -> dict:
    data = {
        "name": "山田 太郎",
        "name_kana": "ヤマダ タロウ",
        "job_seeker_number": "12345-1234567",
        "email": "taro@example.jp",
        "phone": "090-1234-5678",
    }
    data.update(overrides)
    return data


def book(svc: Service, start: datetime, *, now=NOW, **kwargs):
    from bookings.services.create import booking_create

    defaults = {
        "data": person(),
        "terms_version_id": terms_in_force(office=svc.office, at=now).pk,
        "agree_terms": True,
        "channel": "web",
        "now": now,
    }
    defaults.update(kwargs)
    return booking_create(service=svc, start=start, **defaults)


def manage_token(booking, *, new: bool = False) -> str:
    """A manage link's token for the booking, as an email would carry: the same one each
    time for one booking within a test (as a person keeps using the link they got), or a
    new one with `new=True`."""
    from bookings.models import BookingLink
    from bookings.services.links import booking_link_issue

    known = _TOKENS.get(booking.pk)
    if new or known is None or not BookingLink.objects.filter(token_hash=_hash(known)).exists():
        known = _TOKENS[booking.pk] = booking_link_issue(booking=booking, purpose="manage")
    return known


_TOKENS: dict[int, str] = {}


def _hash(token: str) -> str:
    from bookings.tokens import token_hash

    return token_hash(token)


LINKS = {
    "manage_url": "https://consult.example.jp/bookings/manage-token-of-this-email/",
    "verify_url": "https://consult.example.jp/verify/verify-token-of-this-email/",
}


def link_token(body: str, kind: str = "bookings") -> str:
    """The token of the first `/bookings/<token>/` (or `/verify/`) link in an email."""
    import re

    return re.search(rf"/{kind}/([A-Za-z0-9_\-]+)/", body).group(1)


def unguarded(module, monkeypatch):
    """
    A context manager for the tests that prove a guard by removing it: `module`'s office
    lock becomes a plain read and the overlap constraint is dropped; afterwards the rows the
    race wrote are deleted and the constraint put back (as its migration writes it).
    """
    from contextlib import contextmanager
    from importlib import import_module

    from django.db import connection

    from offices.models import Counselor

    def no_lock(office):
        return list(
            Counselor.objects.filter(office=office, is_active=True).values_list("pk", flat=True)
        )

    @contextmanager
    def removed():
        monkeypatch.setattr(module, "office_booking_lock", no_lock)
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE bookings_booking DROP CONSTRAINT booking_counselor_no_overlap"
            )
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for table in ("bookingevent", "bookinglink", "bookingchange", "devicecheck"):
                    cursor.execute(f"DELETE FROM bookings_{table}")  # noqa: S608 - our own names
                cursor.execute("DELETE FROM notifications_notification")
                cursor.execute("DELETE FROM bookings_booking")
                cursor.execute(
                    import_module("bookings.migrations.0010_phone_sessions_hold_time").FORWARD
                )

    return removed()
