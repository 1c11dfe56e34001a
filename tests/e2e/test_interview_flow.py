"""Issue 30's online interview end to end in Chromium, its emails through a real SMTP
server: a counselor at Sasebo arranges an interview between an employer and a job seeker
(tablet), both confirm from their emails (phone-size pages; the employer agrees to the
terms), both receive their own join information (the fake meeting provider), and the
counselor records both joined and the interview held."""

import re

import pytest

from interviews.models import Interview
from interviews.state import InterviewStatus
from loadtest.processes import SmtpServer
from offices.roles import COUNSELORS
from tests.e2e.signin import staff_sign_in
from tests.e2e.waits import expect
from tests.factories import ApplicantFactory, CounselorFactory
from tests.helpers import staff
from tests.interviews.helpers import TUE_14, sasebo_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend pointed at a real SMTP server on loopback (aiosmtpd)."""
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sasebo(transactional_db):
    """Sasebo as the interview tests build it (TeleOffice, employers, open 8:30-16:45 on
    weekdays, its terms in force); the test adds the counselor who signs in."""
    return sasebo_office()


def _mail_to(server, address: str, subject_part: str):
    found = [
        m for rcpt, m in server.inbox.messages if address in rcpt and subject_part in m["Subject"]
    ]
    assert len(found) == 1, [m["Subject"] for _r, m in server.inbox.messages]
    message = found[0]
    part = message.get_body(("plain",)) if message.is_multipart() else message
    return part.get_content()


def test_a_counselor_arranges_an_interview_both_confirm_join_and_it_is_held(
    live_server,
    tablet_page,
    sasebo,
    smtp,
    frozen,
):
    office = sasebo
    user = staff(office, COUNSELORS, "sasebo-interviews")
    CounselorFactory(office=office, user=user, display_name="面接担当")
    ApplicantFactory(office=office, name="佐世保 花子", email="hanako@example.jp",
                     phone="09011112222", job_seeker_number="42020-1234567",
                     identity_key="jsn:42020-1234567")  # fmt: skip
    page = tablet_page
    staff_sign_in(page, live_server, user.username, "correct horse battery")
    page.goto(f"{live_server.url}/admin/interviews/interview/add/?office=sasebo")
    page.get_by_label("求職者（ハローワークの記録）").select_option(label="佐世保 花子")
    page.get_by_label("求人番号").fill("42020-12345678")
    page.get_by_label("会社名").fill("株式会社させぼ製作所")
    page.get_by_label("採用担当者").fill("採用 太郎")
    page.get_by_label("求人者のメールアドレス").fill("saiyo@sasebo-works.example.jp")
    page.get_by_label("候補日時 1").fill("2026-11-24T14:00")
    page.get_by_role("button", name="設定する").click()
    expect(page.locator(".messagelist")).to_contain_text("面接を設定しました")
    interview = Interview.objects.get()

    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844},
                                             locale="ja-JP").new_page()  # fmt: skip
    for address, is_employer in (("saiyo@sasebo-works.example.jp", True),
                                 ("hanako@example.jp", False)):  # fmt: skip
        body = _mail_to(smtp, address, "日時をご確認ください")
        link = re.search(r"https?://\S+/interviews/[A-Za-z0-9_\-]+/", body).group(0)
        phone.goto(live_server.url + link[link.index("/interviews/") :])
        expect(phone.locator("h1")).to_have_text("オンライン面接")
        if is_employer:
            expect(phone.get_by_text("佐世保 花子")).to_be_visible()
            assert "hanako@example.jp" not in phone.content()
            phone.get_by_label("利用規約を読み、同意します。").check()
        phone.get_by_role("button", name="この日時で確認する").click()
        expect(phone.locator(".message--success")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(phone.locator("#interview-status")).to_have_text("日時確定")
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SCHEDULED and interview.start == TUE_14

    links = {}
    for address in ("saiyo@sasebo-works.example.jp", "hanako@example.jp"):
        body = _mail_to(smtp, address, "参加方法")
        links[address] = re.search(r"https?://\S+/meet/\S+", body).group(0)
    assert len(set(links.values())) == 2  # each party its own way in
    phone.reload()
    expect(phone.locator("#join-link")).to_have_attribute("href", links["hanako@example.jp"])

    frozen.move_to(TUE_14)  # two days on: the staff session has lapsed, sign in again
    page.context.clear_cookies()
    staff_sign_in(page, live_server, user.username, "correct horse battery")
    page.goto(f"{live_server.url}/admin/interviews/interview/")
    for action in ("記録：求人者が参加した", "記録：求職者が参加した", "記録：面接を実施した"):
        page.locator("#result_list input.action-select").first.check()
        page.locator("select[name=action]").select_option(label=action)
        page.get_by_role("button", name="実行").click()
        expect(page.locator(".messagelist")).to_contain_text("1 件の面接に記録しました")
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.HELD
    page.goto(f"{live_server.url}/admin/interviews/interview/{interview.pk}/change/")
    expect(page.get_by_text("実施", exact=True).first).to_be_visible()


def test_a_managed_selection_block_fills_with_three_candidates_turns(
    live_server, tablet_page, sasebo, smtp
):
    office = sasebo
    user = staff(office, COUNSELORS, "sasebo-selection")
    CounselorFactory(office=office, user=user, display_name="選考担当")
    names = ["候補 一郎", "候補 二郎", "候補 三郎"]
    for n, name in enumerate(names, start=1):
        ApplicantFactory(office=office, name=name, email=f"candidate{n}@example.jp",
                         phone=f"0901111000{n}", job_seeker_number=f"42020-765432{n}",
                         identity_key=f"jsn:42020-765432{n}")  # fmt: skip
    page = tablet_page
    staff_sign_in(page, live_server, user.username, "correct horse battery")
    page.goto(f"{live_server.url}/admin/interviews/selectionblock/add/?office=sasebo")
    page.get_by_label("求人番号").fill("42020-87654321")
    page.get_by_label("会社名").fill("株式会社させぼ製作所")
    page.get_by_label("採用担当者").fill("採用 太郎")
    page.get_by_label("求人者のメールアドレス").fill("saiyo@sasebo-works.example.jp")
    page.get_by_label("日付").fill("2026-11-24")
    page.get_by_label("開始時刻").fill("13:00")
    page.get_by_label("終了時刻").fill("16:00")
    for name in names:
        page.get_by_label(name).check()
    page.get_by_role("button", name="設定する").click()
    expect(page.locator(".messagelist")).to_contain_text("管理選考を設定しました")

    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844},
                                             locale="ja-JP").new_page()  # fmt: skip
    for n in (1, 2, 3):
        body = _mail_to(smtp, f"candidate{n}@example.jp", "順番をお選びください")
        link = re.search(r"/selection/[A-Za-z0-9_\-]+/", body).group(0)
        phone.goto(live_server.url + link)
        expect(phone.locator("h1")).to_have_text("管理選考")
        phone.locator("input[name=turn]").first.check()  # the first turn still free
        phone.get_by_role("button", name="この順番にする").click()
        expect(phone.locator(".message--success")).to_be_visible()
        expect(phone.locator("#my-turn")).to_be_visible()

    body = _mail_to(smtp, "saiyo@sasebo-works.example.jp", "候補者の一覧")
    phone.goto(live_server.url + re.search(r"/selection/[A-Za-z0-9_\-]+/", body).group(0))
    rows = phone.locator("#turns tbody tr")
    expect(rows).to_have_count(6)
    for index, name in enumerate(names):
        expect(rows.nth(index)).to_contain_text(name)
    content = phone.content()
    assert "candidate1@example.jp" not in content and "42020-7654321" not in content
    phone.get_by_label("利用規約を読み、同意します。").check()
    phone.get_by_role("button", name="同意する").click()
    expect(rows.nth(0).get_by_role("link", name="参加用リンク")).to_be_visible()
