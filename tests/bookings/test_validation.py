"""What a person types: control and invisible characters in names are refused by name."""

import pytest

from bookings.validation import validate_applicant
from offices.rules import rules_for_service
from tests.factories import office_with
from tests.helpers import person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("name", "山田\u200b太郎", "U+200B ZERO WIDTH SPACE"),
        ("name", "山田 \u202e郎太", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("name", "山田\r\n太郎", "U+000D"),
        ("name", "山田\u2028太郎", "U+2028 LINE SEPARATOR"),
        ("name", "山田\x00太郎", "U+0000"),
        ("name_kana", "ヤマダ\u200dタロウ", "U+200D ZERO WIDTH JOINER"),
    ],
)
def test_a_name_with_an_invisible_or_control_character_is_refused_naming_it(field, value, named):
    svc = office_with(name_kana="required", job_seeker_number="required").services.get()
    _cleaned, errors = validate_applicant(
        person(**{field: value}), office=svc.office, rules=rules_for_service(svc, svc.office)
    )
    assert field in errors
    assert named in errors[field][0]


def test_an_ordinary_name_with_an_ideographic_space_is_accepted():
    svc = office_with(name_kana="required", job_seeker_number="required").services.get()
    _cleaned, errors = validate_applicant(
        person(name="山田\u3000太郎"), office=svc.office, rules=rules_for_service(svc, svc.office)
    )
    assert "name" not in errors
