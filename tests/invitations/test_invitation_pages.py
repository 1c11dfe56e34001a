"""The person's invitation pages, through the Django test client: the link, a free time
within the window, the terms, the booking on the named record; closed links; bad links."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from bookings.models import Booking, BookingChannel
from invitations.services import invitation_withdraw
from terms.selectors import terms_in_force
from tests.helpers import NOW, invitation_token, invite, jst

pytestmark = pytest.mark.django_db

MON = jst(2026, 11, 30, 9, 30)


@pytest.fixture
def link(inviting):
    invitation = invite(inviting, first_day=MON.date(), last_day=MON.date() + timedelta(days=1))
    return invitation, invitation_token(invitation)


def book_through_pages(client, token, start=MON, **extra):
    page = client.get(reverse("invitation-confirm", args=[token]), {"start": start.isoformat()})
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page.content.decode()).group(1)
    data = {
        "start": start.isoformat(), "idempotency_key": key, "agree_terms": "on",
        "terms_version": terms_in_force(office=page.context["office"], at=NOW).pk, **extra,
    }  # fmt: skip
    return client.post(reverse("invitation-confirm", args=[token]), data)


def test_the_link_shows_the_office_the_service_and_only_times_within_the_window(
    client, inviting, link
):
    _invitation, token = link
    response = client.get(reverse("invitation", args=[token]))
    html = response.content.decode()
    assert response.status_code == 200
    assert inviting.office.name in html and "オンライン職業相談" in html
    assert "2026年11月30日(月) – 2026年12月1日(火)" in html
    assert 'value="2026-11-30T09:30:00+09:00"' in html
    assert "2026-12-02T" not in html  # outside the window
    assert response["Referrer-Policy"] == "same-origin" and response["X-Robots-Tag"] == "noindex"


def test_the_person_books_without_retyping_and_the_booking_joins_their_record(
    client, inviting, link
):
    invitation, token = link
    form = client.get(reverse("invitation-confirm", args=[token]), {"start": MON.isoformat()})
    html = form.content.decode()
    assert "招待 花子" in html and 'name="name"' not in html and 'name="phone"' not in html
    assert "h•••@example.jp" in html and "hanako@example.jp" not in html
    response = book_through_pages(client, token, note="よろしくお願いします")
    assert response.status_code == 302 and response["Location"].endswith("/done/")
    booking = Booking.objects.get()
    assert (booking.applicant, booking.channel) == (inviting.person, BookingChannel.INVITATION)
    assert booking.note == "よろしくお願いします"
    done = client.get(response["Location"]).content.decode()
    assert booking.reference in done and "予約が確定しました" in done
    invitation.refresh_from_db()
    assert invitation.uses == 1


def test_booking_without_agreeing_to_the_terms_says_so_and_books_nothing(client, link):
    _invitation, token = link
    response = book_through_pages(client, token, agree_terms="")
    assert response.status_code == 200
    assert 'href="#id_agree_terms"' in response.content.decode()
    assert not Booking.objects.exists()


def test_a_double_tap_makes_one_booking_and_shows_it(client, inviting, link):
    invitation, token = link
    invitation.max_uses = 2
    invitation.save()
    page = client.get(reverse("invitation-confirm", args=[token]), {"start": MON.isoformat()})
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page.content.decode()).group(1)
    data = {"start": MON.isoformat(), "idempotency_key": key, "agree_terms": "on",
            "terms_version": terms_in_force(office=inviting.office, at=NOW).pk}  # fmt: skip
    first = client.post(reverse("invitation-confirm", args=[token]), data)
    second = client.post(reverse("invitation-confirm", args=[token]), data)
    assert first["Location"] == second["Location"]
    assert Booking.objects.count() == 1


def _used_page(token):
    """The used link as another browser meets it (not the session that booked)."""
    response = Client().get(reverse("invitation-confirm", args=[token]), {"start": MON.isoformat()})
    assert response.status_code == 410
    return response.content.decode()


def test_a_used_link_leads_to_the_booking_s_email_where_changes_are_online(client, link):
    _invitation, token = link
    book_through_pages(client, token)
    for page in (reverse("invitation", args=[token]), reverse("invitation-confirm", args=[token])):
        html = Client().get(page, {"start": MON.isoformat()}).content.decode()
        assert "この招待は予約に使われました" in html
        assert "メール「予約が確定しました」のリンク" in html
        assert "予約をお手伝い" not in html and "予約完了メール" not in html
        assert "tel:" not in html.split("<main")[-1].split("</main>")[0]


def test_a_used_link_gives_the_number_where_changes_are_by_phone(client, inviting, link):
    inviting.office.online_cancel_allowed, inviting.office.reschedule_limit = False, 0
    inviting.office.save(update_fields=["online_cancel_allowed", "reschedule_limit"])
    _invitation, token = link
    book_through_pages(client, token)
    html = _used_page(token)
    assert "この招待は予約に使われました" in html
    assert "予約の変更・取り消しは、事業所にお電話ください" in html
    assert '<a href="tel:0120000111">0120-000-111</a>' in html
    assert "予約をお手伝い" not in html and "予約完了メール" not in html and "メール「" not in html


def test_back_after_booking_by_invitation_leads_to_the_booking_made_here(client, link):
    _invitation, token = link
    book_through_pages(client, token)
    response = client.get(reverse("invitation-confirm", args=[token]), {"start": MON.isoformat()})
    assert response.status_code == 302 and response["Location"].endswith("/done/")
    html = client.get(response["Location"]).content.decode()
    assert "すでに送信されています" in html and 'href="/bookings/' in html
    assert "この招待" not in html and "お手伝い" not in html


def test_an_expired_or_withdrawn_link_says_so_and_tells_to_phone(client, inviting, link, frozen):
    invitation, token = link
    invitation_withdraw(invitation=invitation, by=inviting.counselor, reason="重複", now=NOW)
    response = client.get(reverse("invitation", args=[token]))
    assert response.status_code == 410 and "取り消されました" in response.content.decode()
    other = invite(inviting, expires_on=NOW.date() + timedelta(days=1))
    frozen.move_to(NOW + timedelta(days=3))
    response = client.get(reverse("invitation", args=[invitation_token(other)]))
    assert response.status_code == 410 and "有効期限が過ぎました" in response.content.decode()
    assert "0120-000-111" in response.content.decode()


def test_a_service_closed_to_invitations_refuses_its_links(client, inviting, link):
    _invitation, token = link
    inviting.service.accepts_invitations = False
    inviting.service.save()
    response = client.get(reverse("invitation", args=[token]))
    assert response.status_code == 410
    assert "招待による予約を受け付けていません" in response.content.decode()
    assert book_through_pages_refused(client, token)


def book_through_pages_refused(client, token) -> bool:
    response = client.post(
        reverse("invitation-confirm", args=[token]),
        {"start": MON.isoformat(), "agree_terms": "on"},
    )
    return response.status_code == 410 and not Booking.objects.exists()


def test_a_bad_link_is_the_sites_404_whatever_it_looks_like(client, link):
    _invitation, token = link
    paths = [
        f"/invitations/{bad}/"
        for bad in ("x" * 32, token[:-1] + ("A" if token[-1] != "A" else "B"), "%00", "a" * 500)
    ]
    answers = [client.get(path) for path in paths]
    assert {r.status_code for r in answers} == {404}
    # The same page for each (aside from the language switch's `next` and CSRF token).
    pages = {
        re.sub(r'name="(next|csrfmiddlewaretoken)" value="[^"]*"', "", r.content.decode())
        for r in answers
    }
    assert len(pages) == 1 and "ページが見つかりません" in pages.pop()


def test_a_time_outside_the_window_sent_by_hand_is_refused_with_a_message(client, link):
    _invitation, token = link
    response = book_through_pages(client, token, start=MON + timedelta(days=7))
    assert response.status_code == 302 and response["Location"].endswith(f"/invitations/{token}/")
    assert not Booking.objects.exists()
    assert (
        client.post(
            reverse("invitation-confirm", args=[token]), {"start": "not a time"}
        ).status_code
        == 302
    )


def test_the_page_is_in_english_when_asked(client, link):
    _invitation, token = link
    client.cookies["django_language"] = "en"
    html = client.get(reverse("invitation", args=[token])).content.decode()
    assert 'lang="en"' in html and "Your invitation to book a session" in html
    assert "Mon 30 Nov 2026" in html


def test_a_deadline_at_midnight_reads_as_the_end_of_the_last_day(client, link):
    """The outside walk of issue 26 read 「予約できる日：…12月1日(火)」 and then 「予約の期限：
    12月2日(水) 0:00」: a day more than there is. Midnight is the end of the day before."""
    _invitation, token = link
    html = client.get(reverse("invitation", args=[token])).content.decode()
    assert "2026年12月1日(火) 23:59" in html
    assert "2026年12月2日(水) 0:00" not in html
