"""
A person books in やさしい日本語 (plain Japanese), Vietnamese, Simplified Chinese, Portuguese
(Brazil), Spanish and Tagalog from start to finish on a phone:
they choose the language in the picker, book, confirm from the email and see their booking,
every page and error state in that language and without a WCAG 2.2 AA violation (axe-core),
and every email they receive (the link to confirm, the confirmation, the join link) is in
that language too, from the subject to the last line.
"""

import re

import pytest

from bookings.models import Booking, BookingStatus
from notifications.models import Notification
from tests.e2e.language import choose_language
from tests.e2e.test_accessibility import audit
from tests.e2e.waits import expect
from tests.factories import office_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JAPANESE_FOOTER = "このメールは送信専用です。返信はできません。"

# What the person reads at each step, in each language (the picker shows its own name), and in
# the emails: the confirmation's and the join link's subjects, and every email's last line.
WORDS = {
    "ja-x-easy": {
        "picker": "やさしい日本語",
        "book_online": "インターネットで予約する",
        "next": "次へ（名前と連絡先）",
        "confirm": "次へ（確認）",
        "summary": "次のところを直してください",
        "name_error": "名前を書いてください",
        "job_seeker_number": "求職番号",
        "email": "メールアドレス",
        "phone": "電話番号",
        "agree": "利用規約を読みました。同意します。",
        "book": "予約する",
        "done": "予約はまだ終わっていません",
        "complete": "予約を終わらせる",
        "status": "予約ができています",
        "confirmed_subject": "予約ができました",
        "join_subject": "オンライン相談に参加する方法",
        "footer": "このメールには返事ができません。",
    },
    "zh-hans": {
        "picker": "简体中文",
        "book_online": "在线预约",
        "next": "下一步：填写信息",
        "confirm": "下一步：确认",
        "summary": "请更正以下内容",
        "name_error": "请输入您的姓名",
        "job_seeker_number": "求职号码",
        "email": "电子邮件地址",
        "phone": "电话号码",
        "agree": "我已阅读并同意使用条款。",
        "book": "预约",
        "done": "您的预约尚未完成",
        "complete": "完成预约",
        "status": "已确定",
        "confirmed_subject": "您的预约已确定",
        "join_subject": "如何参加在线咨询",
        "footer": "此邮件为自动发送。请勿回复。",
    },
    "vi": {
        "picker": "Tiếng Việt",
        "book_online": "Đặt lịch trực tuyến",
        "next": "Tiếp: thông tin của bạn",
        "confirm": "Tiếp: xác nhận",
        "summary": "Vui lòng sửa các mục sau",
        "name_error": "Nhập họ tên của bạn",
        "job_seeker_number": "Số người tìm việc",
        "email": "Địa chỉ email",
        "phone": "Số điện thoại",
        "agree": "Tôi đã đọc điều khoản sử dụng và đồng ý.",
        "book": "Đặt lịch",
        "done": "Lịch hẹn của bạn chưa hoàn tất",
        "complete": "Hoàn tất đặt lịch",
        "status": "Đã xác nhận",
        "confirmed_subject": "Lịch hẹn của bạn đã được xác nhận",
        "join_subject": "Cách tham gia buổi tư vấn trực tuyến",
        "footer": "Email này được gửi tự động. Vui lòng không trả lời.",
    },
    "pt-br": {
        "picker": "Português (Brasil)",
        "book_online": "Agendar on-line",
        "next": "Próximo: seus dados",
        "confirm": "Próximo: confirmar",
        "summary": "Corrija o seguinte",
        "name_error": "Informe seu nome",
        "job_seeker_number": "Número de candidato a emprego",
        "email": "Endereço de e-mail",
        "phone": "Número de telefone",
        "agree": "Li os termos de uso e concordo com eles.",
        "book": "Agendar",
        "done": "Seu agendamento ainda não está concluído",
        "complete": "Concluir meu agendamento",
        "status": "Confirmado",
        "confirmed_subject": "Seu agendamento está confirmado",
        "join_subject": "Como participar da sua consulta on-line",
        "footer": "Este e-mail foi enviado automaticamente. Não responda a ele.",
    },
    "es": {
        "picker": "Español",
        "book_online": "Reservar en línea",
        "next": "Siguiente: sus datos",
        "confirm": "Siguiente: confirmar",
        "summary": "Corrija lo siguiente",
        "name_error": "Escriba su nombre",
        "job_seeker_number": "Número de solicitante de empleo",
        "email": "Correo electrónico",
        "phone": "Número de teléfono",
        "agree": "He leído los términos de uso y los acepto.",
        "book": "Reservar",
        "done": "Su reserva aún no está completa",
        "complete": "Completar mi reserva",
        "status": "Confirmada",
        "confirmed_subject": "Su reserva está confirmada",
        "join_subject": "Cómo unirse a su consulta en línea",
        "footer": "Este correo se envió automáticamente. No lo responda, por favor.",
    },
    "tl": {
        "picker": "Tagalog",
        "book_online": "Mag-book online",
        "next": "Susunod: inyong mga detalye",
        "confirm": "Susunod: kumpirmahin",
        "summary": "Pakiwasto ang sumusunod",
        "name_error": "Ilagay ang inyong pangalan",
        "job_seeker_number": "Job-seeker number",
        "email": "Email address",
        "phone": "Numero ng telepono",
        "agree": "Nabasa ko ang mga tuntunin ng paggamit at sumasang-ayon ako sa mga ito.",
        "book": "Mag-book",
        "done": "Hindi pa kumpleto ang inyong booking",
        "complete": "Kumpletuhin ang aking booking",
        "status": "Kumpirmado",
        "confirmed_subject": "Kumpirmado na ang inyong booking",
        "join_subject": "Paano sumali sa inyong online na konsultasyon",
        "footer": "Awtomatikong ipinadala ang email na ito. Huwag itong sagutin.",
    },
}


def _verify_link(live_server) -> str:
    body = Notification.objects.filter(kind="booking_created").latest("created_at").body_text
    url = re.search(r"https?://\S+/verify/\S+/", body).group(0)
    return live_server.url + url.split("127.0.0.1:8000", 1)[-1]


def _read(page, selector: str) -> str:
    """An element's text without the readings over its kanji (ruby's <rt> in やさしい日本語)."""
    return page.evaluate(
        """selector => {
          const element = document.querySelector(selector).cloneNode(true);
          element.querySelectorAll('rt, rp').forEach(reading => reading.remove());
          return element.textContent.trim();
        }""",
        selector,
    )


# Each language, and やさしい日本語 once more at an office that shows readings over the kanji
# of its headings (the office's "furigana in plain Japanese").
CASES = [(language, False) for language in WORDS] + [("ja-x-easy", True)]


@pytest.mark.parametrize(
    "language, ruby", CASES, ids=[f"{code}{'-ruby' if ruby else ''}" for code, ruby in CASES]
)
def test_a_person_books_in_their_language_from_start_to_finish(
    live_server, browser_page, language, ruby
):
    words = WORDS[language]
    office = office_with(counselors=1, email_verification_minutes=60, ruby=ruby)  # from the email
    page = browser_page
    problems = []
    page.goto(f"{live_server.url}/offices/{office.slug}/")
    choose_language(page, words["picker"])
    expect(page.locator("html")).to_have_attribute("lang", language)
    problems += audit(page)

    page.get_by_role("link", name=words["book_online"], exact=True).click()
    problems += audit(page)
    page.locator(".time").first.click()
    page.get_by_role("button", name=words["next"]).click()

    page.get_by_role("button", name=words["confirm"]).click()  # empty: the error state
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert words["summary"] in _read(page, ".error-summary")
    assert words["name_error"] in page.locator("#id_name_error").inner_text()
    problems += audit(page)

    page.locator("#id_name").fill("Maria Santos")
    page.get_by_label(words["job_seeker_number"]).fill("12345-1234567")
    page.get_by_label(words["email"]).fill("maria@example.jp")
    page.get_by_label(words["phone"]).fill("090-1234-5678")
    page.get_by_role("button", name=words["confirm"]).click()
    page.get_by_label(words["agree"]).check()
    problems += audit(page)
    page.get_by_role("button", name=words["book"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/book/done/$"))
    assert _read(page, "h1") == words["done"]
    assert (page.locator("h1 ruby").count() > 0) == ruby  # readings only where the office chose
    problems += audit(page)

    booking = Booking.objects.get()
    assert booking.language == language
    assert booking.status == BookingStatus.PENDING_VERIFICATION
    email = Notification.objects.filter(kind="booking_created").latest("created_at")
    assert words["done"] in email.subject  # the subject says what the person must do

    page.goto(_verify_link(live_server))
    problems += audit(page)
    page.get_by_role("button", name=words["complete"]).click()
    expect(page.locator(".status")).to_contain_text(words["status"])
    expect(page.locator("html")).to_have_attribute("lang", language)
    problems += audit(page)
    assert problems == []

    emails = {email.kind: email for email in Notification.objects.all()}  # the one booking's
    assert set(emails) >= {"booking_created", "booking_confirmed", "meeting_issued"}
    assert words["confirmed_subject"] in emails["booking_confirmed"].subject
    assert words["join_subject"] in emails["meeting_issued"].subject
    for email in emails.values():
        assert email.language == language, email.kind
        assert email.body_text.rstrip().endswith(words["footer"]), (email.kind, email.body_text)
        assert f'<html lang="{language}">' in email.body_html, email.kind
        assert JAPANESE_FOOTER not in email.body_text + email.body_html, email.kind
