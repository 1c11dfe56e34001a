"""The office's own content in the person's language, falling back to Japanese with a note."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from offices.content import content_text
from offices.models import ContentTranslation
from offices.roles import OFFICE_MANAGERS
from tests.admin_forms import add_inline_row, change_form_data, inline_rows
from tests.factories import OpeningHoursFactory, ServiceFactory, UserFactory

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


def test_a_translated_office_shows_its_vietnamese_texts_and_no_note(client, seeded):
    sasebo = seeded["sasebo"]
    sasebo.preparation_note = "身分証をご用意ください。"
    sasebo.save()
    ContentTranslation.objects.create(
        office=sasebo, language="vi", name="Hello Work Sasebo", text="Hãy mang giấy tờ tùy thân."
    )
    for n, service in enumerate(sasebo.services.filter(is_active=True)):
        service.description = "職業相談です。"
        service.save()
        ContentTranslation.objects.create(
            office=sasebo, service=service, language="vi", name=f"Tư vấn việc làm {n}",
            text="Tư vấn nghề nghiệp.",
        )  # fmt: skip
    html = page(client, reverse("office-detail", args=["sasebo"]), "vi")
    assert "<h1>Hello Work Sasebo</h1>" in html
    assert "Hãy mang giấy tờ tùy thân." in html and "身分証をご用意ください。" not in html
    assert "Tư vấn việc làm 0" in html and "Tư vấn nghề nghiệp." in html
    assert "職業相談です。" not in html
    assert NOTE["vi"] not in html


def test_an_untranslated_office_shows_its_japanese_marked_lang_ja_with_a_note(client, seeded):
    sasebo = seeded["sasebo"]
    sasebo.preparation_note = "身分証をご用意ください。"
    sasebo.save()
    for language in ("vi", "zh-hans"):
        html = page(client, reverse("office-detail", args=["sasebo"]), language)
        assert f'<html lang="{language}">' in html
        assert '<div class="office-content" lang="ja"><p>身分証をご用意ください。</p></div>' in html
        assert NOTE[language] in html
        assert f"<h1>{sasebo.name}</h1>" in html  # the name falls back to Japanese


def test_plain_japanese_falls_back_to_the_japanese_with_its_own_note(seeded):
    from django.utils import translation

    sasebo = seeded["sasebo"]
    sasebo.preparation_note = "身分証をご用意ください。"
    with translation.override("ja-x-easy"):
        text = content_text(sasebo, "body")
    assert (text.text, text.lang, text.fallback) == ("身分証をご用意ください。", "ja", False)
    ContentTranslation.objects.create(
        office=sasebo, language="ja-x-easy", text="みぶんしょうを もってきて ください。"
    )
    with translation.override("ja-x-easy"):
        assert content_text(sasebo, "body").text == "みぶんしょうを もってきて ください。"


def test_english_keeps_its_own_fields_and_falls_back_with_the_note_when_blank(client, seeded):
    sasebo = seeded["sasebo"]
    sasebo.preparation_note, sasebo.preparation_note_en = "身分証をご用意ください。", ""
    sasebo.save()
    html = page(client, reverse("office-detail", args=["sasebo"]), "en")
    assert "Hello Work Sasebo" in html
    assert NOTE["en"] in html
    sasebo.preparation_note_en = "Bring an identity document."
    sasebo.save()
    html = page(client, reverse("office-detail", args=["sasebo"]), "en")
    assert "Bring an identity document." in html and NOTE["en"] not in html


def test_pages_in_vietnamese_do_not_grow_queries_with_offices_or_services(
    client, seeded, django_assert_num_queries
):
    client.cookies["django_language"] = "vi"
    url = reverse("office-detail", args=["sasebo"])
    # the home: offices, services, and the translations of each
    with django_assert_num_queries(4):
        client.get(reverse("home"))
    # the office page: 5 as in Japanese, and the translations of the office and its services
    with django_assert_num_queries(7):
        client.get(url)
    for n in range(4):
        service = ServiceFactory(office=seeded["sasebo"], slug=f"extra-{n}")
        OpeningHoursFactory(service=service)
        ContentTranslation.objects.create(
            office=seeded["sasebo"], service=service, language="vi", name=f"Dịch vụ {n}"
        )
    with django_assert_num_queries(4):
        client.get(reverse("home"))
    with django_assert_num_queries(7):
        html = client.get(url).content.decode()
    assert "Dịch vụ 3" in html


def test_a_manager_translates_their_own_office_in_the_admin_and_not_another(client, seeded):
    kawagoe = seeded["kawagoe"]
    manager = UserFactory(office=kawagoe, username="t-kawagoe-lang")
    manager.groups.add(Group.objects.get(name=OFFICE_MANAGERS))
    client.force_login(manager)
    client.cookies["django_language"] = "ja"
    url = reverse("admin:offices_office_change", args=[kawagoe.pk])
    data = change_form_data(client, url)
    add_inline_row(
        data, "content_translations",
        language="zh-hans", service="", name="川越公共职业安定所", text="请携带身份证件。",
    )  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    row = ContentTranslation.objects.get(office=kawagoe)
    assert (row.language, row.service, row.name) == ("zh-hans", None, "川越公共职业安定所")
    assert inline_rows(change_form_data(client, url), "content_translations") == 1
    other = client.get(reverse("admin:offices_office_change", args=[seeded["toyooka"].pk]))
    assert other.status_code in (302, 404)


def test_a_service_of_another_office_is_refused_with_the_fix(client, seeded):
    superuser = UserFactory(is_superuser=True, username="root-lang")
    client.force_login(superuser)
    client.cookies["django_language"] = "ja"
    kawagoe, toyooka = seeded["kawagoe"], seeded["toyooka"]
    url = reverse("admin:offices_office_change", args=[kawagoe.pk])
    data = change_form_data(client, url)
    foreign = toyooka.services.first()
    add_inline_row(
        data, "content_translations", language="vi", service=str(foreign.pk), name="x", text=""
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert not ContentTranslation.objects.exists()
