"""Reads: which version is in force, which comes next, and who must agree again."""

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery

from offices.models import Office, User
from terms.models import Consent, TermsVersion


def _public_versions(office: Office) -> QuerySet[TermsVersion]:
    return TermsVersion.objects.filter(
        office=office, published_at__isnull=False, withdrawn_at__isnull=True
    )


def terms_in_force(*, office: Office, at: datetime) -> TermsVersion | None:
    return (
        _public_versions(office).filter(effective_from__lte=at).order_by("-effective_from").first()
    )


_VERSIONS_KEY = "terms:versions:{office_id}"


def terms_versions_changed(sender, instance, **kwargs) -> None:
    """A version saved or deleted (signals, connected at start): after commit, the office's
    remembered versions are forgotten (`terms_in_force_brief`)."""

    def forget() -> None:
        with suppress(Exception):  # the cache is an accelerator; entries lapse anyway
            cache.delete(_VERSIONS_KEY.format(office_id=instance.office_id))

    forget()  # now (a request in this transaction, a test), and again once committed
    transaction.on_commit(forget)


def terms_in_force_brief(*, office: Office, at: datetime) -> tuple[int, str] | None:
    """
    (id, version label) of the version in force at `at`, from the office's published
    versions remembered for a minute (forgotten after the commit of any change of a
    version): what each booking's consent checks, without a query. A version published to
    take effect later is in the list already and switches in exactly at its moment.
    """

    key = _VERSIONS_KEY.format(office_id=office.pk)
    try:
        versions = cache.get(key)
    except Exception:
        versions = None
    if versions is None:
        versions = list(
            _public_versions(office)
            .order_by("-effective_from")
            .values_list("pk", "version", "effective_from")
        )
        with suppress(Exception):  # Redis down: read each time
            cache.set(key, versions, timeout=60)
    return next(((pk, label) for pk, label, since in versions if since <= at), None)


def terms_next_scheduled(*, office: Office, at: datetime) -> TermsVersion | None:
    return _public_versions(office).filter(effective_from__gt=at).order_by("effective_from").first()


@dataclass(frozen=True)
class TermsHistory:
    current: TermsVersion | None
    upcoming: TermsVersion | None
    earlier: list[TermsVersion]


def terms_history(*, office: Office, at: datetime) -> TermsHistory:
    """The version in force, the next scheduled one, and earlier ones (newest first)."""
    versions = list(_public_versions(office).order_by("-effective_from"))
    past = [v for v in versions if v.effective_from <= at]
    future = [v for v in versions if v.effective_from > at]
    return TermsHistory(
        current=past[0] if past else None,
        upcoming=future[-1] if future else None,
        earlier=past[1:],
    )


def terms_public_get(*, office: Office, version_id: int) -> TermsVersion:
    """A published, not withdrawn version of this office; raises DoesNotExist otherwise."""
    return _public_versions(office).get(pk=version_id)


def terms_version_id_for(*, office: Office, label_or_id: int | str | None) -> int | None:
    """
    The id of the published version named by its label (`"2023-07-14"`, as
    `/terms/current` publishes it) or by its id; None when no version of the office has it
    (then agreeing is refused as outdated, with the current version).
    """
    if label_or_id is None or isinstance(label_or_id, bool):
        return None
    if isinstance(label_or_id, int):
        return label_or_id
    label = label_or_id.strip()
    if not label or len(label) > 40 or "\x00" in label:
        return None  # names no version (and PostgreSQL refuses a NUL byte in text)
    found = _public_versions(office).filter(version=label).values_list("pk", flat=True).first()
    if found is None and label.isdigit():
        return int(label)
    return found


def consent_latest(*, office: Office, applicant_uuid: UUID) -> Consent | None:
    return (
        Consent.objects.filter(office=office, applicant_uuid=applicant_uuid)
        .select_related("terms_version")
        .order_by("-given_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class ConsentStatus:
    """
    Whether a person must agree before booking (or, for an employer, before the next
    session). `is_renewal` is true when they agreed to an earlier version: they are then
    shown the new version's change summary.
    """

    current: TermsVersion | None
    latest_consent: Consent | None

    @property
    def needs_consent(self) -> bool:
        return self.current is not None and (
            self.latest_consent is None or self.latest_consent.terms_version_id != self.current.pk
        )

    @property
    def is_renewal(self) -> bool:
        return self.needs_consent and self.latest_consent is not None


def consent_status(*, office: Office, applicant_uuid: UUID | None, at: datetime) -> ConsentStatus:
    latest = (
        consent_latest(office=office, applicant_uuid=applicant_uuid) if applicant_uuid else None
    )
    return ConsentStatus(current=terms_in_force(office=office, at=at), latest_consent=latest)


def applicants_with_superseded_consent(*, terms_version: TermsVersion) -> list[UUID]:
    """
    The applicants of the version's office whose latest consent is to a version that
    takes effect before this one: they must agree again once it is in force. The bookings
    app narrows this to people with upcoming confirmed bookings to notify them.
    """
    latest_version = (
        Consent.objects.filter(
            office=terms_version.office, applicant_uuid=OuterRef("applicant_uuid")
        )
        .order_by("-given_at", "-pk")
        .values("terms_version__effective_from")[:1]
    )
    rows = (
        Consent.objects.filter(office=terms_version.office)
        .order_by()
        .values("applicant_uuid")
        .distinct()
        .annotate(latest_effective=Subquery(latest_version))
        .filter(latest_effective__lt=terms_version.effective_from)
        .values_list("applicant_uuid", flat=True)
    )
    return sorted(set(rows))


def user_can_publish_terms(*, user: User, office: Office) -> bool:
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.office_id == office.pk and user.has_perm("terms.publish_termsversion")
