"""The office's own content in the person's language, falling back to Japanese with a note."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from offices.content import content_text
from offices.models import ContentTranslation
from offices.roles import OFFICE_MANAGERS
from tests.admin_forms import add_inline_row, change_form_data, inline_rows
from tests.factories import OpeningHoursFactory, ServiceFactory, UserFactory, office_with

pytestmark = pytest.mark.django_db


NOTE = {
    "vi": "Nội dung này chỉ có bằng tiếng Nhật.",
    "zh-hans": "此内容仅有日语版本。",
    "en": "This content is in Japanese only.",
}


def page(client, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _office(**fields):
    office = office_with(
        name="ハローワーク試験", name_en="Hello Work Test", preparation_note="身分証をご用意ください。",
        **fields,
    )  # fmt: skip
    service = office.services.get()
    service.description = "職業相談です。"
    service.save()
    return office, service


def _detail(office):
    return reverse("office-detail", args=[office.slug])


def test_a_translated_office_shows_its_vietnamese_texts_and_no_note(client):
    office, service = _office()
    ContentTranslation.objects.create(
        office=office, language="vi", name="Hello Work Thử", text="Hãy mang giấy tờ tùy thân."
    )
    ContentTranslation.objects.create(
        office=office, service=service, language="vi", name="Tư vấn việc làm",
        text="Tư vấn nghề nghiệp.",
    )  # fmt: skip
    html = page(client, _detail(office), "vi")
    assert "<h1>Hello Work Thử</h1>" in html
    assert "Hãy mang giấy tờ tùy thân." in html and "身分証をご用意ください。" not in html
    assert "Tư vấn việc làm" in html and "Tư vấn nghề nghiệp." in html
    assert "職業相談です。" not in html
    assert NOTE["vi"] not in html


def test_an_untranslated_office_shows_its_japanese_marked_lang_ja_with_a_note(client):
    office, _service = _office()
    for language in ("vi", "zh-hans"):
        html = page(client, _detail(office), language)
        assert f'<html lang="{language}">' in html
        assert '<div class="office-content" lang="ja"><p>身分証をご用意ください。</p></div>' in html
        assert '<div class="office-content" lang="ja"><p>職業相談です。</p></div>' in html
        assert html.count(NOTE[language]) == 2
        assert "<h1>ハローワーク試験</h1>" in html  # the name falls back to Japanese


def test_plain_japanese_reads_the_japanese_unless_the_office_wrote_a_plain_version():
    office, _service = _office()
    with translation.override("ja-x-easy"):
        text = content_text(office, "body")
    assert (text.text, text.lang, text.fallback) == ("身分証をご用意ください。", "ja", False)
    ContentTranslation.objects.create(
        office=office, language="ja-x-easy", text="みぶんしょうを もってきて ください。"
    )
    with translation.override("ja-x-easy"):
        assert content_text(office, "body").text == "みぶんしょうを もってきて ください。"


def test_english_keeps_its_own_fields_and_falls_back_with_the_note_when_blank(client):
    office, service = _office(preparation_note_en="")
    service.description_en = "Job counseling."
    service.save()
    html = page(client, _detail(office), "en")
    assert "Hello Work Test" in html
    assert html.count(NOTE["en"]) == 1  # the preparation; the description has its English
    office.preparation_note_en = "Bring an identity document."
    office.save()
    html = page(client, _detail(office), "en")
    assert "Bring an identity document." in html and NOTE["en"] not in html


def test_pages_in_vietnamese_do_not_grow_queries_with_offices_or_services(
    client, django_assert_num_queries
):
    office, _service = _office()
    office_with()
    client.cookies["django_language"] = "vi"
    home, url = reverse("home"), _detail(office)
    client.get(home), client.get(url)  # warm the caches (sessions, terms)
    with django_assert_num_queries(4):  # offices, services, and the translations of each
        client.get(home)
    with django_assert_num_queries(7):  # as in Japanese, and the translations of both
        client.get(url)
    for n in range(4):
        service = ServiceFactory(office=office, slug=f"extra-{n}")
        OpeningHoursFactory(service=service)
        ContentTranslation.objects.create(
            office=office, service=service, language="vi", name=f"Dịch vụ {n}"
        )
        office_with()
    with django_assert_num_queries(4):
        client.get(home)
    with django_assert_num_queries(7):
        html = client.get(url).content.decode()
    assert "Dịch vụ 3" in html


def test_a_manager_translates_their_own_office_in_the_admin_and_not_another(client):
    office, _service = _office()
    other = office_with()
    manager = UserFactory(office=office, username="t-manager-lang")
    manager.groups.add(Group.objects.get(name=OFFICE_MANAGERS))
    client.force_login(manager)
    client.cookies["django_language"] = "ja"
    url = reverse("admin:offices_office_change", args=[office.pk])
    data = change_form_data(client, url)
    add_inline_row(
        data, "content_translations",
        language="zh-hans", service="", name="试验公共职业安定所", text="请携带身份证件。",
    )  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    row = ContentTranslation.objects.get(office=office)
    assert (row.language, row.service, row.name) == ("zh-hans", None, "试验公共职业安定所")
    assert inline_rows(change_form_data(client, url), "content_translations") == 1
    refused = client.get(reverse("admin:offices_office_change", args=[other.pk]))
    assert refused.status_code in (302, 404)


def test_a_service_of_another_office_is_refused_and_nothing_is_saved(client):
    office, _service = _office()
    foreign = office_with().services.get()
    client.force_login(UserFactory(is_superuser=True, username="root-lang"))
    client.cookies["django_language"] = "ja"
    url = reverse("admin:offices_office_change", args=[office.pk])
    data = change_form_data(client, url)
    add_inline_row(
        data, "content_translations", language="vi", service=str(foreign.pk), name="x", text=""
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert not ContentTranslation.objects.exists()
