"""
Accommodation (合理的配慮) as office data, issue 26 (major 8): the office lists the means it
offers; the person ticks what they need on the details step, the invitation page or on the
phone; the booking keeps it; counselors see it in the day's schedule, on the booking and in
their email; the person changes it from their booking page; bad input is a message.
"""

import re
from datetime import time

import pytest
from django.urls import reverse

from bookings.models import Booking, BookingEvent
from notifications.models import Notification
from offices.roles import COUNSELORS
from terms.selectors import terms_in_force
from tests.factories import office_with
from tests.helpers import (
    NOW,
    delivered,
    email_checked,
    invitation_token,
    invite,
    jst,
    manage_token,
    person,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _japanese():
    """Messages in Japanese, whatever language an earlier test's page left active."""
    from django.utils import translation

    with translation.override("ja"):
        yield


TUE = jst(2026, 11, 24, 9, 30)
EVERY_MEANS = ["captions", "sign_language", "written", "more_time", "supporter", "other"]
OLD_NOTE = "病歴など、特に配慮が必要な個人情報は書かないでください。"


@pytest.fixture
def centre():
    """An office offering every means, whose counselors confirm requests, with one
    counselor account that receives the office's notices."""
    office = office_with(accommodation_means=EVERY_MEANS, confirmation_mode="staff_approval")
    user = staff(office, COUNSELORS, "centre-counselor")
    user.email = "counselor@centre.example.jp"
    user.save(update_fields=["email"])
    office.counselor_user = user
    return office


def _details_url(office):
    return reverse("booking-details", args=[office.slug])


def _details(client, office, start=TUE, **data):
    service = office.services.get()
    return client.post(
        _details_url(office), {"service": service.slug, "start": start.isoformat(), **data}
    )


def _confirm(client, office):
    terms = terms_in_force(office=office, at=NOW)
    return client.post(
        reverse("booking-confirm", args=[office.slug]),
        {"terms_version": terms.pk, "agree_terms": "on"},
    )


def test_the_details_step_lists_the_offices_means_and_no_longer_forbids_asking(client, centre):
    service = centre.services.get()
    html = client.get(
        _details_url(centre), {"service": service.slug, "start": TUE.isoformat()}
    ).content.decode()
    assert "参加に必要な配慮" in html
    for label in ("字幕またはチャット", "手話通訳", "筆談（文字でのやりとり）", "時間の余裕",
                  "支援者の同席", "その他：必要なこと"):  # fmt: skip
        assert label in html, label
    assert html.count('name="accommodations"') == len(EVERY_MEANS)
    assert OLD_NOTE not in html
    assert "診断名など、病気のくわしい情報は必要ありません" in html


def test_an_office_without_means_asks_nothing_and_its_note_welcomes_the_request(client):
    office = office_with()
    service = office.services.get()
    html = client.get(
        _details_url(office), {"service": service.slug, "start": TUE.isoformat()}
    ).content.decode()
    assert 'name="accommodations"' not in html and "参加に必要な配慮" not in html
    assert OLD_NOTE not in html
    assert "参加のために必要なこと（字幕、時間の余裕など）があれば、ここに書いてください" in html


def test_chosen_means_reach_the_booking_the_schedule_the_admin_and_the_counselors_email(
    client, centre
):
    chosen = {"accommodations": ["captions", "written", "other"],
              "accommodation_other": "途中で休憩したい"}  # fmt: skip
    assert _details(client, centre, **person(), **chosen).status_code == 302
    confirm = client.get(reverse("booking-confirm", args=[centre.slug])).content.decode()
    assert "字幕またはチャット" in confirm and "その他：途中で休憩したい" in confirm
    assert _confirm(client, centre)["Location"].endswith("/book/done/")

    booking = Booking.objects.get()
    assert booking.accommodations == ["captions", "written", "other"]
    assert booking.accommodation_other == "途中で休憩したい"
    booking = email_checked(booking)  # counselors hear of a request once it is confirmed

    notice = delivered(Notification.objects.get(kind="staff_request_waiting"))
    assert "字幕またはチャット、筆談（文字でのやりとり）" in notice.body_text
    assert "途中で休憩したい" not in notice.body_text + notice.body_html  # behind the login
    assert booking.name not in notice.body_text

    client.force_login(centre.counselor_user)
    schedule = client.get(
        "/admin/bookings/booking/schedule/", {"office": centre.slug, "date": "2026-11-24"}
    ).content.decode()
    assert "字幕またはチャット、筆談（文字でのやりとり）、その他：途中で休憩したい" in schedule
    admin_page = client.get(
        reverse("admin:bookings_booking_change", args=[booking.pk])
    ).content.decode()
    assert "希望する配慮" in admin_page and "その他：途中で休憩したい" in admin_page


def test_the_persons_own_email_lists_what_they_asked_for(client, centre):
    _details(client, centre, **person(), accommodations=["sign_language"])
    _confirm(client, centre)
    email = delivered(Notification.objects.get(kind="booking_created"))
    assert "希望する配慮" in email.body_html and "手話通訳" in email.body_html


@pytest.mark.parametrize(
    ("sent", "field", "message"),
    [
        ({"accommodations": ["teleport"]}, "accommodations",
         "この事業所が用意できる配慮の中から選んでください。"),
        ({"accommodations": ["other"]}, "accommodation_other",
         "「その他」に必要なことを書いてください。"),
        ({"accommodation_other": "休憩\u202eしたい"}, "accommodation_other", "U+202E"),
        ({"accommodation_other": "あ" * 201}, "accommodation_other", "200文字以内"),
    ],
)  # fmt: skip
def test_bad_accommodation_input_is_a_message_beside_its_field_and_books_nothing(
    client, centre, sent, field, message
):
    response = _details(client, centre, **person(), **sent)
    assert response.status_code == 200  # the form again, never a 500
    html = response.content.decode()
    assert message in html
    assert f'href="#id_{field}"' in html  # the error summary leads to the field
    assert not Booking.objects.exists()


def test_a_means_the_office_does_not_offer_is_refused_by_the_check_every_channel_shares():
    from bookings.exceptions import BookingInvalid
    from tests.helpers import book

    office = office_with(accommodation_means=["captions"])
    for asked in ({"accommodations": ["sign_language"]},
                  {"accommodation_other": "手話通訳をお願いします"},
                  {"accommodations": "captions,other"}, {"accommodations": [["captions"]]}):  # fmt: skip
        with pytest.raises(BookingInvalid) as refused:
            book(office.services.get(), TUE, data=person(**asked))
        assert refused.value.errors["accommodations"] == [
            "この事業所が用意できる配慮の中から選んでください。"
        ]
    assert not Booking.objects.exists()


def test_the_invitation_page_asks_and_the_counselors_are_emailed_the_confirmed_booking(
    client, centre
):
    from tests.factories import ApplicantFactory

    service = centre.services.get()
    service.accepts_invitations = True
    service.save(update_fields=["accepts_invitations"])
    record = ApplicantFactory(
        office=centre, name="招待 花子", phone="09011112222", job_seeker_number="12345-7654321"
    )
    env = type("Env", (), {"person": record, "service": service,
                           "counselor": centre.counselor_user})  # fmt: skip
    token = invitation_token(invite(env))
    url = reverse("invitation-confirm", args=[token])
    page = client.get(url, {"start": TUE.isoformat()}).content.decode()
    assert page.count('name="accommodations"') == len(EVERY_MEANS)
    assert "かんたんな説明" not in page  # this office chose no plain-language summary
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    data = {"start": TUE.isoformat(), "idempotency_key": key, "agree_terms": "on",
            "terms_version": terms_in_force(office=centre, at=NOW).pk,
            "accommodations": ["sign_language", "supporter"]}  # fmt: skip

    refused = client.post(url, {**data, "accommodations": ["other"]})
    assert refused.status_code == 200 and "「その他」に必要なことを書いてください。" in (
        refused.content.decode()
    )
    done = client.post(url, data)
    assert done.status_code == 302, re.findall(r"<li>.*?</li>", done.content.decode())[:5]

    booking = Booking.objects.get()
    assert booking.accommodations == ["sign_language", "supporter"]
    notice = delivered(Notification.objects.get(kind="staff_accommodation"))
    assert "手話通訳、支援者の同席" in notice.body_text
    assert notice.recipient == "counselor@centre.example.jp"


def test_a_counselor_enters_the_means_on_a_phone_booking(client, centre):
    client.force_login(centre.counselor_user)
    url = reverse("admin:bookings_booking_phone") + f"?office={centre.slug}"
    page = client.get(url, {"date": "2026-11-24"}).content.decode()
    assert page.count('name="accommodations"') == len(EVERY_MEANS)
    data = {**person(), "office": centre.slug, "service": centre.services.get().slug,
            "start": TUE.isoformat(), "consent_stated": "on",
            "accommodations": ["written"]}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    booking = Booking.objects.get()
    assert booking.accommodations == ["written"]
    assert not Notification.objects.filter(kind="staff_accommodation").exists()


def _booked(client, centre, **chosen):
    _details(client, centre, **person(), **chosen)
    _confirm(client, centre)
    return email_checked(Booking.objects.get())


def test_the_person_changes_it_from_their_booking_page_and_the_counselors_are_told(client, centre):
    booking = _booked(client, centre, accommodations=["captions"])
    token = manage_token(booking)
    page = client.get(reverse("booking-manage", args=[token])).content.decode()
    assert "字幕またはチャット" in page and 'action="/bookings/' in page

    response = client.post(
        reverse("booking-accommodation", args=[token]),
        {"accommodations": ["captions", "sign_language"]},
        follow=True,
    )
    assert "保存しました" in response.content.decode()
    booking.refresh_from_db()
    assert booking.accommodations == ["captions", "sign_language"]
    event = BookingEvent.objects.filter(booking=booking).latest("pk")
    assert event.reason_code == "accommodation_changed" and event.actor_label == "applicant"
    notice = delivered(Notification.objects.get(kind="staff_accommodation"))
    assert "字幕またはチャット、手話通訳" in notice.body_text


def test_a_bad_change_on_the_booking_page_is_a_message_and_changes_nothing(client, centre):
    booking = _booked(client, centre, accommodations=["captions"])
    token = manage_token(booking)
    response = client.post(
        reverse("booking-accommodation", args=[token]),
        {"accommodations": ["captions"], "accommodation_other": "\u200b"},
        follow=True,
    )
    assert response.status_code == 200 and "U+200B" in response.content.decode()
    booking.refresh_from_db()
    assert booking.accommodations == ["captions"] and booking.accommodation_other == ""


def test_once_the_session_started_the_booking_page_no_longer_changes_it(client, centre, frozen):
    booking = _booked(client, centre, accommodations=["captions"])
    token = manage_token(booking)
    frozen.move_to(TUE)
    page = client.get(reverse("booking-manage", args=[token])).content.decode()
    assert 'name="accommodations"' not in page and "字幕またはチャット" in page
    response = client.post(
        reverse("booking-accommodation", args=[token]), {"accommodations": []}, follow=True
    )
    assert "相談が始まっています" in response.content.decode()
    booking.refresh_from_db()
    assert booking.accommodations == ["captions"]


def test_the_office_manager_sets_the_means_in_the_admin_and_the_history_keeps_it(client):
    from django.contrib.admin.models import LogEntry
    from django.utils import translation

    from offices.roles import OFFICE_MANAGERS
    from tests.admin_forms import change_form_data

    office = office_with()
    client.force_login(staff(office, OFFICE_MANAGERS, "centre-manager"))
    url = reverse("admin:offices_office_change", args=[office.pk])
    data = change_form_data(client, url)
    data["accommodation_means"] = ["captions", "more_time"]
    data["accommodation_extra_minutes"] = "15"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    office.refresh_from_db()
    assert (office.accommodation_means, office.accommodation_extra_minutes) == (
        ["captions", "more_time"], 15,
    )  # fmt: skip
    entry = LogEntry.objects.filter(object_id=str(office.pk)).latest("action_time")
    with translation.override("ja"):
        assert "提供できる配慮" in entry.get_change_message()
    history = client.get(reverse("admin:offices_office_history", args=[office.pk]))
    assert "提供できる配慮" in history.content.decode()

    data["accommodation_means"] = ["captions", "telepathy"]
    refused = client.post(url, data)
    assert refused.status_code == 200  # the form with its error, nothing saved
    office.refresh_from_db()
    assert office.accommodation_means == ["captions", "more_time"]


def test_the_persons_words_never_reach_the_logs(client, centre, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    words = "休憩をはさみたい"
    booking = _booked(client, centre, accommodations=["other"], accommodation_other=words)
    client.post(
        reverse("booking-accommodation", args=[manage_token(booking)]),
        {"accommodations": ["other", "captions"], "accommodation_other": words + "です"},
    )
    for notification in Notification.objects.all():
        delivered(notification)
    assert Booking.objects.get().accommodation_other == words + "です"
    assert words not in caplog.text and "字幕" not in caplog.text


def test_the_retention_schedule_erases_what_was_asked_for(client, centre, settings):
    from datetime import timedelta

    from bookings.services.retention import personal_data_purge

    settings.PERSONAL_DATA_RETENTION_DAYS = 365
    booking = _booked(client, centre, accommodations=["other"], accommodation_other="休憩")
    old = NOW - timedelta(days=400)
    Booking.objects.filter(pk=booking.pk).update(
        start=old, end=old + timedelta(minutes=30), status="completed"
    )
    personal_data_purge(now=NOW)
    booking.refresh_from_db()
    assert (booking.accommodations, booking.accommodation_other) == ([], "")


def test_a_seat_in_a_group_session_asks_too_and_keeps_the_sessions_time(client):
    from tests.bookings.seat_helpers import seminar

    office = office_with(hours=(time(9, 30), time(16, 0)), accommodation_extra_minutes=15,
                         accommodation_means=["captions", "more_time"])  # fmt: skip
    session = seminar(slug=office.slug)
    url = reverse("seat-book", args=[office.slug, session.uuid])
    assert client.get(url).content.decode().count('name="accommodations"') == 2
    client.post(url, {**person(), "key": "k1", "agree_terms": "on",
                      "terms_version": terms_in_force(office=office, at=NOW).pk,
                      "accommodations": ["captions", "more_time"]})  # fmt: skip
    seat = Booking.objects.get(group_session=session)
    assert seat.accommodations == ["captions", "more_time"]
    assert (seat.end, seat.extra_minutes) == (session.end, 0)
