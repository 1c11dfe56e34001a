"""The booking rules of a service, resolved against its office's defaults."""

from dataclasses import dataclass
from datetime import time
from enum import StrEnum

from offices.models import ConfirmationMode, FieldRequirement, LeadTimeUnit, Office, Service

RULE_FIELDS = (
    "slot_minutes",
    "max_extension_minutes",
    "confirmation_mode",
    "email_verification_minutes",
    "request_decision_hours",
    "request_decision_business_days",
    "lead_time_days",
    "lead_time_unit",
    "lead_time_cutoff",
    "horizon_days",
    "online_cancel_allowed",
    "online_cancel_days_before",
    "reschedule_limit",
    "job_seeker_number",
)


@dataclass(frozen=True)
class BookingRules:
    slot_minutes: int
    max_extension_minutes: int
    confirmation_mode: ConfirmationMode
    email_verification_minutes: int
    lead_time_days: int
    lead_time_unit: LeadTimeUnit
    lead_time_cutoff: time
    horizon_days: int
    online_cancel_allowed: bool
    online_cancel_days_before: int
    job_seeker_number: FieldRequirement
    reschedule_limit: int = 2
    request_decision_hours: int = 72
    request_decision_business_days: int = 0

    @property
    def needs_email_check(self) -> bool:
        return self.email_verification_minutes > 0

    @property
    def needs_staff_approval(self) -> bool:
        return self.confirmation_mode == ConfirmationMode.STAFF_APPROVAL


def _is_unset(value: object) -> bool:
    return value is None or value == ""


def rules_for_service(service: Service, office: Office | None = None) -> BookingRules:
    """Each rule from the service where it sets one, otherwise from the office."""
    office = office or service.office
    values = {}
    for name in RULE_FIELDS:
        own = getattr(service, name)
        values[name] = getattr(office, name) if _is_unset(own) else own
    values["confirmation_mode"] = ConfirmationMode(values["confirmation_mode"])
    values["lead_time_unit"] = LeadTimeUnit(values["lead_time_unit"])
    values["job_seeker_number"] = FieldRequirement(values["job_seeker_number"])
    return BookingRules(**values)


class BookingPath(StrEnum):
    """How a booking of a service becomes final, by the way the service is booked online:
    open booking (a counselor confirms the request sent from the email, or the email's link
    books, or booking is final at once), a counselor's invitation (final at once), or, with
    no online booking, the phone. The office page's "Confirmation" and its rules in short
    (offices.plain) both read it, so they cannot disagree (issue 26)."""

    OPEN_STAFF_APPROVAL = "open_staff_approval"
    OPEN_EMAIL_CHECK = "open_email_check"
    OPEN_AT_ONCE = "open_at_once"
    INVITATION = "invitation"
    PHONE = "phone"


def open_booking_path(rules: BookingRules) -> BookingPath:
    """The path of open online booking under `rules`."""
    if rules.needs_staff_approval:
        return BookingPath.OPEN_STAFF_APPROVAL
    if rules.needs_email_check:
        return BookingPath.OPEN_EMAIL_CHECK
    return BookingPath.OPEN_AT_ONCE


def booking_path(service: Service, rules: BookingRules) -> BookingPath:
    """The path by which a person books `service` online, or PHONE when it takes no online
    booking."""
    if service.accepts_web:
        return open_booking_path(rules)
    if service.accepts_invitations:
        return BookingPath.INVITATION
    return BookingPath.PHONE
