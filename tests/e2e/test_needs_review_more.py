"""
Issue 26, continued from test_needs_review.py: no violation and no "needs review" item in
axe-core on a phone on the waitlist's pages (joining, with errors, sent, the entry's page
waiting and with an offer), group sessions (a seat to book, with errors, a full session and
its waitlist), an invitation (its times, confirm, refused, done, withdrawn), an interview
and a selection turn for the job seeker, the email check (waiting and lapsed), an open
request's emailed page, the confirm step with its proof of work, and the device check with
the camera on.
"""

from datetime import date, time, timedelta

import pytest
from django.test import override_settings

from bookings.services.links import booking_link_issue
from tests.e2e.review import HEIGHT, WIDTH, review, to_the_end
from tests.e2e.test_device_check import FAKE_MEDIA, FAKE_UI, _launch, wait_for_the_camera_picture
from tests.e2e.waits import expect, wait_until
from tests.factories import office_with
from tests.helpers import NOW, book, chromium_page, invitation_office, invitation_token, invite, jst
from tests.helpers import person as someone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TUESDAY = jst(2026, 11, 24, 9, 30)  # Monday 23 is a holiday


@pytest.fixture
def phone(live_server):
    yield from chromium_page(width=WIDTH, height=HEIGHT)


def _submit(page):
    page.locator("main button.button[type=submit]").last.click()


def test_the_waitlist_and_group_sessions_leave_axe_nothing_to_review(live_server, phone):
    from tests.waitlist.helpers import DAY, free, join, seat_office, waitlist_office
    from waitlist.services import waitlist_link_issue, waitlist_match

    page, base, found = phone, live_server.url, []
    env = waitlist_office()
    join_url = f"{base}/offices/{env.office.slug}/waitlist/?service={env.service.slug}"
    page.goto(f"{join_url}&day={DAY.isoformat()}")
    found += review(page, "waitlist join")
    _submit(page)
    page.wait_for_selector(".error-summary")
    found += review(page, "waitlist join with errors")
    waiting = join(env, 1, confirm=False)
    page.goto(f"{base}/waitlist/{waitlist_link_issue(entry=waiting)}/")
    found += review(page, "waitlist entry, to confirm")
    offered = join(env, 2)
    free(env.bookings[1])
    waitlist_match(office_id=env.office.pk, now=NOW)
    page.goto(f"{base}/waitlist/{waitlist_link_issue(entry=offered)}/")
    expect(page.locator("input[name=agree_terms]")).to_have_count(1)  # the offer to book
    found += review(page, "waitlist entry with an offer")
    page.get_by_role("button", name="この時間で予約する").click()  # the terms not agreed
    expect(page.locator("#id_agree_terms")).to_have_attribute("aria-invalid", "true")
    found += review(page, "waitlist offer, terms not agreed")

    seats = seat_office(capacity=2, taken=2)
    full = f"{base}/offices/{seats.office.slug}/sessions/{seats.session.uuid}/"
    page.goto(f"{base}/offices/{seats.office.slug}/book/")
    to_the_end(page)
    found += review(page, "time step with group sessions")
    page.goto(full)
    found += review(page, "full session")
    page.goto(f"{full}waitlist/")
    found += review(page, "session waitlist join")
    from tests.bookings.seat_helpers import seminar

    other = seminar(slug=seats.office.slug, capacity=3, start=jst(2026, 11, 27, 10, 0))
    page.goto(f"{base}/offices/{seats.office.slug}/sessions/{other.uuid}/")
    found += review(page, "session with seats")
    _submit(page)
    page.wait_for_selector(".error-summary, [role=alert]")
    found += review(page, "session with seats, errors")
    assert found == [], "\n".join(found)


def test_invitations_interviews_and_email_checks_leave_axe_nothing_to_review(live_server, phone):
    from invitations.services import invitation_withdraw

    page, base, found = phone, live_server.url, []
    env = invitation_office()
    page.goto(f"{base}/invitations/{invitation_token(invite(env))}/")
    to_the_end(page)
    found += review(page, "invitation times")
    page.locator(".time").first.click()
    page.locator(".actions--sticky button").click()
    page.wait_for_url("**/book/**")
    found += review(page, "invitation confirm")
    _submit(page)
    page.wait_for_selector("[role=alert], .error-summary, .notice--error")
    found += review(page, "invitation confirm, terms not agreed")
    page.locator("input[name=agree_terms]").check()
    _submit(page)
    page.wait_for_url("**/done/**")
    found += review(page, "invitation done")
    withdrawn = invite(env, first_day=date(2026, 12, 1), last_day=date(2026, 12, 10))
    token = invitation_token(withdrawn)
    invitation_withdraw(invitation=withdrawn, by=env.counselor, reason="電話で予約", now=NOW)
    page.goto(f"{base}/invitations/{token}/")
    found += review(page, "invitation withdrawn")

    found += _interview_pages(page, base)

    office = office_with(counselors=2, email_verification_minutes=60)
    svc = office.services.get()
    pending = book(svc, TUESDAY).booking
    page.goto(f"{base}/verify/{booking_link_issue(booking=pending, purpose='verify')}/")
    found += review(page, "email check")
    lapsed = book(svc, TUESDAY, now=NOW - timedelta(hours=3),
                  data=someone(email="late@example.jp", job_seeker_number="54321-1111111")).booking  # fmt: skip
    page.goto(f"{base}/verify/{booking_link_issue(booking=lapsed, purpose='verify')}/")
    found += review(page, "email check, lapsed")
    assert found == [], "\n".join(found)


def _interview_pages(page, base) -> list[str]:
    from interviews.services.selection import selection_block_create
    from tests.interviews.helpers import arrange, office_env

    found = []
    env = office_env()
    arranged = arrange(env, starts=(jst(2026, 11, 24, 10, 0), jst(2026, 11, 24, 10, 30)))
    page.goto(f"{base}/interviews/{arranged.tokens['job_seeker']}/")
    found += review(page, "interview, job seeker")
    block = selection_block_create(
        office=env.office, job_number="42020-12345678", company_name="株式会社テスト",
        contact_name="人事 一郎", employer_email="hr@corp.example.jp", counselor=env.counselor,
        day=date(2026, 11, 25), first=time(9, 30), last=time(11, 30), turn_minutes=30,
        candidates=[env.seeker], by=env.user, now=NOW,
    )  # fmt: skip
    page.goto(f"{base}/selection/{block.candidate_tokens[env.seeker.pk]}/")
    found += review(page, "selection turn, job seeker")
    return found


@override_settings(PROOF_OF_WORK=True)
def test_the_proof_of_work_and_an_open_request_leave_axe_nothing_to_review(live_server, phone):
    from bookings.services.open_requests import open_request_park
    from terms.selectors import terms_in_force

    page, base, found = phone, live_server.url, []
    office = office_with(counselors=1, confirmation_mode="staff_approval")
    page.goto(f"{base}/offices/{office.slug}/book/")
    page.locator(".time").first.click()
    page.locator(".actions--sticky button").click()
    page.wait_for_url("**/book/details/**")
    page.locator("#id_name").fill("山田 花子")
    for field, value in (("#id_job_seeker_number", "12345-1234567"),
                         ("#id_email", "hanako@example.jp"), ("#id_phone", "090-1234-5678")):  # fmt: skip
        page.locator(field).fill(value)
    _submit(page)
    page.wait_for_url("**/book/confirm/**")
    expect(page.locator("input[name=altcha]")).not_to_have_value("")  # solved
    found += review(page, "confirm with the proof of work")
    token = open_request_park(
        service=office.services.get(), start=TUESDAY, data=someone(), agree_terms=True,
        terms_version_id=terms_in_force(office=office, at=NOW).pk, language="ja",
        idempotency_key="axe-review", now=NOW,
    )  # fmt: skip
    page.goto(f"{base}/offices/{office.slug}/book/request/{token}/")
    found += review(page, "open request's page")
    assert found == [], "\n".join(found)


@pytest.fixture
def camera_page(live_server):
    yield from _launch(FAKE_MEDIA + FAKE_UI)


def test_the_device_check_with_the_camera_on_leaves_axe_nothing_to_review(live_server, camera_page):
    """The person's own picture is drawn on a <canvas role="img"> from a <video> kept out of
    the document: no <video> in the page, so axe has no captions to ask for (video-caption)."""
    office = office_with(counselors=1)
    page = camera_page
    page.goto(f"{live_server.url}/offices/{office.slug}/device-check/")
    page.get_by_role("button", name="カメラを確認する").click()
    wait_for_the_camera_picture(page)
    expect(
        page.get_by_role("img", name="カメラの映像（このブラウザの外へは送られません）")
    ).to_be_visible()
    page.get_by_role("button", name="マイクを確認する").click()
    wait_until(page, "document.getElementById('mic-level').value >= 5")
    found = review(page, "device check, camera and microphone on")
    assert found == [], "\n".join(found)
