"""
The record of who looked at whom (`StaffAccess`): every staff view of a person's record, a
booking's details, a list or the day's schedule with names, an export and the phone
booking's pre-fill writes one entry (one INSERT) with the ids shown, never their contents.
Pages call `staff_access_record`; model admins take `AccessLoggedAdminMixin`.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest

from accounts.models import StaffAccess
from common.http import client_ip

Kind = StaffAccess.Kind


def staff_access_record(
    request: HttpRequest, *, office_id: int | None, kind: str, records: dict[str, Iterable[int]]
) -> StaffAccess | None:
    """Writes who (the request's user) saw which records (ids by kind) of which office."""
    user = request.user
    if office_id is None or not user.is_authenticated:
        return None
    ids = {name: sorted({int(pk) for pk in pks if pk is not None}) for name, pks in records.items()}
    ids = {name: pks for name, pks in ids.items() if pks}
    if not ids:
        return None
    return StaffAccess.objects.create(
        at=request.now,
        user=user,
        username=user.get_username(),
        by_superuser=user.is_superuser,
        office_id=office_id,
        kind=kind,
        records=ids,
        count=max(len(pks) for pks in ids.values()),
        address=client_ip(request),
    )


def staff_access_purge(*, now: datetime) -> int:
    """Entries older than `STAFF_ACCESS_RETENTION_DAYS` go (daily, `accounts.tasks`)."""
    cutoff = now - timedelta(days=settings.STAFF_ACCESS_RETENTION_DAYS)
    deleted, _ = StaffAccess.objects.filter(at__lt=cutoff).delete()
    return deleted


class AccessLoggedAdminMixin:
    """
    A model admin whose change page and history (one record) and list (a page of records)
    are recorded. `access_kind`: the kind of the change page; `access_also`: foreign keys whose
    ids are recorded beside the object's own (a booking's person).
    """

    access_kind: str = Kind.PERSON
    access_also: tuple[str, ...] = ()

    def _access_ids(self, objs) -> dict[str, list[int]]:
        name = self.model._meta.model_name
        ids = {name: [obj.pk for obj in objs]}
        for field in self.access_also:
            ids.setdefault(field, []).extend(
                found for obj in objs if (found := getattr(obj, f"{field}_id")) is not None
            )
        return ids

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            staff_access_record(
                request, office_id=obj.office_id, kind=self.access_kind,
                records=self._access_ids([obj]),
            )  # fmt: skip
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        obj = getattr(response, "context_data", {}).get("object")
        if obj is not None and response.status_code == 200:
            staff_access_record(
                request, office_id=obj.office_id, kind=self.access_kind,
                records=self._access_ids([obj]),
            )  # fmt: skip
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            by_office: dict[int, list] = {}
            for obj in changelist.result_list:
                by_office.setdefault(obj.office_id, []).append(obj)
            for office_id, objs in by_office.items():
                staff_access_record(
                    request, office_id=office_id, kind=Kind.LIST, records=self._access_ids(objs)
                )
        return response
