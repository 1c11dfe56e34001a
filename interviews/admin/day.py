"""
The day's interviews on the counselor's schedule (`bookings.admin.schedule.DAY_PANELS`): a
panel under the grid lists each with both parties' names, the counselor, its state and the
staff's own way into its meeting; an interview the counselor attends is also a block in
their column, as a booking is (its time is theirs). Two queries; none of it reaches the
public.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.admin.schedule import day_panel_register
from bookings.selectors.schedule import OtherBlock
from conferencing.models import OnlineMeeting
from interviews.selectors import interviews_of_day_with_meetings
from interviews.state import InterviewStatus
from offices.display import format_session

# The booking status whose colours each state takes on the grid.
LOOKS = {
    InterviewStatus.SCHEDULED: "confirmed",
    InterviewStatus.HELD: "completed",
    InterviewStatus.SEEKER_ABSENT: "no_show",
    InterviewStatus.EMPLOYER_ABSENT: "no_show",
    InterviewStatus.CANCELLED: "cancelled",
}


def _staff_link(interview, meeting: OnlineMeeting | None) -> str:
    """The staff's way in: the host link where the platform gives one, else the meeting's
    link; none before the meeting is issued or once the interview is over."""
    if interview.status != InterviewStatus.SCHEDULED or meeting is None:
        return ""
    if meeting.status != OnlineMeeting.Status.ISSUED:
        return ""
    return meeting.host_url or meeting.join_url


def schedule_panel(*, office, day, now) -> dict | None:
    found = interviews_of_day_with_meetings(office=office, day=day)
    if not found:
        return None
    rows, blocks = [], []
    for interview, meeting in found:
        anchor = f"interview-{interview.pk}"
        seeker = interview.applicant.name or "—"  # empty once purged
        company = interview.employer.company_name
        rows.append(
            {
                "anchor": anchor,
                "when": format_session(interview.start, interview.end),
                "status": interview.get_status_display(),
                "counselor": interview.counselor.display_name,
                "attends": interview.counselor_attends,
                "seeker": seeker,
                "seeker_url": reverse(
                    "admin:bookings_applicant_change", args=[interview.applicant_id]
                ),
                "company": company,
                "contact": interview.employer.contact_name,
                "job_number": interview.job_number,
                "join_url": _staff_link(interview, meeting),
                "meeting_status": meeting.get_status_display() if meeting else "",
                "url": reverse("admin:interviews_interview_change", args=[interview.pk]),
            }
        )
        if interview.counselor_attends and interview.status != InterviewStatus.CANCELLED:
            blocks.append(
                OtherBlock(
                    counselor_id=interview.counselor_id, start=interview.start,
                    end=interview.end, kind=_("Online interview"),
                    title=f"{seeker} · {company}", status=interview.get_status_display(),
                    anchor=anchor, look=LOOKS.get(interview.status, "confirmed"),
                )
            )  # fmt: skip
    interviews = [interview for interview, _meeting in found]
    return {
        "template": "admin/interviews/schedule_panel.html",
        "context": {"rows": rows},
        "blocks": blocks,
        "records": {
            "interview": [i.pk for i in interviews],
            "applicant": [i.applicant_id for i in interviews],
            "employer": [i.employer_id for i in interviews],
        },
    }


day_panel_register(schedule_panel)
