"""
The office's figures (実績) count its online interviews beside its bookings: held, each
side absent, cancelled by whom, and those still to come, by the day of their time (or of
their arranging, for one cancelled before a time was set). Registered with
`bookings.hooks` at start, since `reports` may not import this app; counts only.
"""

from datetime import datetime

from django.db.models import Count, DateTimeField, Q
from django.db.models.functions import Coalesce
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from bookings.hooks import FigureSource
from interviews.models import Interview
from interviews.state import CancelledBy, InterviewReason, InterviewStatus

_CANCELLED = InterviewStatus.CANCELLED
OUTCOMES = {
    "held": Q(status=InterviewStatus.HELD),
    "seeker_absent": Q(status=InterviewStatus.SEEKER_ABSENT),
    "employer_absent": Q(status=InterviewStatus.EMPLOYER_ABSENT),
    "cancelled_employer": Q(status=_CANCELLED, cancelled_by=CancelledBy.EMPLOYER),
    "cancelled_job_seeker": Q(status=_CANCELLED, cancelled_by=CancelledBy.JOB_SEEKER),
    "cancelled_office": Q(status=_CANCELLED, cancelled_by=CancelledBy.OFFICE),
    "scheduled": Q(status=InterviewStatus.SCHEDULED),
}


def _cancelled_by(by: CancelledBy):
    """ "Cancelled by the employer" (as the interview's history says it), worded when shown."""
    return lazy(lambda: str(InterviewReason.CANCELLED.label) % {"by": by.label}, str)()


def interview_counts(
    office_ids: list[int], spans: list[tuple[datetime, datetime]]
) -> list[dict[str, int]]:
    """Key of `OUTCOMES` -> interviews of these offices, for each span: one query."""
    at = Coalesce("start", "created_at", output_field=DateTimeField())
    counts = {}
    for index, (start, end) in enumerate(spans):
        within = Q(at__gte=start, at__lt=end)
        for key, outcome in OUTCOMES.items():
            counts[f"{key}_{index}"] = Count("pk", filter=within & outcome)
    row = Interview.objects.filter(office_id__in=office_ids).annotate(at=at).aggregate(**counts)
    return [{key: row[f"{key}_{index}"] for key in OUTCOMES} for index in range(len(spans))]


FIGURES = FigureSource(
    slug="interviews",
    title=_("Online interviews: held, absent and cancelled"),
    how=_(
        "The office's online interviews between an employer and a job seeker (managed "
        "selection's turns included), by the day of their time, or of their arranging when "
        "cancelled before a time was set. Counted apart from the bookings above."
    ),
    rows=(
        ("held", InterviewStatus.HELD.label),
        ("seeker_absent", InterviewStatus.SEEKER_ABSENT.label),
        ("employer_absent", InterviewStatus.EMPLOYER_ABSENT.label),
        ("cancelled_employer", _cancelled_by(CancelledBy.EMPLOYER)),
        ("cancelled_job_seeker", _cancelled_by(CancelledBy.JOB_SEEKER)),
        ("cancelled_office", _cancelled_by(CancelledBy.OFFICE)),
        ("scheduled", _("Time set, still to come or without an outcome yet")),
    ),
    count=interview_counts,
)
