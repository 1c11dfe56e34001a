"""Reads of bookings for staff pages: the day's schedule."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from bookings.models import (
    TIME_HOLDING_STATUSES,
    Booking,
    BookingChange,
    BookingEvent,
    BookingStatus,
    DeviceCheck,
    GroupSession,
    GroupSessionStatus,
)
from bookings.state import HELD_STATUSES, Offer, allowed_actions, undo_refusal
from common.clock import JST
from conferencing.models import OnlineMeeting
from offices.models import Counselor, CounselorAbsence, OpeningHours

ROW_MINUTES = 5
SCHEDULE_STATUSES = [s for s in BookingStatus.values if s != BookingStatus.EXPIRED]


@dataclass
class ScheduleBlock:
    booking: Booking
    meeting: OnlineMeeting | None
    column: int
    row_start: int
    row_end: int
    device_check: DeviceCheck | None = None
    pending_change: BookingChange | None = None
    offers: dict[str, Offer] = field(default_factory=dict)  # the state table's actions
    last_change: BookingEvent | None = None  # the office's change that can be undone now


@dataclass
class SessionBlock:
    """A group session in its counselor's column: one block for all its seats (the seats
    themselves are listed, and checked in, on the session's seat list)."""

    session: GroupSession
    column: int
    row_start: int
    row_end: int


@dataclass
class OtherBlock:
    """Something else that takes a counselor's time that day (an interview they attend,
    `interviews`), given by another app's day panel and placed in their column as the
    schedule's own blocks are: what it is, who, its state, and the panel's row it links to."""

    counselor_id: int
    start: datetime
    end: datetime
    kind: str
    title: str
    status: str
    anchor: str
    look: str = "confirmed"  # the booking status whose colours it takes
    column: int = 0
    row_start: int = 0
    row_end: int = 0


@dataclass
class DaySchedule:
    day: date
    counselors: list[Counselor]
    blocks: list[ScheduleBlock]
    first: time
    last: time
    hours: list[tuple[str, int]] = field(default_factory=list)  # (label, row)
    now_row: int | None = None
    sessions: list[SessionBlock] = field(default_factory=list)
    others: list[OtherBlock] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return _row(self.first, self.last) + 1


def _row(first: time, moment: time) -> int:
    minutes = (moment.hour * 60 + moment.minute) - (first.hour * 60 + first.minute)
    return minutes // ROW_MINUTES + 1


def _rows(first: time, day: date, timed) -> tuple[int, int]:
    """The grid rows of something from `start` to `end` on `day` (at least one row)."""
    local_start, local_end = timed.start.astimezone(JST), timed.end.astimezone(JST)
    end_time = local_end.time() if local_end.date() == day else time(23, 55)
    start_row = _row(first, local_start.time())
    return start_row, max(_row(first, end_time), start_row + 1)


def schedule_for_day(
    *, office, day: date, now: datetime, others: list[OtherBlock] = ()
) -> DaySchedule:
    """
    One office's bookings of one day, by counselor, with their meetings, latest device
    checks, pending changes of time, the actions the state table offers on each and the
    change that can be undone, and its group sessions (one block each, with their seats
    counted; the seats' own blocks are for the CSV, the grid shows the session): eight
    queries whatever the number of bookings. `others`: blocks other apps read (their day
    panels), placed in their counselors' columns. The grid spans the office's hours,
    widened to any booking or block outside them.
    """
    day_start = datetime.combine(day, time.min, tzinfo=JST)
    bookings = list(
        Booking.objects.filter(
            office=office,
            start__gte=day_start,
            start__lt=day_start + timedelta(days=1),
            status__in=SCHEDULE_STATUSES,
        )
        .select_related("service", "counselor", "applicant")
        .order_by("start", "pk")
    )
    sessions = list(
        GroupSession.objects.filter(
            office=office,
            start__gte=day_start,
            start__lt=day_start + timedelta(days=1),
            status=GroupSessionStatus.SCHEDULED,
        )
        .select_related("service")
        .annotate(
            taken=Count("seats", filter=Q(seats__status__in=TIME_HOLDING_STATUSES)),
            attended=Count("seats", filter=Q(seats__status__in=HELD_STATUSES)),
        )
        .order_by("start")
    )
    absence = CounselorAbsence.objects.filter(
        counselor=OuterRef("pk"), start_date__lte=day, end_date__gte=day
    )
    counselors = list(
        Counselor.objects.filter(office=office)
        .filter(
            Q(is_active=True)
            | Q(
                pk__in={b.counselor_id for b in bookings}
                | {s.counselor_id for s in sessions}
                | {o.counselor_id for o in others}
            )
        )
        .annotate(  # shown in the column's head: bookings of an absent counselor stand out
            is_absent=Exists(absence), absence_reason=Subquery(absence.values("reason")[:1])
        )
        .order_by("pk")
    )
    meetings = {
        m.booking_uuid: m
        for m in OnlineMeeting.objects.filter(booking_uuid__in=[b.uuid for b in bookings])
    }
    device_checks: dict[int, DeviceCheck] = {}
    for check in DeviceCheck.objects.filter(booking__in=[b.pk for b in bookings]).order_by(
        "booking_id", "-at", "-pk"
    ):
        device_checks.setdefault(check.booking_id, check)
    pending_changes = {
        change.booking_id: change
        for change in BookingChange.objects.filter(
            booking__in=[b.pk for b in bookings], status=BookingChange.Status.PENDING
        )
    }
    last_changes: dict[int, BookingEvent] = {}
    for event in (
        BookingEvent.objects.filter(booking__in=bookings)
        .exclude(from_status=F("to_status"))
        .exclude(from_status="")
        .order_by("pk")
    ):
        last_changes[event.booking_id] = event
    windows = OpeningHours.objects.filter(
        service__office=office, weekday=day.weekday()
    ).values_list("start", "end")
    timed = [*bookings, *sessions, *others]
    starts = [w[0] for w in windows] + [b.start.astimezone(JST).time() for b in timed]
    ends = [w[1] for w in windows] + [b.end.astimezone(JST).time() for b in timed]
    first = min(starts, default=time(9, 0)).replace(minute=0)
    last_end = max(ends, default=time(17, 0))
    last = time(min(23, last_end.hour + (1 if last_end.minute else 0)), 0)
    columns = {c.pk: index for index, c in enumerate(counselors, start=2)}
    blocks = []
    for booking in bookings:
        local_start = booking.start.astimezone(JST)
        local_end = booking.end.astimezone(JST)
        end_time = local_end.time() if local_end.date() == day else time(23, 55)
        booking.office = office
        last_change = last_changes.get(booking.pk)
        blocks.append(
            ScheduleBlock(
                booking=booking,
                meeting=meetings.get(booking.uuid),
                column=columns[booking.counselor_id],
                row_start=_row(first, local_start.time()),
                row_end=max(_row(first, end_time), _row(first, local_start.time()) + 1),
                device_check=device_checks.get(booking.pk),
                pending_change=pending_changes.get(booking.pk),
                offers=allowed_actions(booking, now),
                last_change=last_change if undo_refusal(last_change, now) is None else None,
            )
        )
    hours = [(f"{h}:00", _row(first, time(h, 0))) for h in range(first.hour, last.hour)]
    schedule = DaySchedule(day, counselors, blocks, first, last, hours)
    for session in sessions:
        row_start, row_end = _rows(first, day, session)
        schedule.sessions.append(
            SessionBlock(
                session=session, column=columns[session.counselor_id],
                row_start=row_start, row_end=row_end,
            )
        )  # fmt: skip
    for other in others:
        if other.counselor_id in columns:
            other.column = columns[other.counselor_id]
            other.row_start, other.row_end = _rows(first, day, other)
            schedule.others.append(other)
    local_now = now.astimezone(JST)
    if local_now.date() == day and first <= local_now.time() < last:
        schedule.now_row = _row(first, local_now.time())
    return schedule
