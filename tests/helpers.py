"""
Helpers the tests import (fixtures stay in the conftest files, which no test imports):
the suite's moment `NOW` and `jst(...)`; `service(...)` of a seeded office; `person(...)`,
the details of one person, and `book(...)`, a booking through the real path; secret-link
tokens; `unguarded(...)`, to prove a guard by removing it; `staff(...)`, a staff account
with a role; `someone(n)`, a distinct person, and `booking_row(...)`, a booking with its
events written directly, for moments the booking path cannot reach or for volume.
"""

import itertools
from datetime import datetime, timedelta

from django.contrib.auth.models import Group

from bookings.models import Applicant, Booking, BookingEvent, BookingStatus
from bookings.outcomes import outcome_after
from common.clock import JST
from offices.models import Service
from terms.models import Consent
from terms.selectors import terms_in_force
from tests.factories import UserFactory

CHROMIUM = "/usr/bin/chromium"

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

    defaults = {"data": person(), "agree_terms": True, "channel": "web", "now": now}
    defaults.update(kwargs)
    if "terms_version_id" not in defaults:
        defaults["terms_version_id"] = terms_in_force(office=svc.office, at=now).pk
    return booking_create(service=svc, start=start, **defaults)


def email_checked(booking, *, now=None):
    """The person confirms their request from the email (as a click on its link would; by
    default the moment it was made), so a counselor may answer it; a booking not waiting
    for that is returned as it is."""
    from bookings.models import Booking
    from bookings.services.links import booking_link_issue
    from bookings.services.public import booking_verify

    if booking.verification_expires_at is not None:
        token = booking_link_issue(booking=booking, purpose="verify")
        booking_verify(token=token, now=now or booking.created_at)
    return Booking.objects.get(pk=booking.pk)


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

    def no_lock(office, **_ignored):
        return list(
            Counselor.objects.filter(office=office, is_active=True).values_list("pk", flat=True)
        )

    @contextmanager
    def removed():
        if hasattr(module, "office_booking_lock_and_setup_version"):  # booking_create
            monkeypatch.setattr(
                module,
                "office_booking_lock_and_setup_version",
                lambda office, **_ignored: (no_lock(office), 0),
            )
        else:
            monkeypatch.setattr(module, "office_booking_lock", no_lock)
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE bookings_booking DROP CONSTRAINT booking_counselor_no_overlap"
            )
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for table in (
                    "bookingevent",
                    "bookinglink",
                    "bookingchange",
                    "devicecheck",
                    "phonecall",
                ):
                    cursor.execute(f"DELETE FROM bookings_{table}")  # noqa: S608 - our own names
                cursor.execute("DELETE FROM notifications_delivery")
                cursor.execute("DELETE FROM notifications_notification")
                cursor.execute("DELETE FROM bookings_booking")
                cursor.execute(import_module("bookings.migrations.0026_group_sessions").OVERLAP)

    return removed()


def staff(office, role: str, username: str):
    """A staff account of `office` in the group `role` (offices.roles)."""
    user = UserFactory(office=office, username=username)
    user.groups.add(Group.objects.get(name=role))
    return user


_serial = itertools.count(1)


def someone(n: int, **overrides) -> dict:
    return person(
        name=f"利用者 {n}",
        job_seeker_number=f"12345-{n:07d}",
        email=f"person{n}@example.jp",
        **overrides,
    )


def booking_row(
    service: Service,
    start: datetime,
    *,
    status: str = BookingStatus.COMPLETED,
    minutes: int = 30,
    channel: str = "web",
    counselor=None,
    created_at: datetime | None = None,
    cancelled_by: str = "applicant",
    cancelled_from: str = BookingStatus.CONFIRMED,
    applicant: Applicant | None = None,
) -> Booking:
    """A booking in its final state with the events that led there (one cancel event)."""
    serial = next(_serial)
    office = service.office
    applicant = applicant or Applicant.objects.create(
        office=office, kind="job_seeker", identity_key=f"test:{serial}", name=f"テスト氏名{serial}"
    )
    consent = Consent.objects.create(
        office=office,
        terms_version=terms_in_force(office=office, at=NOW),
        applicant_uuid=applicant.uuid,
        applicant_kind="job_seeker",
        channel="web",
        given_at=NOW,
    )
    counselor = counselor or office.counselors.order_by("pk").first()
    booking = Booking.objects.create(
        reference=f"T{serial:07d}",
        office=office,
        service=service,
        counselor=counselor,
        applicant=applicant,
        consent=consent,
        start=start,
        end=start + timedelta(minutes=minutes),
        status=status,
        channel=channel,
        name=applicant.name,
        email=f"row{serial}@example.jp",
        phone="0900000000",
    )
    made = created_at or start - timedelta(days=7)
    Booking.objects.filter(pk=booking.pk).update(created_at=made)
    first = (
        BookingStatus.CONFIRMED
        if status != BookingStatus.EXPIRED
        else BookingStatus.PENDING_VERIFICATION
    )
    events = [BookingEvent(booking=booking, at=made, to_status=first, actor_label="applicant")]
    if status == BookingStatus.CANCELLED:
        events.append(
            BookingEvent(booking=booking, at=made, from_status=cancelled_from, to_status=status,
                         actor_label=cancelled_by)
        )  # fmt: skip
    elif status != first:
        events.append(
            BookingEvent(booking=booking, at=start, from_status=first, to_status=status,
                         actor_label="staff")
        )  # fmt: skip
    BookingEvent.objects.bulk_create(events)
    last = events[-1]
    outcome = outcome_after(from_status=last.from_status, to_status=last.to_status,
                            actor_label=last.actor_label, reason_code="")  # fmt: skip
    Booking.objects.filter(pk=booking.pk).update(outcome=outcome)
    booking.refresh_from_db()
    return booking


def chromium_page(*, width: int, height: int):
    """A page of Debian's Chromium of this size (a generator: the fixtures yield from it)."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP")
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def invitation_office(*, counselors: int = 2):
    """An office (factories) whose one service takes bookings by invitation, with
    `counselors` counselors, a counselor account (`.counselor`, in the Counselors group
    when the groups exist) and one person's record (`.person`), email and phone on record."""
    from types import SimpleNamespace

    from offices.roles import COUNSELORS
    from tests.factories import ApplicantFactory, office_with

    office = office_with(counselors=counselors, phone="0120-000-111")
    svc = office.services.get()
    svc.accepts_invitations = True
    svc.save(update_fields=["accepts_invitations"])
    user = UserFactory(office=office, username=f"counselor-{office.slug}")
    group = Group.objects.filter(name=COUNSELORS).first()
    if group is not None:
        user.groups.add(group)
    record = ApplicantFactory(
        office=office, name="招待 花子", name_kana="ショウタイ ハナコ",
        job_seeker_number="12345-7654321", email="hanako@example.jp", phone="09011112222",
    )  # fmt: skip
    return SimpleNamespace(office=office, service=svc, counselor=user, person=record)


def invite(env, *, now=NOW, **overrides):
    """An invitation of `env.person` to `env.service` through the service (emailed)."""
    from invitations.services import invitation_create

    today = now.astimezone(JST).date()
    kwargs = {
        "applicant": env.person, "service": env.service, "by": env.counselor,
        "first_day": today + timedelta(days=1), "last_day": today + timedelta(days=14),
        "now": now,
    }  # fmt: skip
    kwargs.update(overrides)
    return invitation_create(**kwargs).invitation


def invitation_token(invitation) -> str:
    """A link of the invitation as a letter carries (a new one each call)."""
    from invitations.services import invitation_link_issue

    return invitation_link_issue(invitation=invitation, via="letter")


def delivered(notification):
    """The outbox's email as its recipient gets it: sent now (a booking's email is written
    as intent and rendered, with its own links, by the worker that sends it), re-read."""
    from common import clock
    from notifications.services import notification_send

    notification_send(notification_id=notification.pk, now=clock.now())
    notification.refresh_from_db()
    return notification


def another_waits_for_my_lock() -> None:
    """Returns once another connection waits for a lock this one holds (the other thread
    queued behind it); polled from this thread's own connection, inside its transaction
    (hence the statistics' snapshot cleared each time)."""
    import time

    from django.db import connection

    with connection.cursor() as cursor:
        for _ in range(4000):
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.005)
    raise AssertionError("no other connection queued behind this one's lock")


def threads_run(calls, *, at_once: bool = True) -> list:
    """Runs each call in a thread of its own (its own database connection), all released
    at once from a barrier unless `at_once` is False; returns each one's result or the
    exception it raised, in the order of `calls`."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            if at_once:
                barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # the test reads them
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def counselor_account(office):
    """The staff account of the office's first counselor (by id), in the Counselors group:
    a counselor who signs in, as the seed's `<office>-counselor-1` did."""
    from offices.roles import COUNSELORS

    user = office.counselors.order_by("pk").first().user
    user.groups.add(Group.objects.get(name=COUNSELORS))
    return user
