"""404, 500, 403 and 400 in the site's layout, in Japanese and English, with a way home."""

import pytest
from django.test import Client, override_settings

from tests.factories import office_with

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]


@pytest.fixture
def kawagoe(db):
    """An office under whose address the pages name it and give its phone."""
    return office_with(slug="kawagoe", name="ハローワーク川越", phone="049-242-0197")


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_an_unknown_booking_link_is_the_sites_404_in_japanese(client, db):
    response = client.get("/bookings/garbage-token/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "ページが見つかりません" in html
    assert 'class="site-header"' in html and 'name="viewport"' in html
    assert 'href="/"' in html and "ホームページへ" in html
    assert "Not Found" not in html


def test_the_404_is_in_english_when_chosen(client, db):
    response = _english(client).get("/bookings/garbage-token/")
    assert response.status_code == 404
    assert "This page was not found" in response.content.decode()


def test_a_404_under_an_office_gives_its_phone(client, kawagoe):
    response = client.get("/offices/kawagoe/terms/99999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "049-242-0197" in html and 'href="tel:0492420197"' in html
    assert 'href="/offices/kawagoe/"' in html


def test_a_server_error_is_the_sites_500_with_the_offices_phone(db):
    office = office_with(slug="sasebo", phone="0956-34-8609")
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "問題が発生しました" in response.content.decode()
    response = client.get("/offices/sasebo/boom/")
    assert response.status_code == 500
    assert office.phone and office.phone in response.content.decode()
    response = _english(Client(raise_request_exception=False)).get("/boom/")
    assert "something went wrong" in response.content.decode()


def test_403_and_400_are_the_sites_pages(client, db):
    response = client.get("/denied/")
    assert response.status_code == 403
    assert "このページは開けません" in response.content.decode()
    response = client.get("/suspicious/")
    assert response.status_code == 400
    assert 'class="site-header"' in response.content.decode()


def test_a_refused_form_post_says_to_reload_and_send_again(kawagoe):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/offices/kawagoe/book/details/", {"start": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "送信できませんでした" in html and "川越" in html


def test_an_unknown_api_address_answers_json(client, db):
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("accept", "message"),
    [
        ("", "ページが見つかりません"),
        ("es-ES,es;q=0.9", "No se encontró esta página"),
        ("pt-BR", "Esta página não foi encontrada"),
        ("tl", "Hindi nahanap ang pahinang ito"),
    ],
)
def test_an_unknown_api_address_answers_in_the_language_the_client_asks_for(
    client, db, accept, message
):
    # As the API's own errors: Accept-Language, not the site's language cookie.
    response = client.get("/api/v1/nowhere", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": message}


@override_settings(DEBUG=False)
def test_favicon_is_a_real_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
    assert 'rel="icon"' in client.get("/").content.decode()
