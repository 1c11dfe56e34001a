"""Publishing versions, the version in force, consent and re-consent."""

import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from terms.exceptions import (
    NotAllowed,
    NoTermsInForce,
    PublishRefused,
    TermsNotEditable,
    TermsOutdated,
)
from terms.models import Consent, TermsVersion
from terms.rendering import render_markdown
from terms.selectors import (
    applicants_with_superseded_consent,
    consent_status,
    terms_history,
    terms_in_force,
)
from terms.services import (
    consent_give,
    terms_publish,
    terms_version_create,
    terms_version_import,
    terms_version_update,
    terms_withdraw,
    truncate_ip,
)
from tests.factories import office_with
from tests.helpers import jst

pytestmark = pytest.mark.django_db

NOW = jst(2026, 11, 22, 10, 0)
NEW_YEAR = jst(2027, 1, 4, 0, 0)


def draft(office, by, label="2027-01-04", body="## 目的\n\n新しい規約です。"):
    return terms_version_create(
        office=office,
        by=by,
        version=label,
        title="新しい利用規約",
        body=body,
        change_summary="キャンセルの規定を変更しました。",
    )


def scheduled(office, by, when=NEW_YEAR, label="2027-01-04"):
    return terms_publish(
        terms_version=draft(office, by, label), by=by, effective_from=when, now=NOW
    )


def give(office, version_id, person, at, kind="job_seeker"):
    return consent_give(
        office=office,
        terms_version_id=version_id,
        applicant_uuid=person,
        applicant_kind=kind,
        channel="web",
        ip_address="203.0.113.45",
        user_agent="Mozilla/5.0 (iPhone)",
        now=at,
    )


def test_the_history_lists_the_earlier_versions_and_the_one_in_force_by_its_date(office):
    history = terms_history(office=office, at=NOW)
    assert history.current.version == "2023-07-14"
    assert [v.version for v in history.earlier] == ["2021-03-25"]
    assert terms_in_force(office=office, at=jst(2023, 7, 13, 23, 59)).version == "2021-03-25"


def test_version_in_force_switches_exactly_at_its_effective_moment(manager, office):
    new = scheduled(office, manager)
    just_before = NEW_YEAR - timedelta(microseconds=1)
    assert terms_in_force(office=office, at=just_before).version == "2023-07-14"
    assert terms_in_force(office=office, at=NEW_YEAR) == new


def test_publishing_renders_the_markdown_once(manager, office):
    version = scheduled(office, manager)
    assert "<h2>目的</h2>" in version.body_html
    assert version.published_by == manager


def test_a_past_effective_date_is_refused_because_it_would_rewrite_history(manager, office):
    version = draft(office, manager)
    with pytest.raises(PublishRefused, match="過去の日付") as refused:
        terms_publish(terms_version=version, by=manager, effective_from=jst(2024, 1, 1), now=NOW)
    assert refused.value.field == "effective_from"
    version.refresh_from_db()
    assert version.published_at is None


def test_a_version_before_or_at_a_scheduled_one_is_refused(manager, office):
    scheduled(office, manager)
    for when in (NEW_YEAR, NEW_YEAR - timedelta(days=1)):
        other = draft(office, manager, label=f"v-{when:%d}")
        with pytest.raises(PublishRefused, match="2027-01-04"):
            terms_publish(terms_version=other, by=manager, effective_from=when, now=NOW)


def test_the_database_refuses_two_versions_for_the_same_moment(manager, office):
    first = scheduled(office, manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        TermsVersion.objects.create(
            office=office,
            version="duplicate",
            title="t",
            body="b",
            effective_from=first.effective_from,
            published_at=NOW,
        )


def test_an_empty_body_cannot_be_published(manager, office):
    version = draft(office, manager, body="   \n ")
    with pytest.raises(PublishRefused) as refused:
        terms_publish(terms_version=version, by=manager, effective_from=NEW_YEAR, now=NOW)
    assert refused.value.field == "body"


def test_immediately_means_in_force_from_the_moment_of_publishing(manager, office):
    version = draft(office, manager)
    terms_publish(terms_version=version, by=manager, effective_from=None, now=NOW)
    assert terms_in_force(office=office, at=NOW) == version


def test_a_published_version_cannot_be_edited_through_the_service(manager, office):
    version = scheduled(office, manager)
    with pytest.raises(TermsNotEditable):
        terms_version_update(terms_version=version, by=manager, body="changed")


@pytest.mark.parametrize("field", ["body", "title", "effective_from", "version"])
def test_the_database_refuses_any_change_to_a_published_version(manager, office, field):
    version = scheduled(office, manager)
    value = NEW_YEAR + timedelta(days=3) if field == "effective_from" else "rewritten"
    with pytest.raises(IntegrityError), transaction.atomic():
        TermsVersion.objects.filter(pk=version.pk).update(**{field: value})
    version.refresh_from_db()
    assert getattr(version, field) != value


def test_a_draft_can_still_be_edited(manager, office):
    version = draft(office, manager)
    terms_version_update(terms_version=version, by=manager, body="直しました")
    version.refresh_from_db()
    assert version.body == "直しました"


def test_a_scheduled_version_can_be_withdrawn_and_then_replaced_at_the_same_date(manager, office):
    mistaken = scheduled(office, manager)
    terms_withdraw(terms_version=mistaken, by=manager, now=NOW)
    corrected = scheduled(office, manager, label="2027-01-04 訂正")
    assert terms_in_force(office=office, at=NEW_YEAR) == corrected
    mistaken.refresh_from_db()
    assert mistaken.withdrawn_at == NOW
    with pytest.raises(IntegrityError), transaction.atomic():
        TermsVersion.objects.filter(pk=mistaken.pk).update(withdrawn_at=None)


def test_a_version_in_force_cannot_be_withdrawn(manager, office):
    current = terms_in_force(office=office, at=NOW)
    with pytest.raises(TermsNotEditable):
        terms_withdraw(terms_version=current, by=manager, now=NOW)


def test_a_counselor_cannot_publish_or_draft(counselor, manager, office):
    with pytest.raises(NotAllowed):
        draft(office, counselor)
    version = draft(office, manager)
    with pytest.raises(NotAllowed):
        terms_publish(terms_version=version, by=counselor, effective_from=NEW_YEAR, now=NOW)


def test_a_manager_cannot_publish_another_offices_terms(manager, other_manager, office, other):
    version = draft(other, other_manager)
    with pytest.raises(NotAllowed):
        terms_publish(terms_version=version, by=manager, effective_from=NEW_YEAR, now=NOW)
    version.refresh_from_db()
    assert version.published_at is None


def test_consent_records_the_exact_version_and_a_truncated_network(office):
    current = terms_in_force(office=office, at=NOW)
    consent = give(office, current.pk, uuid.uuid4(), NOW)
    assert consent.terms_version == current
    assert consent.ip_prefix == "203.0.113.0/24"
    assert consent.device_type == "iPhone"  # a coarse type, never the browser string
    assert "Mozilla" not in str(Consent.objects.filter(pk=consent.pk).values().get())


def test_a_stale_version_id_is_refused_with_the_current_id(office):
    old = TermsVersion.objects.get(office=office, version="2021-03-25")
    current = terms_in_force(office=office, at=NOW)
    with pytest.raises(TermsOutdated) as refused:
        give(office, old.pk, uuid.uuid4(), NOW)
    assert refused.value.current_version_id == current.pk
    assert not Consent.objects.exists()


def test_agreeing_to_a_scheduled_version_before_it_is_in_force_is_refused(manager, office):
    upcoming = scheduled(office, manager)
    with pytest.raises(TermsOutdated):
        give(office, upcoming.pk, uuid.uuid4(), NOW)


def test_another_offices_version_id_is_refused(office, other):
    toyooka_version = terms_in_force(office=other, at=NOW)
    with pytest.raises(TermsOutdated):
        give(office, toyooka_version.pk, uuid.uuid4(), NOW)


def test_no_consent_without_terms_in_force(db):
    with pytest.raises(NoTermsInForce):
        give(office_with(terms=False), None, uuid.uuid4(), NOW)


def test_a_consent_stated_by_phone_names_who_recorded_it(counselor, office):
    current = terms_in_force(office=office, at=NOW)
    consent = consent_give(
        office=office,
        terms_version_id=current.pk,
        applicant_uuid=uuid.uuid4(),
        applicant_kind="job_seeker",
        channel="phone",
        recorded_by=counselor,
        now=NOW,
    )
    assert consent.recorded_by == counselor
    with pytest.raises(ValueError):
        consent_give(
            office=office,
            terms_version_id=current.pk,
            applicant_uuid=uuid.uuid4(),
            applicant_kind="job_seeker",
            channel="phone",
            now=NOW,
        )


def test_consent_rows_are_immutable(office):
    consent = give(office, terms_in_force(office=office, at=NOW).pk, uuid.uuid4(), NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(channel="phone")
    consent.given_at = NOW + timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        consent.save()


def test_a_version_with_consents_cannot_be_deleted(office):
    from django.db.models import ProtectedError

    current = terms_in_force(office=office, at=NOW)
    give(office, current.pk, uuid.uuid4(), NOW)
    with pytest.raises((ProtectedError, IntegrityError)), transaction.atomic():
        current.delete()


def test_first_booking_needs_consent_and_then_not_again(office):
    person = uuid.uuid4()
    status = consent_status(office=office, applicant_uuid=person, at=NOW)
    assert status.needs_consent and not status.is_renewal
    give(office, status.current.pk, person, NOW)
    assert not consent_status(office=office, applicant_uuid=person, at=NOW).needs_consent


def test_reconsent_is_demanded_exactly_when_a_newer_version_takes_effect(manager, office):
    person = uuid.uuid4()
    give(office, terms_in_force(office=office, at=NOW).pk, person, NOW)
    new = scheduled(office, manager)

    before = consent_status(
        office=office, applicant_uuid=person, at=NEW_YEAR - timedelta(seconds=1)
    )
    after = consent_status(office=office, applicant_uuid=person, at=NEW_YEAR)

    assert not before.needs_consent
    assert after.needs_consent and after.is_renewal
    assert after.current == new
    assert after.current.change_summary == "キャンセルの規定を変更しました。"
    give(office, new.pk, person, NEW_YEAR)
    assert not consent_status(office=office, applicant_uuid=person, at=NEW_YEAR).needs_consent


def test_an_employer_who_agreed_before_a_change_must_agree_again(db):
    from offices.roles import OFFICE_MANAGERS
    from tests.helpers import staff

    sasebo, employer = office_with(employers_may_book=True), uuid.uuid4()
    manager = staff(sasebo, OFFICE_MANAGERS, "t-sasebo-manager")
    give(sasebo, terms_in_force(office=sasebo, at=NOW).pk, employer, NOW, kind="employer")
    scheduled(sasebo, manager)
    assert consent_status(office=sasebo, applicant_uuid=employer, at=NEW_YEAR).is_renewal


def test_people_who_agreed_to_an_older_version_are_selected_for_the_change_notice(
    manager, office, other
):
    old_only, renewed, other_office = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    current = terms_in_force(office=office, at=NOW)
    give(office, current.pk, old_only, NOW)
    give(office, current.pk, renewed, NOW)
    give(other, terms_in_force(office=other, at=NOW).pk, other_office, NOW)
    new = scheduled(office, manager)
    give(office, new.pk, renewed, NEW_YEAR)

    assert applicants_with_superseded_consent(terms_version=new) == [old_only]


def test_import_of_history_is_refused_once_people_have_agreed(office):
    give(office, terms_in_force(office=office, at=NOW).pk, uuid.uuid4(), NOW)
    with pytest.raises(PublishRefused):
        terms_version_import(
            office=office,
            effective_from=jst(2022, 1, 1),
            published_at=jst(2022, 1, 1),
            version="2022",
            title="t",
            body="b",
        )


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="#" onclick="steal()">x</a>',
        "<iframe src=https://evil.example></iframe>",
    ],
)
def test_markdown_with_script_or_event_handlers_renders_inert(source):
    elements = _elements(render_markdown(source))
    assert {tag for tag, _attrs in elements} <= {"p", "a"}
    for _tag, attrs in elements:
        assert not any(name.startswith("on") for name, _value in attrs)
        assert all(not (value or "").startswith("javascript:") for _name, value in attrs)


def _elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_markdown_keeps_headings_lists_and_safe_links():
    html = render_markdown("## 第1条\n\n- 一\n- 二\n\n[詳しく](https://example.jp)")
    assert "<h2>第1条</h2>" in html
    assert "<li>一</li>" in html
    assert 'href="https://example.jp"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("198.51.100.77", "198.51.100.0/24"),
        ("2001:db8:1234:5678::1", "2001:db8:1234::/48"),
        ("not an ip", ""),
        (None, ""),
    ],
)
def test_ip_addresses_are_truncated_to_their_network(address, network):
    assert truncate_ip(address) == network
