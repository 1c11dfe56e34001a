"""The job seeker's path as a person meets it (issue 14): each finding replayed on the pages."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from bookings.models import Booking, BookingStatus
from bookings.services.staff import booking_cancel_by_staff, booking_propose_time
from bookings.state import Reason
from bookings.validation import normalize_job_seeker_number
from offices.models import Office
from tests.factories import office_with
from tests.helpers import (
    NOW,
    book,
    counselor_account,
    email_checked,
    jst,
    link_token,
    manage_token,
    person,
    service,
)  # fmt: skip

pytestmark = pytest.mark.django_db

# Emails go out after commit: these tests commit for real.
EMAILS_SENT = pytest.mark.django_db(transaction=True)

THU = jst(2026, 11, 26, 9, 30)
SAT = jst(2026, 11, 28, 9, 30)  # a Saturday at Sasebo (below)


# The three offices as these tests build them, each with the rules its findings met.
@pytest.fixture
def kawagoe(db):
    """Two counselors who confirm each request, two business days ahead; its web service
    `counseling` open weekday mornings."""
    office = office_with(
        slug="kawagoe", name="ハローワーク川越", name_en="Hello Work Kawagoe", counselors=2,
        confirmation_mode="staff_approval", lead_time_days=2, lead_time_unit="business_days",
    )  # fmt: skip
    office.services.update(slug="counseling")
    return office


@pytest.fixture
def sasebo(db):
    """Employers may book (their HR staff, for online interviews); open Saturdays
    9:30-12:30."""
    return office_with(
        slug="sasebo", name="ハローワーク佐世保", name_en="Hello Work Sasebo",
        employers_may_book=True, weekdays=(5,), hours=(time(9, 30), time(12, 30)),
    )  # fmt: skip


@pytest.fixture
def toyooka(db):
    """Two counselors who confirm each request on Zoom; no cancelling online."""
    return office_with(
        slug="toyooka", name="ハローワーク豊岡", name_en="Hello Work Toyooka", counselors=2,
        confirmation_mode="staff_approval", online_cancel_allowed=False, platform="zoom",
        platform_account="zoom:toyooka",
    )  # fmt: skip


def details(client, slug="kawagoe", start=THU, svc=None, **overrides):
    svc = svc or service(slug)
    return client.post(
        reverse("booking-details", args=[slug]),
        {"service": svc.slug, "start": start.isoformat(), **{**person(), **overrides}},
    )


def book_on_the_site(client, slug="kawagoe", start=THU, svc=None, **overrides):
    response = details(client, slug, start, svc, **overrides)
    assert response.status_code == 302, response.content.decode()[:800]
    page = client.get(reverse("booking-confirm", args=[slug])).content.decode()
    terms = page.split('name="terms_version" value="')[1].split('"')[0]
    return client.post(
        reverse("booking-confirm", args=[slug]), {"terms_version": terms, "agree_terms": "on"}
    )


# --- 1. the job-seeker number as a phone's keypad types it ---------------------------


@pytest.mark.parametrize(
    "typed, normalised",
    [
        ("1234512345678", "12345-12345678"),
        ("12345 1234567", "12345-1234567"),
        ("１２３４５－１２３４５６７", "12345-1234567"),
        ("12345ー1234567", "12345-1234567"),
        ("12345−1234567", "12345-1234567"),
        ("12345‐1234567", "12345-1234567"),
        (" 12345 - 1234567 ", "12345-1234567"),
        ("123451", "12345-1"),
    ],
)
def test_digits_spaces_and_every_dash_are_accepted_and_normalised(typed, normalised):
    assert normalize_job_seeker_number(typed) == normalised


@pytest.mark.parametrize("typed", ["1234", "12345", "12345123456789", "1234-51234567", "abcde"])
def test_what_is_not_a_job_seeker_number_stays_refused(client, kawagoe, typed):
    response = details(client, job_seeker_number=typed)
    assert response.status_code == 200
    assert "求職番号は数字5桁のあとに数字8桁以内です" in response.content.decode()


def test_the_number_field_opens_the_number_pad_and_takes_digits_only(client, kawagoe):
    html = client.get(
        reverse("booking-details", args=["kawagoe"]),
        {"service": "counseling", "start": THU.isoformat()},
    ).content.decode()
    field = (
        html.split('name="job_seeker_number"')[0].rsplit("<input", 1)[1]
        + html.split('name="job_seeker_number"')[1].split(">")[0]
    )
    assert 'inputmode="numeric"' in field and "pattern=" in field
    assert details(client, job_seeker_number="1234512345678").status_code == 302


# --- 4. Back after booking, and one person at one time -------------------------------


def test_back_after_booking_shows_where_the_booking_stands(client, kawagoe):
    assert book_on_the_site(client).status_code == 302
    response = client.get(reverse("booking-confirm", args=["kawagoe"]), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("booking-done", args=["kawagoe"])
    assert "すでに送信されています" in html and "入力内容" not in html
    assert "申込みはまだ完了していません" in html  # a request: not "complete"
    booking = Booking.objects.get()
    assert client.get(f"/bookings/{link_token(html)}/").context["booking"] == booking


def test_a_second_overlapping_booking_from_the_same_browser_links_the_first(client, kawagoe):
    book_on_the_site(client)
    first = Booking.objects.get()
    response = book_on_the_site(client)
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert Booking.objects.count() == 1
    assert "この時間はすでに予約済みです" in html and first.reference in html
    assert client.get(f"/bookings/{link_token(html)}/").context["booking"] == first


@EMAILS_SENT
def test_the_same_email_at_an_overlapping_time_books_and_only_its_email_says_so(client, kawagoe):
    # A service that checks no address books at once, whoever typed the address: the page
    # answers as any booking, and the booking's own email tells the address (a hold is
    # told when its email link is opened: tests/security/test_no_oracles.py).
    Office.objects.filter(slug="kawagoe").update(confirmation_mode="instant")
    first = book(service("kawagoe"), THU).booking
    mail.outbox.clear()
    response = book_on_the_site(client, job_seeker_number="99999-1")
    assert response["Location"] == reverse("booking-done", args=["kawagoe"])
    html = client.get(response["Location"]).content.decode()
    assert "すでに予約" not in html and first.reference not in html
    second = Booking.objects.exclude(pk=first.pk).get()
    assert second.status == BookingStatus.CONFIRMED and second.start == first.start
    told = [m for m in mail.outbox if "この時間にほかのご予約もあります" in m.body]
    assert len(told) == 1 and told[0].to == [first.email]
    assert second.reference in told[0].subject  # the second booking's own confirmation
    assert "ご予約のリンク" not in "".join(m.subject for m in mail.outbox)


def test_a_stranger_with_the_same_number_but_another_email_is_not_told_anything(client, kawagoe):
    book(service("kawagoe"), THU)
    response = book_on_the_site(client, email="stranger@example.jp")
    assert "すでに予約" not in client.get(response["Location"]).content.decode()


# --- 6. a proposal inside the no-online-cancel window ---------------------------------


@EMAILS_SENT
def test_a_proposal_offers_this_time_does_not_suit_me_which_returns_it(client, toyooka, frozen):
    counselor = counselor_account(toyooka)
    counselor.email = "c@example.jp"
    counselor.save(update_fields=["email"])
    booking = email_checked(book(service("toyooka"), THU).booking)
    assert booking.status == BookingStatus.REQUESTED
    booking_propose_time(booking=booking, by=counselor, start=THU + timedelta(hours=1), now=NOW)
    token = manage_token(booking)
    html = client.get(reverse("booking-manage", args=[token])).content.decode()
    assert "この日時は都合が合わない" in html
    mail.outbox.clear()
    response = client.post(reverse("booking-refuse-proposal", args=[token]), follow=True)
    assert "事業所に伝えました" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED and booking.proposed_at is None
    assert booking.events.latest("pk").reason_code == Reason.PROPOSAL_DECLINED
    assert any(message.to == ["c@example.jp"] for message in mail.outbox)


# --- 7. the right reason, and the cap before the details -------------------------------


def test_a_past_time_is_not_reported_as_just_taken(client, kawagoe, frozen):
    from bookings.exceptions import SlotTaken

    with pytest.raises(SlotTaken) as refused:
        book(service("kawagoe"), jst(2026, 11, 20, 9, 30))
    assert "すでに過ぎています" in str(refused.value.message)


def test_a_passed_deadline_is_not_reported_as_just_taken(kawagoe, frozen):
    from bookings.exceptions import SlotTaken

    with pytest.raises(SlotTaken) as refused:
        book(service("kawagoe"), jst(2026, 11, 25, 9, 30))  # inside the 2-business-day lead
    message = str(refused.value.message)
    assert "締め切りました" in message and "ちょうど" not in message


@EMAILS_SENT
def test_the_details_step_looks_nothing_up_by_the_address_typed(client, kawagoe):
    """Issue 23 (email oracle): no "this address cannot book more" there, and no email."""
    book(service("kawagoe"), THU)
    book(service("kawagoe"), THU + timedelta(hours=1))
    mail.outbox.clear()
    response = details(client, start=THU + timedelta(hours=2))
    assert response.status_code == 302
    assert mail.outbox == []


# --- 8. the confirm page -----------------------------------------------------------------


def test_confirm_shows_the_input_normalised_with_the_note_and_the_role(client, kawagoe):
    details(
        client,
        job_seeker_number="１２３４５－１２３４５６７",
        phone="０９０ー１２３４ー５６７８",
        note="耳が聞こえにくいです",
        attendee_0_role="interpreter",
        attendee_0_name="通訳 花子",
    )
    html = client.get(reverse("booking-confirm", args=["kawagoe"])).content.decode()
    assert "12345-1234567" in html and "１２３４５" not in html
    assert "09012345678" in html
    assert "耳が聞こえにくいです" in html
    assert "通訳者：通訳 花子" in html


def test_the_missing_agreement_error_links_to_the_box_and_is_not_a_400(client, kawagoe):
    details(client)
    url = reverse("booking-confirm", args=["kawagoe"])
    response = client.post(url, {"terms_version": "1"})
    assert response.status_code == 302 and response["Location"] == url  # redirect after post
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_agree_terms"' in html and 'id="id_agree_terms"' in html


def test_the_time_list_keeps_next_in_view_and_has_a_day_picker(client, kawagoe):
    html = client.get(reverse("booking-start", args=["kawagoe"])).content.decode()
    assert "actions--sticky" in html
    assert 'class="day-picker"' in html and 'href="#day-20261126"' in html
    assert 'id="day-20261126"' in html


# --- 9. emails and pages that say what comes next -------------------------------------


@EMAILS_SENT
def test_a_decline_by_the_office_gives_the_reason_and_the_phone(toyooka):
    office = toyooka
    counselor = counselor_account(toyooka)
    booking = book(service("toyooka"), THU).booking
    mail.outbox.clear()
    booking_cancel_by_staff(
        booking=booking, by=counselor, reason="staff note: double-checked eligibility",
        message="担当者不在のため", now=NOW,
    )  # fmt: skip
    message = mail.outbox[-1]
    assert "お受けできませんでした" in message.subject
    assert "担当者不在のため" in message.body and office.phone in message.body
    assert "staff note" not in message.body  # the staff's note stays on the record


@EMAILS_SENT
def test_the_cancellation_email_links_to_book_again(client, kawagoe):
    created = book(service("kawagoe"), THU)
    client.post(reverse("booking-cancel", args=[created.manage_token]))
    assert "/offices/kawagoe/book/" in mail.outbox[-1].body


def test_a_cancelled_booking_page_offers_to_book_again(client, kawagoe):
    created = book(service("kawagoe"), THU)
    client.post(reverse("booking-cancel", args=[created.manage_token]))
    html = client.get(reverse("booking-manage", args=[created.manage_token])).content.decode()
    assert "もう一度予約する" in html and reverse("booking-start", args=["kawagoe"]) in html


def test_switching_language_mid_form_keeps_the_input(client, kawagoe):
    response = details(client, name="入力 太郎", email="keep@example.jp", language="en")
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
    html = client.get(response["Location"]).content.decode()
    assert 'lang="en"' in html
    assert "入力 太郎" in html and "keep@example.jp" in html


def test_the_language_button_on_the_details_page_sends_the_form(client, kawagoe):
    html = client.get(
        reverse("booking-details", args=["kawagoe"]),
        {"service": "counseling", "start": THU.isoformat()},
    ).content.decode()
    assert 'form="details-form"' in html and 'id="details-form"' in html


@EMAILS_SENT
def test_the_ics_carries_the_join_link_and_the_booking_page(client, toyooka):
    from bookings.services.staff import booking_confirm

    created = book(service("toyooka"), THU)
    counselor = counselor_account(toyooka)
    booking_confirm(booking=email_checked(created.booking), by=counselor, now=NOW)
    ics = client.get(reverse("booking-calendar", args=[created.manage_token])).content.decode()
    unfolded = ics.replace("\r\n ", "")
    assert reverse("booking-manage", args=[created.manage_token]) in unfolded
    from bookings.selectors.bookings import meeting_for

    meeting = meeting_for(created.booking)
    assert meeting is not None and meeting.join_url
    assert meeting.join_url in unfolded


# --- 10. the Sasebo employer form --------------------------------------------------------


def test_sasebo_marks_the_number_for_job_seekers_and_the_company_for_employers(client, sasebo):
    svc = service("sasebo")
    html = client.get(
        reverse("booking-details", args=["sasebo"]),
        {"service": svc.slug, "start": SAT.isoformat()},
    ).content.decode()
    number_label = html.split('for="id_job_seeker_number"')[1].split("</label>")[0]
    company_label = html.split('for="id_company_name"')[1].split("</label>")[0]
    assert "任意" not in company_label and "事業主の方は必須" in company_label
    assert "求職者の方" in number_label and ">必須<" not in number_label
    response = details(
        client, "sasebo", SAT, svc=svc, kind="employer", job_seeker_number="",
        company_name="株式会社サンプル",
    )  # fmt: skip
    assert response.status_code == 302
