"""Writes: drafting, publishing and withdrawing terms versions; recording consent."""

import ipaddress
from datetime import datetime
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common import clock
from common.clock import JST
from common.privacy import device_type
from offices.display import format_datetime
from offices.models import Office, User
from terms.exceptions import (
    NotAllowed,
    NoTermsInForce,
    PublishRefused,
    TermsNotEditable,
    TermsOutdated,
)
from terms.models import Consent, TermsVersion
from terms.rendering import render_markdown
from terms.seed_data import (
    REVISION_SUMMARY,
    REVISION_SUMMARY_EN,
    SAMPLE_NOTE_JA,
    VERSIONS,
    terms_text,
)
from terms.selectors import terms_in_force_brief, user_can_publish_terms

EDITABLE_FIELDS = (
    "version",
    "title",
    "title_en",
    "body",
    "body_en",
    "change_summary",
    "change_summary_en",
)


def _require_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise PublishRefused(_("Enter the text of the terms before publishing."), field=field)
    return value


def terms_version_create(*, office: Office, by: User, **fields: str) -> TermsVersion:
    """A new draft. Only people who may publish the office's terms write drafts."""
    if not user_can_publish_terms(user=by, office=office):
        raise NotAllowed(_("Only this office's managers can write its terms of use."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    version = TermsVersion(office=office, **fields)
    version.save()
    return version


def terms_version_update(*, terms_version: TermsVersion, by: User, **fields: str) -> TermsVersion:
    if terms_version.is_published:
        raise TermsNotEditable(
            _("A published version cannot be changed. Write a new version instead.")
        )
    if not user_can_publish_terms(user=by, office=terms_version.office):
        raise NotAllowed(_("Only this office's managers can write its terms of use."))
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"unknown field: {name}")
        setattr(terms_version, name, value)
    terms_version.save(update_fields=[*fields, "updated_at"])
    return terms_version


def _render(version: TermsVersion) -> None:
    version.body_html = render_markdown(version.body)
    version.body_en_html = render_markdown(version.body_en) if version.body_en.strip() else ""


@transaction.atomic
def terms_publish(
    *,
    terms_version: TermsVersion,
    by: User,
    effective_from: datetime | None,
    now: datetime,
) -> TermsVersion:
    """
    Publishes a draft, in force from `effective_from` (None: at once). It must take
    effect after every version already published, and not in the past, which would
    change what was in force before; only an office's very first version may be dated
    back. Runs in its own transaction with the office row locked, so two managers
    publishing at once are checked one after the other.
    """
    office = Office.objects.select_for_update(no_key=True).get(pk=terms_version.office_id)
    version = TermsVersion.objects.select_for_update().get(pk=terms_version.pk)
    if not user_can_publish_terms(user=by, office=office):
        raise NotAllowed(_("Only this office's managers can publish its terms of use."))
    if version.is_published:
        raise TermsNotEditable(_("This version is already published."))
    _require_text(version.title, "title")
    _require_text(version.body, "body")
    effective_from = effective_from or now
    if timezone.is_naive(effective_from):
        raise ValueError("effective_from must be an aware datetime")

    latest = (
        TermsVersion.objects.filter(
            office=office, published_at__isnull=False, withdrawn_at__isnull=True
        )
        .order_by("-effective_from")
        .first()
    )
    if latest is not None:
        if effective_from < now:
            raise PublishRefused(
                _(
                    "The date is in the past: publishing it would change which terms were in "
                    "force before today. Choose a date from now on."
                ),
                field="effective_from",
            )
        if effective_from <= latest.effective_from:
            raise PublishRefused(
                _(
                    "Version %(version)s takes effect on %(date)s. Choose a later date, or "
                    "withdraw that version first if it is not in force yet."
                )
                % {"version": latest.version, "date": format_datetime(latest.effective_from)},
                field="effective_from",
            )

    _render(version)
    version.effective_from = effective_from
    version.published_at = now
    version.published_by = by
    try:
        with transaction.atomic():
            version.save(
                update_fields=[
                    "body_html",
                    "body_en_html",
                    "effective_from",
                    "published_at",
                    "published_by",
                    "updated_at",
                ]
            )
    except IntegrityError:
        raise PublishRefused(
            _("Another version of this office takes effect at the same moment."),
            field="effective_from",
        ) from None
    return version


@transaction.atomic
def terms_withdraw(*, terms_version: TermsVersion, by: User, now: datetime) -> TermsVersion:
    """Withdraws a published version that is not in force yet; it stays on record."""
    version = TermsVersion.objects.select_for_update().get(pk=terms_version.pk)
    if not user_can_publish_terms(user=by, office=version.office):
        raise NotAllowed(_("Only this office's managers can withdraw its terms of use."))
    if not version.is_published or version.withdrawn_at is not None:
        raise TermsNotEditable(_("Only a scheduled version can be withdrawn."))
    if version.effective_from <= now:
        raise TermsNotEditable(
            _("This version is already in force. Publish a new version to replace it.")
        )
    version.withdrawn_at = now
    version.save(update_fields=["withdrawn_at", "updated_at"])
    return version


@transaction.atomic
def terms_version_import(
    *, office: Office, effective_from: datetime, published_at: datetime, **fields: str
) -> TermsVersion:
    """
    Records a version that was already in force before this system (the seed's dated
    versions). Refused once anyone has agreed to the office's terms, because it would
    rewrite what they agreed to.
    """
    if Consent.objects.filter(office=office).exists():
        raise PublishRefused(_("People have already agreed to this office's terms."))
    version = TermsVersion(
        office=office, effective_from=effective_from, published_at=published_at, **fields
    )
    _render(version)
    version.save()
    return version


def truncate_ip(address: str | None) -> str:
    """The /24 network of an IPv4 address or the /48 of an IPv6 one; '' if unusable."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def consent_give(
    *,
    office: Office,
    terms_version_id: int | None,
    applicant_uuid: UUID,
    applicant_kind: str,
    channel: str,
    ip_address: str | None = None,
    user_agent: str = "",
    recorded_by: User | None = None,
    now: datetime,
) -> Consent:
    """
    Records agreement to the version in force now. A request naming another version
    (an outdated page, or a version not yet in force) is refused with the current
    version's id, never recorded against a version the person did not see.
    """
    current = terms_in_force_brief(office=office, at=now)
    if current is None:
        raise NoTermsInForce(
            _("This office has no terms of use in force yet, so bookings cannot be taken.")
        )
    current_id, current_label = current
    if terms_version_id != current_id:
        raise TermsOutdated(
            _(
                "The terms of use have changed since this page was opened. Please read the "
                "current version and agree to it."
            ),
            current_version_id=current_id,
            current_version_label=current_label,
        )
    if channel != Consent.Channel.WEB and recorded_by is None:
        raise ValueError("a consent stated by phone or in a session names who recorded it")
    return Consent.objects.create(
        office=office,
        terms_version_id=current_id,
        applicant_uuid=applicant_uuid,
        applicant_kind=applicant_kind,
        channel=channel,
        given_at=now,
        recorded_by=recorded_by,
        ip_prefix=truncate_ip(ip_address),
        device_type=device_type(user_agent)[:40],
    )


@transaction.atomic
def terms_seed(*, now: datetime | None = None) -> list[str]:
    """
    Imports the sample terms of each seeded office that has no terms yet. An office whose
    latest version is still the sample, worded otherwise than the seed now words it (the
    seed's text was corrected), gets the new wording as a new version in force from `now`
    (default: the clock's), so what people agreed to stays as it was and they agree to the
    new one before their next session. Offices with terms of their own, or a draft, are
    left alone.
    """

    now = now or clock.now()
    created = []
    for office in Office.objects.filter(slug__in=VERSIONS).select_for_update(no_key=True):
        if TermsVersion.objects.filter(office=office).exists():
            revised = _sample_revise(office=office, now=now)
            if revised is not None:
                created.append(f"terms {office.slug} {revised.version} (revised sample)")
            continue
        for seed in VERSIONS[office.slug]:
            moment = datetime.combine(seed.effective, datetime.min.time(), tzinfo=JST)
            terms_version_import(
                office=office,
                effective_from=moment,
                published_at=moment,
                **terms_text(office, seed),
            )
            created.append(f"terms {office.slug} {seed.version}")
    return created


def _sample_revise(*, office: Office, now: datetime) -> TermsVersion | None:
    """The seed's current wording as a new version, when the office's latest version is
    an earlier wording of the sample and no draft waits (the caller holds the office's
    lock)."""
    versions = TermsVersion.objects.filter(office=office)
    if versions.filter(published_at__isnull=True).exists():
        return None  # a manager is writing the office's own terms
    latest = versions.filter(withdrawn_at__isnull=True).order_by("-effective_from").first()
    if latest is None or not latest.body.startswith(SAMPLE_NOTE_JA) or latest.effective_from > now:
        return None
    text = terms_text(office, VERSIONS[office.slug][-1])
    if (latest.body, latest.body_en) == (text["body"], text["body_en"]):
        return None
    label = f"{now.astimezone(JST):%Y-%m-%d}"
    if versions.filter(version=label).exists():
        label += f"-{now.astimezone(JST):%H%M}"
    version = TermsVersion(
        office=office,
        effective_from=now,
        published_at=now,
        **{**text, "version": label, "change_summary": REVISION_SUMMARY,
           "change_summary_en": REVISION_SUMMARY_EN},
    )  # fmt: skip
    _render(version)
    version.save()
    return version
