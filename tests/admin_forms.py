"""Builds the POST data of a Django admin change form as the browser would send it."""

from django import forms
from django.test import Client


def _bound_form_data(form: forms.BaseForm) -> dict[str, object]:
    data: dict[str, object] = {}
    for bound in form:
        value = bound.value()
        if isinstance(bound.field.widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(bound.field.widget, forms.NullBooleanSelect):
            value = {True: "true", False: "false"}.get(value, "unknown")
        data[bound.html_name] = "" if value is None else value
    return data


def change_form_data(client: Client, url: str) -> dict[str, object]:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = _bound_form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_bound_form_data(formset.management_form))
        for form in formset.forms:
            data.update(_bound_form_data(form))
    return data


def inline_rows(data: dict[str, object], prefix: str) -> int:
    return int(data[f"{prefix}-TOTAL_FORMS"])


def add_inline_row(data: dict[str, object], prefix: str, **values: object) -> int:
    index = inline_rows(data, prefix)
    data[f"{prefix}-TOTAL_FORMS"] = index + 1
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = value
    return index
