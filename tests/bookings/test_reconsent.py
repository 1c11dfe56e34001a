"""
Sasebo's rule, for every office that takes employers' bookings: an employer whose terms
changed since booking agrees again before the session, on their booking page (the join
link waits) or as stated in the session.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from bookings.services.staff import booking_confirm
from common import clock
from offices.roles import COUNSELORS, OFFICE_MANAGERS
from terms.models import Consent
from terms.services import terms_publish, terms_version_create
from tests.factories import office_with
from tests.helpers import LINKS, NOW, book, email_checked, jst, person, staff

WED = jst(2026, 11, 25, 10, 0)


@pytest.fixture
def office(db):
    """An office that takes employers' bookings, its counselor confirming each request."""
    return office_with(employers_may_book=True, confirmation_mode="staff_approval")


@pytest.fixture
def counselor(office):
    user = office.counselors.get().user
    user.groups.add(Group.objects.get(name=COUNSELORS))
    return user


@pytest.fixture
def employer_booking(office, counselor, frozen):
    created = book(
        office.services.get(), WED,
        data=person(kind="employer", company_name="株式会社サンプル", job_seeker_number=""),
    )  # fmt: skip
    booking_confirm(booking=email_checked(created.booking), by=counselor, now=clock.now())
    return created


@pytest.fixture
def new_terms(office, frozen):
    manager = staff(office, OFFICE_MANAGERS, "manager")
    draft = terms_version_create(
        office=office, by=manager, version="2026-11-22", title="改定",
        body="新しい本文", change_summary="録画の扱いを明確にしました",
    )  # fmt: skip
    return terms_publish(terms_version=draft, by=manager, effective_from=None, now=NOW)


def test_the_employer_agrees_on_their_page_before_the_join_link_shows(
    client, employer_booking, new_terms
):
    url = reverse("booking-manage", args=[employer_booking.manage_token])
    page = client.get(url).content.decode()
    assert "録画の扱いを明確にしました" in page and 'name="agree_terms"' in page
    assert "同意いただいた後に表示されます" in page  # the join link waits
    agree = reverse("booking-agree", args=[employer_booking.manage_token])
    client.post(agree, {"terms_version": new_terms.pk})  # box not ticked
    assert Consent.objects.filter(terms_version=new_terms).count() == 0
    client.post(agree, {"terms_version": new_terms.pk, "agree_terms": "on"})
    consent = Consent.objects.get(terms_version=new_terms)
    assert consent.channel == Consent.Channel.WEB and consent.applicant_kind == "employer"
    employer_booking.booking.refresh_from_db()
    assert employer_booking.booking.consent == consent
    assert 'name="agree_terms"' not in client.get(url).content.decode()


def test_the_counselor_records_agreement_stated_in_the_session(
    client, counselor, employer_booking, new_terms
):
    client.force_login(counselor)
    schedule = client.get("/admin/bookings/booking/schedule/", {"date": "2026-11-25"})
    assert "新しい利用規約への同意が必要" in schedule.content.decode()
    client.post(
        f"/admin/bookings/booking/{employer_booking.booking.pk}/act/",
        {"action": "reconsent_stated", "terms_version": new_terms.pk},
    )
    consent = Consent.objects.get(terms_version=new_terms)
    assert consent.channel == Consent.Channel.SESSION and consent.recorded_by == counselor
    schedule = client.get("/admin/bookings/booking/schedule/", {"date": "2026-11-25"})
    assert "新しい利用規約への同意が必要" not in schedule.content.decode()


def test_job_seekers_are_not_asked_again_before_the_session(client, office, frozen, new_terms):
    created = book(office.services.get(), WED)
    page = client.get(reverse("booking-manage", args=[created.manage_token])).content.decode()
    assert 'name="agree_terms"' not in page


def test_the_reminder_sends_the_employer_to_agree_instead_of_the_join_link(
    employer_booking, new_terms
):
    from bookings.emails.applicant import reminder_message

    message = reminder_message(
        employer_booking.booking, "reminder_day_before", now=clock.now(), links=LINKS
    )
    assert "新しい利用規約に同意" in message.text and LINKS["manage_url"] in message.text
    assert "新しい利用規約に同意" in message.html
