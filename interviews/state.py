"""
The statuses of an online interview, the two parties, and the reason codes of its events
(one glossary for the admin, the parties' pages and the emails).

    proposed --(both parties confirm one of the times; the time taken)--> scheduled
    scheduled --(the counselor records it held)--> held
    scheduled --(10 minutes after the start, one party not there)--> seeker_absent / employer_absent
    scheduled --(a party asks to move; the counselor proposes again)--> proposed (moved)
    proposed / scheduled --(a party within the office's rules, or the office)--> cancelled
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InterviewStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for both parties to confirm a time")
    SCHEDULED = "scheduled", _("Time set")
    HELD = "held", _("Held")
    SEEKER_ABSENT = "seeker_absent", _("The job seeker did not attend")
    EMPLOYER_ABSENT = "employer_absent", _("The employer did not attend")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE = (InterviewStatus.PROPOSED, InterviewStatus.SCHEDULED)
# Statuses that hold their time (the exclusion constraints of migration 0001 name it too).
HOLDS_TIME = (InterviewStatus.SCHEDULED,)


class Role(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    JOB_SEEKER = "job_seeker", _("Job seeker")


class CancelledBy(models.TextChoices):
    EMPLOYER = "employer", _("the employer")
    JOB_SEEKER = "job_seeker", _("the job seeker")
    OFFICE = "office", _("the office")


class InterviewReason(models.TextChoices):
    """What an interview's event records; `%(...)s` placeholders come from its params."""

    ARRANGED = "arranged", _("Arranged by the office with %(count)s proposed time(s)")
    PARTY_CONFIRMED = "party_confirmed", _("%(role)s confirmed %(start_at)s")
    TERMS_AGREED = "terms_agreed", _("The employer agreed to the terms of use in force")
    SCHEDULED = "scheduled", _("Both parties confirmed: the time is taken")
    TIME_TAKEN = "time_taken", _("The time confirmed was no longer free")
    MOVE_ASKED = "move_asked", _("%(role)s asked to move the interview")
    MOVED = "moved", _("Moved: new times proposed by the office")
    CANCELLED = "cancelled", _("Cancelled by %(by)s")
    JOINED = "joined", _("%(role)s joined")
    ABSENT = "absent", _("%(role)s had not joined %(minutes)s minutes after the start")
    HELD = "held", _("Held")
    MEETING_LINK = "meeting_link", _("Join link entered by the office")
    TURN_PICKED = "turn_picked", _("The job seeker picked this turn of a managed selection")
