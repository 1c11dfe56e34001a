from datetime import datetime, time, timedelta

import factory

from common.clock import JST
from offices.models import Closure, Counselor, Office, OpeningHours, Service, User


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    slug = factory.Sequence(lambda n: f"office-{n}")
    name = factory.Sequence(lambda n: f"テスト事業所{n}")
    name_en = factory.Sequence(lambda n: f"Test office {n}")
    kind = "hello_work"
    platform = "zoom"
    phone = "049-000-0000"
    court = "東京地方裁判所"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    office = factory.SubFactory(OfficeFactory)
    slug = factory.Sequence(lambda n: f"service-{n}")
    name = "オンライン職業相談"
    name_en = "Online job counseling"


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    service = factory.SubFactory(ServiceFactory)
    office = factory.SelfAttribute("service.office")
    weekday = 0
    start = time(9, 30)
    end = time(12, 0)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    office = factory.SubFactory(OfficeFactory)
    kind = Closure.Kind.CLOSED


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff-{n}")
    is_staff = True

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or "correct horse battery")
        if create:
            user.save(update_fields=["password"])


class CounselorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counselor

    office = factory.SubFactory(OfficeFactory)
    user = factory.SubFactory(UserFactory, office=factory.SelfAttribute("..office"))
    display_name = factory.Sequence(lambda n: f"相談員{n}")


# The booking core's records, for tests that state their own data.


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bookings.Applicant"

    office = factory.SubFactory(OfficeFactory)
    kind = "job_seeker"
    identity_key = factory.Sequence(lambda n: f"test-applicant:{n}")
    name = factory.Sequence(lambda n: f"テスト利用者{n}")
    email = factory.Sequence(lambda n: f"applicant{n}@example.jp")


class TermsVersionFactory(factory.django.DjangoModelFactory):
    """A version published and in force from `effective_from` (the suite's moment minus a
    year by default); `published_at=None` for a draft."""

    class Meta:
        model = "terms.TermsVersion"

    office = factory.SubFactory(OfficeFactory)
    version = factory.Sequence(lambda n: f"v{n}")
    title = "利用規約"
    body = "テスト用の利用規約です。"
    body_html = "<p>テスト用の利用規約です。</p>"
    effective_from = datetime(2025, 11, 22, 10, 0, tzinfo=JST)
    published_at = factory.SelfAttribute("effective_from")


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "terms.Consent"

    class Params:
        applicant = factory.SubFactory(ApplicantFactory)

    office = factory.SelfAttribute("applicant.office")
    terms_version = factory.SubFactory(
        TermsVersionFactory, office=factory.SelfAttribute("..office")
    )
    applicant_uuid = factory.SelfAttribute("applicant.uuid")
    applicant_kind = factory.SelfAttribute("applicant.kind")
    channel = "web"
    given_at = datetime(2026, 11, 22, 10, 0, tzinfo=JST)


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking row written directly (no service, no event): for reads and figures. A test
    of what booking does goes through `tests.helpers.book`."""

    class Meta:
        model = "bookings.Booking"

    service = factory.SubFactory(ServiceFactory)
    office = factory.SelfAttribute("service.office")
    counselor = factory.SubFactory(CounselorFactory, office=factory.SelfAttribute("..office"))
    applicant = factory.SubFactory(ApplicantFactory, office=factory.SelfAttribute("..office"))
    consent = factory.SubFactory(
        ConsentFactory,
        applicant=factory.SelfAttribute("..applicant"),
        office=factory.SelfAttribute("..office"),
    )
    reference = factory.Sequence(lambda n: f"F{n:07d}")
    start = datetime(2026, 11, 26, 9, 30, tzinfo=JST)
    end = factory.LazyAttribute(lambda b: b.start + timedelta(minutes=30))
    status = "confirmed"
    channel = "web"
    name = factory.SelfAttribute("applicant.name")
    email = factory.SelfAttribute("applicant.email")


WEEKDAYS = (0, 1, 2, 3, 4)


def office_with(
    *,
    hours: tuple[time, time] = (time(9, 30), time(12, 0)),
    weekdays=WEEKDAYS,
    counselors: int = 1,
    terms: bool = True,
    **rules,
) -> Office:
    """An office with exactly the rules a test names (any `Office` field: e.g.
    `confirmation_mode="staff_approval"`, `lead_time_days=2`, `online_cancel_allowed=False`),
    one web service open `hours` on `weekdays`, `counselors` counselors and, with `terms`,
    a published version of its terms in force. Everything else is the model's default."""
    office = OfficeFactory(is_published=True, **rules)
    service = ServiceFactory(office=office)
    for weekday in weekdays:
        OpeningHoursFactory(service=service, weekday=weekday, start=hours[0], end=hours[1])
    for _ in range(counselors):
        CounselorFactory(office=office)
    if terms:
        TermsVersionFactory(office=office)
    return office


# --- seedB ---------------------------------------------------------------------------


def counselors_reachable(office) -> list[str]:
    """Gives each counselor of the office an email address (counselor-<n>@example.invalid,
    by id) and the Counselors group, as the seed's demo counselors had, so the notices to
    counselors are written and sent; returns the addresses."""
    from django.contrib.auth.models import Group

    from offices.roles import COUNSELORS

    group = Group.objects.get(name=COUNSELORS)
    addresses = []
    for n, counselor in enumerate(office.counselors.order_by("pk"), start=1):
        addresses.append(f"counselor-{n}@example.invalid")
        User.objects.filter(pk=counselor.user_id).update(email=addresses[-1])
        counselor.user.groups.add(group)
    return addresses
