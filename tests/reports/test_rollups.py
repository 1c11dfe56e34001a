"""
The daily roll-ups the figures read (`reports.rollups`: lead days, booked minutes per
counselor and day, per hour) stay equal to a recount from the bookings whatever changes
them: a seeded random walk through the real services (bookings on the web and by phone,
email checks, confirmations, moves, extensions, check-ins, completions, phone switches,
no-shows, undoing, cancellations by the person and the office, a closed day, seats and a
cancelled session, the waitlist filling a freed time, lapsed requests), compared after
every step with a recount in Python and with the database's own recount; on PostgreSQL
the lead times the database works out are then compared with Python's.
"""

import random
from collections import Counter
from datetime import timedelta

import pytest

from bookings.models import Booking, BookingStatus
from bookings.selectors.availability import slot_list_available
from bookings.services.closures import bookings_cancel_for_closure
from bookings.services.no_shows import bookings_mark_no_shows
from bookings.services.public import booking_cancel_by_applicant
from bookings.services.reschedule import booking_reschedule_by_applicant
from bookings.services.seats import group_session_cancel
from bookings.services.staff import (
    booking_cancel_by_staff,
    booking_check_in,
    booking_complete,
    booking_confirm,
    booking_extend,
    booking_mark_no_show,
    booking_switch_to_phone,
)
from bookings.services.transitions import bookings_expire_unverified
from bookings.services.undo import booking_undo
from bookings.state import RELEASED_STATUSES
from common import clock
from common.clock import JST
from common.errors import DomainError
from reports import rollups
from terms.selectors import terms_in_force
from tests.bookings.seat_helpers import take_seat
from tests.helpers import book, email_checked
from tests.reports.rollup_helpers import LATER, World, in_step, lead_times_agree, rolled_up

pytestmark = pytest.mark.django_db


def test_the_statuses_that_give_time_back_are_the_booking_cores():
    assert set(rollups.RELEASED) == set(RELEASED_STATUSES)
    assert rollups.EXPIRED == BookingStatus.EXPIRED


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


@pytest.mark.slow  # a random walk of changes (fuzzing)
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
        if step >= 50 and missing and rng.random() < 0.5:  # then what it has not done yet
            name = rng.choice(missing)
        if step == 120:
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
                in_step(f"step {step}, {name} refused; {log[-5:]}")
                continue
        log.append(f"{step} {name}")
        in_step(f"step {step}, {name}; {log[-5:]}")
    # The walk went through the changes it is about (a seed that stops doing so fails here).
    for name in REQUIRED:
        assert done[name], (name, done)
    assert Booking.objects.filter(group_session__isnull=False).exists()
    assert sum(rolled_up()["minutes"].values()) > 0
    lead_times_agree(world)
