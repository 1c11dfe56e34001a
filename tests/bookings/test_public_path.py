"""The job seeker's path as a person meets it (issue 14): each finding replayed on the pages."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from bookings.models import Booking, BookingStatus
from bookings.services.staff import booking_cancel_by_staff, booking_propose_time
from bookings.state import Reason
from bookings.validation import normalize_job_seeker_number
from offices.models import Office, User
from tests.factories import UserFactory
from tests.helpers import NOW, book, email_checked, jst, link_token, manage_token, person, service

pytestmark = pytest.mark.django_db

# Emails go out after commit: these tests commit for real.
EMAILS_SENT = pytest.mark.django_db(transaction=True)

THU = jst(2026, 11, 26, 9, 30)
SAT = jst(2026, 11, 28, 9, 30)  # Sasebo's evening/Saturday service (email check)


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
def test_what_is_not_a_job_seeker_number_stays_refused(client, offices, typed):
    response = details(client, job_seeker_number=typed)
    assert response.status_code == 200
    assert "求職番号は数字5桁のあとに数字8桁以内です" in response.content.decode()


def test_the_number_field_opens_the_number_pad_and_takes_digits_only(client, offices):
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


# --- 2, 3. the email check: lapsed, and "press the button" ----------------------------


def test_a_lapsed_email_check_link_says_it_lapsed_and_offers_to_book_again(client, offices, frozen):
    created = book(service("sasebo", "evening-saturday"), SAT)
    frozen.shift(61 * 60)
    url = reverse("booking-verify", args=[created.verification_token])
    html = client.get(url).content.decode()
    assert "この予約の申込みは無効になりました" in html
    assert "すでに確定しています" not in html
    assert reverse("booking-start", args=["sasebo"]) in html and "もう一度予約する" in html
    html = client.post(url).content.decode()
    assert "無効になりました" in html and "すでに確定" not in html
    created.booking.refresh_from_db()
    assert created.booking.status == BookingStatus.EXPIRED


def test_the_email_check_page_says_press_and_opening_it_changes_nothing(client, offices):
    created = book(service("sasebo", "evening-saturday"), SAT)
    html = client.get(reverse("booking-verify", args=[created.verification_token])).content
    html = html.decode()
    assert "予約はまだ完了していません" in html and "このページを開いただけでは" in html
    assert "button--large" in html and "予約を完了する" in html
    created.booking.refresh_from_db()
    assert created.booking.status == BookingStatus.PENDING_VERIFICATION
    office_page = client.get(reverse("office-detail", args=["sasebo"])).content.decode()
    assert "「予約を完了する」ボタンを60分以内に押してください" in office_page


@EMAILS_SENT
def test_the_done_page_and_the_email_say_press_the_button(client, offices, frozen):
    svc = service("sasebo", "evening-saturday")
    book_on_the_site(client, "sasebo", SAT, svc=svc, kind="job_seeker")
    html = client.get(reverse("booking-done", args=["sasebo"])).content.decode()
    assert "「予約を完了する」ボタンを2026年11月22日(日) 11:00までに押してください" in html
    assert "「予約を完了する」ボタンを2026年11月22日(日) 11:00までに押してください" in (
        mail.outbox[0].body
    )


# --- 4. Back after booking, and one person at one time -------------------------------


def test_back_after_booking_shows_where_the_booking_stands(client, offices):
    assert book_on_the_site(client).status_code == 302
    response = client.get(reverse("booking-confirm", args=["kawagoe"]), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("booking-done", args=["kawagoe"])
    assert "すでに送信されています" in html and "入力内容" not in html
    assert "申込みはまだ完了していません" in html  # a request: not "complete"
    booking = Booking.objects.get()
    assert client.get(f"/bookings/{link_token(html)}/").context["booking"] == booking


def test_a_second_overlapping_booking_from_the_same_browser_links_the_first(client, offices):
    book_on_the_site(client)
    first = Booking.objects.get()
    response = book_on_the_site(client)
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert Booking.objects.count() == 1
    assert "この時間はすでに予約済みです" in html and first.reference in html
    assert client.get(f"/bookings/{link_token(html)}/").context["booking"] == first


@EMAILS_SENT
def test_the_same_email_at_an_overlapping_time_books_and_only_its_email_says_so(client, offices):
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


def test_a_stranger_with_the_same_number_but_another_email_is_not_told_anything(client, offices):
    book(service("kawagoe"), THU)
    response = book_on_the_site(client, email="stranger@example.jp")
    assert "すでに予約" not in client.get(response["Location"]).content.decode()


# --- 5. phone-only offices have a phone ------------------------------------------------


def test_a_phone_only_office_cannot_be_published_without_a_phone(offices):
    from django.core.exceptions import ValidationError

    toyooka = Office.objects.get(slug="toyooka")
    toyooka.phone = ""
    with pytest.raises(ValidationError) as refused:
        toyooka.full_clean()
    assert "phone" in refused.value.message_dict
    toyooka.is_published = False
    toyooka.full_clean()


@pytest.mark.django_db
def test_any_published_office_needs_a_phone_even_with_online_cancellation():
    """Refusals, same-day cancellation and trouble joining all say to phone the office."""
    from django.core.exceptions import ValidationError

    from tests.factories import office_with

    office = office_with(online_cancel_allowed=True, online_cancel_days_before=0, phone="")
    with pytest.raises(ValidationError) as refused:
        office.full_clean()
    assert refused.value.message_dict["phone"]


def test_the_seed_gives_offices_without_a_documented_number_a_marked_demo_one(client, offices):
    """Issue 26's blocker: Kawagoe and Yamaguchi showed no number while their pages said
    to phone (same-day cancellation, refusals)."""
    for slug in ("kawagoe", "toyooka", "matsudo", "yamaguchi"):
        office = Office.objects.get(slug=slug)
        assert office.phone == "00-0000-0000（デモ）"
        assert "デモ" in office.admin_note and "00-0000-0000" in office.admin_note
        html = client.get(reverse("office-detail", args=[slug])).content.decode()
        assert "00-0000-0000（デモ）" in html and "相談員にお尋ねください" not in html
        assert 'href="tel:0000000000"' in html


@pytest.mark.parametrize("slug", ["toyooka", "kawagoe"])
def test_the_admin_refuses_to_clear_the_phone_of_a_published_office(client, offices, slug):
    from tests.admin_forms import change_form_data

    client.force_login(UserFactory(is_superuser=True, username="root"))
    toyooka = Office.objects.get(slug=slug)
    url = reverse("admin:offices_office_change", args=[toyooka.pk])
    data = change_form_data(client, url)
    data["phone"] = ""
    response = client.post(url, data)
    assert response.status_code == 200
    assert "phone" in response.context["adminform"].form.errors
    toyooka.refresh_from_db()
    assert toyooka.phone


# --- 6. a proposal inside the no-online-cancel window ---------------------------------


@EMAILS_SENT
def test_a_proposal_offers_this_time_does_not_suit_me_which_returns_it(client, offices, frozen):
    counselor = User.objects.get(username="toyooka-counselor-1")
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


def test_a_past_time_is_not_reported_as_just_taken(client, offices, frozen):
    from bookings.exceptions import SlotTaken

    with pytest.raises(SlotTaken) as refused:
        book(service("kawagoe"), jst(2026, 11, 20, 9, 30))
    assert "すでに過ぎています" in str(refused.value.message)


def test_a_passed_deadline_is_not_reported_as_just_taken(offices, frozen):
    from bookings.exceptions import SlotTaken

    with pytest.raises(SlotTaken) as refused:
        book(service("kawagoe"), jst(2026, 11, 25, 9, 30))  # inside the 2-business-day lead
    message = str(refused.value.message)
    assert "締め切りました" in message and "ちょうど" not in message


@EMAILS_SENT
def test_the_details_step_looks_nothing_up_by_the_address_typed(client, offices):
    """Issue 23 (email oracle): no "this address cannot book more" there, and no email."""
    book(service("kawagoe"), THU)
    book(service("kawagoe"), THU + timedelta(hours=1))
    mail.outbox.clear()
    response = details(client, start=THU + timedelta(hours=2))
    assert response.status_code == 302
    assert mail.outbox == []


# --- 8. the confirm page -----------------------------------------------------------------


def test_confirm_shows_the_input_normalised_with_the_note_and_the_role(client, offices):
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
    assert "通訳者: 通訳 花子" in html


def test_the_missing_agreement_error_links_to_the_box_and_is_not_a_400(client, offices):
    details(client)
    url = reverse("booking-confirm", args=["kawagoe"])
    response = client.post(url, {"terms_version": "1"})
    assert response.status_code == 302 and response["Location"] == url  # redirect after post
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_agree_terms"' in html and 'id="id_agree_terms"' in html


def test_the_time_list_keeps_next_in_view_and_has_a_day_picker(client, offices):
    html = client.get(reverse("booking-start", args=["kawagoe"])).content.decode()
    assert "actions--sticky" in html
    assert 'class="day-picker"' in html and 'href="#day-20261126"' in html
    assert 'id="day-20261126"' in html


# --- 9. emails and pages that say what comes next -------------------------------------


@EMAILS_SENT
def test_a_decline_by_the_office_gives_the_reason_and_the_phone(offices):
    office = offices["toyooka"]
    counselor = User.objects.get(username="toyooka-counselor-1")
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
def test_the_cancellation_email_links_to_book_again(client, offices):
    created = book(service("kawagoe"), THU)
    client.post(reverse("booking-cancel", args=[created.manage_token]))
    assert "/offices/kawagoe/book/" in mail.outbox[-1].body


def test_a_cancelled_booking_page_offers_to_book_again(client, offices):
    created = book(service("kawagoe"), THU)
    client.post(reverse("booking-cancel", args=[created.manage_token]))
    html = client.get(reverse("booking-manage", args=[created.manage_token])).content.decode()
    assert "もう一度予約する" in html and reverse("booking-start", args=["kawagoe"]) in html


@override_settings(RATE_LIMIT_RESEND="2/h")
@EMAILS_SENT
def test_sasebo_done_page_shows_the_address_and_resends_rate_limited(client, offices):
    svc = service("sasebo", "evening-saturday")
    book_on_the_site(client, "sasebo", SAT, svc=svc, kind="job_seeker")
    html = client.get(reverse("booking-done", args=["sasebo"])).content.decode()
    assert "taro@example.jp" in html and "メールを再送する" in html
    sent = len(mail.outbox)
    url = reverse("booking-done-resend", args=["sasebo"])
    for _ in range(2):
        html = client.post(url, follow=True).content.decode()
        assert "メールを再送しました" in html
    assert len(mail.outbox) == sent + 2
    assert re.search(r"/verify/[A-Za-z0-9_\-]{20,}/", mail.outbox[-1].body)
    html = client.post(url, follow=True).content.decode()
    # The wait in hours or minutes, never 「2055秒」 (issue 26).
    assert re.search(r"\d+(時間|分)ほど待って", html) and not re.search(r"\d+秒", html)
    assert len(mail.outbox) == sent + 2


def test_switching_language_mid_form_keeps_the_input(client, offices):
    response = details(client, name="入力 太郎", email="keep@example.jp", language="en")
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
    html = client.get(response["Location"]).content.decode()
    assert 'lang="en"' in html
    assert "入力 太郎" in html and "keep@example.jp" in html


def test_the_language_button_on_the_details_page_sends_the_form(client, offices):
    html = client.get(
        reverse("booking-details", args=["kawagoe"]),
        {"service": "counseling", "start": THU.isoformat()},
    ).content.decode()
    assert 'form="details-form"' in html and 'id="details-form"' in html


@EMAILS_SENT
def test_the_ics_carries_the_join_link_and_the_booking_page(client, offices):
    from bookings.services.staff import booking_confirm

    created = book(service("toyooka"), THU)
    counselor = User.objects.get(username="toyooka-counselor-1")
    booking_confirm(booking=email_checked(created.booking), by=counselor, now=NOW)
    ics = client.get(reverse("booking-calendar", args=[created.manage_token])).content.decode()
    unfolded = ics.replace("\r\n ", "")
    assert reverse("booking-manage", args=[created.manage_token]) in unfolded
    from bookings.selectors.bookings import meeting_for

    meeting = meeting_for(created.booking)
    assert meeting is not None and meeting.join_url
    assert meeting.join_url in unfolded


# --- 10. the Sasebo employer form --------------------------------------------------------


def test_sasebo_marks_the_number_for_job_seekers_and_the_company_for_employers(client, offices):
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
