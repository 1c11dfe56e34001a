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


# seedE (issue 22): offices like the seed's Kawagoe and Sasebo, for tests that meet their days.


def kawagoe_like(*, afternoon: bool = True, **rules):
    """ハローワーク川越 (slug "kawagoe", its one service "counseling") as the tests build it:
    TeleOffice, its counselors confirm each request, two business days ahead, two
    counselors, open weekdays 9:30-12:00 and (with `afternoon`) 13:00-16:00, its terms in
    force; `rules` change any of it. Its counselors' staff accounts are in the Counselors
    group (`counselor_account(office)` is the first)."""
    from django.contrib.auth.models import Group

    from offices.roles import COUNSELORS

    office = office_with(**{
        "slug": "kawagoe", "name": "ハローワーク川越", "name_en": "Hello Work Kawagoe",
        "platform": "teleoffice", "confirmation_mode": "staff_approval",
        "lead_time_days": 2, "lead_time_unit": "business_days", "counselors": 2, **rules,
    })  # fmt: skip
    service = office.services.get()
    service.slug = "counseling"
    service.save(update_fields=["slug"])
    if afternoon:
        for weekday in range(5):
            OpeningHoursFactory(service=service, weekday=weekday, start=time(13), end=time(16))
    group = Group.objects.get(name=COUNSELORS)
    for counselor in office.counselors.all():
        counselor.user.groups.add(group)
    return office


def sasebo_like(**rules):
    """ハローワーク佐世保 (slug "sasebo") as the tests build it: TeleOffice, employers book,
    its counselors confirm each request; two counselors; two services booked online: "weekday"
    (8:30-16:45 on weekdays) and "evening-saturday" (17:15-19:30 on weekdays, 9:30-12:30 on
    Saturday: 45 minutes, confirmed at once once the person opens the email's link within
    60 minutes, the job seeker number optional); its terms in force."""
    office = office_with(**{
        "slug": "sasebo", "name": "ハローワーク佐世保", "name_en": "Hello Work Sasebo",
        "platform": "teleoffice", "phone": "0956-88-2003", "employers_may_book": True,
        "confirmation_mode": "staff_approval", "counselors": 2,
        "hours": (time(8, 30), time(16, 45)), **rules,
    })  # fmt: skip
    office.services.update(slug="weekday", name="オンライン職業相談（平日昼間）")
    evening = ServiceFactory(
        office=office, slug="evening-saturday", position=1,
        name="オンライン職業相談（平日夜間・土曜）",
        name_en="Online job counseling (weekday evening and Saturday)",
        slot_minutes=45, confirmation_mode="instant", email_verification_minutes=60,
        job_seeker_number="optional",
    )  # fmt: skip
    for weekday in range(5):
        OpeningHoursFactory(service=evening, weekday=weekday, start=time(17, 15),
                            end=time(19, 30))  # fmt: skip
    OpeningHoursFactory(service=evening, weekday=5, start=time(9, 30), end=time(12, 30))
    return office
