"""Writes to offices, services, hours and counselors."""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import transaction

from offices.models import Counselor, Office, OpeningHours, Service, User
from offices.roles import COUNSELORS, OFFICE_MANAGERS
from offices.seed_data import DEMO_COUNSELORS_PER_OFFICE, OFFICES


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.created.append(what)


def _service_create(*, office: Office, spec: dict) -> Service:
    spec = dict(spec)
    hours = spec.pop("hours")
    service = Service.objects.create(office=office, **spec)
    OpeningHours.objects.bulk_create(
        OpeningHours(office=office, service=service, weekday=weekday, start=start, end=end)
        for weekday, start, end in hours
    )
    return service


def demo_staff_usernames(office_slug: str) -> list[str]:
    counselors = [f"{office_slug}-counselor-{n}" for n in range(1, DEMO_COUNSELORS_PER_OFFICE + 1)]
    return [f"{office_slug}-manager", *counselors]


def _demo_staff_ensure(*, office: Office, report: SeedReport) -> None:
    """A demo office manager and demo counselors, in their role groups."""
    manager_name, *counselor_names = demo_staff_usernames(office.slug)
    for username in [manager_name, *counselor_names]:
        role = OFFICE_MANAGERS if username == manager_name else COUNSELORS
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"office": office, "is_staff": True, "email": f"{username}@example.invalid"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            report.add(f"staff {username}")
    for number, username in enumerate(counselor_names, start=1):
        user = User.objects.get(username=username)
        if not Counselor.objects.filter(user=user).exists():
            Counselor.objects.create(
                user=user, office=office, display_name=f"相談員{number}（デモ）"
            )
            report.add(f"counselor {username}")


@transaction.atomic
def offices_seed(*, with_demo_counselors: bool = True) -> SeedReport:
    """
    Creates whatever of the five first offices is missing: offices, services with their
    hours, and demo staff (a manager and two counselors per office). Existing rows are
    left exactly as they are, so running it again never overwrites what office managers
    changed in the admin.
    """
    report = SeedReport()
    for spec in OFFICES:
        spec = dict(spec)
        service_specs = spec.pop("services")
        office, created = Office.objects.get_or_create(slug=spec.pop("slug"), defaults=spec)
        if created:
            report.add(f"office {office.slug}")
        elif not office.phone and spec.get("phone") and office.phone_missing_error():
            # Seeded before its demo number existed: a published office needs one.
            office.phone = spec["phone"]
            office.save(update_fields=["phone"])
            report.add(f"demo phone {office.slug}")
        existing = set(office.services.values_list("slug", flat=True))
        for position, service_spec in enumerate(service_specs):
            if service_spec["slug"] not in existing:
                _service_create(office=office, spec={"position": position, **service_spec})
                report.add(f"service {office.slug}/{service_spec['slug']}")
        if with_demo_counselors:
            _demo_staff_ensure(office=office, report=report)
    return report


def demo_admin_ensure(*, username: str) -> tuple[User, str | None]:
    """
    A superuser for trying the product locally. Returns the user and, when it was just
    created, its generated password (None when it already existed).
    """
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, None
    password = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(username=username, email="", password=password)
    return user, password


def demo_staff_password_set() -> dict[str, str]:
    """
    Gives each seeded demo staff account that has no usable password a password of its
    own (never the demo admin's: one leaked password must not open every role), for trying
    each role locally. Returns the new ones, username -> password.
    """

    names = [name for office in Office.objects.all() for name in demo_staff_usernames(office.slug)]
    created = {}
    for user in User.objects.filter(username__in=names).order_by("username"):
        if not user.has_usable_password():
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])
            created[user.username] = password
    return created


def counselor_attach_user(*, counselor: Counselor) -> None:
    """Gives a counselor's staff account the counselor's office when it has none."""
    user = counselor.user
    changed = []
    if user.office_id is None:
        user.office = counselor.office
        changed.append("office")
    if not user.is_staff:
        user.is_staff = True
        changed.append("is_staff")
    if changed:
        user.save(update_fields=changed)


def counselor_create(*, office: Office, user: User, display_name: str) -> Counselor:
    """A counselor of `office` for a new staff account (it takes bookings from now on)."""
    return Counselor.objects.create(office=office, user=user, display_name=display_name)


def counselor_restart(*, user: User) -> int:
    """The account's counselor entries take bookings again (after a reactivation)."""
    return Counselor.objects.filter(user=user, is_active=False).update(is_active=True)


def counselor_stop(*, user: User) -> int:
    """The account's counselor entries take no new bookings (their history stays)."""
    return Counselor.objects.filter(user=user, is_active=True).update(is_active=False)
