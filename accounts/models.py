from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class KnownDevice(models.Model):
    """
    A browser a staff member has signed in from: a random value in a long-lived cookie,
    kept here only as a hash. A sign-in from a browser without a known value emails the
    account ("a sign-in from a new device").
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_devices",
        verbose_name=_("user"),
    )  # fmt: skip
    key_hash = models.CharField(max_length=64)
    device_type = models.CharField(_("device"), max_length=40, blank=True)
    first_seen = models.DateTimeField(_("first sign-in"))
    last_seen = models.DateTimeField(_("last sign-in"))

    class Meta:
        verbose_name = _("known device")
        verbose_name_plural = _("known devices")
        constraints = [
            models.UniqueConstraint(fields=["user", "key_hash"], name="known_device_once"),
        ]

    def __str__(self) -> str:
        return self.device_type or "?"


class SecondFactorReset(models.Model):
    """
    A superuser removed a staff member's second factors (a lost phone or passkey), with a
    reason: added through the admin, never changed or deleted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="factor_resets",
        verbose_name=_("staff member"),
    )  # fmt: skip
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("reset by"),
    )  # fmt: skip
    reason = models.TextField(
        _("reason"),
        help_text=_("Why, and how the person's identity was checked (for example, in person)."),
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("second factor reset")
        verbose_name_plural = _("second factor resets")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d}"


class StaffAccess(models.Model):
    """
    One staff view of people's records (the record of who looked at whom): who, when,
    which office's records, which records by id, from which address. Never the personal
    data itself: a view is named by its kind and the ids it showed. Kept for
    `STAFF_ACCESS_RETENTION_DAYS`, read by the office's managers on the review page.

    Beside `bookings.AccessRecord` (a person's own use of their booking pages, kept
    pseudonymous and erased with the person's data), not inside it: this one names the
    staff account and many records per view, and is kept for its own period.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("A person's record")
        BOOKING = "booking", _("A booking's details")
        LIST = "list", _("A list with names")
        SCHEDULE = "schedule", _("The day's schedule")
        EXPORT = "export", _("An export (CSV)")
        PREFILL = "prefill", _("Phone booking pre-filled")

    at = models.DateTimeField(_("at"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("staff member"),
    )  # fmt: skip
    username = models.CharField(_("username"), max_length=150)
    by_superuser = models.BooleanField(_("by a superuser"), default=False)
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("office")
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    records = models.JSONField(
        _("records"), default=dict, help_text=_("Ids by kind of record, never their contents.")
    )
    count = models.PositiveIntegerField(_("number of records"), default=0)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff view of records")
        verbose_name_plural = _("staff views of records")
        ordering = ["-at"]
        indexes = [models.Index(fields=["office", "at"])]
        permissions = [("review_staffaccess", _("Can review the office's record of views"))]

    def __str__(self) -> str:
        return f"{self.username} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class EntraIdentity(models.Model):
    """
    The Microsoft Entra ID account a staff account signs in with: its tenant and object id
    (`tid`, `oid`: stable, unlike a name or address). Written at the first Entra sign-in.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entra",
        verbose_name=_("staff member"),
    )  # fmt: skip
    tenant_id = models.CharField(_("tenant"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    last_sign_in = models.DateTimeField(_("last sign-in"))

    class Meta:
        verbose_name = _("Microsoft Entra ID account")
        verbose_name_plural = _("Microsoft Entra ID accounts")
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "object_id"], name="entra_identity_once"),
        ]

    def __str__(self) -> str:
        return self.object_id


class EntraSignIn(Device):
    """
    The second factor of a session signed in through Entra ID with multi-factor
    authentication (the ID token's `amr` claim): a django-otp device that verifies the
    session (`otp_login`) and never a code, so it is not a factor one can be asked for.
    """

    class Meta:
        verbose_name = _("Entra ID multi-factor sign-in")
        verbose_name_plural = _("Entra ID multi-factor sign-ins")

    def verify_token(self, token) -> bool:
        return False


class StaffSession(models.Model):
    """
    A staff member's signed-in browser (one Django session): what the list of their active
    sessions shows and what "sign out" ends. The session itself stays in Django's session
    store; this row names it by key, with a coarse device label and the network (IPv4 /24,
    IPv6 /48), never the browser string or the full address. Written at sign-in, its
    `last_seen` moved at most once a minute, deleted when the session ends.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_sessions",
        verbose_name=_("staff member"),
    )  # fmt: skip
    session_key = models.CharField(max_length=40, unique=True)
    device_type = models.CharField(_("device"), max_length=40, blank=True)
    network = models.CharField(_("network"), max_length=50, blank=True)
    signed_in_at = models.DateTimeField(_("signed in at"))
    last_seen = models.DateTimeField(_("last active"), db_index=True)

    class Meta:
        verbose_name = _("staff session")
        verbose_name_plural = _("staff sessions")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.device_type or '?'} {self.last_seen:%Y-%m-%d %H:%M}"


class StaffAccountChange(models.Model):
    """
    A change an office manager (or a superuser) made to one of the office's counselor
    accounts on the staff accounts page: created, deactivated, lock lifted, new password.
    Recorded with who, whom and when; never edited.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Account created")
        DEACTIVATED = "deactivated", _("Account deactivated")
        UNLOCKED = "unlocked", _("Lock lifted")
        PASSWORD = "password", _("New password issued")
        FACTOR_RESET = "factor_reset", _("Second factor reset")
        REACTIVATED = "reactivated", _("Account reactivated")

    at = models.DateTimeField(_("at"))
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_changes",
        verbose_name=_("staff member"),
    )  # fmt: skip
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("staff account change")
        verbose_name_plural = _("staff account changes")
        ordering = ["-at"]
        permissions = [
            (
                "manage_office_staff",
                _("Can create, deactivate and unlock the office's counselor accounts"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
