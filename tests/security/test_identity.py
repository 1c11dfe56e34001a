"""
A person's record belongs to that person (issue 13, the high finding): a job-seeker number
alone never attaches a stranger's booking to a real person, and no public answer tells a
stranger anything about the person whose number they typed.
"""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from bookings.models import Applicant, Booking, BookingEvent, BookingStatus
from bookings.services.no_shows import bookings_mark_no_shows
from bookings.services.staff import booking_confirm
from notifications.models import Notification
from offices.models import Office, User
from terms.selectors import terms_in_force
from tests.bookings.conftest import NOW, jst, person

pytestmark = pytest.mark.django_db

VICTIM = person(name="被害 太郎", email="victim@example.jp", phone="090-1111-2222")
ATTACKER = person(name="誰か", email="attacker@evil.example", phone="080-9999-0000")


def api_book(client, start, data, slug="toyooka", **extra):
    terms = terms_in_force(office=Office.objects.get(slug=slug), at=NOW)
    body = {"start": start, **data, "terms_version": terms.pk, "agree_terms": True}
    return client.post(
        f"/api/v1/offices/{slug}/bookings", json.dumps(body), content_type="application/json",
        **extra,
    )  # fmt: skip


def t(day, hour, minute=0):
    return jst(2026, 12, day, hour, minute).isoformat()


def victim_record():
    return Applicant.objects.get(office__slug="toyooka", identity_key="jsn:12345-1234567")


def test_a_number_alone_files_the_strangers_booking_apart_from_the_person(client, offices):
    assert api_book(client, t(1, 9, 30), VICTIM).status_code == 201
    response = api_book(client, t(1, 10, 30), ATTACKER)
    assert response.status_code == 201
    victim = victim_record()
    assert victim.bookings.count() == 1 and victim.email == "victim@example.jp"
    stranger = Booking.objects.get(email="attacker@evil.example").applicant
    assert stranger != victim and stranger.claimed == victim and stranger.linked_at is None


def test_the_stranger_learns_no_count_and_cannot_lock_the_person_out(client, offices):
    assert api_book(client, t(1, 9, 30), VICTIM).status_code == 201
    assert api_book(client, t(1, 10, 30), VICTIM).status_code == 201  # the person's two
    attempt = api_book(client, t(2, 9, 30), ATTACKER)
    assert attempt.status_code == 201  # not "limit_reached": nothing about the person
    api_book(client, t(2, 10, 30), ATTACKER)
    refused = api_book(client, t(3, 9, 30), ATTACKER)
    assert refused.status_code == 409 and refused.json()["code"] == "limit_reached"
    assert "上限の2件" not in refused.json()["message"]  # the most allowed, not a count
    # The person, booking with their own details, is not locked out by the stranger.
    assert api_book(client, t(3, 10, 30), VICTIM).status_code == 201


def test_a_barred_persons_number_gets_the_same_refusal_as_anything_else(client, offices):
    api_book(client, t(1, 9, 30), VICTIM)
    Applicant.objects.filter(pk=victim_record().pk).update(barred_at=NOW, barred_reason="3")
    refused = api_book(client, t(2, 9, 30), ATTACKER)
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "not_available_online"
    for word in ("barred", "no-show", "欠席", "停止", "missed"):
        assert word not in body["message"]
    assert "電話" in body["message"]


def test_the_strangers_no_shows_never_bar_the_person(
    client, offices, django_capture_on_commit_callbacks
):
    api_book(client, t(1, 9, 30), VICTIM)
    staff = User.objects.get(username="toyooka-counselor-1")
    starts = [t(2, 9, 30), t(2, 10, 30), t(3, 9, 30), t(3, 10, 30)]
    for start in starts:
        api_book(client, start, ATTACKER)
    Applicant.objects.filter(email="attacker@evil.example").update()
    for booking in Booking.objects.filter(email="attacker@evil.example"):
        booking_confirm(booking=booking, by=staff, now=NOW)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        bookings_mark_no_shows(now=jst(2026, 12, 4, 9, 0))
    assert not victim_record().is_barred
    assert not any(
        m.to == ["victim@example.jp"] and "オンライン予約" in m.subject for m in mail.outbox
    )


def test_the_address_on_record_is_asked_and_its_link_joins_the_records(
    client, offices, django_capture_on_commit_callbacks
):
    api_book(client, t(1, 9, 30), VICTIM)
    with django_capture_on_commit_callbacks(execute=True):
        api_book(client, t(2, 9, 30), person(email="new-address@example.jp"))
    asked = Notification.objects.get(kind="record_link")
    assert asked.recipient == "victim@example.jp"  # the address on record, not the new one
    link = next(line for line in asked.body_text.splitlines() if "/records/link/" in line)
    path = link.strip().replace("http://127.0.0.1:8000", "")
    page = client.get(path)
    assert page.status_code == 200 and victim_record().bookings.count() == 1  # GET changes nothing
    assert client.post(path).status_code == 200
    victim = victim_record()
    assert victim.bookings.count() == 2
    moved = victim.bookings.get(start=jst(2026, 12, 2, 9, 30))
    assert BookingEvent.objects.filter(
        booking=moved, reason__startswith="linked to person"
    ).exists()
    assert client.get("/records/link/not-a-token/").status_code == 404


def test_a_counselor_links_a_claim_in_the_admin_with_a_reason(client, offices):
    api_book(client, t(1, 9, 30), VICTIM)
    api_book(client, t(2, 9, 30), person(email="new-address@example.jp"))
    claim = Applicant.objects.get(claimed__isnull=False)
    client.force_login(User.objects.get(username="toyooka-counselor-1"))
    url = reverse("admin:bookings_applicant_changelist")
    asked = client.post(url, {"action": "link_claims", "_selected_action": [claim.pk]})
    assert asked.status_code == 200 and 'name="reason"' in asked.content.decode()
    client.post(url, {"action": "link_claims", "_selected_action": [claim.pk],
                      "reason": "電話で本人確認した"})  # fmt: skip
    assert victim_record().bookings.count() == 2
    event = BookingEvent.objects.filter(reason__contains="電話で本人確認した").get()
    assert event.actor.username == "toyooka-counselor-1"
    # A counselor of another office cannot link it.
    claim2 = Applicant.objects.create(office=claim.office, kind="job_seeker", name="x",
                                      identity_key="claim:x", claimed=victim_record())  # fmt: skip
    client.force_login(User.objects.get(username="kawagoe-counselor-1"))
    client.post(url, {"action": "link_claims", "_selected_action": [claim2.pk], "reason": "x"})
    claim2.refresh_from_db()
    assert claim2.linked_at is None


def test_book_the_next_session_prefills_the_contact_on_record(client, offices):
    api_book(client, t(1, 9, 30), VICTIM)
    api_book(client, t(2, 9, 30), ATTACKER)
    victim = victim_record()
    # The stranger's booking is the latest, but it is not in the person's record anyway;
    # even a later booking in the record with other details never changes the prefill.
    Booking.objects.filter(applicant=victim).update(email="changed@example.jp")
    client.force_login(User.objects.get(username="toyooka-counselor-1"))
    page = client.get(reverse("admin:bookings_booking_phone") + f"?applicant={victim.pk}")
    html = page.content.decode()
    assert "victim@example.jp" in html and "09011112222" in html
    assert "attacker@evil.example" not in html and "changed@example.jp" not in html


def _confirm_page(client, number):
    client.post(
        reverse("booking-details", args=["toyooka"]),
        {"service": "counseling", "start": t(1, 10, 30), **person(job_seeker_number=number)},
    )
    return client.get(reverse("booking-confirm", args=["toyooka"]))


def test_step_three_does_not_tell_whether_a_number_is_known(client, offices):
    from django.test import Client

    api_book(client, t(1, 9, 30), VICTIM)
    known = _confirm_page(Client(), "12345-1234567").content.decode()
    unknown = _confirm_page(Client(), "99999-7654321").content.decode()
    strip = lambda html: html.replace("12345-1234567", "N").replace("99999-7654321", "N")  # noqa: E731
    csrf = lambda html: "\n".join(l for l in html.splitlines() if "csrfmiddlewaretoken" not in l)  # noqa: E731,E741
    assert csrf(strip(known)) == csrf(strip(unknown))


def test_a_booking_entered_by_a_counselor_joins_the_persons_record(client, offices):
    api_book(client, t(1, 9, 30), VICTIM)
    from bookings.services.create import booking_create
    from offices.models import Service

    svc = Service.objects.get(office__slug="toyooka", slug="counseling")
    booking_create(
        service=svc, start=jst(2026, 12, 2, 9, 30), data=VICTIM,
        terms_version_id=terms_in_force(office=svc.office, at=NOW).pk, agree_terms=True,
        channel="phone", created_by=User.objects.get(username="toyooka-counselor-1"), now=NOW,
    )  # fmt: skip
    assert victim_record().bookings.count() == 2
    assert BookingStatus.CONFIRMED in victim_record().bookings.values_list("status", flat=True)
    assert timedelta(0) == timedelta(0)
