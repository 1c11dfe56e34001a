"""
Terms of use, versioned per office, and the consents given to exact versions.

A version is a draft until published; once published its text never changes (database
triggers enforce it, see migration 0002), and a correction is a new version. At any
moment the version in force for an office is the published, not withdrawn one with the
latest effective-from that has passed. A consent names the exact version the person saw;
consents are never edited.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.fields import ClockDateTimeField
from offices import display
from offices.models import Office


class TermsVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        IN_FORCE = "in_force", _("In force")
        SUPERSEDED = "superseded", _("Superseded")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="terms_versions", verbose_name=_("office")
    )
    version = models.CharField(
        _("version"),
        max_length=40,
        help_text=_("A label people can cite, e.g. 2023-07-14 or 第2版."),
    )
    title = models.CharField(_("title (Japanese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body = models.TextField(
        _("text (Japanese)"),
        help_text=_(
            "Markdown: # for headings, blank lines between paragraphs, - for lists. "
            "HTML is not allowed and is shown as plain text."
        ),
    )
    body_en = models.TextField(
        _("text (English)"),
        blank=True,
        help_text=_("Optional. Without it, English readers see the Japanese text."),
    )
    change_summary = models.TextField(
        _("what changed (Japanese)"),
        blank=True,
        help_text=_("Shown to people who agreed to an earlier version, before they agree again."),
    )
    change_summary_en = models.TextField(_("what changed (English)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    body_en_html = models.TextField(editable=False, blank=True)
    effective_from = models.DateTimeField(_("in force from"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = ClockDateTimeField(_("created at"), auto_now_add=True)
    updated_at = ClockDateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("terms of use version")
        verbose_name_plural = _("terms of use versions")
        ordering = ["office", "-effective_from", "-created_at"]
        permissions = [("publish_termsversion", _("Can publish and withdraw terms of use"))]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "version"],
                name="terms_unique_version_label",
                violation_error_message=_("This office already has a version with this label."),
            ),
            models.UniqueConstraint(
                fields=["office", "effective_from"],
                condition=Q(published_at__isnull=False, withdrawn_at__isnull=True),
                name="terms_one_version_per_moment",
                violation_error_message=_(
                    "Another version of this office takes effect at the same moment."
                ),
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(effective_from__isnull=False),
                name="terms_published_has_effective_date",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(published_at__isnull=False),
                name="terms_only_published_can_be_withdrawn",
            ),
        ]
        indexes = [models.Index(fields=["office", "effective_from"], name="terms_office_effective")]

    def __str__(self) -> str:
        return f"{self.office.name} {self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def status_at(self, moment) -> "TermsVersion.Status":
        """Draft, withdrawn, scheduled or in force/superseded (the last needs the others)."""
        if self.published_at is None:
            return self.Status.DRAFT
        if self.withdrawn_at is not None:
            return self.Status.WITHDRAWN
        if self.effective_from > moment:
            return self.Status.SCHEDULED
        return self.Status.IN_FORCE


class Consent(models.Model):
    """
    A person's agreement to one exact version. `applicant_uuid` is the applicant's
    reference in the bookings app (this app does not import bookings).
    """

    class ApplicantKind(models.TextChoices):
        JOB_SEEKER = "job_seeker", _("Job seeker")
        EMPLOYER = "employer", _("Employer")

    class Channel(models.TextChoices):
        WEB = "web", _("Web form (checkbox)")
        PHONE = "phone", _("Stated by phone, recorded by a counselor")
        SESSION = "session", _("During a session, recorded by a counselor")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="consents", verbose_name=_("office")
    )
    terms_version = models.ForeignKey(
        TermsVersion,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("terms of use version"),
    )
    applicant_uuid = models.UUIDField(_("applicant"), db_index=True)
    applicant_kind = models.CharField(
        _("applicant kind"), max_length=20, choices=ApplicantKind.choices
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    given_at = models.DateTimeField(_("given at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    ip_prefix = models.CharField(
        _("network (truncated IP)"),
        max_length=50,
        blank=True,
        help_text=_("The IPv4 /24 or IPv6 /48 network, never the full address."),
    )
    device_type = models.CharField(
        _("device"),
        max_length=40,
        blank=True,
        help_text=_("A coarse label such as “iPhone / Safari”, never the browser string."),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]
        indexes = [
            models.Index(fields=["office", "applicant_uuid", "-given_at"], name="consent_latest")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel="web") | Q(recorded_by__isnull=False),
                name="consent_staff_channel_has_recorder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.terms_version} @ {display.format_datetime(self.given_at)}"
