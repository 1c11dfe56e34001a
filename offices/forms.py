"""
Admin forms for office managers. Each error names the field and says how to fix it; the
admin saves an office and all its inlines in one transaction, so an error anywhere saves
nothing.
"""

import itertools
from collections import defaultdict
from datetime import date, datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.text import VisibleTextFormMixin
from offices.accommodation import Means
from offices.models import Closure, Counselor, Office, OpeningHours, Service
from offices.rules import rules_for_service


def _minutes(start: time, end: time) -> int:
    day = date(2000, 1, 1)
    return int((datetime.combine(day, end) - datetime.combine(day, start)).total_seconds() // 60)


def _short_window_error(slot: int, start: time, end: time) -> str:
    return _(
        "The window %(start)s–%(end)s is shorter than one session (%(slot)d minutes). "
        "Make the window at least %(slot)d minutes long, or shorten the session."
    ) % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "slot": slot}


def _https_urls(field: models.Field, **kwargs) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class OfficeForm(VisibleTextFormMixin, forms.ModelForm):
    # A list of codes in a JSON field: ticked from the known means, nothing else stored.
    accommodation_means = forms.MultipleChoiceField(
        label=gettext_lazy("accommodation offered"),
        choices=Means.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Office._meta.get_field("accommodation_means").help_text,
    )

    class Meta:
        model = Office
        exclude: list[str] = []
        formfield_callback = _https_urls

    def clean(self):
        cleaned = super().clean()
        slot = cleaned.get("slot_minutes")
        if slot and self.instance.pk:
            inheriting = OpeningHours.objects.filter(
                office=self.instance, service__slot_minutes__isnull=True
            )
            for row in inheriting:
                if _minutes(row.start, row.end) < slot:
                    self.add_error(
                        "slot_minutes",
                        _(
                            "Sessions of %(slot)d minutes do not fit the window %(window)s "
                            "of %(service)s. Shorten the session or lengthen the window."
                        )
                        % {"slot": slot, "window": str(row), "service": row.service.name},
                    )
                    break
        return cleaned


class ServiceForm(VisibleTextFormMixin, forms.ModelForm):
    class Meta:
        model = Service
        exclude: list[str] = []

    def clean(self):
        cleaned = super().clean()
        slot = cleaned.get("slot_minutes")
        if slot and self.instance.pk:
            for row in self.instance.opening_hours.all():
                if _minutes(row.start, row.end) < slot:
                    self.add_error(
                        "slot_minutes",
                        _(
                            "Sessions of %(slot)d minutes do not fit the window %(window)s. "
                            "Shorten the session or lengthen the window."
                        )
                        % {"slot": slot, "window": str(row)},
                    )
                    break
        channels = ("accepts_web", "accepts_invitations", "accepts_phone")
        if not any(cleaned.get(name) for name in channels):
            self.add_error(
                "accepts_web",
                _(
                    "Choose at least one way to book (open online, by invitation or by phone), "
                    "or make the service inactive."
                ),
            )
        return cleaned


class OpeningHoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["service", "weekday", "start", "end"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error(
                "end", _("The closing time must be after the opening time (%s).") % f"{start:%H:%M}"
            )
        service = cleaned.get("service")
        office = self.instance.office if self.instance.office_id else None
        if service and office and service.office_id != office.pk:
            self.add_error("service", _("Choose one of this office's services."))
        return cleaned


def _typed(form: forms.Form) -> bool:
    return form.instance.pk is None or form.has_changed()


class OpeningHoursFormSet(forms.BaseInlineFormSet):
    """Across rows: no overlapping windows, and each window holds at least one session."""

    def clean(self):
        super().clean()
        windows: dict[tuple[int, int], list[tuple[time, time, forms.Form]]] = defaultdict(list)
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            service, weekday = data.get("service"), data.get("weekday")
            start, end = data.get("start"), data.get("end")
            if service is None or weekday is None or not start or not end or end <= start:
                continue
            slot = rules_for_service(service, self.instance).slot_minutes
            if _minutes(start, end) < slot:
                form.add_error("end", _short_window_error(slot, start, end))
            windows[(service.pk, weekday)].append((start, end, form))
        for rows in windows.values():
            rows.sort(key=lambda row: row[0])
            for (_start1, end1, form1), (start2, _end2, form2) in itertools.pairwise(rows):
                if start2 >= end1:
                    continue
                # The error goes on the row the manager just typed, not on the one that
                # was there: the earlier row when only it is new or changed.
                if _typed(form1) and not _typed(form2):
                    form1.add_error(
                        "end",
                        _(
                            "This window overlaps the one starting at %(start)s on the same "
                            "day. End it at %(start)s or earlier, or merge the two windows."
                        )
                        % {"start": f"{start2:%H:%M}"},
                    )
                else:
                    form2.add_error(
                        "start",
                        _(
                            "This window overlaps the one ending at %(end)s on the same day. "
                            "Start it at %(end)s or later, or merge the two windows."
                        )
                        % {"end": f"{end1:%H:%M}"},
                    )


class ClosureForm(VisibleTextFormMixin, forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["date", "kind", "start", "end", "reason"]

    def clean(self):
        cleaned = super().clean()
        kind, start, end = cleaned.get("kind"), cleaned.get("start"), cleaned.get("end")
        if kind == Closure.Kind.CLOSED:
            if start or end:
                self.add_error(
                    "start",
                    _("A closure lasts the whole day: leave the times blank."),
                )
        elif kind == Closure.Kind.EXTRA_OPENING:
            if not start:
                self.add_error("start", _("Enter the time the extra opening starts, e.g. 09:30."))
            if not end:
                self.add_error("end", _("Enter the time the extra opening ends, e.g. 12:00."))
            if start and end and end <= start:
                self.add_error(
                    "end",
                    _("The closing time must be after the opening time (%s).") % f"{start:%H:%M}",
                )
        return cleaned


class ClosureFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kinds_by_date: dict[date, set[str]] = defaultdict(set)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("date") or not data.get("kind"):
                continue
            kind, kinds = data["kind"], kinds_by_date[data["date"]]
            if kind in kinds and kind == Closure.Kind.CLOSED:
                form.add_error("date", _("This day is already listed as closed. Remove one row."))
            elif kinds and kind not in kinds:
                form.add_error(
                    "kind",
                    _("A day cannot be both closed and an extra opening. Keep one of them."),
                )
            kinds.add(kind)


class CounselorForm(VisibleTextFormMixin, forms.ModelForm):
    class Meta:
        model = Counselor
        fields = ["user", "display_name", "is_active"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        office = self.instance.office if self.instance.office_id else None
        acting = getattr(self, "acting_office", None)
        if acting is not None and user.office_id != acting.pk:
            # A manager picks only their own office's accounts (never one without an office:
            # giving an account an office or staff status is for superusers).
            raise ValidationError(
                _(
                    "Choose a staff account of your office. Ask an administrator to create "
                    "the account or to give it your office."
                )
            )
        if office and user.office_id not in (None, office.pk):
            raise ValidationError(
                _(
                    "This account belongs to another office. Choose an account of this "
                    "office, or create a new one."
                )
            )
        return user
