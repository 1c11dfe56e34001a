"""The waitlist's pages: the time step's way in, the form to join, the entry's page behind
the emailed link (confirm, the place, an offer to book or let pass, leaving), the staff's
lists scoped to their office, the day's schedule and the figures."""

import pytest
from django.urls import reverse

from bookings.models import Booking
from notifications.models import Notification
from terms.selectors import terms_in_force
from tests.helpers import NOW, link_token, staff
from tests.waitlist.helpers import DAY, STARTS, free, join, waitlist_office
from waitlist.models import EntryStatus, OfferStatus, WaitlistEntry
from waitlist.services import waitlist_link_issue, waitlist_match


def _form(env, **overrides) -> dict:
    data = {
        "service": env.service.slug, "first_day": DAY.isoformat(), "last_day": DAY.isoformat(),
        "name": "待機 花子", "name_kana": "タイキ ハナコ", "job_seeker_number": "12345-1234567",
        "email": "hanako@example.jp", "phone": "090-1111-2222",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_time_step_offers_the_waitlist_only_where_the_service_keeps_one(client, env):
    page = client.get(reverse("booking-start", args=[env.office.slug])).content.decode()
    assert reverse("waitlist-join", args=[env.office.slug]) in page
    env.service.waitlist_enabled = False
    env.service.save(update_fields=["waitlist_enabled"])
    page = client.get(reverse("booking-start", args=[env.office.slug])).content.decode()
    assert reverse("waitlist-join", args=[env.office.slug]) not in page
    assert client.get(reverse("waitlist-join", args=[env.office.slug])).status_code == 404


def test_joining_emails_a_link_whose_page_confirms_the_place(client, env):
    response = client.post(reverse("waitlist-join", args=[env.office.slug]), _form(env))
    assert response.status_code == 302 and "/waitlist/sent/" in response["Location"]
    entry = WaitlistEntry.objects.get()
    assert entry.status == EntryStatus.UNCONFIRMED and entry.email == "hanako@example.jp"
    email = Notification.objects.get(kind="waitlist_joined")
    assert email.body_text.splitlines()[0] == f"{env.office.name}からのお知らせです。"
    page_url = reverse("waitlist-entry", args=[link_token(email.body_text, kind="waitlist")])
    assert "登録を確定する" in client.get(page_url).content.decode()
    client.post(page_url, {"action": "confirm"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WAITING
    assert "1番目" in client.get(page_url).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"first_day": ""}, "最初の日を入力してください"),
        ({"last_day": "2026-11-20"}, "今日以降の日"),
        ({"email": "not-an-address"}, "メールアドレス"),
        ({"earliest": "15:00", "latest": "13:00"}, "より後の時刻"),
        ({"first_day": "\x00"}, "年-月-日"),
    ],
)
def test_the_join_form_says_what_to_fix_and_writes_nothing(client, env, overrides, message):
    response = client.post(
        reverse("waitlist-join", args=[env.office.slug]), _form(env, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_an_unknown_link_is_not_found(client, db):
    assert client.get(reverse("waitlist-entry", args=["nope"])).status_code == 404


def _offered(env):
    entry = join(env, 1)
    free(env.bookings[1])
    waitlist_match(office_id=env.office.pk, now=NOW)
    return entry, reverse("waitlist-entry", args=[waitlist_link_issue(entry=entry)])


def test_the_person_books_the_offered_time_on_their_page(client, env):
    entry, url = _offered(env)
    page = client.get(url).content.decode()
    assert "10:00" in page and "この時間で予約する" in page
    terms = terms_in_force(office=env.office, at=NOW)
    response = client.post(url, {"action": "accept", "terms_version": terms.pk})
    assert response.status_code == 422  # the terms not agreed to: said, nothing booked
    assert "同意" in response.content.decode()
    client.post(url, {"action": "accept", "terms_version": terms.pk, "agree_terms": "on"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.BOOKED
    assert entry.booking.start == STARTS[1]
    page = client.get(url).content.decode()
    assert "/bookings/" in page  # the booking's own page


def test_letting_the_time_pass_and_leaving(client, env):
    entry, url = _offered(env)
    client.post(url, {"action": "decline"})
    assert entry.offers.get().status == OfferStatus.DECLINED
    client.post(url, {"action": "leave"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.LEFT
    assert "キャンセル待ちをやめる" not in client.get(url).content.decode()


def test_staff_see_their_office_waitlist_and_the_offers_on_the_day(client, env):
    from offices.roles import roles_sync

    roles_sync()
    _offered(env)
    other = waitlist_office(full=False)
    join(other, 9)
    counselor = staff(env.office, "Counselors", "waitlist-counselor")
    client.force_login(counselor)
    listing = client.get(reverse("admin:waitlist_waitlistentry_changelist")).content.decode()
    assert "待機 1" in listing and "待機 9" not in listing
    schedule = client.get(
        "/admin/bookings/booking/schedule/", {"office": env.office.slug, "date": DAY.isoformat()}
    ).content.decode()
    assert "キャンセル待ち" in schedule and "待機 1" in schedule


def test_the_figures_count_the_freed_times_the_waitlist_filled(client, env):
    from django.contrib.auth import get_user_model

    _entry, url = _offered(env)
    terms = terms_in_force(office=env.office, at=NOW)
    client.post(url, {"action": "accept", "terms_version": terms.pk, "agree_terms": "on"})
    assert Booking.objects.filter(waitlist_offer__isnull=False).count() == 1
    admin = get_user_model().objects.create_superuser("root", "", "pw")
    client.force_login(admin)
    page = client.get(
        reverse("reports:dashboard"), {"office": env.office.slug, "month": "2026-11"}
    ).content.decode()
    assert "キャンセル待ちで埋まった空き：1" in page


def test_the_entry_page_takes_the_same_queries_however_long_the_list(
    client, env, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _entry, url = _offered(env)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(2, 12):
        join(env, n)
    with django_assert_max_num_queries(len(few)):
        page = client.get(url).content.decode()
    assert "1番目" in page
