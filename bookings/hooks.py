"""
Where apps above the booking core plug into it. The core may not import them
(`lint-imports`), so each registers here, from its `AppConfig.ready()`, what the core must
take into account; the core reads the registries, never the apps.

- **A counselor's commitments**: time a counselor gives to something other than a booking
  (a group session of this app; an online interview they attend, `interviews`). Each
  source is a function returning a queryset of the rows that hold the time now, on a model
  with `counselor`, `start` and `end`. Availability reads them in its one query of busy
  times (`selectors.availability`), and a booking in the statement that locks the office's
  counselors (`services.locking`); a writer of such a row takes `office_commitment_lock`.
- **A person's recent activity** (retention): a function of the cutoff returning the ids
  of the job seekers' records (`Applicant`) that the app still needs; the nightly purge
  keeps them (`services.retention`). And the app's own purge, run in the same nightly
  task, on the same schedule.
- **Figures** (実績): a kind of session the office's figures count beside its bookings
  (`reports` reads them, and may not import the app either).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from bookings.models import GroupSession, GroupSessionStatus

# --- A counselor's commitments ------------------------------------------------------------

_COMMITMENTS: dict[str, Callable[[], QuerySet]] = {}


def commitment_source_register(name: str, holding: Callable[[], QuerySet]) -> None:
    """`holding()`: the rows of one kind that hold their counselor's time (status filtered,
    nothing else); registering a name again replaces it."""
    _COMMITMENTS[name] = holding


def _group_sessions() -> QuerySet:

    return GroupSession.objects.filter(status=GroupSessionStatus.SCHEDULED)


def commitment_sources(*, exclude=None) -> list[QuerySet]:
    """Every kind's holding rows, the group sessions first; `exclude`: one row (a model
    instance) left out of its own kind, as when that row itself is being moved."""
    sources = [_group_sessions(), *(holding() for holding in _COMMITMENTS.values())]
    if exclude is not None:
        sources = [
            source.exclude(pk=exclude.pk) if source.model is type(exclude) else source
            for source in sources
        ]
    return sources


# --- Retention ----------------------------------------------------------------------------

_RECENT_PEOPLE: dict[str, Callable[[datetime], QuerySet]] = {}
_PURGES: dict[str, Callable[[datetime], int]] = {}


def person_activity_register(name: str, recent: Callable[[datetime], QuerySet]) -> None:
    """`recent(cutoff)`: a values queryset of the applicant ids still active since `cutoff`
    (or with something still to come) in the app's own records."""
    _RECENT_PEOPLE[name] = recent


def recent_people(cutoff: datetime) -> list[QuerySet]:
    return [recent(cutoff) for recent in _RECENT_PEOPLE.values()]


def personal_data_purge_register(name: str, purge: Callable[[datetime], int]) -> None:
    """`purge(now)`: the app's own part of the nightly purge (safe to run twice); returns
    how many records it erased."""
    _PURGES[name] = purge


def other_purges() -> dict[str, Callable[[datetime], int]]:
    return dict(_PURGES)


# --- Figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureSource:
    """A table of the office's figures: `rows` (key, label), counted by `count(office_ids,
    spans)` for each span (start, end) of time, added up over the offices: one mapping of
    key -> number per span, in one query."""

    slug: str
    title: object  # lazy translations: shown in the staff member's language
    how: object
    rows: tuple[tuple[str, object], ...]
    count: Callable[[list[int], list[tuple[datetime, datetime]]], list[dict[str, int]]]


_FIGURES: dict[str, FigureSource] = {}


def figure_source_register(source: FigureSource) -> None:
    _FIGURES[source.slug] = source


def figure_sources() -> list[FigureSource]:
    return list(_FIGURES.values())
