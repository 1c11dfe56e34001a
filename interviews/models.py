"""
Online interviews (オンライン面接) between an employer and a job seeker the office refers,
arranged by a counselor for one job opening.

An `Employer` is the employer's record at the office (company, HR contact, the address the
office sends to); an `Interview` names it, the job seeker's record (`bookings.Applicant`)
and the opening's number. The counselor proposes times (`InterviewTime`); each party
(`InterviewParty`) confirms one from their own secret link, and once both confirmed the
same time it is taken under the office's booking lock. PostgreSQL's exclusion constraints
(migration 0002) keep a scheduled interview from overlapping another of the same counselor
(when they attend), job seeker or employer, whatever code writes them.
"""

import re
import unicodedata
import uuid
from contextlib import suppress
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bookings.models import Applicant
from bookings.state import Actor
from bookings.tokens import SecretLinked
from common import languages
from common.fields import ClockDateTimeField
from interviews.state import CancelledBy, InterviewReason, InterviewStatus, Role
from offices import display
from offices.models import Counselor, Office
from terms.models import Consent

# A Hello Work job opening number as printed on the opening: the office's 5-digit code, a
# hyphen and an 8-digit serial (e.g. 42020-12345678).
JOB_NUMBER = re.compile(r"^\d{5}-\d{8}$")


def job_number_clean(value: str) -> str:
    """The number in half-width digits with an ASCII hyphen; ValidationError if it is not
    one (full-width digits and a long dash, as typed from a printout, are accepted)."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    value = re.sub(r"[‐-―−ー]", "-", value)
    if not JOB_NUMBER.match(value):
        raise ValidationError(
            _(
                "Enter the job opening number as printed on the opening: 5 digits, a hyphen "
                "and 8 digits (for example 42020-12345678)."
            ),
            code="job_number",
        )
    return value


class Employer(models.Model):
    """An employer with openings at the office, as the office knows it (never typed by the
    public): the address is where the office sends the interview's links."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="employers", verbose_name=_("office")
    )
    company_name = models.CharField(_("company"), max_length=200)
    contact_name = models.CharField(_("HR contact"), max_length=100)
    email = models.EmailField(_("employer's email"))
    personal_data_purged_at = models.DateTimeField(
        _("personal data purged at"), null=True, blank=True, editable=False
    )
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["office", "company_name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "email"], name="employer_unique_email"),
        ]

    def __str__(self) -> str:
        return self.company_name


class Interview(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("office")
    )
    job_number = models.CharField(_("job opening number"), max_length=14)
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("employer")
    )
    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.PROTECT,
        related_name="interviews",
        verbose_name=_("job seeker"),
    )
    counselor = models.ForeignKey(
        Counselor,
        on_delete=models.PROTECT,
        related_name="interviews",
        verbose_name=_("counselor"),
    )
    counselor_attends = models.BooleanField(
        _("counselor attends"),
        default=False,
        help_text=_("The counselor's time is taken too, as by a booking."),
    )
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"))
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InterviewStatus.choices,
        default=InterviewStatus.PROPOSED,
        db_index=True,
    )
    cancelled_by = models.CharField(
        _("cancelled by"), max_length=20, choices=CancelledBy.choices, blank=True
    )
    move_asked_by = models.CharField(
        _("move asked by"), max_length=20, choices=Role.choices, blank=True
    )
    times_moved = models.PositiveSmallIntegerField(_("times moved"), default=0)
    employer_consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("employer's consent"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("arranged by"),
    )  # fmt: skip
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("online interview")
        verbose_name_plural = _("online interviews")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__gt=models.F("start")),
                name="interview_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(start__isnull=False),
                name="interview_scheduled_has_time",
            ),
        ]
        indexes = [models.Index(fields=["office", "start"], name="interview_office_start")]

    def __str__(self) -> str:
        return self.reference

    @property
    def when(self) -> str:
        return display.format_session(self.start, self.end) if self.start else "-"


class InterviewTime(models.Model):
    """One time the counselor proposed (or took from the employer)."""

    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="times", verbose_name=_("interview")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        verbose_name = _("proposed time")
        verbose_name_plural = _("proposed times")
        ordering = ["interview", "start"]

    def __str__(self) -> str:
        return display.format_session(self.start, self.end)


class InterviewParty(SecretLinked):
    """
    One side of an interview: the link it confirms, moves or cancels with (`SecretLinked`:
    only the token's SHA-256 is kept), the time it confirmed, its own join information,
    the language of its emails, and whether it came.
    """

    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="parties", verbose_name=_("interview")
    )
    role = models.CharField(_("party"), max_length=20, choices=Role.choices)
    confirmed_time = models.ForeignKey(
        InterviewTime,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("time confirmed"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    join_url = models.URLField(_("own join link"), max_length=500, blank=True)
    registrant_id = models.CharField(_("registered at the platform as"), max_length=100, blank=True)
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    absent_at = models.DateTimeField(_("recorded absent at"), null=True, blank=True)
    # The language of this party's emails (common/languages.py): the job seeker's as they
    # book, the employer's Japanese or English.
    language = models.CharField(
        _("language"), max_length=languages.CODE_MAX_LENGTH, default=languages.DEFAULT,
        choices=languages.CHOICES,
    )  # fmt: skip

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["interview", "role"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "role"], name="interview_party_role"),
        ]

    def __str__(self) -> str:
        return self.get_role_display()


class InterviewEvent(models.Model):
    """One change of an interview: who, when, from, to, what (a reason code). Never edited."""

    interview = models.ForeignKey(
        Interview, on_delete=models.PROTECT, related_name="events", verbose_name=_("interview")
    )
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(_("status before"), max_length=20, blank=True)
    to_status = models.CharField(_("status after"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by staff"),
    )
    actor_label = models.CharField(_("by"), max_length=40, choices=Actor.choices)
    party = models.CharField(_("party"), max_length=20, choices=Role.choices, blank=True)
    reason_code = models.CharField(_("what"), max_length=40, choices=InterviewReason.choices)
    reason_params = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("interview event")
        verbose_name_plural = _("interview events")
        ordering = ["interview", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.interview} {self.describe()}"

    def describe(self) -> str:
        template = str(InterviewReason(self.reason_code).label)
        params = dict(self.reason_params)
        if "role" in params and params["role"] in Role.values:
            params["role"] = Role(params["role"]).label
        if "by" in params and params["by"] in CancelledBy.values:
            params["by"] = CancelledBy(params["by"]).label
        for key, value in params.items():
            if key.endswith("_at") and isinstance(value, str):
                with suppress(ValueError):
                    params[key] = display.format_datetime(datetime.fromisoformat(value))
        try:
            return template % params if params else template
        except (KeyError, TypeError, ValueError):
            return template


class SelectionBlock(SecretLinked):
    """
    Managed selection (管理選考): a block the counselor sets on one day (13:00–16:00 in
    30-minute turns, say) in which the employer interviews the candidates the office refers
    for one opening, one after another. Each candidate picks a turn from their own link; a
    turn taken is an `Interview` of its own (one meeting, each side's own way in). The
    employer follows the day from the block's own link (`SecretLinked`), which shows only
    what a referral shares.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CANCELLED = "cancelled", _("Cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="selection_blocks", verbose_name=_("office")
    )
    job_number = models.CharField(_("job opening number"), max_length=14)
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        related_name="selection_blocks",
        verbose_name=_("employer"),
    )
    counselor = models.ForeignKey(
        Counselor, on_delete=models.PROTECT, related_name="+", verbose_name=_("counselor")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    turn_minutes = models.PositiveSmallIntegerField(_("minutes per turn"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    employer_language = models.CharField(
        _("employer's language"), max_length=languages.CODE_MAX_LENGTH,
        default=languages.DEFAULT, choices=languages.CHOICES,
    )  # fmt: skip
    employer_consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("employer's consent"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("set up by"),
    )  # fmt: skip
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("managed selection")
        verbose_name_plural = _("managed selections")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="selection_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job_number} {display.format_session(self.start, self.end)}"


class SelectionCandidate(SecretLinked):
    """A job seeker the office refers to the block, with the secret link to pick a turn."""

    block = models.ForeignKey(
        SelectionBlock,
        on_delete=models.CASCADE,
        related_name="candidates",
        verbose_name=_("managed selection"),
    )
    applicant = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="+", verbose_name=_("job seeker")
    )

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.UniqueConstraint(fields=["block", "applicant"], name="selection_candidate_once"),
        ]

    def __str__(self) -> str:
        return self.applicant.name


class SelectionTurn(models.Model):
    """One turn of a block; taken, it names the candidate's interview."""

    block = models.ForeignKey(
        SelectionBlock,
        on_delete=models.CASCADE,
        related_name="turns",
        verbose_name=_("managed selection"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    candidate = models.OneToOneField(
        SelectionCandidate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="turn",
        verbose_name=_("candidate"),
    )
    interview = models.OneToOneField(
        Interview,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="turn",
        verbose_name=_("interview"),
    )

    class Meta:
        verbose_name = _("turn")
        verbose_name_plural = _("turns")
        ordering = ["block", "start"]
        constraints = [
            models.UniqueConstraint(fields=["block", "start"], name="selection_turn_once"),
        ]

    def __str__(self) -> str:
        return display.format_session(self.start, self.end)
