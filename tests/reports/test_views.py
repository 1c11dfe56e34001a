"""
The pages: who may see which office's figures, the charts with their tables, the monthly
report as a page and as CSV for Excel, and a fixed number of queries whatever the data.
"""

import csv
import io
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import BookingStatus
from common import clock
from offices.models import Office, User
from offices.roles import OFFICE_MANAGERS, REPORT_READERS
from tests.factories import office_with
from tests.helpers import booking_row, counselor_account, jst, staff

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reports:dashboard")
MONTHLY = reverse("reports:monthly")
CSV = reverse("reports:monthly-csv")


@pytest.fixture
def both(db):
    """Two offices, each with a counselor; Kawagoe with its manager's account."""
    kawagoe = office_with(name="ハローワーク川越", slug="kawagoe")
    staff(kawagoe, OFFICE_MANAGERS, "kawagoe-manager")
    toyooka = office_with(name="ハローワーク豊岡", slug="toyooka")
    return {"kawagoe": kawagoe, "toyooka": toyooka}


def service(slug: str):
    return Office.objects.get(slug=slug).services.get()


@pytest.fixture
def november(both):
    """A few Kawagoe sessions in November 2026, and one at Toyooka."""
    kawagoe = service("kawagoe")
    monday = jst(2026, 11, 16, 9, 30)
    booking_row(kawagoe, monday)
    booking_row(kawagoe, monday + timedelta(minutes=30), status=BookingStatus.NO_SHOW)
    booking_row(kawagoe, monday + timedelta(hours=1), status=BookingStatus.CANCELLED,
                channel="phone")  # fmt: skip
    booking_row(service("toyooka"), monday)
    return both


def _login(client, username: str) -> User:
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def test_a_manager_sees_their_offices_figures_as_charts_with_tables(client, november):
    _login(client, "kawagoe-manager")
    response = client.get(DASHBOARD, {"month": "2026-11"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "実績" in page and "ハローワーク川越" in page and "2026年11月" in page
    for slug in ("outcomes", "channels", "utilisation", "heatmap", "lead", "no-shows", "bars"):
        assert f'id="figure-{slug}"' in page
    assert page.count("<svg") >= 7 and page.count("<table") >= 8
    assert 'role="img"' in page and "<title id=" in page
    assert "ハローワーク豊岡" not in page  # the office list offers only their own
    assert "<script" not in page.split("<body", 1)[1].replace('src="/static/admin', "")
    summary = response.context["summary"]
    assert summary.rows[0][1:3] == ["3", "0"]  # bookings made now / the month before
    assert "実績" in client.get(reverse("admin:index")).content.decode()  # the shortcut


def test_the_page_is_in_english_when_the_admin_language_is(client, november):
    _login(client, "kawagoe-manager")
    client.cookies["django_language"] = "en"
    page = client.get(DASHBOARD, {"month": "2026-11"}).content.decode()
    assert "Office results" in page and "Sessions held" in page and "Nov 2026" in page


def test_a_manager_asking_for_another_office_gets_404(client, november):
    _login(client, "kawagoe-manager")
    assert client.get(DASHBOARD, {"office": "toyooka"}).status_code == 404
    assert client.get(DASHBOARD, {"office": "all"}).status_code == 404
    assert client.get(MONTHLY, {"office": "toyooka"}).status_code == 404
    assert client.get(CSV, {"office": "toyooka"}).status_code == 404
    assert client.get(DASHBOARD, {"office": "kawagoe"}).status_code == 200


def test_a_counselor_sees_no_figures_unless_the_office_grants_it(client, november):
    counselor = _login(client, counselor_account(november["kawagoe"]).username)
    for url in (DASHBOARD, MONTHLY, CSV):
        assert client.get(url).status_code == 403
    assert "実績" not in client.get(reverse("admin:index")).content.decode()
    counselor.groups.add(Group.objects.get(name=REPORT_READERS))
    counselor = User.objects.get(pk=counselor.pk)  # fresh permission cache
    client.force_login(counselor)
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(DASHBOARD, {"office": "toyooka"}).status_code == 404


def test_staff_without_an_office_and_anonymous_visitors_see_nothing(client, november):
    assert client.get(DASHBOARD).status_code == 302  # to the admin login
    stray = User.objects.create_user("stray", is_staff=True)
    stray.user_permissions.add(*Group.objects.get(name=REPORT_READERS).permissions.all())
    client.force_login(stray)
    assert client.get(DASHBOARD).status_code == 403


def test_a_superuser_sees_any_office_and_all_side_by_side(client, november):
    User.objects.create_superuser("root", password="x")
    client.force_login(User.objects.get(username="root"))
    page = client.get(DASHBOARD, {"month": "2026-11"}).content.decode()
    assert 'id="figure-offices"' in page
    assert "ハローワーク川越" in page and "ハローワーク豊岡" in page
    assert "事業所別の稼働率" in page and "相談員別の稼働率" not in page  # not every counselor
    one = client.get(DASHBOARD, {"month": "2026-11", "office": "toyooka"})
    assert 'id="figure-offices"' not in one.content.decode()
    assert "相談員別の稼働率" in one.content.decode()
    assert one.context["summary"].rows[0][1] == "1"


def test_a_range_of_dates_is_compared_with_as_many_days_before(client, november):
    _login(client, "kawagoe-manager")
    response = client.get(DASHBOARD, {"first": "2026-11-16", "last": "2026-11-22"})
    assert response.context["period"].days == 7
    assert response.context["previous"].first.isoformat() == "2026-11-09"
    too_long = client.get(DASHBOARD, {"first": "2025-11-01", "last": "2026-11-22"})
    assert "1年" in too_long.content.decode() and too_long.context["period"].is_month


def _more_bookings() -> None:
    kawagoe, toyooka = service("kawagoe"), service("toyooka")
    for day in range(2, 28):
        for svc in (kawagoe, toyooka):
            start = jst(2026, 11, day, 9, 30)
            booking_row(svc, start, status=BookingStatus.CANCELLED, cancelled_by="staff")
            booking_row(svc, start + timedelta(hours=1), created_at=start - timedelta(days=day))


@pytest.mark.parametrize("office", ["kawagoe", "all"])
def test_the_dashboard_takes_a_fixed_number_of_queries(
    client, both, office, django_assert_max_num_queries
):
    """The same few queries for three bookings or a hundred: eleven for the figures, one for
    the freed times the waitlist filled, one for the online interviews, the rest the
    admin's session, user, its second factor and, on PostgreSQL, the working memory of the
    figures."""
    User.objects.create_superuser("root", password="x")
    client.force_login(User.objects.get(username="root"))
    client.get(DASHBOARD, {"office": office})  # warm the content types and permissions

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DASHBOARD, {"office": office, "month": "2026-11"}).status_code == 200
        return len(captured)

    booking_row(service("kawagoe"), jst(2026, 11, 16, 9, 30))
    few = count()
    _more_bookings()
    with django_assert_max_num_queries(few):
        client.get(DASHBOARD, {"office": office, "month": "2026-11"})
    with django_assert_max_num_queries(20):  # the waitlist's, the sessions', the interviews'
        client.get(DASHBOARD, {"office": office, "first": "2025-12-01", "last": "2026-11-30"})


def test_the_figures_are_eleven_queries_whatever_the_period_or_offices(both):
    from reports.periods import Period
    from reports.selectors import dashboard_figures, monthly_report

    def figures_queries(shown, period) -> int:
        with CaptureQueriesContext(connection) as captured:
            dashboard_figures(offices=shown, period=period, now=clock.now())
        # A savepoint and the working memory's SET LOCAL on PostgreSQL are not reads.
        return sum(1 for q in captured if q["sql"].split()[0] in ("SELECT", "WITH"))

    _more_bookings()
    month, year = Period.month(2026, 11), Period(first=date(2025, 12, 1), last=date(2026, 11, 30))
    kawagoe = [both["kawagoe"]]
    assert figures_queries(kawagoe, month) == figures_queries(kawagoe, year) == 11
    assert figures_queries(list(both.values()), year) == 11
    with CaptureQueriesContext(connection) as captured:
        monthly_report(offices=kawagoe, period=month, now=clock.now())
    assert len(captured) == 3  # services, bookings by status, the cancelled ones


def test_the_monthly_report_prints_counts_only(client, november):
    _login(client, "kawagoe-manager")
    response = client.get(MONTHLY, {"month": "2026-11"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "月次報告" in page and "オンライン職業相談" in page and "無断欠席" in page
    assert "テスト氏名" not in page
    assert "@example.jp" not in page and "T000" not in page
    assert 'src="/static/reports/print.js"' in page


def test_the_monthly_report_csv_opens_in_excel_with_the_months_counts(client, november):
    _login(client, "kawagoe-manager")
    response = client.get(CSV, {"month": "2026-11"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "monthly-report-kawagoe-2026-11.csv" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM, so that Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["月次報告", "2026年11月"]
    assert rows[2] == [
        "注記",
        "この月はまだ終わっていません。これからの相談を含み、数は変わります。",
    ]
    head = rows[4]
    assert head[:3] == ["事業所", "相談の種類", "予約経路"] and head[-2] == "合計"
    by_channel = {(r[2]): r for r in rows[5:] if r[1] == "オンライン職業相談"}
    web, phone = by_channel["ウェブ"], by_channel["電話（相談員が登録）"]
    assert web[head.index("実施")] == "1" and web[head.index("無断欠席")] == "1"
    assert phone[head.index("本人による取り消し")] == "1"
    assert rows[-1][1:3] == ["すべての相談の種類", "すべての経路"] and rows[-1][-2] == "3"
    text = body.decode("utf-8-sig")
    assert "@example.jp" not in text and "テスト氏名" not in text and "T000" not in text


def test_the_monthly_report_defaults_to_last_month(client, november):
    _login(client, "kawagoe-manager")
    response = client.get(CSV)
    assert "2026-10" in response["Content-Disposition"]  # the suite's today is 2026-11-22


def test_the_dashboard_and_csv_take_as_many_queries_for_fifty_offices_as_for_one(client):
    """A superuser's all offices: the same queries whatever the number of offices and of
    their roll-up rows (no query per office)."""
    from tests.factories import BookingFactory, office_with

    def office_with_bookings():
        office = office_with()
        svc = office.services.get()
        terms = office.terms_versions.get()
        for day in (16, 17):  # two days of November, in the roll-ups
            BookingFactory(service=svc, counselor=office.counselors.get(),
                           start=jst(2026, 11, day, 9, 30), status=BookingStatus.COMPLETED,
                           consent__terms_version=terms)  # fmt: skip

    def count(url, **office) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"month": "2026-11", **office})
            assert response.status_code == 200
        return len(captured)

    office_with_bookings()
    client.force_login(User.objects.create_superuser("root", password="x"))
    client.get(DASHBOARD)  # warm the content types and permissions
    one = (count(DASHBOARD), count(CSV))  # the only office there is
    for _n in range(49):
        office_with_bookings()
    assert (count(DASHBOARD, office="all"), count(CSV, office="all")) == one
