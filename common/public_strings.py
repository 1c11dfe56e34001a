"""
Which strings a person (not staff) reads: the one rule, read from the catalogues' references.

A msgid is *public* when at least one of its `#:` references (the source lines
`make messages` records in locale/*/LC_MESSAGES/django.po) is in a public source: the
person's pages and forms, their errors, the emails and the .ics sent to them, the API's error
messages. The staff admin, the counselors' pages and emails and the figures are not public;
they stay in Japanese (and English).

Every public msgid must be translated, and not fuzzy, in every shipped language
(settings.LANGUAGES): tests/test_translations_public.py names each one that is not. A new
file a person reads goes in PUBLIC_SOURCES; a staff-only file under a public folder goes in
STAFF_SOURCES.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

# Folders (ending in "/") and files whose strings a person reads.
PUBLIC_SOURCES = (
    "templates/",
    "bookings/public/",
    "bookings/api/",
    "bookings/emails/applicant.py",
    "bookings/emails/ics.py",
    "bookings/emails/pointers.py",
    "bookings/forms.py",
    "bookings/validation.py",
    "bookings/next_steps.py",
    "bookings/services/create.py",
    "bookings/services/device_check.py",
    "bookings/services/find.py",
    "bookings/services/holds.py",
    "bookings/services/locking.py",
    "bookings/services/open_requests.py",
    "bookings/services/person_guard.py",
    "bookings/services/public.py",
    "bookings/services/reschedule.py",
    "bookings/services/seats.py",
    "offices/display.py",
    "offices/devices.py",
    "offices/accommodation.py",
    "offices/plain.py",
    "bookings/accommodation.py",
    "bookings/services/accommodation.py",
    "invitations/views.py",
    "invitations/waitlist_path.py",
    "invitations/emails.py",
    "interviews/views.py",
    "interviews/emails.py",
    "waitlist/views.py",
    "waitlist/emails.py",
    "waitlist/forms.py",
    "waitlist/services/",
    "terms/views.py",
    "config/errors.py",
    "common/forms.py",
    "common/text.py",
    "notifications/contacts.py",
    "notifications/line_events.py",
    "notifications/channel_pages.py",
)

# Under a public folder, but read by staff only.
STAFF_SOURCES = (
    "templates/admin/",
    "templates/accounts/",
    "templates/conferencing/",
    "templates/emails/staff_notice.",
)


# Labels a person reads that live in a staff-side file: the booking's status (in the email
# listing a person's bookings) and the video platform's name (their pages). A test keeps
# these equal to bookings.state.BookingStatus's and offices.models.Platform's labels.
PUBLIC_MSGIDS = frozenset(
    {
        # bookings/state.py BookingStatus
        "Awaiting email check", "Awaiting confirmation", "Confirmed", "In progress",
        "Completed", "No-show", "Switched to phone", "Cancelled", "Expired",
        # offices/models.py Platform
        "Microsoft Teams", "Zoom", "TeleOffice",
    }
)  # fmt: skip


def is_public_source(path: str) -> bool:
    path = path.split(":", 1)[0]
    if any(path.startswith(staff) for staff in STAFF_SOURCES):
        return False
    return any(
        path.startswith(source) if source.endswith("/") else path == source
        for source in PUBLIC_SOURCES
    )


@dataclass
class Entry:
    msgid: str
    msgid_plural: str = ""
    msgctxt: str = ""
    msgstr: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def public(self) -> bool:
        if self.msgid in PUBLIC_MSGIDS and not self.msgctxt:
            return True
        return any(is_public_source(ref) for ref in self.references)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr) and not self.fuzzy

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt else self.msgid


def _unquote(text: str) -> str:
    body = re.match(r'^(?:msg\w+(?:\[\d+\])? )?"(.*)"$', text).group(1)
    return body.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def read_po(path: Path) -> list[Entry]:
    """A small .po reader: references, flags, msgctxt, msgid(_plural), msgstr(s); no obsolete."""
    entries: list[Entry] = []
    refs: list[str] = []
    fuzzy = False
    parts: dict[str, list[str]] = {}
    key = None

    def flush():
        nonlocal refs, fuzzy, parts, key
        if "msgid" in parts:
            msgid = "".join(_unquote(line) for line in parts["msgid"])
            if msgid:
                strs = sorted(k for k in parts if k.startswith("msgstr"))
                entries.append(
                    Entry(
                        msgid=msgid,
                        msgid_plural="".join(_unquote(x) for x in parts.get("msgid_plural", [])),
                        msgctxt="".join(_unquote(x) for x in parts.get("msgctxt", [])),
                        msgstr=["".join(_unquote(x) for x in parts[k]) for k in strs],
                        references=refs,
                        fuzzy=fuzzy,
                    )
                )
        refs, fuzzy, parts, key = [], False, {}, None

    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#:"):
            refs.extend(line[2:].split())
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            parts[key].append(line)
        else:
            key = line.split(" ", 1)[0]
            parts[key] = [line]
    return entries


def missing_public(path: Path) -> list[str]:
    """The public msgids of one catalogue that are untranslated or fuzzy, in file order."""
    return [e.msgid for e in read_po(path) if e.public and not e.translated]
