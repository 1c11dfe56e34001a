"""The five offices as `make run` seeds them: their published facts and their rules."""

import importlib
from datetime import time

import pytest
from django.apps import apps
from django.urls import reverse

from offices.models import (
    ConfirmationMode,
    Counselor,
    LeadTimeUnit,
    Office,
    OpeningHours,
    Service,
    User,
)
from offices.rules import rules_for_service
from offices.seed_data import OFFICES
from offices.selectors import weekly_hours
from offices.services import demo_staff_password_set, offices_seed

pytestmark = pytest.mark.django_db


def test_an_office_without_a_phone_in_its_documents_shows_a_marked_demo_one(client, seeded):
    client.cookies["django_language"] = "ja"
    html = client.get(reverse("office-detail", args=["kawagoe"])).content.decode()
    assert "00-0000-0000（デモ）" in html


def test_seeded_demo_staff_hold_their_roles_and_office(seeded):
    manager = User.objects.get(username="kawagoe-manager")
    counselor = User.objects.get(username="kawagoe-counselor-1")
    assert manager.office == counselor.office == seeded["kawagoe"]
    assert manager.has_perm("terms.publish_termsversion")
    assert counselor.has_perm("terms.view_termsversion")
    assert not counselor.has_perm("terms.publish_termsversion")
    assert not Counselor.objects.filter(user=manager).exists()  # managers take no sessions


def test_demo_staff_password_is_set_only_where_none_was_usable(seeded):
    chosen = User.objects.get(username="sasebo-manager")
    chosen.set_password("kept by the manager")
    chosen.save()

    created = demo_staff_password_set()

    assert len(created) == 14 and "sasebo-manager" not in created
    assert len(set(created.values())) == 14, "each account its own password"
    assert User.objects.get(username="kawagoe-manager").check_password(created["kawagoe-manager"])
    assert User.objects.get(username="sasebo-manager").check_password("kept by the manager")


def test_seed_creates_the_five_offices_with_their_platforms(seeded):
    assert set(seeded) == {"kawagoe", "sasebo", "toyooka", "matsudo", "yamaguchi"}
    platforms = {slug: office.platform for slug, office in seeded.items()}
    assert platforms == {
        "kawagoe": "teleoffice",
        "sasebo": "teleoffice",
        "toyooka": "zoom",
        "matsudo": "zoom",
        "yamaguchi": "teams",
    }


def test_seed_gives_kawagoe_two_windows_and_a_two_business_day_lead_time(seeded):
    service = seeded["kawagoe"].services.get()
    rules = rules_for_service(service)
    assert (rules.slot_minutes, rules.max_extension_minutes) == (30, 15)
    assert (rules.lead_time_days, rules.lead_time_unit) == (2, LeadTimeUnit.BUSINESS_DAYS)
    assert weekly_hours(service)[0] == [(time(9, 30), time(12, 0)), (time(13, 0), time(16, 0))]
    assert 5 not in weekly_hours(service)


def test_seed_gives_sasebo_a_daytime_and_an_evening_saturday_service(seeded):
    sasebo = seeded["sasebo"]
    assert sasebo.phone == "0956-88-2003"
    assert sasebo.employers_may_book
    day = rules_for_service(sasebo.services.get(slug="weekday"))
    evening_service = sasebo.services.get(slug="evening-saturday")
    evening = rules_for_service(evening_service)
    assert day.slot_minutes == 30
    assert (evening.slot_minutes, evening.email_verification_minutes) == (45, 60)
    assert evening.confirmation_mode == ConfirmationMode.INSTANT
    assert evening_service.accepts_web and not evening_service.accepts_phone
    assert 5 in weekly_hours(evening_service)
    assert "デモ値" in evening_service.admin_note


def test_seed_marks_phone_only_cancellation_at_toyooka_and_matsudo(seeded):
    for slug in ("toyooka", "matsudo"):
        assert not rules_for_service(seeded[slug].services.get()).online_cancel_allowed


def test_seed_gives_yamaguchi_sixty_minute_sessions_without_job_seeker_number(seeded):
    rules = rules_for_service(seeded["yamaguchi"].services.get())
    assert rules.slot_minutes == 60
    assert rules.job_seeker_number == "not_asked"


@pytest.mark.shipped_access
def test_every_seeded_main_service_takes_phone_and_online_bookings(seeded):
    """Online, open or by invitation (tests/offices/test_shipped_access.py says which)."""
    for office in seeded.values():
        main = office.services.order_by("position").first()
        assert main.accepts_phone, office.slug
        assert main.accepts_web or main.accepts_invitations, office.slug


def test_seed_creates_two_demo_counselors_per_office_with_staff_accounts(seeded):
    for office in seeded.values():
        counselors = Counselor.objects.filter(office=office).select_related("user")
        assert counselors.count() == 2
        assert all(c.user.office_id == office.pk and c.user.is_staff for c in counselors)


def test_seed_again_creates_nothing_and_keeps_managers_changes(seeded):
    kawagoe = seeded["kawagoe"]
    Office.objects.filter(pk=kawagoe.pk).update(phone="049-000-0000", slot_minutes=40)
    OpeningHours.objects.filter(office=kawagoe, weekday=4).delete()
    counts = (Office.objects.count(), Service.objects.count(), OpeningHours.objects.count())

    report = offices_seed(with_demo_counselors=True)

    assert report.created == []
    assert counts == (Office.objects.count(), Service.objects.count(), OpeningHours.objects.count())
    kawagoe.refresh_from_db()
    assert (kawagoe.phone, kawagoe.slot_minutes) == ("049-000-0000", 40)
    assert not OpeningHours.objects.filter(office=kawagoe, weekday=4).exists()


def test_seed_restores_a_deleted_service_with_its_hours(seeded):
    seeded["toyooka"].services.all().delete()
    report = offices_seed(with_demo_counselors=False)
    assert report.created == ["service toyooka/counseling"]
    assert OpeningHours.objects.filter(office=seeded["toyooka"]).count() == 10


def test_databases_seeded_before_get_the_corrected_words_but_a_managers_own_stay(seeded):
    """Issue 26: the seed's corrected texts reach a database seeded with the old ones
    (offices_seed never overwrites a row); a text a manager rewrote is kept."""
    reword = importlib.import_module("offices.migrations.0016_seed_wording")
    Office.objects.filter(slug="kawagoe").update(
        preparation_note=reword.OLD_KAWAGOE_NOTE,
        preparation_note_en=reword.OLD_KAWAGOE_NOTE_EN,
        admin_note="デモ値：無断キャンセルによる利用停止までの回数（3回）は仮の値です。",
    )
    Office.objects.filter(slug="matsudo").update(preparation_note="担当者の言葉です。")
    evening = Service.objects.filter(office__slug="sasebo", slug="evening-saturday")
    evening.update(description=reword.OLD_EVENING, description_en=reword.OLD_EVENING_EN)

    reword.forwards(apps, None)

    kawagoe = Office.objects.get(slug="kawagoe")
    assert (kawagoe.preparation_note, kawagoe.preparation_note_en) == ("", "")
    assert kawagoe.admin_note.startswith("デモ値：無断欠席による利用停止")
    assert Office.objects.get(slug="matsudo").preparation_note == "担当者の言葉です。"
    service = evening.get()
    assert "求職者向け" not in service.description and "1時間以内" not in service.description
    assert "job seekers" not in service.description_en
    spec = {s["slug"]: s for s in OFFICES[1]["services"]}["evening-saturday"]
    assert (service.description, service.description_en) == (
        spec["description"],
        spec["description_en"],
    )
