"""
Staff see only their own office, everywhere in the admin. For every model the admin
shows, a Kawagoe manager and a Kawagoe counselor asking for a Toyooka row by address get
404, and the lists leave it out; the same page for Toyooka's own staff works, so the test
would fail if scoping hid everything. Admin logins are protected against guessing.
"""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse

from common import clock
from offices.admin import OfficeScopedAdminMixin
from offices.models import User
from offices.roles import OFFICE_MANAGERS
from tests.factories import office_with
from tests.helpers import book, counselor_account, jst, staff

SCOPED = [
    (model, model_admin)
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, OfficeScopedAdminMixin)
]


@pytest.fixture
def kawagoe(db):
    """The office whose staff ask for another office's rows: its manager and a counselor."""
    office = office_with(slug="kawagoe", name="ハローワーク川越", counselors=2)
    staff(office, OFFICE_MANAGERS, "kawagoe-manager")
    counselor_account(office)
    return office


@pytest.fixture
def toyooka(db):
    """The other office, whose rows Kawagoe's staff must not see, and its manager."""
    office = office_with(slug="toyooka", name="ハローワーク豊岡", counselors=2)
    staff(office, OFFICE_MANAGERS, "toyooka-manager")
    return office


def kawagoe_staff(office) -> dict[str, User]:
    return {"manager": User.objects.get(username="kawagoe-manager"),
            "counselor": counselor_account(office)}  # fmt: skip


@pytest.fixture
def toyooka_rows(kawagoe, toyooka):
    """A row of every scoped model that belongs to Toyooka."""
    from bookings.services.access_records import access_record

    created = book(toyooka.services.get(), jst(2026, 11, 24, 9, 30))
    access_record(
        booking=created.booking,
        kind="viewed",
        ip_address="203.0.113.1",
        user_agent="",
        now=clock.now(),
    )
    from bookings.models import BookingChange

    BookingChange.objects.create(
        booking=created.booking, office=created.booking.office,
        from_start=created.booking.start, from_end=created.booking.end,
        to_start=created.booking.start, to_end=created.booking.end, requested_at=clock.now(),
    )  # fmt: skip
    from invitations.models import Invitation

    Invitation.objects.create(
        office=created.booking.office, applicant=created.booking.applicant,
        service=created.booking.service, invited_by=User.objects.get(username="toyooka-manager"),
        first_day=jst(2026, 11, 24, 0, 0).date(), last_day=jst(2026, 12, 4, 0, 0).date(),
        expires_at=jst(2026, 12, 5, 0, 0),
    )  # fmt: skip
    from bookings.models import PhoneCall

    PhoneCall.objects.create(
        booking=created.booking, office=created.booking.office, kind="cancelled",
        dedupe_key=f"booking:{created.booking.pk}:cancelled::test",
    )  # fmt: skip
    from bookings.services.seats import group_session_schedule

    group_session_schedule(
        service=created.booking.service, counselor=created.booking.counselor,
        start=jst(2026, 11, 25, 13, 0), minutes=60, capacity=10,
        by=User.objects.get(username="toyooka-manager"), now=clock.now(),
    )  # fmt: skip
    from interviews.services.arrange import interview_arrange
    from offices.models import Counselor

    counselor = Counselor.objects.filter(office=created.booking.office).first()
    interview_arrange(
        office=created.booking.office, applicant=created.booking.applicant,
        job_number="28010-12345678", company_name="豊岡テスト株式会社", contact_name="採用 担当",
        employer_email="hr@toyooka-test.example.jp", counselor=counselor,
        counselor_attends=False, minutes=30, starts=[jst(2026, 11, 25, 14, 0)],
        by=counselor.user, now=clock.now(),
    )  # fmt: skip
    from datetime import time

    from interviews.services.selection import selection_block_create

    selection_block_create(
        office=created.booking.office, job_number="28010-12345678", company_name="豊岡テスト株式会社",
        contact_name="採用 担当", employer_email="hr@toyooka-test.example.jp", counselor=counselor,
        day=jst(2026, 11, 26, 0, 0).date(), first=time(13), last=time(14), turn_minutes=30,
        candidates=[created.booking.applicant], by=counselor.user, now=clock.now(),
    )  # fmt: skip
    from notifications.models import ContactChannel

    ContactChannel.objects.create(
        owner_id=created.booking.pk, office_id=created.booking.office_id, kind="sms",
        address="+819012345678", status="active",
    )  # fmt: skip
    from waitlist.models import WaitlistEntry, WaitlistOffer

    entry = WaitlistEntry.objects.create(
        office=created.booking.office, service=created.booking.service, name="待機 太郎",
        email="w@example.jp", first_day=created.booking.start.date(),
        last_day=created.booking.start.date(), status="waiting",
    )  # fmt: skip
    WaitlistOffer.objects.create(
        entry=entry, office=entry.office, service=entry.service, start=created.booking.start,
        end=created.booking.end, expires_at=created.booking.start,
    )  # fmt: skip
    rows = {}
    for model, model_admin in SCOPED:
        row = model.objects.filter(**{model_admin.office_lookup: toyooka.pk}).first()
        assert row is not None, f"no Toyooka {model.__name__} to test with"
        rows[model] = row
    return rows


class _Request:
    def __init__(self, user):
        self.user = user


def test_every_model_the_admin_shows_is_scoped_or_for_superusers_only(kawagoe):
    names = {model.__name__ for model, _ in SCOPED}
    assert {"Office", "Counselor", "User", "TermsVersion", "Consent", "Booking", "Applicant",
            "Notification", "AccessRecord"} <= names  # fmt: skip
    unscoped = [
        model_admin
        for model_admin in admin.site._registry.values()
        if not isinstance(model_admin, OfficeScopedAdminMixin)
    ]
    assert unscoped  # groups and lockouts
    for user in kawagoe_staff(kawagoe).values():
        request = _Request(user)
        for model_admin in unscoped:
            assert not model_admin.has_view_permission(request), model_admin


@pytest.mark.parametrize("role", ["manager", "counselor"])
@pytest.mark.parametrize("model", [model for model, _ in SCOPED], ids=lambda m: m.__name__)
def test_another_offices_row_is_404_and_missing_from_the_list(
    client, kawagoe, toyooka_rows, role, model
):
    row = toyooka_rows[model]
    opts = model._meta
    client.force_login(kawagoe_staff(kawagoe)[role])
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[row.pk])
    assert client.get(change).status_code in (404, 403)
    assert client.get(history).status_code in (404, 403)
    if client.get(change).status_code == 403:
        return  # this role may not see the model at all
    assert client.get(change).status_code == 404
    listing = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert listing.status_code == 200
    assert row.pk not in {obj.pk for obj in listing.context["cl"].result_list}


@pytest.mark.parametrize("model", [model for model, _ in SCOPED], ids=lambda m: m.__name__)
def test_the_offices_own_manager_sees_the_same_row(client, toyooka_rows, model):
    row = toyooka_rows[model]
    opts = model._meta
    manager = User.objects.get(username="toyooka-manager")
    client.force_login(manager)
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    may_view = admin.site._registry[model].has_view_permission(_Request(manager))
    assert client.get(change).status_code == (200 if may_view else 403)


def test_a_counselor_can_see_the_models_of_their_day(client, kawagoe):
    client.force_login(counselor_account(kawagoe))
    for name in ("bookings_booking", "bookings_applicant", "terms_termsversion"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_admin_logins_lock_out_after_repeated_wrong_passwords(client, kawagoe, frozen):
    user = counselor_account(kawagoe)
    user.set_password("correct horse battery staple")
    user.save()
    for attempt in range(1, 11):
        frozen.shift(timedelta(minutes=4))  # past the slow-down
        response = client.post(
            "/admin/login/",
            {"username": user.username, "password": "wrong"},
            REMOTE_ADDR="10.0.0.9",
        )
        # The usual "wrong password" form, until the tenth wrong password locks the account.
        assert response.status_code == (429 if attempt == 10 else 200)
    for address in ("10.0.0.9", "10.0.0.10"):  # from any address (tests/accounts/)
        locked = client.post(
            "/admin/login/",
            {"username": user.username, "password": "correct horse battery staple"},
            REMOTE_ADDR=address,
        )
        assert locked.status_code == 429
        assert "ログインに何度も失敗" in locked.content.decode()


def test_staff_sessions_expire(client, kawagoe, settings, time_machine):
    time_machine.move_to(jst(2026, 11, 22, 9, 0))
    client.force_login(counselor_account(kawagoe))
    assert client.get("/admin/").status_code == 200
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    time_machine.move_to(jst(2026, 11, 22, 9, 0).replace(hour=17, minute=1))
    assert client.get("/admin/").status_code == 302  # after 8 hours: sign in again


def test_the_last_sign_in_before_the_lockout_warns_and_the_lockout_page_is_named(
    client, kawagoe, frozen
):
    user = counselor_account(kawagoe)
    pages = []
    for _attempt in range(10):
        frozen.shift(timedelta(minutes=4))
        response = client.post(
            "/admin/login/",
            {"username": user.username, "password": "wrong"},
            REMOTE_ADDR="10.0.0.11",
            HTTP_ACCEPT_LANGUAGE="ja",
        )
        pages.append(response.content.decode())
    warning = "あと1回パスワードを間違えると"
    assert warning not in pages[7] and warning in pages[8]
    assert "Django" not in pages[9] and "オンライン相談予約" in pages[9]
