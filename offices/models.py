"""
Offices and their rules, all as data: a sixth office is added in the admin, with no code.

An Office carries its facts and the default booking rules; each Service (a bookable kind
of session) may override any rule, a blank field meaning "as the office". The resolved
rules of a service come from `offices.rules.rules_for_service`, never from the fields
directly, so the inheritance lives in one place.
"""

from datetime import time

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common import languages
from offices.accommodation import EXTRA_MINUTES_MAX
from offices.phone import tel_uri


class Platform(models.TextChoices):
    TEAMS = "teams", _("Microsoft Teams")
    ZOOM = "zoom", _("Zoom")
    TELEOFFICE = "teleoffice", _("TeleOffice")


class OfficeKind(models.TextChoices):
    HELLO_WORK = "hello_work", _("Hello Work (public employment security office)")
    VOCATIONAL_CENTER = "vocational_center", _("Vocational center for persons with disabilities")


class ConfirmationMode(models.TextChoices):
    INSTANT = "instant", _("Confirmed at once")
    STAFF_APPROVAL = "staff_approval", _("Confirmed by a counselor")


class LeadTimeUnit(models.TextChoices):
    BUSINESS_DAYS = "business_days", _("business days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")


class FieldRequirement(models.TextChoices):
    REQUIRED = "required", _("Required")
    OPTIONAL = "optional", _("Optional")
    NOT_ASKED = "not_asked", _("Not asked")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


SLOT_MINUTES_VALIDATORS = [MinValueValidator(10), MaxValueValidator(240)]
LEAD_DAYS_VALIDATORS = [MaxValueValidator(30)]
HORIZON_VALIDATORS = [MinValueValidator(1), MaxValueValidator(366)]

HELP_SLOT = _("Length of one session in minutes (10 to 240).")
HELP_EXTENSION = _(
    "How many minutes a counselor may add to a session (for example 15 turns 30 into 45). "
    "0 = sessions cannot be extended."
)
HELP_CONFIRMATION = _(
    "Confirmed at once: the time is booked when the person submits (after the email check "
    "where one is asked). Confirmed by a counselor: the time is held until a counselor "
    "confirms it or offers another."
)
HELP_VERIFICATION = _(
    "Minutes the person has to click the link in the email-address check; the booking "
    "lapses and the time is freed after that. 0 = no email check."
)
HELP_DECISION = _(
    "With counselor approval: hours a counselor has to confirm, propose another time or "
    "decline a request once the person confirmed it from the email (never later than the "
    "session's start). Undecided, the request lapses, the time is freed and the person is "
    "told and offered to book again."
)
HELP_DECISION_DAYS = _(
    "With counselor approval: the business days a counselor has to answer a request once "
    "the person confirmed it from the email, until the end of the service's hours on the "
    "last of them (never later than the session's start); the person is told that date and "
    "time. 0 = the hours above."
)
HELP_LEAD_DAYS = _(
    "The booking must be complete this many days before the session (0 = the same day)."
)
HELP_LEAD_UNIT = _(
    "Business days skip weekends, national holidays, December 29 to January 3 and the "
    "office's closures."
)
HELP_LEAD_CUTOFF = _(
    "Time of day on that day until which bookings are taken (this minute included); "
    "23:59 = until the end of the day."
)
HELP_HORIZON = _("How many days ahead a time can be booked.")
HELP_CANCEL_ALLOWED = _(
    "Whether the person may cancel online from the link in their email. If not, they "
    "cancel by phone."
)
HELP_CANCEL_DAYS = _(
    "Online cancellation is possible until the end of the day this many days before the "
    "session; after that only by phone. 0 = until the session starts; 1 = same-day "
    "cancellation by phone only."
)
HELP_RESCHEDULE_LIMIT = _(
    "How many times a person may move a booking to another time from their booking page, "
    "while online cancellation is still possible. 0 = only by phone."
)
HELP_JOB_SEEKER_NUMBER = _("Whether the booking form asks for the job-seeker number.")
INHERIT = _(" Blank = as the office.")


class Office(models.Model):
    slug = models.SlugField(
        _("slug"), max_length=40, unique=True, help_text=_("Used in addresses: /offices/<slug>/")
    )
    name = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    kind = models.CharField(_("kind"), max_length=30, choices=OfficeKind.choices)
    platform = models.CharField(
        _("video platform"),
        max_length=20,
        choices=Platform.choices,
        help_text=_("Every online session of this office takes place on this platform."),
    )
    platform_account = models.CharField(
        _("platform account"),
        max_length=60,
        blank=True,
        help_text=_(
            "The name of the Zoom or Microsoft 365 account configured on the server for this "
            "office, e.g. zoom:toyooka or teams:yamaguchi. Not needed for TeleOffice."
        ),
    )
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        help_text=_("Shown to the public for cancellations and connection trouble."),
    )
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    court = models.CharField(
        _("competent court"),
        max_length=100,
        help_text=_("The district court named in the terms of use, e.g. さいたま地方裁判所."),
    )
    employers_may_book = models.BooleanField(
        _("employers may book"),
        default=False,
        help_text=_("Whether the HR staff of employers may book sessions (online interviews)."),
    )
    no_show_grace_minutes = models.PositiveSmallIntegerField(
        _("no-show grace (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "A confirmed booking counts as a no-show when the person has not appeared this "
            "many minutes after the start and has not contacted the office."
        ),
    )
    check_in_opens_minutes = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before the start)"),
        default=15,
        validators=[MaxValueValidator(120)],
        help_text=_(
            "Counselors can check a person in, extend the session or switch it to phone from "
            "this many minutes before the start until its end."
        ),
    )
    no_show_bar_threshold = models.PositiveSmallIntegerField(
        _("no-shows before refusal"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "After this many unannounced no-shows the person can no longer book online until "
            "a counselor lifts the bar. Blank = never."
        ),
    )
    preparation_note = models.TextField(
        _("how to prepare (Japanese)"),
        blank=True,
        help_text=_("Shown on the office page after the platform's general guidance."),
    )
    preparation_note_en = models.TextField(_("how to prepare (English)"), blank=True)
    ruby = models.BooleanField(
        _("furigana in plain Japanese"),
        default=False,
        help_text=_(
            "Pages in やさしい日本語 show readings (ruby) over the kanji of their headings."
        ),
    )
    plain_summary = models.BooleanField(
        _("plain-language summary"),
        default=False,
        help_text=_(
            "The office's page, the last booking step and the person's emails show a short "
            "summary of the rules in plain words (in Japanese: やさしい日本語 with readings "
            "over the kanji)."
        ),
    )
    # Accommodation (合理的配慮): offices.accommodation.
    accommodation_means = models.JSONField(
        _("accommodation offered"),
        default=list,
        blank=True,
        help_text=_(
            "What the office can arrange so that a person can take part. The person ticks "
            "what they need when booking (online, by invitation or on the phone) and may "
            "change it on their booking page; counselors see it in the day's schedule, on "
            "the booking and in their emails. None ticked: the booking pages ask nothing."
        ),
    )
    accommodation_extra_minutes = models.PositiveSmallIntegerField(
        _("more time: minutes added"),
        default=0,
        validators=[MaxValueValidator(EXTRA_MINUTES_MAX)],
        help_text=_(
            "With “More time” offered and ticked, the booking holds the session's length plus "
            "these minutes (the counselor is booked for them too). 0 = more time is a request "
            "the counselor allows for within the session's length."
        ),
    )
    admin_note = models.TextField(
        _("notes for office managers"),
        blank=True,
        help_text=_(
            "Internal; never shown to the public. For example which values are demo values "
            "still to be confirmed."
        ),
    )
    is_published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Only published offices appear on the public site."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    # Default booking rules; each Service may override them.
    slot_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"),
        default=30,
        validators=SLOT_MINUTES_VALIDATORS,
        help_text=HELP_SLOT,
    )
    max_extension_minutes = models.PositiveSmallIntegerField(
        _("maximum extension (minutes)"),
        default=0,
        validators=[MaxValueValidator(120)],
        help_text=HELP_EXTENSION,
    )
    confirmation_mode = models.CharField(
        _("confirmation"),
        max_length=20,
        choices=ConfirmationMode.choices,
        default=ConfirmationMode.INSTANT,
        help_text=HELP_CONFIRMATION,
    )
    email_verification_minutes = models.PositiveSmallIntegerField(
        _("email check window (minutes)"),
        default=0,
        validators=[MaxValueValidator(24 * 60)],
        help_text=HELP_VERIFICATION,
    )
    request_decision_hours = models.PositiveSmallIntegerField(
        _("time to answer a request (hours)"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
        help_text=HELP_DECISION,
    )
    request_decision_business_days = models.PositiveSmallIntegerField(
        _("time to answer a request (business days)"),
        default=0,
        validators=[MaxValueValidator(10)],
        help_text=HELP_DECISION_DAYS,
    )
    proposal_answer_hours = models.PositiveSmallIntegerField(
        _("time to accept a proposed time (hours)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_(
            "With counselor approval: hours the person has to accept another time a "
            "counselor proposed (never later than its start). Not accepted by then, the "
            "request lapses, the time is freed and the person is told."
        ),
    )
    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time"), default=1, validators=LEAD_DAYS_VALIDATORS, help_text=HELP_LEAD_DAYS
    )
    lead_time_unit = models.CharField(
        _("lead time unit"),
        max_length=20,
        choices=LeadTimeUnit.choices,
        default=LeadTimeUnit.CALENDAR_DAYS,
        help_text=HELP_LEAD_UNIT,
    )
    lead_time_cutoff = models.TimeField(
        _("lead time cut-off"), default=time(23, 59), help_text=HELP_LEAD_CUTOFF
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        default=60,
        validators=HORIZON_VALIDATORS,
        help_text=HELP_HORIZON,
    )
    online_cancel_allowed = models.BooleanField(
        _("online cancellation"), default=True, help_text=HELP_CANCEL_ALLOWED
    )
    online_cancel_days_before = models.PositiveSmallIntegerField(
        _("online cancellation until (days before)"),
        default=1,
        validators=[MaxValueValidator(30)],
        help_text=HELP_CANCEL_DAYS,
    )
    reschedule_limit = models.PositiveSmallIntegerField(
        _("changes of time online"),
        default=2,
        validators=[MaxValueValidator(10)],
        help_text=HELP_RESCHEDULE_LIMIT,
    )
    job_seeker_number = models.CharField(
        _("job-seeker number"),
        max_length=20,
        choices=FieldRequirement.choices,
        default=FieldRequirement.REQUIRED,
        help_text=HELP_JOB_SEEKER_NUMBER,
    )

    name_kana = models.CharField(
        _("name in kana"),
        max_length=20,
        choices=FieldRequirement.choices,
        default=FieldRequirement.OPTIONAL,
        help_text=_("Whether the booking form asks for the name in kana (フリガナ)."),
    )

    # Raised by every change of the setup that may leave bookings outside it (hours,
    # closures, session length, absences), with the same value on the office's counselors,
    # under their lock: a booking that read the offer before reads it again
    # (bookings.services.locking.office_setup_change_lock).
    setup_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["position", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=10, slot_minutes__lte=240),
                name="office_slot_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(horizon_days__gte=1), name="office_horizon_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def phone_missing_error(self) -> ValidationError | None:
        """
        A published office must give a phone number: its pages send people to the phone
        whatever its rules (a same-day cancellation, a refusal, no email by the next
        business day, trouble joining), and a person who cannot phone becomes a no-show.
        """
        if not self.is_published or (self.phone or "").strip():
            return None
        return ValidationError(
            _(
                "Enter the office's phone number: the public pages tell people to phone the "
                "office (same-day cancellation, refusals, trouble joining). Or unpublish the "
                "office until it is set."
            ),
            code="phone_required",
        )

    @property
    def phone_tel(self) -> str:
        """The number for a `tel:` link: digits (and a leading +) only."""
        return tel_uri(self.phone).removeprefix("tel:")

    def clean(self) -> None:
        super().clean()
        error = self.phone_missing_error()
        if error is not None:
            raise ValidationError({"phone": error})


class Service(models.Model):
    """A bookable kind of session at an office, with its hours and any rule overrides."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="services", verbose_name=_("office")
    )
    slug = models.SlugField(_("slug"), max_length=40)
    name = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    description = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    admin_note = models.TextField(
        _("notes for office managers"),
        blank=True,
        help_text=_("Internal; never shown to the public."),
    )
    accepts_web = models.BooleanField(
        _("open online booking"),
        default=True,
        help_text=_(
            "Anyone may book on the public site; the email address, once its link is "
            "opened, identifies them."
        ),
    )
    accepts_invitations = models.BooleanField(
        _("online booking by invitation"),
        default=False,
        help_text=_(
            "People a counselor invites may book online with their personal invitation link."
        ),
    )
    accepts_phone = models.BooleanField(
        _("phone bookings"), default=True, help_text=_("Counselors can enter bookings by phone.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    waitlist_enabled = models.BooleanField(
        _("waitlist"),
        default=False,
        help_text=_(
            "People who find no free time may join a waitlist for a day or a range of days "
            "(through open booking with the email check, or with their invitation); a time "
            "that frees up is offered to them one at a time, in the order they asked."
        ),
    )
    waitlist_offer_minutes = models.PositiveSmallIntegerField(
        _("waitlist offer held for (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
        help_text=_(
            "How long a freed time is kept for the person it is offered to before it passes to "
            "the next. An offer never outlasts the time's booking deadline, so close to the day "
            "it is shorter; choose fewer minutes (e.g. 15) where times free up on the day."
        ),
    )

    # Overrides of the office's rules: blank = as the office.
    slot_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"),
        null=True,
        blank=True,
        validators=SLOT_MINUTES_VALIDATORS,
        help_text=format_lazy("{}{}", HELP_SLOT, INHERIT),
    )
    max_extension_minutes = models.PositiveSmallIntegerField(
        _("maximum extension (minutes)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=format_lazy("{}{}", HELP_EXTENSION, INHERIT),
    )
    confirmation_mode = models.CharField(
        _("confirmation"),
        max_length=20,
        choices=ConfirmationMode.choices,
        blank=True,
        help_text=format_lazy("{}{}", HELP_CONFIRMATION, INHERIT),
    )
    email_verification_minutes = models.PositiveSmallIntegerField(
        _("email check window (minutes)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(24 * 60)],
        help_text=format_lazy("{}{}", HELP_VERIFICATION, INHERIT),
    )
    request_decision_hours = models.PositiveSmallIntegerField(
        _("time to answer a request (hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
        help_text=format_lazy("{}{}", HELP_DECISION, INHERIT),
    )
    request_decision_business_days = models.PositiveSmallIntegerField(
        _("time to answer a request (business days)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
        help_text=format_lazy("{}{}", HELP_DECISION_DAYS, INHERIT),
    )
    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time"),
        null=True,
        blank=True,
        validators=LEAD_DAYS_VALIDATORS,
        help_text=format_lazy("{}{}", HELP_LEAD_DAYS, INHERIT),
    )
    lead_time_unit = models.CharField(
        _("lead time unit"),
        max_length=20,
        choices=LeadTimeUnit.choices,
        blank=True,
        help_text=format_lazy("{}{}", HELP_LEAD_UNIT, INHERIT),
    )
    lead_time_cutoff = models.TimeField(
        _("lead time cut-off"),
        null=True,
        blank=True,
        help_text=format_lazy("{}{}", HELP_LEAD_CUTOFF, INHERIT),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        null=True,
        blank=True,
        validators=HORIZON_VALIDATORS,
        help_text=format_lazy("{}{}", HELP_HORIZON, INHERIT),
    )
    online_cancel_allowed = models.BooleanField(
        _("online cancellation"),
        null=True,
        blank=True,
        help_text=format_lazy("{}{}", HELP_CANCEL_ALLOWED, INHERIT),
    )
    online_cancel_days_before = models.PositiveSmallIntegerField(
        _("online cancellation until (days before)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(30)],
        help_text=format_lazy("{}{}", HELP_CANCEL_DAYS, INHERIT),
    )
    reschedule_limit = models.PositiveSmallIntegerField(
        _("changes of time online"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
        help_text=format_lazy("{}{}", HELP_RESCHEDULE_LIMIT, INHERIT),
    )
    job_seeker_number = models.CharField(
        _("job-seeker number"),
        max_length=20,
        choices=FieldRequirement.choices,
        blank=True,
        help_text=format_lazy("{}{}", HELP_JOB_SEEKER_NUMBER, INHERIT),
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["office", "position", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["office", "slug"], name="service_unique_slug"),
            models.CheckConstraint(
                condition=Q(slot_minutes__isnull=True)
                | Q(slot_minutes__gte=10, slot_minutes__lte=240),
                name="service_slot_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office.name} / {self.name}"


class OpeningHours(models.Model):
    """
    One window of a service's weekly hours; a day may have several (Kawagoe: 9:30-12:00
    and 13:00-16:00). `office` repeats `service.office` so that an office's hours are
    edited on the office's page and read with one query.
    """

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("office")
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("service")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("opens"))
    end = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["service", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="hours_end_after_start",
                violation_error_message=_("The closing time must be after the opening time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class Closure(models.Model):
    """A day an office departs from its calendar: closed, or open when it would be closed."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed")
        EXTRA_OPENING = "extra_opening", _("Extra opening")

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="closures", verbose_name=_("office")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CLOSED)
    start = models.TimeField(
        _("opens"), null=True, blank=True, help_text=_("Extra openings only: from this time.")
    )
    end = models.TimeField(
        _("closes"), null=True, blank=True, help_text=_("Extra openings only: until this time.")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("closure or extra opening")
        verbose_name_plural = _("closures and extra openings")
        ordering = ["office", "date", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "date"],
                condition=Q(kind="closed"),
                name="closure_one_per_day",
                violation_error_message=_("This day is already listed as closed."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="closed") & Q(start__isnull=True) & Q(end__isnull=True))
                | (Q(kind="extra_opening") & Q(end__gt=F("start"))),
                name="closure_times_match_kind",
                violation_error_message=_(
                    "A closure has no times; an extra opening needs a start and a later end."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class ContentTranslation(models.Model):
    """
    The office's own text a person reads, in one more language: the office's name and how to
    prepare, or (with a service) the service's name and description. Japanese lives on the
    Office and Service themselves, English in their `_en` fields; a language without a row,
    or with a blank field, shows the Japanese with a note (offices.content).
    """

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="content_translations",
        verbose_name=_("office"),
    )  # fmt: skip
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True,
        related_name="content_translations", verbose_name=_("service"),
        help_text=_("Blank: the office's own name and how to prepare."),
    )  # fmt: skip
    language = models.CharField(
        _("language"), max_length=languages.CODE_MAX_LENGTH, choices=languages.CONTENT_CHOICES
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    text = models.TextField(
        _("text"),
        blank=True,
        help_text=_("The office: how to prepare. A service: its description."),
    )

    class Meta:
        verbose_name = _("translation of the public page")
        verbose_name_plural = _("translations of the public page")
        ordering = ["service_id", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "language"], condition=Q(service__isnull=True),
                name="content_translation_one_per_office_language",
            ),
            models.UniqueConstraint(
                fields=["service", "language"], condition=Q(service__isnull=False),
                name="content_translation_one_per_service_language",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.language}: {self.name or self.text[:30]}"

    def clean(self):
        if self.service_id and self.office_id and self.service.office_id != self.office_id:
            raise ValidationError({"service": _("Choose a service of this office.")})


class User(AbstractUser):
    """A staff account. Each non-superuser belongs to one office and sees only its data."""

    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("office"),
        help_text=_("Staff see and edit only this office's data. Superusers see every office."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class Counselor(models.Model):
    """A staff member who takes sessions. The public never sees counselors' names."""

    user = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="counselor", verbose_name=_("user")
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="counselors", verbose_name=_("office")
    )
    display_name = models.CharField(_("display name"), max_length=100)
    is_active = models.BooleanField(
        _("takes bookings"),
        default=True,
        help_text=_("Inactive counselors keep their history but get no new bookings."),
    )
    setup_version = models.PositiveIntegerField(default=0, editable=False)  # as the office's

    class Meta:
        verbose_name = _("counselor")
        verbose_name_plural = _("counselors")
        ordering = ["office", "display_name"]

    def __str__(self) -> str:
        return self.display_name


class CounselorAbsence(models.Model):
    counselor = models.ForeignKey(
        Counselor, on_delete=models.CASCADE, related_name="absences", verbose_name=_("counselor")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until (inclusive)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["counselor", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="absence_end_not_before_start",
                violation_error_message=_("The last day must not be before the first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counselor}: {self.start_date}–{self.end_date}"
