"""The home page and office pages, in Japanese by default and in English on request."""

from datetime import time

import pytest
from django.urls import reverse

from offices.models import Office, OpeningHours
from tests.factories import WEEKDAYS, OpeningHoursFactory, ServiceFactory, office_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def kawagoe():
    """Two windows on weekdays, 30-minute sessions extendable to 45, booked two business
    days ahead, a counselor confirming each request, on TeleOffice, a 10-minute grace."""
    office = office_with(
        name="ハローワーク川越", name_en="Hello Work Kawagoe", slug="kawagoe",
        phone="049-242-0197", platform="teleoffice", slot_minutes=30, max_extension_minutes=15,
        lead_time_days=2, lead_time_unit="business_days", confirmation_mode="staff_approval",
        no_show_grace_minutes=10,
    )  # fmt: skip
    afternoons(office.services.get(), time(13, 0), time(16, 0))
    return office


@pytest.fixture
def sasebo():
    """A weekday service and an evening and Saturday one of 45 minutes whose bookings are
    completed from an email within 60 minutes; cancelled online until the day before."""
    office = office_with(
        name="ハローワーク佐世保", slug="sasebo", phone="0956-88-2003",
        hours=(time(8, 30), time(16, 45)), online_cancel_allowed=True, online_cancel_days_before=1,
    )  # fmt: skip
    evening = ServiceFactory(
        office=office, slug="evening-saturday", position=1, slot_minutes=45,
        confirmation_mode="instant", email_verification_minutes=60,
    )  # fmt: skip
    afternoons(evening, time(17, 15), time(19, 30))
    OpeningHoursFactory(service=evening, weekday=5, start=time(9, 30), end=time(12, 30))
    return office


def afternoons(service, start, end):
    """Another window on each weekday."""
    for weekday in WEEKDAYS:
        OpeningHoursFactory(service=service, weekday=weekday, start=start, end=end)


def page(client, url: str, language: str = "ja") -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_home_lists_the_published_offices_in_japanese(client, kawagoe, sasebo):
    office_with(name="山口障害者職業センター", kind="vocational_center")
    html = page(client, reverse("home"))
    assert '<html lang="ja">' in html
    for name in ("ハローワーク川越", "ハローワーク佐世保", "山口障害者職業センター"):
        assert name in html


def test_home_is_japanese_even_when_the_browser_prefers_english(client, kawagoe):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "オンライン相談を予約する" in response.content.decode()


def test_home_in_english_uses_english_names(client, kawagoe):
    html = page(client, reverse("home"), "en")
    assert '<html lang="en">' in html
    assert "Hello Work Kawagoe" in html and "ハローワーク川越" not in html
    assert "Book an online consultation" in html


def test_unpublished_office_is_hidden_and_its_page_is_404(client, kawagoe):
    matsudo = office_with(name="ハローワーク松戸 マザーズコーナー", slug="matsudo")
    assert "マザーズコーナー" in page(client, reverse("home"))
    Office.objects.filter(slug="matsudo").update(is_published=False)
    assert "マザーズコーナー" not in page(client, reverse("home"))
    assert client.get(reverse("office-detail", args=[matsudo.slug])).status_code == 404


def test_unknown_office_is_404(client, kawagoe):
    assert client.get("/offices/nowhere/").status_code == 404


def test_kawagoe_page_shows_hours_length_lead_time_and_platform(client, kawagoe):
    html = page(client, reverse("office-detail", args=["kawagoe"]))
    assert "平日（月〜金） 9:30〜12:00、13:00〜16:00" in html
    assert "30分（45分まで延長できます）" in html
    assert "ご希望日の2営業日前までにご予約ください。" in html
    assert "相談員がその日時を確定するか" in html
    assert "TeleOfficeにはウェブブラウザから参加できます" in html
    assert "開始から10分が過ぎても参加がない場合" in html
    assert "録音・録画・撮影" in html
    assert "049-242-0197" in html


def test_sasebo_page_shows_both_services_saturday_hours_and_its_phone(client, sasebo):
    html = page(client, reverse("office-detail", args=["sasebo"]))
    assert "平日（月〜金） 8:30〜16:45" in html
    assert "土 9:30〜12:30" in html
    assert "45分" in html
    assert "「予約を完了する」ボタンを60分以内に押してください" in html
    assert 'href="tel:0956882003"' in html
    assert "前日までは予約ページから取り消せます。" in html


def test_toyooka_page_explains_zoom_and_phone_only_cancellation(client):
    """Zoom, cancelled by phone only, two windows on weekdays."""
    toyooka = office_with(
        slug="toyooka", platform="zoom", online_cancel_allowed=False,
        hours=(time(9, 30), time(11, 0)),
    )  # fmt: skip
    afternoons(toyooka.services.get(), time(14, 0), time(16, 0))
    html = page(client, reverse("office-detail", args=["toyooka"]))
    assert "ミーティングIDとパスコード" in html
    assert "取り消しは事業所へお電話でご連絡ください。" in html
    assert "平日（月〜金） 9:30〜11:00、14:00〜16:00" in html


def test_office_page_in_english(client, kawagoe):
    html = page(client, reverse("office-detail", args=["kawagoe"]), "en")
    assert "Hello Work Kawagoe" in html
    assert "Weekdays (Mon–Fri) 9:30–12:00, 13:00–16:00" in html
    assert "30 minutes (can be extended to 45 minutes)" in html
    assert "Book by 2 business days before the day you want." in html


def test_yamaguchi_page_in_english_describes_teams(client):
    """Teams, and sessions of 60 minutes."""
    yamaguchi = office_with(
        slug="yamaguchi", kind="vocational_center", platform="teams", slot_minutes=60,
        hours=(time(9, 0), time(16, 30)),
    )  # fmt: skip
    html = page(client, reverse("office-detail", args=[yamaguchi.slug]), "en")
    assert "Microsoft Teams" in html
    assert "Edge or Chrome" in html
    assert "60 minutes" in html


def test_language_switch_sets_english_and_returns_to_the_page(client, kawagoe):
    url = reverse("office-detail", args=["kawagoe"])
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert "Hello Work Kawagoe" in client.get(url).content.decode()


def test_pages_are_built_for_small_screens(client, kawagoe):
    html = page(client, reverse("home"))
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_home_query_count_does_not_grow_with_offices(
    client, kawagoe, sasebo, django_assert_num_queries
):
    with django_assert_num_queries(2):
        client.get(reverse("home"))
    for _ in range(5):
        OpeningHoursFactory(service=ServiceFactory())
    with django_assert_num_queries(2):
        client.get(reverse("home"))


def test_office_page_query_count_does_not_grow_with_services(
    client, sasebo, django_assert_num_queries
):
    url = reverse("office-detail", args=["sasebo"])
    # office, its services, their hours, the next scheduled terms version, upcoming closures
    with django_assert_num_queries(5):
        client.get(url)
    for n in range(4):
        service = ServiceFactory(office=sasebo, slug=f"extra-{n}")
        OpeningHours.objects.create(
            office=sasebo, service=service, weekday=2, start="10:00", end="11:00"
        )
    with django_assert_num_queries(5):
        client.get(url)
