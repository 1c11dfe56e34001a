"""Office managers edit an office and its inlines; errors name the field and the fix."""

from datetime import time

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from offices.models import Closure, Counselor, Office, OpeningHours
from tests.admin_forms import add_inline_row, change_form_data, inline_rows
from tests.factories import UserFactory
from tests.helpers import email_checked

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_ja(client, seeded):
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


def test_valid_edit_saves_the_office_and_a_new_closure(admin_client_ja, seeded):
    kawagoe = seeded["kawagoe"]
    data = change_form_data(admin_client_ja, office_url(kawagoe))
    data["phone"] = "049-000-0000"
    add_inline_row(data, "closures", date="2026-12-25", kind="closed", reason="庁舎点検")

    response = admin_client_ja.post(office_url(kawagoe), data)

    assert response.status_code == 302
    kawagoe.refresh_from_db()
    assert kawagoe.phone == "049-000-0000"
    assert Closure.objects.filter(office=kawagoe, date="2026-12-25").exists()


def test_end_before_start_is_refused_with_the_fix_and_nothing_is_saved(admin_client_ja, seeded):
    kawagoe = seeded["kawagoe"]
    data = change_form_data(admin_client_ja, office_url(kawagoe))
    data["phone"] = "049-000-0000"
    index = hours_row(data, kawagoe, 0, "09:30")
    data[f"opening_hours-{index}-end"] = "09:00"

    response = admin_client_ja.post(office_url(kawagoe), data)

    assert response.status_code == 200
    assert "終了時刻は開始時刻（09:30）より後にしてください。" in response.content.decode()
    kawagoe.refresh_from_db()
    assert kawagoe.phone == "00-0000-0000（デモ）"
    assert OpeningHours.objects.get(office=kawagoe, weekday=0, start=time(9, 30)).end == time(12)


def test_overlapping_windows_are_refused(admin_client_ja, seeded):
    kawagoe = seeded["kawagoe"]
    service = kawagoe.services.get()
    data = change_form_data(admin_client_ja, office_url(kawagoe))
    add_inline_row(data, "opening_hours", service=service.pk, weekday=0, start="11:00", end="12:30")

    response = admin_client_ja.post(office_url(kawagoe), data)

    assert response.status_code == 200
    assert "12:00に終わる時間帯と重なっています" in response.content.decode()
    assert OpeningHours.objects.filter(office=kawagoe, weekday=0).count() == 2


def test_window_shorter_than_a_session_is_refused(admin_client_ja, seeded):
    sasebo = seeded["sasebo"]
    evening = sasebo.services.get(slug="evening-saturday")
    data = change_form_data(admin_client_ja, office_url(sasebo))
    add_inline_row(data, "opening_hours", service=evening.pk, weekday=6, start="10:00", end="10:30")

    response = admin_client_ja.post(office_url(sasebo), data)

    assert response.status_code == 200
    assert "1回の相談（45分）より短くなっています" in response.content.decode()
    assert not OpeningHours.objects.filter(office=sasebo, weekday=6).exists()


def test_office_session_length_that_no_longer_fits_its_windows_is_refused(admin_client_ja, seeded):
    toyooka = seeded["toyooka"]  # windows of 90 and 120 minutes
    data = change_form_data(admin_client_ja, office_url(toyooka))
    data["slot_minutes"] = 100

    response = admin_client_ja.post(office_url(toyooka), data)

    assert response.status_code == 200
    assert "100分の相談は" in response.content.decode()
    toyooka.refresh_from_db()
    assert toyooka.slot_minutes == 30


def test_hours_for_another_offices_service_are_refused(admin_client_ja, seeded):
    kawagoe, toyooka = seeded["kawagoe"], seeded["toyooka"]
    data = change_form_data(admin_client_ja, office_url(kawagoe))
    add_inline_row(
        data,
        "opening_hours",
        service=toyooka.services.get().pk,
        weekday=5,
        start="10:00",
        end="12:00",
    )

    response = admin_client_ja.post(office_url(kawagoe), data)

    assert response.status_code == 200
    assert not OpeningHours.objects.filter(weekday=5, office=kawagoe).exists()


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
def test_closure_rows_must_match_their_kind(admin_client_ja, seeded, row, message):
    kawagoe = seeded["kawagoe"]
    data = change_form_data(admin_client_ja, office_url(kawagoe))
    add_inline_row(data, "closures", date="2026-12-26", **row)

    response = admin_client_ja.post(office_url(kawagoe), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Closure.objects.filter(office=kawagoe).exists()


def test_a_day_cannot_be_closed_and_extra_open(admin_client_ja, seeded):
    kawagoe = seeded["kawagoe"]
    data = change_form_data(admin_client_ja, office_url(kawagoe))
    add_inline_row(data, "closures", date="2026-12-26", kind="closed")
    add_inline_row(
        data, "closures", date="2026-12-26", kind="extra_opening", start="10:00", end="12:00"
    )

    response = admin_client_ja.post(office_url(kawagoe), data)

    assert response.status_code == 200
    assert "休業日と臨時開庁の両方にはできません" in response.content.decode()


def test_adding_a_counselor_gives_their_account_the_office(admin_client_ja, seeded):
    kawagoe = seeded["kawagoe"]
    newcomer = UserFactory(is_staff=False, office=None, username="newcomer")
    data = change_form_data(admin_client_ja, office_url(kawagoe))
    add_inline_row(data, "counselors", user=newcomer.pk, display_name="新任", is_active="on")

    response = admin_client_ja.post(office_url(kawagoe), data)

    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert (newcomer.office, newcomer.is_staff) == (kawagoe, True)
    assert Counselor.objects.filter(user=newcomer, office=kawagoe).exists()


def test_a_counselor_account_of_another_office_is_refused(admin_client_ja, seeded):
    kawagoe = seeded["kawagoe"]
    toyooka_user = Counselor.objects.filter(office=seeded["toyooka"]).first().user
    other = UserFactory(office=seeded["toyooka"], username="toyooka-extra")
    data = change_form_data(admin_client_ja, office_url(kawagoe))
    add_inline_row(data, "counselors", user=other.pk, display_name="x", is_active="on")

    response = admin_client_ja.post(office_url(kawagoe), data)

    assert response.status_code == 200
    assert "別の事業所に所属しています" in response.content.decode()
    assert toyooka_user.office == seeded["toyooka"]


@pytest.fixture
def kawagoe_manager(client, seeded):
    user = UserFactory(office=seeded["kawagoe"], username="t-kawagoe-manager")
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="offices",
            codename__in=["view_office", "change_office", "view_counselor"],
        )
    )
    client.force_login(user)
    return client


def test_office_staff_see_only_their_own_office(kawagoe_manager, seeded):
    listing = kawagoe_manager.get(reverse("admin:offices_office_changelist"))
    assert list(listing.context["cl"].result_list) == [seeded["kawagoe"]]

    other = kawagoe_manager.get(office_url(seeded["toyooka"]))
    assert other.status_code in (302, 404)
    assert "ハローワーク豊岡" not in other.content.decode()

    counselors = kawagoe_manager.get(reverse("admin:offices_counselor_changelist"))
    assert {c.office.slug for c in counselors.context["cl"].result_list} == {"kawagoe"}


def test_office_staff_cannot_add_or_delete_offices(kawagoe_manager, seeded):
    assert kawagoe_manager.get(reverse("admin:offices_office_add")).status_code == 403
    delete = reverse("admin:offices_office_delete", args=[seeded["kawagoe"].pk])
    assert kawagoe_manager.post(delete, {"post": "yes"}).status_code == 403
    assert Office.objects.filter(slug="kawagoe").exists()


def test_office_staff_get_no_office_filter_listing_other_offices(kawagoe_manager, seeded):
    listing = kawagoe_manager.get(reverse("admin:offices_counselor_changelist"))
    html = listing.content.decode()
    assert "ハローワーク豊岡" not in html
    assert "office" not in listing.context["cl"].list_display


def test_office_staff_cannot_change_the_public_slug(client, seeded):
    user = UserFactory(office=seeded["kawagoe"], username="slug-manager")
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_office", "change_office"])
    )
    client.force_login(user)
    url = office_url(seeded["kawagoe"])
    data = change_form_data(client, url)
    data["slug"] = "renamed"
    client.post(url, data)
    assert Office.objects.filter(slug="kawagoe").exists()


def test_an_overlapping_window_typed_before_an_existing_one_is_marked_on_the_new_row(
    admin_client_ja, seeded
):
    kawagoe = seeded["kawagoe"]
    service = kawagoe.services.get()
    data = change_form_data(admin_client_ja, office_url(kawagoe))
    index = add_inline_row(
        data, "opening_hours", service=service.pk, weekday=0, start="08:30", end="10:00"
    )

    response = admin_client_ja.post(office_url(kawagoe), data)

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


def _closure_day_with_a_booking():
    from bookings.services.staff import booking_confirm
    from common import clock
    from terms.services import terms_seed
    from tests.helpers import book, jst, service

    terms_seed()
    start = jst(2026, 12, 3, 10, 0)  # a Thursday
    booking = book(service("kawagoe"), start).booking
    manager = Counselor.objects.filter(office=booking.office).first().user
    return booking_confirm(booking=email_checked(booking), by=manager, now=clock.now())


def test_a_closure_on_a_day_with_bookings_is_refused_until_the_manager_chooses(
    admin_client_ja, seeded, mailoutbox, django_capture_on_commit_callbacks
):
    booking = _closure_day_with_a_booking()
    kawagoe = seeded["kawagoe"]
    data = change_form_data(admin_client_ja, office_url(kawagoe))
    index = add_inline_row(data, "closures", date="2026-12-03", kind="closed", reason="停電")

    response = admin_client_ja.post(office_url(kawagoe), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert booking.reference in page and "取り消すか" in page
    assert not Closure.objects.filter(office=kawagoe, date="2026-12-03").exists()

    data[f"closures-{index}-bookings_on_day"] = "cancel"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_ja.post(office_url(kawagoe), data)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert booking.events.latest("pk").reason_code == "cancelled_for_closure"
    assert len(mailoutbox) == 1 and "休業日" in mailoutbox[0].subject
    public = admin_client_ja.get(reverse("office-detail", args=[kawagoe.slug])).content.decode()
    assert "2026年12月3日(木)" in public and "停電" in public


def test_a_closure_can_keep_the_days_bookings(admin_client_ja, seeded):
    booking = _closure_day_with_a_booking()
    kawagoe = seeded["kawagoe"]
    data = change_form_data(admin_client_ja, office_url(kawagoe))
    add_inline_row(data, "closures", date="2026-12-03", kind="closed", bookings_on_day="keep")
    assert admin_client_ja.post(office_url(kawagoe), data).status_code == 302
    booking.refresh_from_db()
    assert booking.status == "confirmed"
