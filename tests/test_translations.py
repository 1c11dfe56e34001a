"""Japanese first: every string has a Japanese translation, compiled into the catalogue."""

import gettext
import re
from pathlib import Path

from django.conf import settings

JA_PO = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po"


def _unquote(lines: list[str]) -> str:
    return "".join(
        re.match(r'^(?:msg\w+(?:\[\d\])? )?"(.*)"$', line)
        .group(1)
        .encode()
        .decode("unicode_escape")
        .encode("latin-1")
        .decode("utf-8")
        for line in lines
    )


def _entries(path: Path) -> list[dict[str, str]]:
    """A small .po reader: msgid, msgid_plural, msgstr / msgstr[0], and fuzzy flags."""
    entries, current, key = [], {}, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if current:
                entries.append({k: _unquote(v) if k != "flags" else v for k, v in current.items()})
            current, key = {}, None
        elif line.startswith("#,"):
            current["flags"] = line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key].append(line)
        else:
            key = line.split(" ", 1)[0]
            current[key] = [line]
    return [e for e in entries if e.get("msgid")]


def test_every_japanese_message_is_translated_and_none_is_fuzzy():
    entries = _entries(JA_PO)
    assert len(entries) > 150
    untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_po_file():
    catalogue = gettext.translation(
        "django", localedir=Path(settings.BASE_DIR) / "locale", languages=["ja"]
    )
    stale = [
        e["msgid"]
        for e in _entries(JA_PO)
        if "msgid_plural" not in e and "msgctxt" not in e
        if catalogue.gettext(e["msgid"]) != e["msgstr"]
    ]
    assert stale == [], "run `make messages` to recompile locale/*.mo"
