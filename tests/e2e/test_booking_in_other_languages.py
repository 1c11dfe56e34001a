"""
A person books in Simplified Chinese, Portuguese (Brazil), Spanish and Tagalog from start to
finish on a phone:
they choose the language in the picker, book, confirm from the email and see their booking,
every page and error state in that language and without a WCAG 2.2 AA violation (axe-core),
and the email they receive is in that language too.
"""

import re

import pytest

from bookings.models import Booking, BookingStatus
from notifications.models import Notification
from tests.e2e.test_accessibility import audit
from tests.e2e.waits import expect
from tests.factories import office_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the person reads at each step, in each language (the picker shows its own name).
WORDS = {
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
    },
}


def _verify_link(live_server) -> str:
    body = Notification.objects.filter(kind="booking_created").latest("created_at").body_text
    url = re.search(r"https?://\S+/verify/\S+/", body).group(0)
    return live_server.url + url.split("127.0.0.1:8000", 1)[-1]


@pytest.mark.parametrize("language", list(WORDS))
def test_a_person_books_in_their_language_from_start_to_finish(live_server, browser_page, language):
    words = WORDS[language]
    office = office_with(counselors=1, email_verification_minutes=60)  # booked from the email
    page = browser_page
    problems = []
    page.goto(f"{live_server.url}/offices/{office.slug}/")
    page.get_by_role("button", name=words["picker"], exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    problems += audit(page)

    page.get_by_role("link", name=words["book_online"], exact=True).click()
    problems += audit(page)
    page.locator(".time").first.click()
    page.get_by_role("button", name=words["next"]).click()

    page.get_by_role("button", name=words["confirm"]).click()  # empty: the error state
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert words["summary"] in summary.inner_text()
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
    expect(page.locator("h1")).to_have_text(words["done"])
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
