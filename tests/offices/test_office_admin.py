"""Office managers edit an office and its inlines; errors name the field and the fix."""

from datetime import time

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from offices.models import Closure, Counselor, Office, OpeningHours
from tests.admin_forms import add_inline_row, change_form_data, inline_rows
from tests.factories import CounselorFactory, ServiceFactory, UserFactory, office_with
from tests.helpers import counselor_account, email_checked

pytestmark = pytest.mark.django_db

PHONE = "00-0000-0000"


@pytest.fixture
def office():
    """One service open weekdays 9:30–12:00, a counselor who confirms each request, a
    phone number of its own (not the one the tests type)."""
    return office_with(confirmation_mode="staff_approval", phone=PHONE, name="ハローワーク川越")


@pytest.fixture
def other():
    """Another office, with a counselor."""
    return office_with(name="ハローワーク豊岡")


@pytest.fixture
def admin_client_ja(client, db):
    superuser = UserFactory(is_superuser=True, username="root")
    client.force_login(superuser)
    client.cookies["django_language"] = "ja"
    return client


def office_url(office: Office) -> str:
    return reverse("admin:offices_office_change", args=[office.pk])


def hours_row(data, office: Office, weekday: int, start: str) -> int:
    for index in range(inline_rows(data, "opening_hours")):
        row = OpeningHours.objects.get(pk=data[f"opening_hours-{index}-id"])
        if row.weekday == weekday and f"{row.start:%H:%M}" == start:
            return index
    raise AssertionError("row not found")


def test_valid_edit_saves_the_office_and_a_new_closure(admin_client_ja, office):
    data = change_form_data(admin_client_ja, office_url(office))
    data["phone"] = "049-000-0000"
    add_inline_row(data, "closures", date="2026-12-25", kind="closed", reason="庁舎点検")

    response = admin_client_ja.post(office_url(office), data)

    assert response.status_code == 302
    office.refresh_from_db()
    assert office.phone == "049-000-0000"
    assert Closure.objects.filter(office=office, date="2026-12-25").exists()


def test_end_before_start_is_refused_with_the_fix_and_nothing_is_saved(admin_client_ja, office):
    data = change_form_data(admin_client_ja, office_url(office))
    data["phone"] = "049-000-0000"
    index = hours_row(data, office, 0, "09:30")
    data[f"opening_hours-{index}-end"] = "09:00"

    response = admin_client_ja.post(office_url(office), data)

    assert response.status_code == 200
    assert "終了時刻は開始時刻（09:30）より後にしてください。" in response.content.decode()
    office.refresh_from_db()
    assert office.phone == PHONE
    assert OpeningHours.objects.get(office=office, weekday=0, start=time(9, 30)).end == time(12)


def test_overlapping_windows_are_refused(admin_client_ja, office):
    service = office.services.get()
    data = change_form_data(admin_client_ja, office_url(office))
    add_inline_row(data, "opening_hours", service=service.pk, weekday=0, start="11:00", end="12:30")

    response = admin_client_ja.post(office_url(office), data)

    assert response.status_code == 200
    assert "12:00に終わる時間帯と重なっています" in response.content.decode()
    assert OpeningHours.objects.filter(office=office, weekday=0).count() == 1


def test_window_shorter_than_a_session_is_refused(admin_client_ja, office):
    """The service's own session length (45 minutes, the office's being 30) is the one."""
    evening = ServiceFactory(office=office, slot_minutes=45)
    data = change_form_data(admin_client_ja, office_url(office))
    add_inline_row(data, "opening_hours", service=evening.pk, weekday=6, start="10:00", end="10:30")

    response = admin_client_ja.post(office_url(office), data)

    assert response.status_code == 200
    assert "1回の相談（45分）より短くなっています" in response.content.decode()
    assert not OpeningHours.objects.filter(office=office, weekday=6).exists()


def test_office_session_length_that_no_longer_fits_its_windows_is_refused(admin_client_ja):
    narrow = office_with(hours=(time(9, 30), time(11, 0)), slot_minutes=30)  # 90 minutes
    data = change_form_data(admin_client_ja, office_url(narrow))
    data["slot_minutes"] = 100

    response = admin_client_ja.post(office_url(narrow), data)

    assert response.status_code == 200
    assert "100分の相談は" in response.content.decode()
    narrow.refresh_from_db()
    assert narrow.slot_minutes == 30


def test_hours_for_another_offices_service_are_refused(admin_client_ja, office, other):
    data = change_form_data(admin_client_ja, office_url(office))
    add_inline_row(
        data,
        "opening_hours",
        service=other.services.get().pk,
        weekday=5,
        start="10:00",
        end="12:00",
    )

    response = admin_client_ja.post(office_url(office), data)

    assert response.status_code == 200
    assert not OpeningHours.objects.filter(weekday=5).exists()  # at neither office


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"kind": "closed", "start": "10:00"},
            "休業日は終日の扱いです。時刻は空欄にしてください。",
        ),
        ({"kind": "extra_opening"}, "臨時開庁の開始時刻を入力してください（例：09:30）。"),
        (
            {"kind": "extra_opening", "start": "12:00", "end": "10:00"},
            "終了時刻は開始時刻（12:00）より後にしてください。",
        ),
    ],
)
def test_closure_rows_must_match_their_kind(admin_client_ja, office, row, message):
    data = change_form_data(admin_client_ja, office_url(office))
    add_inline_row(data, "closures", date="2026-12-26", **row)

    response = admin_client_ja.post(office_url(office), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Closure.objects.filter(office=office).exists()


def test_a_day_cannot_be_closed_and_extra_open(admin_client_ja, office):
    data = change_form_data(admin_client_ja, office_url(office))
    add_inline_row(data, "closures", date="2026-12-26", kind="closed")
    add_inline_row(
        data, "closures", date="2026-12-26", kind="extra_opening", start="10:00", end="12:00"
    )

    response = admin_client_ja.post(office_url(office), data)

    assert response.status_code == 200
    assert "休業日と臨時開庁の両方にはできません" in response.content.decode()


def test_adding_a_counselor_gives_their_account_the_office(admin_client_ja, office):
    newcomer = UserFactory(is_staff=False, office=None, username="newcomer")
    data = change_form_data(admin_client_ja, office_url(office))
    add_inline_row(data, "counselors", user=newcomer.pk, display_name="新任", is_active="on")

    response = admin_client_ja.post(office_url(office), data)

    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert (newcomer.office, newcomer.is_staff) == (office, True)
    assert Counselor.objects.filter(user=newcomer, office=office).exists()


def test_a_counselor_account_of_another_office_is_refused(admin_client_ja, office, other):
    their_counselor = Counselor.objects.filter(office=other).first().user
    theirs = UserFactory(office=other, username="other-extra")
    data = change_form_data(admin_client_ja, office_url(office))
    add_inline_row(data, "counselors", user=theirs.pk, display_name="x", is_active="on")

    response = admin_client_ja.post(office_url(office), data)

    assert response.status_code == 200
    assert "別の事業所に所属しています" in response.content.decode()
    assert their_counselor.office == other
    theirs.refresh_from_db()
    assert theirs.office == other and not Counselor.objects.filter(user=theirs).exists()


@pytest.fixture
def manager_client(client, office, other):
    """An account of `office` allowed to see and change offices and see counselors (as a
    manager is); `other` has a counselor of its own."""
    CounselorFactory(office=other)
    user = UserFactory(office=office, username="t-office-manager")
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="offices",
            codename__in=["view_office", "change_office", "view_counselor"],
        )
    )
    client.force_login(user)
    return client


def test_office_staff_see_only_their_own_office(manager_client, office, other):
    listing = manager_client.get(reverse("admin:offices_office_changelist"))
    assert list(listing.context["cl"].result_list) == [office]

    theirs = manager_client.get(office_url(other))
    assert theirs.status_code in (302, 404)
    assert other.name not in theirs.content.decode()

    counselors = manager_client.get(reverse("admin:offices_counselor_changelist"))
    assert {c.office.slug for c in counselors.context["cl"].result_list} == {office.slug}


def test_office_staff_cannot_add_or_delete_offices(manager_client, office):
    assert manager_client.get(reverse("admin:offices_office_add")).status_code == 403
    delete = reverse("admin:offices_office_delete", args=[office.pk])
    assert manager_client.post(delete, {"post": "yes"}).status_code == 403
    assert Office.objects.filter(slug=office.slug).exists()


def test_office_staff_get_no_office_filter_listing_other_offices(manager_client, other):
    listing = manager_client.get(reverse("admin:offices_counselor_changelist"))
    html = listing.content.decode()
    assert other.name not in html
    assert "office" not in listing.context["cl"].list_display


def test_office_staff_cannot_change_the_public_slug(client, office):
    user = UserFactory(office=office, username="slug-manager")
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_office", "change_office"])
    )
    client.force_login(user)
    url = office_url(office)
    data = change_form_data(client, url)
    data["slug"] = "renamed"
    client.post(url, data)
    assert Office.objects.filter(slug=office.slug).exists()
    assert not Office.objects.filter(slug="renamed").exists()


def test_an_overlapping_window_typed_before_an_existing_one_is_marked_on_the_new_row(
    admin_client_ja, office
):
    service = office.services.get()
    data = change_form_data(admin_client_ja, office_url(office))
    index = add_inline_row(
        data, "opening_hours", service=service.pk, weekday=0, start="08:30", end="10:00"
    )

    response = admin_client_ja.post(office_url(office), data)

    assert response.status_code == 200
    formset = next(
        f.formset for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "opening_hours"
    )  # fmt: skip
    assert list(formset.forms[index].errors) == ["end"]
    assert all(not f.errors for i, f in enumerate(formset.forms) if i != index)
    page = response.content.decode()
    assert "09:30に始まる時間帯と重なっています" in page
    assert f'href="#opening_hours-{index}"' in page


def _closure_day_with_a_booking(office):
    from bookings.services.staff import booking_confirm
    from common import clock
    from tests.helpers import book, jst

    start = jst(2026, 12, 3, 10, 0)  # a Thursday
    booking = book(office.services.get(), start).booking
    counselor = counselor_account(office)
    return booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())


def test_a_closure_on_a_day_with_bookings_is_refused_until_the_manager_chooses(
    admin_client_ja, office, mailoutbox, django_capture_on_commit_callbacks
):
    booking = _closure_day_with_a_booking(office)
    data = change_form_data(admin_client_ja, office_url(office))
    index = add_inline_row(data, "closures", date="2026-12-03", kind="closed", reason="停電")

    response = admin_client_ja.post(office_url(office), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert booking.reference in page and "取り消すか" in page
    assert not Closure.objects.filter(office=office, date="2026-12-03").exists()

    data[f"closures-{index}-bookings_on_day"] = "cancel"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_ja.post(office_url(office), data)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert booking.events.latest("pk").reason_code == "cancelled_for_closure"
    assert len(mailoutbox) == 1 and "休業日" in mailoutbox[0].subject
    public = admin_client_ja.get(reverse("office-detail", args=[office.slug])).content.decode()
    assert "2026年12月3日(木)" in public and "停電" in public


def test_a_closure_can_keep_the_days_bookings(admin_client_ja, office):
    booking = _closure_day_with_a_booking(office)
    data = change_form_data(admin_client_ja, office_url(office))
    add_inline_row(data, "closures", date="2026-12-03", kind="closed", bookings_on_day="keep")
    assert admin_client_ja.post(office_url(office), data).status_code == 302
    booking.refresh_from_db()
    assert booking.status == "confirmed"
