"""
What a person types, checked and normalized the same way for every channel (web form,
API, phone booking in the admin). Each error says what is wrong and how to fix it.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from bookings.models import ApplicantKind
from common.text import hidden_character, hidden_character_message
from offices.accommodation import OTHER_MAX, Means, office_means
from offices.models import FieldRequirement, Office
from offices.rules import BookingRules

# Hyphen-like characters people type in numbers: ASCII and Unicode hyphens and dashes,
# the katakana prolonged sound mark, minus signs, and their full-width forms.
_DASHES = re.compile("[\u002d\u2010-\u2015\u2212\u30fc\uff0d\uff70\ufe63\u2043]")
_JOB_SEEKER_NUMBER = re.compile(r"^\d{5}-\d{1,8}$")
_KANA = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\u3000 ]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

NAME_MAX = 100
NOTE_MAX = 1000
COMPANY_MAX = 200
ATTENDEES_MAX = 5
ATTENDEE_ROLES = ("interpreter", "helper", "supporter", "family", "other")


@dataclass
class ApplicantInput:
    """Cleaned values, ready for `booking_create`."""

    kind: str = ApplicantKind.JOB_SEEKER
    name: str = ""
    name_kana: str = ""
    job_seeker_number: str = ""
    email: str = ""
    phone: str = ""
    company_name: str = ""
    attendees: list[dict[str, str]] = field(default_factory=list)
    note: str = ""
    accommodations: list[str] = field(default_factory=list)  # offices.accommodation codes
    accommodation_other: str = ""


class Errors(dict):
    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)


def _text(value: object) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _CONTROL.sub("", text).strip()


# A name is only a name: a web address, an email address or a phone number in it would be
# read out by the office's own emails and pages (issue 23: a phishing line as a name).
_CONTACT_IN_NAME = re.compile(
    r"https?:|://|www\.|@|[\w-]+\.(?:com|net|org|info|biz|jp|io|co|me|xyz|top|link|site|"
    r"online|app|dev|ly|to)\b|(?:\d[\s\-().]*){7,}",
    re.IGNORECASE,
)


def _refuse_contact_in_name(errors: Errors, field_name: str, name: str) -> bool:
    if not _CONTACT_IN_NAME.search(name):
        return False
    errors.add(
        field_name,
        _(
            "Enter only the name: remove the web address, email address or phone number "
            "(give contact details in their own fields)."
        ),
    )
    return True


def _refuse_hidden(errors: Errors, field_name: str, value: object, *, lines: bool = False) -> bool:
    found = hidden_character(value, lines=lines)  # the one check: common.text
    if found is None:
        return False
    errors.add(field_name, hidden_character_message(found))
    return True


def normalize_job_seeker_number(value: object) -> str:
    """
    `12345-1234567` from what a person types: any width, any dash or none (an iPhone's
    number pad has no hyphen: `1234512345678`, `12345 1234567`), spaces anywhere. The
    digits are split after the fifth. Anything else is returned as typed (then refused).
    """
    text = re.sub(r"\s+", "", _DASHES.sub("-", _text(value)))
    digits = text.replace("-", "")
    digits_only = digits.isascii() and digits.isdigit() and 6 <= len(digits) <= 13
    if digits_only and ("-" not in text or re.fullmatch(r"\d{5}-+\d+", text)):
        return f"{digits[:5]}-{digits[5:]}"
    return text


def normalize_phone(value: object) -> str:
    """Digits only, a leading +81 turned into 0: 03-1234-5678 -> 0312345678."""
    text = _DASHES.sub("-", _text(value))
    text = re.sub(r"[\s()\-.]", "", text)
    if text.startswith("+81"):
        text = "0" + text[3:]
    return text


def _phone_ok(digits: str) -> bool:
    # Mobile, IP and 0800 numbers (0X0 with X from 2 to 9) have 11 digits; every other
    # Japanese number (landlines, 0120, 0570) has 10: 090-1234-567 is a digit short.
    if re.match(r"0[2-9]0", digits):
        return bool(re.fullmatch(r"\d{11}", digits))
    return bool(re.fullmatch(r"0\d{9}", digits))


def validate_applicant(
    data: dict, *, office: Office, rules: BookingRules, email_optional: bool = False
) -> tuple[ApplicantInput, Errors]:
    """
    The person's details checked and normalized, with the errors by field. A booking
    entered by staff (`email_optional`) may leave out the email: the person without one
    is reached by phone, and the meeting link is given by phone or post.
    """
    errors = Errors()
    cleaned = ApplicantInput()

    kind = _text(data.get("kind")) or ApplicantKind.JOB_SEEKER
    if kind not in ApplicantKind.values or (
        kind == ApplicantKind.EMPLOYER and not office.employers_may_book
    ):
        errors.add("kind", _("This office takes bookings from job seekers only."))
    cleaned.kind = kind

    name = _text(data.get("name"))
    if _refuse_hidden(errors, "name", data.get("name")):
        pass
    elif not name:
        errors.add("name", _("Enter your name, e.g. 山田 太郎."))
    elif len(name) > NAME_MAX:
        errors.add("name", _("Enter your name in %(max)d characters or fewer.") % {"max": NAME_MAX})
    else:
        _refuse_contact_in_name(errors, "name", name)
    cleaned.name = name

    kana = _text(data.get("name_kana"))
    if office.name_kana != FieldRequirement.NOT_ASKED:
        if _refuse_hidden(errors, "name_kana", data.get("name_kana")):
            pass
        elif not kana and office.name_kana == FieldRequirement.REQUIRED:
            errors.add("name_kana", _("Enter your name in kana, e.g. ヤマダ タロウ."))
        elif kana and (not _KANA.match(kana) or len(kana) > NAME_MAX):
            errors.add(
                "name_kana",
                _("Enter your name in katakana or hiragana only, e.g. ヤマダ タロウ."),
            )
        cleaned.name_kana = kana

    number = normalize_job_seeker_number(data.get("job_seeker_number"))
    requirement = rules.job_seeker_number
    if kind == ApplicantKind.EMPLOYER:
        requirement = FieldRequirement.NOT_ASKED
    if requirement != FieldRequirement.NOT_ASKED:
        if not number and requirement == FieldRequirement.REQUIRED:
            errors.add(
                "job_seeker_number",
                _(
                    "Enter your job-seeker number as on your Hello Work card: 5 digits, "
                    "then up to 8 digits, e.g. 12345-1234567 (digits only is fine)."
                ),
            )
        elif number and not _JOB_SEEKER_NUMBER.match(number):
            errors.add(
                "job_seeker_number",
                _(
                    "A job-seeker number is 5 digits, then up to 8 digits, e.g. "
                    "12345-1234567 or 123451234567. Check the number on your Hello Work card."
                ),
            )
        cleaned.job_seeker_number = number

    email = _text(data.get("email"))
    try:
        if not email and email_optional:
            pass
        elif not email:
            raise ValidationError("empty")
        else:
            validate_email(email)
            local, _at, domain = email.rpartition("@")
            email = f"{local}@{domain.lower()}"
    except ValidationError:
        errors.add(
            "email",
            _(
                "Enter an email address you can receive mail at, e.g. taro@example.jp. "
                "Your booking link is sent there."
            ),
        )
    cleaned.email = email

    phone = normalize_phone(data.get("phone"))
    if not _phone_ok(phone):
        errors.add(
            "phone",
            _(
                "Enter a Japanese phone number of 10 or 11 digits starting with 0, "
                "e.g. 090-1234-5678. The office calls it if the connection fails."
            ),
        )
    cleaned.phone = phone

    if kind == ApplicantKind.EMPLOYER:
        company = _text(data.get("company_name"))
        if _refuse_hidden(errors, "company_name", data.get("company_name")):
            pass
        elif not company or len(company) > COMPANY_MAX:
            errors.add("company_name", _("Enter your company's name, e.g. 株式会社サンプル."))
        cleaned.company_name = company

    cleaned.attendees = _attendees(data.get("attendees"), errors)

    note = _text(data.get("note"))
    if _refuse_hidden(errors, "note", data.get("note"), lines=True):
        pass
    elif len(note) > NOTE_MAX:
        errors.add(
            "note",
            _("Shorten the note to %(max)d characters (now %(count)d).")
            % {"max": NOTE_MAX, "count": len(note)},
        )
    cleaned.note = note
    cleaned.accommodations, cleaned.accommodation_other = validate_accommodations(
        data, office=office, errors=errors
    )
    return cleaned, errors


def validate_accommodations(data: dict, *, office: Office, errors: Errors) -> tuple[list, str]:
    """The means asked for (codes the office offers, in their one order) and "other" in the
    person's words. Words typed under "Other" tick it; "Other" ticked needs words."""
    offered = office_means(office)
    value = data.get("accommodations")
    if value in (None, "", []):
        codes = []
    elif isinstance(value, str):
        codes = [value]
    elif (
        isinstance(value, list)
        and len(value) <= len(Means.values)
        and all(isinstance(code, str) for code in value)
    ):
        codes = list(value)
    else:
        errors.add("accommodations", _("Choose only from the accommodation this office offers."))
        return [], ""
    other = _text(data.get("accommodation_other"))
    if _refuse_hidden(errors, "accommodation_other", data.get("accommodation_other")):
        pass
    elif len(other) > OTHER_MAX:
        errors.add(
            "accommodation_other",
            _("Shorten what you need to %(max)d characters (now %(count)d).")
            % {"max": OTHER_MAX, "count": len(other)},
        )
    if other and Means.OTHER in offered and Means.OTHER not in codes:
        codes.append(Means.OTHER)
    if any(code not in offered for code in codes) or (other and Means.OTHER not in offered):
        errors.add("accommodations", _("Choose only from the accommodation this office offers."))
        return [], ""
    if Means.OTHER in codes and not other:
        errors.add(
            "accommodation_other",
            _("Write what you need under “Other”, e.g. breaks during the session."),
        )
    chosen = [code for code in Means.values if code in codes]
    return chosen, other if Means.OTHER in chosen else ""


def _attendees(value: object, errors: Errors) -> list[dict[str, str]]:
    if value in (None, "", []):
        return []
    if not isinstance(value, list) or len(value) > ATTENDEES_MAX:
        errors.add(
            "attendees",
            _("List up to %(max)d people who will attend with you.") % {"max": ATTENDEES_MAX},
        )
        return []
    attendees = []
    for item in value:
        if not isinstance(item, dict):
            errors.add("attendees", _("Give each attendee's role and name."))
            return []
        role = _text(item.get("role"))
        name = _text(item.get("name"))
        affiliation = _text(item.get("affiliation"))
        if role not in ATTENDEE_ROLES:
            errors.add(
                "attendees",
                _("Choose each attendee's role: interpreter, helper, supporter, family or other."),
            )
        if _refuse_hidden(errors, "attendees", item.get("name")):
            pass
        elif not name or len(name) > NAME_MAX:
            errors.add("attendees", _("Enter the name of each person attending with you."))
        else:
            _refuse_contact_in_name(errors, "attendees", name)
        if _refuse_hidden(errors, "attendees", item.get("affiliation")):
            pass
        elif len(affiliation) > COMPANY_MAX:
            errors.add(
                "attendees",
                _("Shorten the affiliation to %(max)d characters.") % {"max": COMPANY_MAX},
            )
        attendees.append({"role": role, "name": name, "affiliation": affiliation})
    return attendees


def identity_key(cleaned: ApplicantInput) -> str:
    """How an office recognizes a returning person: number if given, else email, else phone."""
    if cleaned.job_seeker_number:
        return f"jsn:{cleaned.job_seeker_number}"
    if not cleaned.email:  # entered by staff for a person without email
        return f"tel:{cleaned.phone}"
    return f"email:{cleaned.email.lower()}"


# Misspellings of the domains most people in Japan use, seen often enough to ask about;
# the address is kept as typed (a rare domain may really be spelled so).
_DOMAIN_TYPOS = {
    "gmial.com": "gmail.com", "gmai.com": "gmail.com", "gamil.com": "gmail.com",
    "gmail.co": "gmail.com", "gmail.con": "gmail.com", "gmail.cm": "gmail.com",
    "gmail.co.jp": "gmail.com", "gmal.com": "gmail.com", "gmaill.com": "gmail.com",
    "yahooo.co.jp": "yahoo.co.jp", "yaho.co.jp": "yahoo.co.jp", "yahoo.co.jo": "yahoo.co.jp",
    "yahoo.jp": "yahoo.co.jp", "docomo.ne.jo": "docomo.ne.jp", "docomo.co.jp": "docomo.ne.jp",
    "docomo.jp": "docomo.ne.jp", "ezweb.ne.jo": "ezweb.ne.jp", "ezweb.co.jp": "ezweb.ne.jp",
    "softbank.ne.jo": "softbank.ne.jp", "i.softbank.jo": "i.softbank.jp",
    "icloud.con": "icloud.com", "icoud.com": "icloud.com", "iclod.com": "icloud.com",
    "hotmial.com": "hotmail.com", "hotmai.com": "hotmail.com", "outlook.con": "outlook.com",
    "outlok.com": "outlook.com", "outlook.jo": "outlook.jp",
}  # fmt: skip


def email_typo_suggestion(email: str) -> str:
    """The address with a commonly mistyped domain corrected (gmial.com -> gmail.com), to
    ask "did you mean…?", or "" when the domain is not a known misspelling."""
    local, at, domain = (email or "").strip().rpartition("@")
    fixed = _DOMAIN_TYPOS.get(domain.lower()) if at and local else None
    return f"{local}@{fixed}" if fixed else ""
