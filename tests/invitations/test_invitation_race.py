"""
Two uses of one invitation race for its last use (real threads, real PostgreSQL), each for
a different free time, so only the invitation's count can stop the second: exactly one
books. With the invitation's lock replaced by a plain read, the same race books twice, so
the test can fail.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from bookings.models import Booking
from invitations import services
from invitations.errors import InvitationClosed
from invitations.models import Invitation
from invitations.services import invitation_book
from terms.selectors import terms_in_force
from tests.helpers import NOW, invite, jst

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MON = jst(2026, 11, 30, 9, 30)
RACERS = 2


def race(invitation) -> tuple[int, int, list]:
    start_line = threading.Barrier(RACERS)
    terms = terms_in_force(office=invitation.office, at=NOW).pk
    won, closed, errors = [], [], []

    def attempt(n: int) -> None:
        try:
            start_line.wait(timeout=20)
            invitation_book(
                invitation=invitation, start=MON + timedelta(hours=n), terms_version_id=terms,
                agree_terms=True, now=NOW,
            )  # fmt: skip
            won.append(n)
        except InvitationClosed:
            closed.append(n)
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return len(won), len(closed), errors


def test_two_uses_racing_for_the_last_use_book_exactly_once(inviting):
    invitation = invite(inviting)
    won, closed, errors = race(invitation)
    assert errors == []
    assert (won, closed) == (1, 1)
    assert Booking.objects.count() == 1
    assert Invitation.objects.get().uses == 1


def test_without_the_invitations_lock_the_same_race_books_twice(inviting, monkeypatch):
    invitation = invite(inviting)
    both_read = threading.Barrier(RACERS, timeout=30)

    def read_then_wait(invitation_id):
        row = Invitation.objects.select_related("office", "service", "applicant").get(
            pk=invitation_id
        )
        both_read.wait()  # each has seen the last use free before either books
        return row

    monkeypatch.setattr(services, "invitation_lock", read_then_wait)
    won, _closed, errors = race(invitation)
    assert errors == []
    assert won == 2, "the race did not happen: the test could not detect a missing lock"
