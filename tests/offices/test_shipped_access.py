"""
How each seeded office is booked, as shipped (docs/booking-access.md): open online booking
where the documents describe a web form or booking site (Kawagoe, Sasebo's evening/Saturday
service), online with a counselor's personal invitation elsewhere (Toyooka, Matsudo,
Yamaguchi, Sasebo's weekday service, and Kawagoe besides), and by phone. The public pages
and the API say so per service, and an open booking of a service that is not open is
refused with how to book instead. These tests keep the seed's access (`shipped_access`).
"""

import importlib

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import translation

from bookings.exceptions import ServiceClosed
from bookings.models import Booking
from offices.models import Service
from tests.admin_forms import change_form_data
from tests.factories import UserFactory
from tests.helpers import book, jst, person, service

pytestmark = [pytest.mark.django_db, pytest.mark.shipped_access]

# (office, service): (open online, by invitation, by phone)
SHIPPED = {
    ("kawagoe", "counseling"): (True, True, True),
    ("sasebo", "weekday"): (False, True, True),
    ("sasebo", "evening-saturday"): (True, False, False),
    ("toyooka", "counseling"): (False, True, True),
    ("matsudo", "counseling"): (False, True, True),
    ("yamaguchi", "online-support"): (False, True, True),
}
INVITATION_ONLY = ("toyooka", "matsudo", "yamaguchi")
INVITATION_JA = "担当の相談員からの個別の招待"


def _access() -> dict:
    return {
        (s.office.slug, s.slug): (s.accepts_web, s.accepts_invitations, s.accepts_phone)
        for s in Service.objects.select_related("office")
    }


def test_the_seed_opens_kawagoe_and_sasebo_evening_and_takes_invitations_elsewhere(seeded):
    assert _access() == SHIPPED


def test_offices_that_send_people_to_the_phone_have_a_number(seeded):
    for slug in (*INVITATION_ONLY, "sasebo"):
        assert seeded[slug].phone, slug
        assert seeded[slug].phone_missing_error() is None, slug


def test_the_seed_gives_offices_without_a_documented_number_a_marked_demo_one(client, seeded):
    """Issue 26's blocker: Kawagoe and Yamaguchi showed no number while their pages said
    to phone (same-day cancellation, refusals)."""
    for slug in ("kawagoe", "toyooka", "matsudo", "yamaguchi"):
        office = seeded[slug]
        assert office.phone == "00-0000-0000（デモ）"
        assert "デモ" in office.admin_note and "00-0000-0000" in office.admin_note
        html = client.get(reverse("office-detail", args=[slug])).content.decode()
        assert "00-0000-0000（デモ）" in html and "相談員にお尋ねください" not in html
        assert 'href="tel:0000000000"' in html


@pytest.mark.parametrize("slug", INVITATION_ONLY)
def test_an_invitation_only_office_page_offers_no_form_and_says_how_to_book(client, seeded, slug):
    response = client.get(reverse("office-detail", args=[slug]), HTTP_ACCEPT_LANGUAGE="ja")

    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("booking-start", args=[slug]) not in page
    assert INVITATION_JA in page
    assert seeded[slug].phone in page


def test_sasebo_page_links_the_open_service_and_sends_the_weekday_one_to_invitations(
    client, seeded
):
    response = client.get(reverse("office-detail", args=["sasebo"]), HTTP_ACCEPT_LANGUAGE="ja")

    page = response.content.decode()
    assert "?service=evening-saturday" in page
    assert "?service=weekday" not in page
    assert INVITATION_JA in page and "0956-88-2003" in page


def test_kawagoe_page_offers_its_form_and_mentions_invitations(client, seeded):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("office-detail", args=["kawagoe"]))

    page = response.content.decode()
    assert reverse("booking-start", args=["kawagoe"]) in page
    assert "personal invitation" in page


@pytest.mark.parametrize(
    "url",
    [
        "/offices/toyooka/book/",
        "/offices/yamaguchi/book/",
        "/offices/sasebo/book/?service=weekday",
    ],
)
def test_the_booking_form_of_a_service_that_is_not_open_says_how_to_book_instead(
    client, seeded, url
):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")

    page = response.content.decode()
    assert response.status_code == 409
    assert INVITATION_JA in page
    assert 'name="start"' not in page


def test_sasebo_time_step_lists_the_evening_times_and_says_how_to_book_the_weekday_service(
    client, seeded
):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("booking-start", args=["sasebo"]))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="start"' in page
    assert "Online job counseling (weekday daytime): Online booking is by personal" in page


def test_the_api_lists_how_each_service_is_booked(client, seeded):
    offices = client.get("/api/v1/offices", HTTP_ACCEPT_LANGUAGE="en").json()

    listed = {
        (o["slug"], s["slug"]): (s["channels"], s["how_to_book"])
        for o in offices
        for s in o["services"]
    }
    assert listed[("toyooka", "counseling")][0] == ["invitation", "phone"]
    assert "personal invitation" in listed[("toyooka", "counseling")][1]
    assert listed[("kawagoe", "counseling")][0] == ["web", "invitation", "phone"]
    assert listed[("sasebo", "evening-saturday")] == (["web"], "On this site.")


def test_the_api_refuses_an_open_booking_of_an_invitation_only_service_saying_how_to_book(
    client, offices
):
    body = {
        "service": "counseling",
        "start": "2026-12-14T09:30:00+09:00",
        **person(),
        "terms_version": 1,
        "agree_terms": True,
    }
    response = client.post(
        "/api/v1/offices/toyooka/bookings",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "service_closed"
    assert "personal invitation" in response.json()["message"]
    assert not Booking.objects.exists()


@pytest.mark.parametrize(("language", "words"), [("ja", INVITATION_JA), ("en", "invitation")])
def test_booking_openly_at_an_invitation_only_service_is_refused_in_the_persons_language(
    offices, language, words
):
    with translation.override(language), pytest.raises(ServiceClosed) as refused:
        book(service("matsudo"), jst(2026, 12, 14, 11, 0))

    assert words in str(refused.value.message)
    assert not Booking.objects.exists()


def test_databases_seeded_before_invitations_get_the_documents_access_but_a_managers_choice_stays(
    seeded,
):
    Service.objects.update(accepts_web=True, accepts_invitations=False)
    Service.objects.filter(office__slug="matsudo").update(accepts_invitations=True)
    migration = importlib.import_module("offices.migrations.0007_seeded_booking_access")

    migration.forwards(apps, None)

    expected = dict(SHIPPED)
    expected[("matsudo", "counseling")] = (True, True, True)  # changed by its manager: kept
    assert _access() == expected


def test_a_change_of_booking_access_in_the_admin_is_kept_in_the_offices_history(client, seeded):
    client.force_login(UserFactory(is_superuser=True, username="root"))
    client.cookies["django_language"] = "en"
    toyooka = seeded["toyooka"]
    url = reverse("admin:offices_office_change", args=[toyooka.pk])
    data = change_form_data(client, url)
    data["services-0-accepts_web"] = "on"

    response = client.post(url, data)

    assert response.status_code == 302
    assert Service.objects.get(office=toyooka).accepts_web
    entry = LogEntry.objects.filter(object_id=str(toyooka.pk)).latest("action_time")
    with translation.override("en"):
        assert "open online booking" in entry.get_change_message().lower()
    history = client.get(reverse("admin:offices_office_history", args=[toyooka.pk]))
    assert "open online booking" in history.content.decode().lower()


def test_the_first_free_invitation_only_day_is_still_offered_to_counselors_by_phone(offices):
    """Invitation-only is about the public form: a counselor books the same time by phone."""
    created = book(
        service("toyooka"),
        jst(2026, 12, 14, 9, 30),
        channel="phone",
        created_by=UserFactory(office=offices["toyooka"], is_staff=True),
    )

    assert created.booking.channel == "phone"
