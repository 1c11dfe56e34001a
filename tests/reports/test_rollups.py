"""
The daily roll-ups the figures read (`reports.rollups`: lead days, booked minutes per
counselor and day, per hour) stay equal to a recount from the bookings whatever changes
them: a seeded random walk through the real services (bookings on the web and by phone,
email checks, confirmations, moves, extensions, check-ins, completions, phone switches,
no-shows, undoing, cancellations by the person and the office, a closed day, seats and a
cancelled session, the waitlist filling a freed time, lapsed requests), compared after
every step with a recount in Python and with the database's own recount. The rebuild
command repairs roll-ups that were not kept (a bulk load with the triggers off).
"""

import random
from collections import Counter
from datetime import date, time, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bookings.models import Booking, BookingStatus
from bookings.selectors.availability import slot_list_available
from bookings.services.closures import bookings_cancel_for_closure
from bookings.services.no_shows import bookings_mark_no_shows
from bookings.services.public import booking_cancel_by_applicant
from bookings.services.reschedule import booking_reschedule_by_applicant
from bookings.services.seats import group_session_cancel, group_session_schedule
from bookings.services.staff import (
    booking_cancel_by_staff,
    booking_check_in,
    booking_complete,
    booking_confirm,
    booking_extend,
    booking_mark_no_show,
    booking_switch_to_phone,
    booking_undo,
)
from bookings.services.transitions import bookings_expire_unverified
from bookings.state import RELEASED_STATUSES
from common import clock
from common.clock import JST
from common.errors import DomainError
from offices.roles import COUNSELORS, OFFICE_MANAGERS
from reports import rollups
from reports.functions import japan_day_number
from reports.models import DailyBookedMinutes, DailyLead, HourlyBookedMinutes
from terms.selectors import terms_in_force
from tests.bookings.seat_helpers import take_seat
from tests.factories import BookingFactory, office_with
from tests.helpers import NOW, book, email_checked, jst, someone, staff

pytestmark = pytest.mark.django_db


def _day(moment) -> int:
    return japan_day_number(moment.astimezone(JST).date())


def _recounted() -> dict[str, Counter]:
    """The roll-ups counted in Python from every booking, as the figures define them."""
    lead, minutes, hours = Counter(), Counter(), Counter()
    for b in Booking.objects.all():
        if b.status != BookingStatus.EXPIRED:
            lead[b.office_id, _day(b.start), b.service_id, _day(b.created_at)] += 1
        if b.status in RELEASED_STATUSES or b.group_session_id is not None:
            continue
        length = int((b.end - b.start).total_seconds()) // 60
        minutes[b.office_id, _day(b.start), b.counselor_id] += length
        local = b.start.astimezone(JST)
        begins = local.hour * 60 + local.minute
        for minute in range(begins, min(begins + length, 24 * 60)):
            hours[b.office_id, _day(b.start), minute // 60] += 1
    return {"lead": +lead, "minutes": +minutes, "hours": +hours}


def _rolled_up() -> dict[str, Counter]:
    return {
        "lead": +Counter({(r.office_id, r.day, r.service_id, r.made): r.bookings
                          for r in DailyLead.objects.all()}),
        "minutes": +Counter({(r.office_id, r.day, r.counselor_id): r.minutes
                             for r in DailyBookedMinutes.objects.all()}),
        "hours": +Counter({(r.office_id, r.day, r.hour): r.minutes
                           for r in HourlyBookedMinutes.objects.all()}),
    }  # fmt: skip


def _in_step(context: str) -> None:
    assert _rolled_up() == _recounted(), context
    differences = rollups.rollups_differences()
    assert not any(differences.values()), f"{context}: {differences}"


def test_the_statuses_that_give_time_back_are_the_booking_cores():
    assert set(rollups.RELEASED) == set(RELEASED_STATUSES)
    assert rollups.EXPIRED == BookingStatus.EXPIRED


LATER = jst(2027, 1, 14, 10, 0)  # the second session: cancelled before the walk gets there


class World:
    """Two offices (one confirms at once with two counselors and an extension of 15
    minutes, one has counselors confirm, checks email addresses and keeps a waitlist), their
    counselors' accounts and two group sessions of four seats (the second far ahead)."""

    def __init__(self, frozen):
        self.frozen = frozen
        self.instant = office_with(counselors=2, max_extension_minutes=15,
                                   hours=(time(9, 0), time(12, 0)))  # fmt: skip
        self.approval = office_with(
            confirmation_mode="staff_approval",
            email_verification_minutes=60,
            max_extension_minutes=15,
        )
        self.staff = {}
        for office in (self.instant, self.approval):
            self.staff[office.pk] = staff(office, COUNSELORS, f"c-{office.slug}")
            office.service = office.services.get()
        self.approval.service.waitlist_enabled = True
        self.approval.service.save(update_fields=["waitlist_enabled"])
        manager = staff(self.instant, OFFICE_MANAGERS, "m-instant")
        self.session, self.later_session = (
            group_session_schedule(
                service=self.instant.service,
                counselor=self.instant.counselors.order_by("pk")[1],
                start=start,
                minutes=60,
                capacity=4,
                by=manager,
                now=clock.now(),
            )
            for start in (jst(2026, 11, 26, 10, 0), LATER)
        )
        self.people = 0

    def person(self) -> dict:
        self.people += 1
        return someone(self.people)

    def bookings(self, *statuses) -> list[Booking]:
        found = Booking.objects.select_related("office", "service").order_by("pk")
        return list(found.filter(status__in=statuses) if statuses else found)


def _free_start(rng, service, now):
    first = now.astimezone(JST).date()
    slots = slot_list_available(
        service=service, first_day=first, last_day=first + timedelta(days=8), now=now
    )
    return rng.choice(slots).start if slots else None


def _book(rng, world, now):
    office = rng.choice([world.instant, world.approval])
    start = _free_start(rng, office.service, now)
    if start is None:
        return False
    phone = rng.random() < 0.3
    book(office.service, start, data=world.person(), now=now,
         **({"channel": "phone", "created_by": world.staff[office.pk]} if phone else {}))  # fmt: skip
    return True


def _confirm(rng, world, now):
    booking = rng.choice(
        world.bookings(BookingStatus.REQUESTED, BookingStatus.PENDING_VERIFICATION)
    )
    booking = email_checked(booking, now=now)
    booking_confirm(booking=booking, by=world.staff[booking.office_id], now=now)


def _one(statuses):
    def pick(rng, world):
        return rng.choice(world.bookings(*statuses))

    return pick


ACTIVE = (BookingStatus.CONFIRMED, BookingStatus.REQUESTED)


def _reschedule(rng, world, now):
    booking = rng.choice(world.bookings(*ACTIVE))
    booking_reschedule_by_applicant(
        booking=booking, start=_free_start(rng, booking.service, now), now=now
    )


def _seat(rng, world, now):
    session = rng.choice([world.session, world.later_session])
    take_seat(session, world.people + 1000, now=now,
              terms_version_id=terms_in_force(office=world.instant, at=now).pk)  # fmt: skip
    world.people += 1


def _waitlist(rng, world, now):
    from waitlist.models import OfferStatus, WaitlistOffer
    from waitlist.services import offer_accept, waitlist_confirm, waitlist_join, waitlist_match

    day = now.astimezone(JST).date() + timedelta(days=rng.randint(2, 6))
    joined = waitlist_join(service=world.approval.service, data=world.person(), first_day=day,
                           last_day=day, now=now)  # fmt: skip
    waitlist_confirm(entry=joined.entry, now=now)
    waitlist_match(office_id=world.approval.pk, now=now)
    terms = terms_in_force(office=world.approval, at=now)
    offers = list(WaitlistOffer.objects.filter(status=OfferStatus.OPEN))
    for offer in offers:
        offer_accept(offer=offer, terms_version_id=terms.pk, agree_terms=True, now=now)
    return bool(offers)


def _closure(rng, world, now):
    day = rng.choice([b.start.astimezone(JST).date() for b in world.bookings(*ACTIVE)])
    bookings_cancel_for_closure(
        office=world.instant, day=day, by=world.staff[world.instant.pk], now=now
    )


def _due(rng, world, now, statuses=None) -> Booking:
    """A booking whose session is about now (staff act around the session), else any."""
    statuses = statuses or STAFF_FROM
    about_now = [b for b in world.bookings(*statuses)
                 if b.start - timedelta(minutes=30) <= now <= b.end + timedelta(hours=2)]  # fmt: skip
    return rng.choice(about_now or world.bookings(*statuses))


def _staff(action, **extra):
    def act(rng, world, now):
        booking = _due(rng, world, now)
        action(booking=booking, by=world.staff[booking.office_id], now=now, **extra)

    return act


def _time_passes(rng, world, now):
    """Some minutes or hours, or on to a moment within the next session booked."""
    coming = [b.start for b in world.bookings(*ACTIVE) if b.start > now and b.start < LATER]
    if coming and rng.random() < 0.6:
        world.frozen.move_to(min(coming) + timedelta(minutes=rng.choice([0, 5, 12, 25])))
    else:
        world.frozen.shift(rng.choice([15, 60, 300, 1440]) * 60)


STAFF_FROM = (BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS, BookingStatus.NO_SHOW,
              BookingStatus.COMPLETED, BookingStatus.SWITCHED_TO_PHONE)  # fmt: skip

# name -> (weight, action(rng, world, now)); a refusal (DomainError) is part of the walk.
ACTIONS = {
    "book": (6, _book),
    "confirm": (2, _confirm),
    "cancel by the person": (2, lambda rng, w, now: booking_cancel_by_applicant(
        booking=rng.choice(w.bookings(*ACTIVE)), now=now)),
    "cancel by the office": (1, lambda rng, w, now: booking_cancel_by_staff(
        booking=(b := rng.choice(w.bookings(*ACTIVE))), by=w.staff[b.office_id],
        reason="都合により", on_request=rng.random() < 0.5, now=now)),
    "move": (2, _reschedule),
    "extend": (2, _staff(booking_extend, minutes=15)),
    "check in": (3, _staff(booking_check_in)),
    "complete": (2, _staff(booking_complete)),
    "switch to phone": (1, _staff(booking_switch_to_phone)),
    "no-show": (1, _staff(booking_mark_no_show)),
    "undo": (1, _staff(booking_undo, reason="誤り")),
    "no-shows swept": (1, lambda rng, w, now: bookings_mark_no_shows(now=now)),
    "email checks lapse": (1, lambda rng, w, now: bookings_expire_unverified(now=now)),
    "seat": (2, _seat),
    "waitlist fills a freed time": (2, _waitlist),
    "a day closed": (1, _closure),
    "time passes": (5, _time_passes),
}  # fmt: skip


# The changes the walk must have gone through (a seed that does not fails the test).
REQUIRED = ("book", "cancel by the person", "cancel by the office", "move", "extend",
            "complete", "seat", "waitlist fills a freed time")  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2])
def test_a_random_walk_of_changes_keeps_every_roll_up_equal_to_a_recount(frozen, seed):
    world = World(frozen)
    rng = random.Random(seed)
    names, weights = list(ACTIONS), [weight for weight, _action in ACTIONS.values()]
    done: Counter = Counter()
    log = []
    for step in range(150):
        name = rng.choices(names, weights)[0]
        missing = [n for n in REQUIRED if not done[n]]
        if step >= 100 and missing and rng.random() < 0.6:  # then what it has not done yet
            name = rng.choice([*missing, "time passes"])
        if step == 80:
            name = "cancel the session"
            group_session_cancel(
                session=world.later_session, by=world.staff[world.instant.pk], reason="中止",
                now=clock.now(),
            )  # fmt: skip
        else:
            try:
                if ACTIONS[name][1](rng, world, clock.now()) is not False:
                    done[name] += 1
            except (DomainError, IndexError) as refused:  # refused, or nothing to act on
                log.append(f"{step} {name}: {type(refused).__name__}")
                _in_step(f"step {step}, {name} refused; {log[-5:]}")
                continue
        log.append(f"{step} {name}")
        _in_step(f"step {step}, {name}; {log[-5:]}")
    # The walk went through the changes it is about (a seed that stops doing so fails here).
    for name in REQUIRED:
        assert done[name], (name, done)
    assert Booking.objects.filter(group_session__isnull=False).exists()
    assert sum(_rolled_up()["minutes"].values()) > 0


def test_a_bulk_update_of_every_column_and_a_deletion_are_followed(frozen):
    """Changes made past the services (an SQL update, a deletion) are followed too: the
    triggers watch the table, not the code."""
    world = World(frozen)
    take_seat(world.session, 1)  # a seat: its session's time is not in the minutes
    svc, other = world.instant.service, world.instant.counselors.order_by("pk")[1]
    booking = BookingFactory(service=svc, counselor=world.instant.counselors.first(),
                             start=jst(2026, 11, 24, 11, 30),
                             consent__terms_version=terms_in_force(office=svc.office, at=NOW))  # fmt: skip
    _in_step("inserted")
    tuesday = _day(jst(2026, 11, 24))
    # Past midnight: its minutes stay on its day, and the hours are cut at midnight.
    Booking.objects.filter(pk=booking.pk).update(
        start=jst(2026, 11, 24, 23, 30), end=jst(2026, 11, 25, 0, 30), counselor=other,
        created_at=jst(2026, 11, 20, 8),
    )  # fmt: skip
    _in_step("moved past midnight")
    rolled = _rolled_up()
    assert rolled["minutes"] == {(svc.office_id, tuesday, other.pk): 60}
    assert rolled["hours"] == {(svc.office_id, tuesday, 23): 30}
    assert rolled["lead"][svc.office_id, tuesday, svc.pk, _day(jst(2026, 11, 20))] == 1
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.EXPIRED)
    _in_step("lapsed")
    assert not _rolled_up()["minutes"]
    assert (svc.office_id, tuesday, svc.pk, _day(jst(2026, 11, 20))) not in _rolled_up()["lead"]
    Booking.objects.filter(pk=booking.pk).delete()
    _in_step("deleted")


def test_the_rebuild_command_repairs_roll_ups_that_were_not_kept(frozen):
    world = World(frozen)
    book(world.instant.service, jst(2026, 11, 24, 9, 30), data=someone(1))
    book(world.approval.service, jst(2026, 11, 24, 10, 0), data=someone(2))
    take_seat(world.session, 3)
    DailyLead.objects.all().delete()
    DailyBookedMinutes.objects.update(minutes=7)
    out = StringIO()
    with pytest.raises(CommandError, match="--rebuild"):
        call_command("reports_rollups", "--check", stdout=out)
    assert "reports_dailylead: 3 keys differ" in out.getvalue()
    assert "reports_dailybookedminutes: " in out.getvalue()
    call_command("reports_rollups", "--rebuild", stdout=out)
    _in_step("rebuilt")
    out = StringIO()
    call_command("reports_rollups", "--check", stdout=out)
    assert "every roll-up equals a recount from the bookings" in out.getvalue()


def test_the_figures_read_from_the_roll_ups(frozen):
    """Lead days, the last day allowed, booked minutes and the heat map: a booking made on
    the last day allowed (a calendar day before) and one made the week before (business
    days: Monday 23 is a holiday), the second then extended by 15 minutes."""
    from reports.periods import Period
    from reports.selectors import dashboard_figures

    frozen.move_to(jst(2026, 11, 16, 10, 0))
    world = World(frozen)
    office = world.instant
    early = book(office.service, jst(2026, 11, 24, 10, 30), data=someone(1), now=clock.now())
    frozen.move_to(jst(2026, 11, 23, 10, 0))
    book(office.service, jst(2026, 11, 24, 9, 30), data=someone(2), now=clock.now())
    frozen.move_to(jst(2026, 11, 24, 10, 31))
    booking_extend(booking=early.booking, by=world.staff[office.pk], minutes=15, now=clock.now())
    _in_step("extended")
    figures = dashboard_figures(offices=[office], period=Period.month(2026, 11), now=clock.now())
    counts = figures.figures[office.pk].current
    assert counts.last_moment == 1
    assert counts.lead == {1: 1, 5: 1}  # business days ahead: LEAD_BUCKETS 1 and 5
    assert sum(counts.booked_minutes.values()) == 30 + 45
    tuesday = date(2026, 11, 24).isoweekday()
    assert [counts.heat_booked[tuesday, hour] for hour in (9, 10, 11)] == [30, 30, 15]
