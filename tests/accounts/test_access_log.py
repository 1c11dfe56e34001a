"""
A record of who looked at whom: each kind of staff view of people's records writes an
entry (who, when, which office, which records by id, from which address; never the
personal data), managers review their office's month with the unusual views first and
download its summary, and old entries are purged.
"""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import StaffAccess
from accounts.tasks import purge_staff_access_log
from offices.roles import COUNSELORS, OFFICE_MANAGERS
from terms.models import TermsVersion
from tests.factories import BookingFactory, UserFactory, office_with
from tests.helpers import NOW, jst, staff

DAY = "2026-11-26"  # a Thursday with the bookings below


@pytest.fixture
def office(db):
    return office_with()


@pytest.fixture
def bookings(office):
    service = office.services.first()
    counselor = office.counselors.first()
    terms = TermsVersion.objects.get(office=office)
    return [
        BookingFactory(service=service, counselor=counselor, start=jst(2026, 11, 26, hour, 30),
                       consent__terms_version=terms)
        for hour in (9, 10)
    ]  # fmt: skip


@pytest.fixture
def counselor(office):
    return staff(office, COUNSELORS, "access-counselor")


@pytest.fixture
def manager(office):
    return staff(office, OFFICE_MANAGERS, "access-manager")


def _only_entry(**filters) -> StaffAccess:
    entries = list(StaffAccess.objects.filter(**filters))
    assert len(entries) == 1, entries
    return entries[0]


def _no_personal_data(entry: StaffAccess, booking) -> None:
    stored = json.dumps([entry.username, entry.records, entry.address], ensure_ascii=False)
    for value in (booking.name, booking.email, booking.applicant.name, booking.reference):
        assert value not in stored


def test_each_kind_of_view_of_peoples_records_is_recorded_with_ids_only(
    client, office, bookings, counselor
):
    client.force_login(counselor)
    first = bookings[0]
    pages = {
        StaffAccess.Kind.PERSON: f"/admin/bookings/applicant/{first.applicant_id}/change/",
        StaffAccess.Kind.BOOKING: f"/admin/bookings/booking/{first.pk}/change/",
        StaffAccess.Kind.SCHEDULE: f"/admin/bookings/booking/schedule/?date={DAY}",
        StaffAccess.Kind.EXPORT: f"/admin/bookings/booking/schedule.csv?date={DAY}",
        StaffAccess.Kind.PREFILL: f"/admin/bookings/booking/phone/?applicant={first.applicant_id}",
        StaffAccess.Kind.LIST: "/admin/bookings/applicant/",
    }
    for kind, url in pages.items():
        assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200, url
        entry = _only_entry(kind=kind)
        assert entry.user == counselor and entry.username == "access-counselor"
        assert entry.office == office and entry.at == NOW and not entry.by_superuser
        assert entry.address == "203.0.113.7"
        _no_personal_data(entry, first)
    applicants = sorted(b.applicant_id for b in bookings)
    by_kind = {e.kind: e.records for e in StaffAccess.objects.all()}
    assert by_kind[StaffAccess.Kind.PERSON] == {"applicant": [first.applicant_id]}
    assert by_kind[StaffAccess.Kind.BOOKING] == {
        "booking": [first.pk],
        "applicant": [first.applicant_id],
    }
    expected_day = {"booking": sorted(b.pk for b in bookings), "applicant": applicants}
    assert by_kind[StaffAccess.Kind.SCHEDULE] == expected_day
    assert by_kind[StaffAccess.Kind.EXPORT] == expected_day
    assert by_kind[StaffAccess.Kind.PREFILL] == {"applicant": [first.applicant_id]}
    assert by_kind[StaffAccess.Kind.LIST] == {"applicant": applicants}


def test_a_view_that_shows_nobody_writes_nothing(client, office, counselor):
    client.force_login(counselor)
    assert client.get(f"/admin/bookings/booking/schedule/?date={DAY}").status_code == 200
    assert client.get("/admin/bookings/applicant/").status_code == 200
    assert not StaffAccess.objects.exists()


def _entry(office, username, at, *, kind="person", people=(1,), superuser=False):
    return StaffAccess.objects.create(
        at=at, username=username, by_superuser=superuser, office=office, kind=kind,
        records={"applicant": list(people)}, count=len(people), address="192.0.2.1",
    )  # fmt: skip


def test_the_review_page_puts_many_records_night_views_and_superusers_first(
    client, office, manager, settings
):
    settings.STAFF_ACCESS_MANY_RECORDS = 5
    for n in range(6):
        _entry(office, "curious-counselor", jst(2026, 11, 20, 10, n), people=[100 + n])
    _entry(office, "night-owl", jst(2026, 11, 19, 23, 40))
    _entry(office, "root", jst(2026, 11, 18, 11, 0), superuser=True)
    _entry(office, "calm-counselor", jst(2026, 11, 18, 14, 0))
    _entry(office, "last-month", jst(2026, 10, 30, 14, 0))
    _entry(office_with(), "other-office", jst(2026, 11, 18, 14, 0))
    client.force_login(manager)

    response = client.get("/admin/access-log/")

    assert response.status_code == 200
    review = response.context["review"]
    assert [(m.username, str(m.day), m.people) for m in review.many] == [
        ("curious-counselor", "2026-11-20", 6)
    ]
    assert [v.username for v in review.off_hours] == ["night-owl"]
    assert [v.username for v in review.by_superusers] == ["root"]
    assert review.total == 9
    page = response.content.decode()
    assert "other-office" not in page and "last-month" not in page
    assert page.index("night-owl") < page.index("calm-counselor")


def test_staff_see_only_their_own_office_and_counselors_none(client, office, manager, counselor):
    other = office_with()
    client.force_login(manager)
    assert client.get(f"/admin/access-log/?office={other.slug}").status_code == 404
    assert client.get(f"/admin/access-log/summary.csv?office={other.slug}").status_code == 404
    client.force_login(counselor)
    assert client.get("/admin/access-log/").status_code == 403
    root = UserFactory(username="root-reviewer", is_superuser=True)
    client.force_login(root)
    assert client.get(f"/admin/access-log/?office={other.slug}").status_code == 200


def test_a_bad_month_says_how_to_write_one(client, office, manager):
    client.force_login(manager)
    response = client.get("/admin/access-log/?month=2026-13")
    assert response.status_code == 200
    assert "YYYY-MM" in response.content.decode()
    assert response.context["month"] == "2026-11"


def test_the_review_page_costs_the_same_queries_for_ten_or_three_hundred_views(
    client, office, manager
):
    client.force_login(manager)
    client.get("/admin/access-log/")  # the session and the user's permissions warm up

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/access-log/").status_code == 200
        return len(captured)

    for n in range(10):
        _entry(office, f"staff-{n % 3}", jst(2026, 11, 20, 22, n), superuser=n % 2 == 0)
    few = queries()
    for n in range(290):
        _entry(office, f"staff-{n % 7}", jst(2026, 11, 21, 9, 0) + timedelta(minutes=n))
    assert queries() == few
    assert few <= 8


def test_the_monthly_summary_counts_each_account(client, office, manager):
    _entry(office, "kawa-1", jst(2026, 11, 2, 10, 0), people=[1, 2])
    _entry(office, "kawa-1", jst(2026, 11, 3, 22, 0), kind="export", people=[2, 3])
    _entry(office, "=cmd", jst(2026, 11, 3, 10, 0), superuser=True)
    client.force_login(manager)

    response = client.get("/admin/access-log/summary.csv?month=2026-11")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = response.content.decode("utf-8-sig").splitlines()
    assert len(rows) == 3
    assert rows[1].startswith("'=cmd,")  # a spreadsheet formula stays text
    kawa = rows[2].split(",")
    assert kawa[0] == "kawa-1" and kawa[-3:] == ["3", "1", "2"]  # people, night views, days


def test_entries_older_than_the_retention_period_are_purged(office, settings):
    settings.STAFF_ACCESS_RETENTION_DAYS = 30
    _entry(office, "old", NOW - timedelta(days=31))
    kept = _entry(office, "recent", NOW - timedelta(days=29))
    assert purge_staff_access_log() == 1
    assert list(StaffAccess.objects.all()) == [kept]


def test_a_superusers_view_of_an_office_is_marked(client, office, bookings):
    root = UserFactory(username="root-viewer", is_superuser=True)
    client.force_login(root)
    assert client.get(f"/admin/bookings/booking/{bookings[0].pk}/change/").status_code == 200
    entry = _only_entry(kind=StaffAccess.Kind.BOOKING)
    assert entry.by_superuser and entry.office == office
