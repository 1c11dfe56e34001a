"""The API's request and response schemas (django-ninja), published in its OpenAPI."""

from datetime import date, datetime

from ninja import Field, Schema


class ServiceOut(Schema):
    slug: str
    name: str
    name_en: str
    slot_minutes: int
    channels: list[str] = Field(
        description=(
            '"web": open online booking (the booking endpoint takes it); "invitation": '
            'online only with a counselor\'s personal invitation; "phone": by phone'
        )
    )
    how_to_book: str = Field(description="How a person books it, in one sentence")


class OfficeOut(Schema):
    slug: str
    name: str
    name_en: str
    platform: str
    phone: str
    services: list[ServiceOut]


class HoursOut(Schema):
    weekday: int = Field(description="0 = Monday")
    start: str
    end: str


class RulesOut(Schema):
    slot_minutes: int
    max_extension_minutes: int
    confirmation_mode: str
    email_verification_minutes: int
    lead_time_days: int
    lead_time_unit: str
    horizon_days: int
    online_cancel_allowed: bool
    online_cancel_days_before: int
    job_seeker_number: str


class ServiceDetailOut(ServiceOut):
    hours: list[HoursOut]
    rules: RulesOut


class OfficeDetailOut(Schema):
    slug: str
    name: str
    name_en: str
    platform: str
    phone: str
    employers_may_book: bool
    no_show_grace_minutes: int
    services: list[ServiceDetailOut]


class SlotOut(Schema):
    start: datetime
    end: datetime
    free: int


class SlotsOut(Schema):
    slots: list[SlotOut]


class TermsOut(Schema):
    id: int
    version: str
    effective_from: datetime
    title: str
    body: str


class AttendeeIn(Schema):
    role: str = Field(max_length=20)
    name: str = Field(max_length=100)
    affiliation: str = Field("", max_length=200)


class BookingIn(Schema):
    service: str | None = Field(None, max_length=40)
    start: datetime
    kind: str | None = Field(None, max_length=20)
    name: str = Field(max_length=200)
    name_kana: str | None = Field(None, max_length=200)
    job_seeker_number: str | None = Field(None, max_length=40)
    email: str = Field(max_length=254)
    phone: str = Field(max_length=40)
    company_name: str | None = Field(None, max_length=200)
    attendees: list[AttendeeIn] | None = Field(None, max_length=5)
    note: str | None = Field(None, max_length=2000)
    terms_version: int | str = Field(
        description=(
            "The terms of use the person agreed to: the `version` string that "
            '`GET /offices/{slug}/terms/current` publishes (e.g. "2023-07-14"), or its '
            "`id` (an integer). Anything but the version in force is refused with 409 "
            "`terms_outdated` and the current version's `id` and `version`."
        ),
        examples=["2023-07-14", 2],
    )
    agree_terms: bool
    altcha: str | None = Field(
        None,
        max_length=2000,
        description=(
            "The solved proof of work: the base64 payload an ALTCHA solver makes from "
            "`GET /offices/{slug}/challenge`. Without it (when the site asks for one) the "
            "request holds no time: 202 `check_email`, and the link emailed to `email` books."
        ),
    )


class ChallengeOut(Schema):
    algorithm: str
    challenge: str
    maxnumber: int
    salt: str
    signature: str


class BookingOut(Schema):
    reference: str
    status: str
    start: datetime
    end: datetime
    manage_url: str


class AlternativeOut(Schema):
    start: datetime
    end: datetime
    free: int


class ErrorOut(Schema):
    code: str
    message: str | None = None
    errors: dict[str, list[str]] | None = None
    alternatives: list[AlternativeOut] | None = None
    current_version: int | None = None
    current_version_label: str | None = None
    waitlist_url: str | None = None  # session_full: where to join the session's waitlist


class SlotQuery(Schema):
    service: str | None = Field(None, max_length=40)
    from_: date = Field(alias="from", description="First Japan date, YYYY-MM-DD")
    to: date = Field(description="Last Japan date (inclusive), YYYY-MM-DD")
