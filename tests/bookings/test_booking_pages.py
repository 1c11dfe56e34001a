"""The public booking pages: time, details, confirm (with re-consent), done, manage."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from bookings.models import Booking, BookingStatus
from terms.services import terms_publish, terms_version_create
from tests.factories import TermsVersionFactory, UserFactory, office_with
from tests.helpers import NOW, book, jst, person, service

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)


@pytest.fixture
def kawagoe(db):
    """ハローワーク川越 as the test builds it: two counselors who answer each request (staff
    approval), bookings two business days ahead, its terms of 2023-07-14 in force."""
    office = office_with(
        slug="kawagoe", name="ハローワーク川越", name_en="Hello Work Kawagoe",
        confirmation_mode="staff_approval", counselors=2,
        lead_time_days=2, lead_time_unit="business_days", terms=False,
    )  # fmt: skip
    TermsVersionFactory(office=office, version="2023-07-14", effective_from=jst(2023, 7, 14))
    return office


def go_to_confirm(client, slug="kawagoe", start=THU, **overrides):
    svc = service(slug)
    data = {**person(), **overrides}
    response = client.post(
        reverse("booking-details", args=[slug]),
        {"service": svc.slug, "start": start.isoformat(), **data},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(reverse("booking-confirm", args=[slug]))


def test_time_page_lists_days_with_free_times_as_radio_buttons(client, kawagoe, frozen):
    html = client.get(reverse("booking-start", args=["kawagoe"])).content.decode()
    assert "2026年11月26日(木)" in html
    assert 'type="radio" name="start" value="2026-11-26T09:30:00+09:00"' in html
    assert "2026年11月25日(水)" not in html  # inside the two-business-day lead time


def test_time_page_query_count_does_not_grow_with_bookings(
    client, frozen, django_assert_max_num_queries
):
    other = office_with(confirmation_mode="staff_approval", counselors=2)
    url = reverse("booking-start", args=[other.slug])
    with django_assert_max_num_queries(12):
        client.get(url)
    for n in range(6):
        start = jst(2026, 11, 24 + n // 3, 9, 30) + timedelta(minutes=30 * (n % 3))
        book(
            other.services.get(),
            start,
            data=person(email=f"{n}@x.jp", job_seeker_number=f"4444{n}-1"),
        )
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(12):
        client.get(url)


def test_details_errors_are_shown_under_each_field_and_in_a_summary(client, kawagoe, frozen):
    response = client.post(
        reverse("booking-details", args=["kawagoe"]),
        {
            "service": service("kawagoe").slug,
            "start": THU.isoformat(),
            "name": "",
            "email": "x",
            "phone": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200  # the form with its errors: Back never asks to resubmit
    assert 'class="error-summary"' in html and "autofocus" in html
    assert 'id="id_email_error"' in html and "受信できるメールアドレス" in html
    assert 'href="#id_phone"' in html


def test_confirm_shows_the_terms_in_force_and_booking_makes_one_booking(client, kawagoe, frozen):
    page = go_to_confirm(client)
    html = page.content.decode()
    assert "2023-07-14" in html and "利用規約を読み、同意します。" in html
    terms_id = page.context["terms"].pk
    url = reverse("booking-confirm", args=["kawagoe"])
    first = client.post(url, {"terms_version": terms_id, "agree_terms": "on"})
    assert first.status_code == 302
    assert Booking.objects.get().status == BookingStatus.REQUESTED
    done = client.get(first["Location"]).content.decode()
    assert Booking.objects.get().reference in done


def test_double_click_on_book_makes_one_booking(client, kawagoe, frozen):
    page = go_to_confirm(client)
    url = reverse("booking-confirm", args=["kawagoe"])
    data = {"terms_version": page.context["terms"].pk, "agree_terms": "on"}
    session_draft = client.session["booking_draft"]
    client.post(url, data)
    session = client.session
    session["booking_draft"] = session_draft  # the second click carries the same form
    session.save()
    client.post(url, data)
    assert Booking.objects.count() == 1


def test_not_ticking_the_box_asks_to_agree(client, kawagoe, frozen):
    page = go_to_confirm(client)
    response = client.post(
        reverse("booking-confirm", args=["kawagoe"]),
        {"terms_version": page.context["terms"].pk},
        follow=True,
    )
    # Redirected back to the page (never a 4xx that Back would ask to resubmit).
    assert response.redirect_chain == [(reverse("booking-confirm", args=["kawagoe"]), 302)]
    assert response.status_code == 200
    assert "同意のチェックボックス" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_returning_person_with_older_consent_sees_what_changed(client, kawagoe, frozen):
    book(service("kawagoe"), THU)
    staff = UserFactory(office=kawagoe, is_superuser=True)
    draft = terms_version_create(
        office=kawagoe,
        by=staff,
        version="v3",
        title="改定",
        body="本文",
        change_summary="キャンセル期限を変えました",
    )
    terms_publish(terms_version=draft, by=staff, effective_from=NOW, now=NOW)
    html = go_to_confirm(client, start=jst(2026, 11, 26, 10)).content.decode()
    # What changed is shown to everyone, so the page never tells whether a number is known.
    assert "キャンセル期限を変えました" in html
    stranger = Client()
    html = go_to_confirm(
        stranger, start=jst(2026, 11, 26, 10), job_seeker_number="99999-1"
    ).content.decode()
    assert "キャンセル期限を変えました" in html


def test_outdated_terms_on_submit_show_the_new_version_instead_of_booking(client, kawagoe, frozen):
    page = go_to_confirm(client)
    old_id = page.context["terms"].pk
    staff = UserFactory(office=kawagoe, is_superuser=True)
    draft = terms_version_create(
        office=kawagoe, by=staff, version="v3", title="改定版", body="本文"
    )
    terms_publish(terms_version=draft, by=staff, effective_from=NOW, now=NOW)
    response = client.post(
        reverse("booking-confirm", args=["kawagoe"]),
        {"terms_version": old_id, "agree_terms": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.context["terms"].version == "v3"
    assert not Booking.objects.exists()


def test_a_taken_time_returns_to_the_time_page_with_a_message(client, kawagoe, frozen):
    page = go_to_confirm(client)
    for n in range(2):
        book(
            service("kawagoe"),
            THU,
            data=person(email=f"{n}@example.jp", job_seeker_number=f"5555{n}-1"),
        )
    response = client.post(
        reverse("booking-confirm", args=["kawagoe"]),
        {"terms_version": page.context["terms"].pk, "agree_terms": "on"},
    )
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "たった今ほかの方の予約が入りました" in follow


def test_manage_page_offers_the_calendar_file_and_hides_nothing_it_should_show(
    client, kawagoe, frozen
):
    created = book(service("kawagoe"), THU)
    url = reverse("booking-manage", args=[created.manage_token])
    response = client.get(url)
    html = response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"
    assert created.booking.reference in html and "2026年11月26日(木) 9:30〜10:00" in html
    ics = client.get(reverse("booking-calendar", args=[created.manage_token]))
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"DTSTART;TZID=Asia/Tokyo:20261126T093000" in ics.content
    assert b"BEGIN:VTIMEZONE" in ics.content and b"TZID:Asia/Tokyo" in ics.content


def test_a_wrong_or_truncated_token_is_404(client, kawagoe, frozen):
    created = book(service("kawagoe"), THU)
    for token in (created.manage_token[:-1], "x" * 32, created.manage_token + "a"):
        assert client.get(reverse("booking-manage", args=[token])).status_code == 404


def test_cancel_needs_a_post_and_refuses_after_the_deadline(client, kawagoe, frozen):
    created = book(service("kawagoe"), THU)
    url = reverse("booking-cancel", args=[created.manage_token])
    assert client.get(url).status_code == 200
    created.booking.refresh_from_db()
    assert created.booking.status == BookingStatus.REQUESTED  # a GET changes nothing
    client.post(url, {"reason": "就職が決まりました"})
    created.booking.refresh_from_db()
    assert created.booking.status == BookingStatus.CANCELLED


def test_a_time_that_passed_while_the_form_was_filled_says_so_and_offers_the_next(
    client, kawagoe, frozen
):
    """Issue 26 (minor): not 「予約が入りました」 for a time nobody took."""
    kawagoe.lead_time_days = 0  # same-day booking: a time can pass while the form is filled
    kawagoe.save(update_fields=["lead_time_days"])
    frozen.move_to(THU - timedelta(minutes=10))
    page = go_to_confirm(client)
    frozen.move_to(THU + timedelta(minutes=2))
    response = client.post(
        reverse("booking-confirm", args=["kawagoe"]),
        {"terms_version": page.context["terms"].pk, "agree_terms": "on"},
    )
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "たった今過ぎました" in follow and "予約が入りました" not in follow
    assert 'type="radio" name="start"' in follow  # the next free times, to choose from
    assert not Booking.objects.exists()


def test_a_time_the_office_never_offers_is_not_reported_as_taken(client, kawagoe, frozen):
    from bookings.exceptions import SlotTaken

    for never in (jst(2026, 11, 26, 9, 45), jst(2026, 11, 29, 10, 0)):  # not a start; Sunday
        with pytest.raises(SlotTaken) as refused:
            book(service("kawagoe"), never)
        message = str(refused.value.message)
        assert "受け付けていません" in message and "予約が入りました" not in message
        assert refused.value.alternatives  # the nearest free times instead


def test_a_mistyped_email_domain_is_asked_about_on_the_confirm_page_not_forced(
    client, kawagoe, frozen
):
    """Issue 26 (minor): gmial.com gets a hint; the address stays as typed."""
    page = go_to_confirm(client, email="taro@gmial.com").content.decode()
    assert "taro@gmail.com" in page and "taro@gmial.com" in page
    assert "もしかして" in page
    plain = go_to_confirm(Client(), email="taro@gmail.com").content.decode()
    assert "もしかして" not in plain
    terms = client.get(reverse("booking-confirm", args=["kawagoe"])).context["terms"]
    response = client.post(
        reverse("booking-confirm", args=["kawagoe"]),
        {"terms_version": terms.pk, "agree_terms": "on"},
    )
    assert response.status_code == 302
    assert Booking.objects.get().email == "taro@gmial.com"  # shown, not forced
