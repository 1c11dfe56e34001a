"""Terms in the admin (draft, preview, publish, compare) and on the public site."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from common import clock
from terms.models import TermsVersion
from terms.selectors import terms_in_force
from terms.services import terms_publish, terms_version_create
from tests.helpers import jst

pytestmark = pytest.mark.django_db

NOW = jst(2026, 11, 22, 10, 0)
NEW_YEAR = jst(2027, 1, 4)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def schedule(office, manager, when=NEW_YEAR):
    version = terms_version_create(
        office=office,
        by=manager,
        version="2027-01-04",
        title="改定版",
        body="## 目的\n\n改定しました。",
        change_summary="キャンセルの期限を変更しました。",
    )
    return terms_publish(terms_version=version, by=manager, effective_from=when, now=clock.now())


def test_terms_page_shows_version_date_history_on_a_phone(client, office):
    html = client.get(reverse("terms-current", args=[office.slug])).content.decode()
    assert "ハローワーク川越 オンライン相談利用規約" in html
    assert "2023年7月14日" in html
    assert f"/offices/{office.slug}/terms/" in html and ">2021-03-25</a>" in html
    assert "<h2>利用の記録</h2>" in html  # the body in force, as HTML
    assert 'name="viewport"' in html


def test_upcoming_change_is_announced_on_terms_and_office_pages(client, manager, office):
    new = schedule(office, manager)
    for url in (
        reverse("terms-current", args=[office.slug]),
        reverse("office-detail", args=[office.slug]),
    ):
        html = client.get(url).content.decode()
        assert "この利用規約は2027年1月4日に改定されます。" in html
        assert reverse("terms-version", args=[office.slug, new.pk]) in html
        assert "キャンセルの期限を変更しました。" in html


def test_after_the_date_the_new_version_is_current_and_the_notice_is_gone(client, manager, office):
    schedule(office, manager)
    with time_machine.travel(NEW_YEAR + timedelta(minutes=1), tick=False):
        html = client.get(reverse("terms-current", args=[office.slug])).content.decode()
    assert "改定版" in html
    assert "改定されます" not in html


def test_an_earlier_version_has_its_own_page_marked_as_no_longer_in_force(client, office):
    old = TermsVersion.objects.get(office=office, version="2021-03-25")
    html = client.get(reverse("terms-version", args=[office.slug, old.pk])).content.decode()
    assert "以前の版です" in html
    assert "2021年3月25日" in html


def test_drafts_withdrawn_and_other_offices_versions_are_404(client, manager, office, other):
    draft = terms_version_create(office=office, by=manager, version="draft", title="t", body="b")
    others_current = terms_in_force(office=other, at=NOW)
    for version_id in (draft.pk, others_current.pk, 999999):
        url = reverse("terms-version", args=[office.slug, version_id])
        assert client.get(url).status_code == 404


def test_terms_page_in_english_shows_the_english_text(client, office):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("terms-current", args=[office.slug])).content.decode()
    assert "Terms of use of Hello Work Kawagoe online consultations" in html
    assert "The Japanese text prevails." in html


def admin_login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "ja"
    return client


def test_manager_drafts_previews_and_publishes_in_the_admin(client, manager, office):
    admin_login(client, manager)
    response = client.post(
        reverse("admin:terms_termsversion_add"),
        {
            "version": "2027-01-04",
            "title": "改定版",
            "title_en": "",
            "body": "## 目的\n\n<script>alert(1)</script>改定しました。",
            "body_en": "",
            "change_summary": "改定の要約",
            "change_summary_en": "",
        },
    )
    assert response.status_code == 302
    version = TermsVersion.objects.get(version="2027-01-04")
    assert version.office == office

    preview = client.get(reverse("admin:terms_termsversion_preview", args=[version.pk]))
    assert "プレビュー" in preview.content.decode()
    assert "<script>alert(1)</script>" not in preview.content.decode()

    publish_url = reverse("admin:terms_termsversion_publish", args=[version.pk])
    response = client.post(publish_url, {"effective_date": "2027-01-04", "effective_time": "00:00"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.effective_from == NEW_YEAR
    assert version.published_by == manager


def test_admin_publish_with_a_past_date_says_why_and_publishes_nothing(client, manager, office):
    admin_login(client, manager)
    version = terms_version_create(office=office, by=manager, version="v", title="t", body="b")
    response = client.post(
        reverse("admin:terms_termsversion_publish", args=[version.pk]),
        {"effective_date": "2026-01-01", "effective_time": "00:00"},
    )
    assert response.status_code == 200
    assert "過去の日付" in response.content.decode()
    version.refresh_from_db()
    assert version.published_at is None


def test_admin_publish_without_a_date_asks_for_one(client, manager, office):
    admin_login(client, manager)
    version = terms_version_create(office=office, by=manager, version="v", title="t", body="b")
    response = client.post(
        reverse("admin:terms_termsversion_publish", args=[version.pk]), {"effective_date": ""}
    )
    assert response.status_code == 200
    assert "適用を始める日付を入力するか" in response.content.decode()


def test_published_version_is_read_only_in_the_admin(client, manager, office):
    admin_login(client, manager)
    current = terms_in_force(office=office, at=NOW)
    url = reverse("admin:terms_termsversion_change", args=[current.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="body"' not in page.content.decode()
    client.post(url, {"body": "rewritten", "version": "x", "title": "x"})
    current.refresh_from_db()
    assert current.body != "rewritten"


def test_counselor_reads_terms_but_cannot_draft_or_publish(client, counselor, manager, office):
    admin_login(client, counselor)
    assert client.get(reverse("admin:terms_termsversion_changelist")).status_code == 200
    assert client.get(reverse("admin:terms_termsversion_add")).status_code == 403
    version = terms_version_create(office=office, by=manager, version="v", title="t", body="b")
    publish_url = reverse("admin:terms_termsversion_publish", args=[version.pk])
    assert client.get(publish_url).status_code == 403
    assert client.post(publish_url, {"immediately": "on"}).status_code == 403
    version.refresh_from_db()
    assert version.published_at is None


def test_a_manager_cannot_see_or_publish_another_offices_terms(
    client, manager, other_manager, office, other
):
    admin_login(client, manager)
    version = terms_version_create(office=other, by=other_manager, version="v", title="t", body="b")
    listing = client.get(reverse("admin:terms_termsversion_changelist"))
    assert {v.office.slug for v in listing.context["cl"].result_list} == {office.slug}
    publish_url = reverse("admin:terms_termsversion_publish", args=[version.pk])
    assert client.post(publish_url, {"immediately": "on"}).status_code == 404
    version.refresh_from_db()
    assert version.published_at is None


def test_compare_shows_a_readable_diff_of_two_versions(client, manager, office):
    admin_login(client, manager)
    current = terms_in_force(office=office, at=NOW)
    response = client.get(reverse("admin:terms_termsversion_compare", args=[current.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2021-03-25" in html and "2023-07-14" in html
    assert "利用の記録" in html  # the section the version in force added
    assert 'class="diff_add"' in html or 'class="diff_chg"' in html


def test_manager_withdraws_a_scheduled_version_from_the_admin(client, manager, office):
    admin_login(client, manager)
    version = schedule(office, manager)
    change = client.get(reverse("admin:terms_termsversion_change", args=[version.pk]))
    assert "withdraw-form" in change.content.decode()
    url = reverse("admin:terms_termsversion_withdraw", args=[version.pk])
    client.post(url, {"confirmed": "yes"})
    version.refresh_from_db()
    assert version.withdrawn_at is not None


def test_withdrawing_a_version_asks_first_and_a_bare_post_withdraws_nothing(
    client, manager, office
):
    admin_login(client, manager)
    version = schedule(office, manager)
    url = reverse("admin:terms_termsversion_withdraw", args=[version.pk])
    asked = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "取り下げ" in asked and 'name="confirmed"' in asked
    client.post(url)  # the old one-click button's request: asked again, nothing withdrawn
    version.refresh_from_db()
    assert version.withdrawn_at is None


def test_the_withdraw_form_is_not_nested_in_the_change_form(client, manager, office):
    admin_login(client, manager)
    version = schedule(office, manager)
    page = client.get(reverse("admin:terms_termsversion_change", args=[version.pk])).content
    page = page.decode()
    change_form = page.index('id="termsversion_form"')
    assert page.index("</form>", change_form) < page.index('id="withdraw-form"')


def test_a_published_versions_page_renders_its_html(client, manager, office):
    admin_login(client, manager)
    version = terms_in_force(office=office, at=NOW)
    page = client.get(reverse("admin:terms_termsversion_change", args=[version.pk])).content
    page = page.decode()
    assert '<div class="terms-body"><' in page and "&lt;h" not in page and "&lt;p&gt;" not in page


def test_compare_escapes_the_version_labels_staff_typed(client, manager, office):
    admin_login(client, manager)
    draft = terms_version_create(
        office=office,
        by=manager,
        version="<img src=x onerror=alert(1)><form>",
        title="t",
        body="b",
    )
    response = client.get(reverse("admin:terms_termsversion_compare", args=[draft.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;&lt;form&gt;" in html
