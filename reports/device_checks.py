"""
The device check's results (実績): for the sessions of a period, what each person's last
check before their session found, by kind of problem ("camera: permission refused").
One grouped query over the checks (`bookings.DeviceCheck`), joined to their booking for
the office and the session's start; the last check of a booking is the one no later check
of the same booking follows, so a problem the person then fixed is not counted.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext

from bookings.models import PART_LABELS, PROBLEM_LABELS, DeviceCheck, DeviceCheckOutcome

_FINE = (DeviceCheckOutcome.PASSED, DeviceCheckOutcome.NOT_TESTED)


@dataclass
class DeviceChecks:
    """One office's (or several offices' added) device checks in a period."""

    checked: int = 0  # sessions with at least one check
    passed: int = 0  # sessions whose last check found no problem
    problems: Counter = field(default_factory=Counter)  # (part, kind) -> sessions

    def add(self, other: "DeviceChecks") -> None:
        self.checked += other.checked
        self.passed += other.passed
        self.problems.update(other.problems)

    @property
    def with_problems(self) -> int:
        return self.checked - self.passed

    def by_kind(self) -> list[tuple[str, int]]:
        """(kind in words, sessions), most frequent first, then in the parts' order."""
        order = {part: i for i, part in enumerate(DeviceCheck.PARTS)}
        rows = sorted(self.problems.items(), key=lambda item: (-item[1], order[item[0][0]]))
        return [(kind_label(part, kind), n) for (part, kind), n in rows]


def kind_label(part: str, kind: str) -> str:
    return f"{PART_LABELS[part]}{gettext(': ')}{PROBLEM_LABELS.get(kind, kind)}"


def device_checks_by_office(
    office_ids: Sequence[int], start: datetime, end: datetime
) -> dict[int, DeviceChecks]:
    """Per office, the last device check of each session starting in [start, end). One query."""
    later = DeviceCheck.objects.filter(booking_id=OuterRef("booking_id")).filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk"))
    )
    rows = (
        DeviceCheck.objects.filter(
            booking__office_id__in=office_ids, booking__start__gte=start, booking__start__lt=end
        )
        .filter(~Exists(later))
        .values_list("booking__office_id", *DeviceCheck.PARTS)
        .annotate(n=Count("id"))
        .order_by()
    )
    found = {pk: DeviceChecks() for pk in office_ids}
    for office_id, *parts, n in rows:
        checks = found[office_id]
        checks.checked += n
        problems = [(p, v) for p, v in zip(DeviceCheck.PARTS, parts, strict=True) if v not in _FINE]
        if not problems:
            checks.passed += n
        for problem in problems:
            checks.problems[problem] += n
    return found
