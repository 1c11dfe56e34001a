"""
Issue 27's figures, built as they happen in a counselor's day at an office whose counselors
confirm requests (as Kawagoe's do), and read back from
the dashboard page and the monthly CSV: a session switched to phone and then completed (終了)
stays 電話に切替; requests cancelled because the office closed are the office's
cancellations, not 申込みのお断り; 「依頼により取り消す」 is the person's cancellation and
its email says so; the device check's problems appear by kind.
"""

import csv
import io
import re
from datetime import date

import pytest
from django.contrib.auth.models import Group

from bookings.models import BookingStatus
from bookings.services.closures import bookings_cancel_for_closure
from bookings.services.device_check import device_check_record
from bookings.services.staff import booking_confirm
from common import clock
from offices.roles import COUNSELORS, OFFICE_MANAGERS
from tests.factories import UserFactory, office_with
from tests.helpers import book, email_checked, jst, person

pytestmark = pytest.mark.django_db

ACT = "/admin/bookings/booking/{}/act/"
DASHBOARD = "/admin/reports/"
CSV = "/admin/reports/monthly.csv"


def _booked(svc, n: int, start, counselor=None):
    booking = book(
        svc, start, now=clock.now(),
        data=person(email=f"p{n}@example.jp", job_seeker_number=f"{20000 + n}-1"),
    ).booking  # fmt: skip
    if counselor is not None:
        booking = booking_confirm(booking=email_checked(booking), by=counselor, now=clock.now())
    return booking


def _staff(office, role: str):
    user = UserFactory(office=office)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def day(frozen, client, mailoutbox, django_capture_on_commit_callbacks):
    """Thursday 2026-12-03, through the schedule's buttons where it has them."""
    office = office_with(confirmation_mode="staff_approval", counselors=1)
    svc = office.services.get()
    counselor = office.counselors.get().user
    counselor.groups.add(Group.objects.get(name=COUNSELORS))
    manager = _staff(office, OFFICE_MANAGERS)
    phone = _booked(svc, 1, jst(2026, 12, 3, 9, 30), counselor)
    on_request = _booked(svc, 2, jst(2026, 12, 3, 10, 0), counselor)
    checked = _booked(svc, 3, jst(2026, 12, 3, 10, 30), counselor)
    closed = [_booked(svc, 4, jst(2026, 12, 4, 9, 30)), _booked(svc, 5, jst(2026, 12, 4, 10, 0))]
    assert {b.status for b in closed} == {BookingStatus.REQUESTED}

    def act(booking, action, **data):
        client.force_login(counselor)  # a staff session ends when idle: the clock moves here
        response = client.post(ACT.format(booking.pk), {"action": action, **data}, follow=True)
        booking.refresh_from_db()
        return [str(m) for m in response.context["messages"]]

    device_check_record(
        booking=checked, now=clock.now(),
        result={"browser": "passed", "camera": "denied", "microphone": "passed",
                "speaker": "passed", "connection": "slow", "battery": "not_tested"},
    )  # fmt: skip
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(on_request, "cancel", reason="本人から電話で取消の依頼")
    frozen.move_to(jst(2026, 12, 3, 9, 35))
    said = act(phone, "switch_to_phone", reason="音声が聞こえない")
    assert phone.status == BookingStatus.SWITCHED_TO_PHONE, said
    frozen.move_to(jst(2026, 12, 3, 10, 5))
    said = act(phone, "complete")
    assert phone.status == BookingStatus.COMPLETED, said
    bookings_cancel_for_closure(
        office=phone.office, day=date(2026, 12, 4), by=manager, now=clock.now()
    )
    frozen.move_to(jst(2027, 1, 5, 9, 0))
    client.force_login(manager)
    return {"office": office, "on_request": on_request, "mail": list(mailoutbox)}


def _row(page: str, label: str) -> list[str]:
    """The cells of the first table row headed `label` on the page."""
    found = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', page, re.S)
    assert found, label
    return re.findall(r"<td>(.*?)</td>", found.group(1))


def _csv(client) -> list[list[str]]:
    response = client.get(CSV, {"month": "2026-12"})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _csv_total(rows: list[list[str]]) -> dict[str, str]:
    head = next(r for r in rows if r[:1] == ["事業所"])
    total = next(r for r in rows if r[1:3] == ["すべての相談の種類", "すべての経路"])
    return dict(zip(head, total, strict=True))


def test_a_phone_switch_then_completed_stays_a_phone_switch(client, day):
    page = client.get(DASHBOARD, {"month": "2026-12"}).content.decode()
    assert _row(page, "電話に切替")[0] == "1"
    assert _row(page, "実施")[0] == "0"
    assert _csv_total(_csv(client))["電話に切替"] == "1"


def test_requests_cancelled_by_a_closure_are_the_offices_cancellations(client, day):
    page = client.get(DASHBOARD, {"month": "2026-12"}).content.decode()
    assert _row(page, "事業所が取り消し")[0] == "2"
    assert _row(page, "申込みのお断り")[0] == "0"
    total = _csv_total(_csv(client))
    assert (total["事業所が取り消し"], total["申込みのお断り"]) == ("2", "0")


def test_cancel_on_request_is_the_persons_cancellation_and_the_email_says_so(client, day):
    event = day["on_request"].events.latest("pk")
    assert event.reason_code == "cancelled_on_request"
    page = client.get(DASHBOARD, {"month": "2026-12"}).content.decode()
    assert _row(page, "本人による取り消し")[0] == "1"
    assert _csv_total(_csv(client))["本人による取り消し"] == "1"
    [mail] = day["mail"]
    assert "ご依頼により予約を取り消しました" in mail.subject
    assert "ご依頼により、予約を取り消しました。" in mail.body
    assert "事業所が予約を取り消しました" not in mail.subject + mail.body


def test_device_check_problems_are_counted_by_kind_on_the_page_and_in_the_csv(client, day):
    page = client.get(DASHBOARD, {"month": "2026-12"}).content.decode()
    assert 'id="figure-device-checks"' in page
    assert _row(page, "カメラ：許可されていない") == ["1"]
    assert _row(page, "回線：遅い") == ["1"]
    assert _row(page, "テストした相談") == ["1"]
    rows = _csv(client)
    name = day["office"].name
    assert [name, "接続テスト：カメラ：許可されていない", "1"] in rows
    assert [name, "接続テスト：テストした相談", "1"] in rows
