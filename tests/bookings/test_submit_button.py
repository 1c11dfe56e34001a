"""
The button that sends a booking names what it does at that office (issue 26): where a
counselor confirms the time (`confirmation_mode="staff_approval"`) it applies
(「申し込む」, "Apply"), since the next page says the request is not complete; where the
booking is confirmed at once it books (「予約する」). The same on the seat page, the
waitlist's offer (its page and its email) and the no-JavaScript link's page, whose button
is the step the confirm page names (「申込みを送信する」).
"""

import re

import pytest
from django.urls import reverse

from bookings.services.open_requests import open_request_park
from notifications.models import Notification
from terms.selectors import terms_in_force
from tests.bookings.seat_helpers import seminar
from tests.factories import office_with
from tests.helpers import NOW, delivered, jst, person
from tests.waitlist.helpers import free, join, waitlist_office
from waitlist.services import waitlist_link_issue, waitlist_match

pytestmark = pytest.mark.django_db

THU = jst(2026, 11, 26, 9, 30)
AT_ONCE, STAFF = "instant", "staff_approval"


def _submit(html: str) -> list[str]:
    """The names of the page's primary submit buttons."""
    return re.findall(r'<button type="submit" class="button">([^<]*)</button>', html)


def _to_confirm(client, office):
    client.post(
        reverse("booking-details", args=[office.slug]),
        {"service": office.services.get().slug, "start": THU.isoformat(), **person()},
    )
    return client.get(reverse("booking-confirm", args=[office.slug]))


@pytest.mark.parametrize(
    ("mode", "ja", "en"), [(STAFF, "申し込む", "Apply"), (AT_ONCE, "予約する", "Book")]
)
def test_the_confirm_page_s_button_says_what_it_does_at_the_office(client, mode, ja, en):
    office = office_with(confirmation_mode=mode)
    assert _submit(_to_confirm(client, office).content.decode()) == [ja]
    client.cookies["django_language"] = "en"
    assert _submit(_to_confirm(client, office).content.decode()) == [en]


def test_pressing_apply_leads_to_the_page_that_says_the_request_is_not_complete(client):
    office = office_with(confirmation_mode=STAFF)
    page = _to_confirm(client, office).content.decode()
    assert "予約する" not in _submit(page)
    terms = page.split('name="terms_version" value="')[1].split('"')[0]
    client.post(
        reverse("booking-confirm", args=[office.slug]),
        {"terms_version": terms, "agree_terms": "on"},
    )
    done = client.get(reverse("booking-done", args=[office.slug])).content.decode()
    assert "申込みはまだ完了していません" in done and "「申込みを送信する」" in done


@pytest.mark.parametrize(("mode", "name"), [(STAFF, "席を申し込む"), (AT_ONCE, "席を予約する")])
def test_the_seat_page_s_button_says_what_it_does_at_the_office(client, mode, name):
    office = office_with(confirmation_mode=mode)
    session = seminar(slug=office.slug, capacity=2, start=jst(2026, 11, 26, 10, 0))
    page = client.get(reverse("seat-book", args=[office.slug, session.uuid])).content.decode()
    assert _submit(page) == [name]


@pytest.mark.parametrize(
    ("mode", "name"), [(STAFF, "この時間で申し込む"), (AT_ONCE, "この時間で予約する")]
)
def test_the_waitlist_offer_s_page_and_email_name_its_button_alike(client, mode, name):
    env = waitlist_office(confirmation_mode=mode)
    entry = join(env, 1)
    free(env.bookings[1])
    waitlist_match(office_id=env.office.pk, now=NOW)
    page = client.get(reverse("waitlist-entry", args=[waitlist_link_issue(entry=entry)]))
    assert _submit(page.content.decode()) == [name]
    email = Notification.objects.get(kind="waitlist_offer", recipient="w1@example.jp")
    assert f">{name}</a>" in email.body_html


@pytest.mark.parametrize(("mode", "name"), [(STAFF, "申込みを送信する"), (AT_ONCE, "予約する")])
def test_the_no_javascript_link_s_page_names_the_step_the_confirm_page_promised(client, mode, name):
    office = office_with(confirmation_mode=mode)
    token = open_request_park(
        service=office.services.get(), start=THU, data=person(),
        terms_version_id=terms_in_force(office=office, at=NOW).pk, agree_terms=True,
        language="ja", idempotency_key="k", now=NOW,
    )  # fmt: skip
    page = client.get(reverse("booking-open-request", args=[office.slug, token]))
    assert _submit(page.content.decode()) == [name]


@pytest.mark.parametrize(("mode", "name"), [(STAFF, "申込みを送信する"), (AT_ONCE, "予約する")])
def test_the_check_your_email_page_and_its_email_name_the_link_page_s_button(
    client, settings, mode, name
):
    """Parked without a proof of work: the page after the confirm step and the email both
    tell the person to press the button the link's page shows (「予約する」 was said at a
    staff-approval office, whose link page says 「申込みを送信する」)."""
    settings.PROOF_OF_WORK = True
    office = office_with(confirmation_mode=mode)
    page = _to_confirm(client, office).content.decode()
    terms = page.split('name="terms_version" value="')[1].split('"')[0]
    sent = client.post(
        reverse("booking-confirm", args=[office.slug]),
        {"terms_version": terms, "agree_terms": "on"},
        follow=True,
    ).content.decode()
    assert f"「{name}」を押してください" in sent
    email = delivered(Notification.objects.get(kind="open_request")).body_text
    assert f"「{name}」を押してください" in email
    token = re.search(r"/book/request/([^/\s]+)/", email).group(1)
    link_page = client.get(reverse("booking-open-request", args=[office.slug, token]))
    assert _submit(link_page.content.decode()) == [name]


@pytest.mark.parametrize(
    ("mode", "language", "subject", "button", "link"),
    [
        (STAFF, "ja", "このリンクを開いて申込みを送信してください", "申込みを送信する",
         "リンクを開いて申込みを送信する"),
        (STAFF, "en", "Open this link to send your request", "Send my request",
         "Open the link to send your request"),
        (AT_ONCE, "ja", "このリンクを開いて予約を完了してください", "予約する",
         "リンクを開いて予約する"),
        (AT_ONCE, "en", "Open this link to book your time", "Book", "Open the link to book"),
    ],
)  # fmt: skip
def test_the_open_request_email_s_subject_names_the_step_its_link_takes(
    client, mode, language, subject, button, link
):
    """At a staff-approval office the link's page sends a request for a counselor to confirm:
    its email's subject and its button said "book your time" (「予約を完了」) there; where
    the link books at once they still do. The first lines name the page's button alike."""
    office = office_with(confirmation_mode=mode)
    token = open_request_park(
        service=office.services.get(), start=THU, data=person(),
        terms_version_id=terms_in_force(office=office, at=NOW).pk, agree_terms=True,
        language=language, idempotency_key="k", now=NOW,
    )  # fmt: skip
    email = delivered(Notification.objects.get(kind="open_request"))
    assert email.subject == f"[{office.name_en if language == 'en' else office.name}] {subject}"
    first_lines = email.body_text.split("\n\n")[1]
    assert f"“{button}”" in first_lines or f"「{button}」" in first_lines
    assert f">{link}</a>" in email.body_html
    if mode == STAFF:
        assert not re.search(r"予約|book", email.subject + first_lines + link, flags=re.I)
    client.cookies["django_language"] = language
    page = client.get(reverse("booking-open-request", args=[office.slug, token]))
    assert _submit(page.content.decode()) == [button]
