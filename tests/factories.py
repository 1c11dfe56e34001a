from datetime import time

import factory

from offices.models import Closure, Counselor, Office, OpeningHours, Service, User


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    slug = factory.Sequence(lambda n: f"office-{n}")
    name = factory.Sequence(lambda n: f"テスト事業所{n}")
    name_en = factory.Sequence(lambda n: f"Test office {n}")
    kind = "hello_work"
    platform = "zoom"
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
