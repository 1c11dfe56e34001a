from datetime import datetime

from common.clock import JST
from offices.models import Service
from terms.selectors import terms_in_force

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=JST)  # Sunday


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)


def service(slug: str, service_slug: str | None = None) -> Service:
    queryset = Service.objects.select_related("office").filter(office__slug=slug)
    if service_slug:
        queryset = queryset.filter(slug=service_slug)
    return queryset.order_by("position").first()


def person(**overrides) -> dict:
    data = {
        "name": "山田 太郎",
        "name_kana": "ヤマダ タロウ",
        "job_seeker_number": "12345-1234567",
        "email": "taro@example.jp",
        "phone": "090-1234-5678",
    }
    data.update(overrides)
    return data


def book(svc: Service, start: datetime, *, now=NOW, **kwargs):
    from bookings.services.create import booking_create

    defaults = {
        "data": person(),
        "terms_version_id": terms_in_force(office=svc.office, at=now).pk,
        "agree_terms": True,
        "channel": "web",
        "now": now,
    }
    defaults.update(kwargs)
    return booking_create(service=svc, start=start, **defaults)
