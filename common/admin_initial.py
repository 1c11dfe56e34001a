"""
The admin's add pages take initial values from the query string (`?office=3`). A value
the field cannot hold (`?user=nan`, a number beyond the column) made the autocomplete
widget's query fail with a 500 (`tests/production/test_parameters_property.py` found it);
such a value is dropped, and the page opens as if it had not been given.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

BIGINT = 2**63


def _fits(model: type[models.Model], name: str, value) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True  # not a model field: the form decides
    if field.many_to_many or field.one_to_many:
        values = value if isinstance(value, list) else [value]
        field = field.target_field
    else:
        values = [value]
        if field.many_to_one or field.one_to_one:
            field = field.target_field
    return all(_value_fits(field, one) for one in values)


def _value_fits(field, value) -> bool:
    try:
        python = field.to_python(value)
    except (ValidationError, TypeError, ValueError, OverflowError):
        return False
    return not (isinstance(python, int) and not -BIGINT <= python < BIGINT)


class _FittingValues:
    """An autocomplete widget that looks up only the submitted values its field can hold
    (Django's filters by them as they came, and a posted `user=nan` gave a 500)."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        to_field = remote.model._meta.get_field(remote.field_name)
        value = [v for v in value if v in (None, "") or _value_fits(to_field, v)]
        return super().optgroups(name, value, attr)


class FittingAutocompleteSelect(_FittingValues, AutocompleteSelect):
    pass


class FittingAutocompleteSelectMultiple(_FittingValues, AutocompleteSelectMultiple):
    pass


class QueryInitialMixin:
    """For a ModelAdmin: initial values from the query string, and the values an
    autocomplete looks up, only when the field can hold them."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and type(formfield.widget) is AutocompleteSelect:
            formfield.widget.__class__ = FittingAutocompleteSelect
        return formfield

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        return {name: value for name, value in initial.items() if _fits(self.model, name, value)}
