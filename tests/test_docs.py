"""
The README stays short and true: every dependency in `pyproject.toml` is named in its
table with why it is there, every link of the README and of `docs/` leads somewhere, and
the README is read in ten minutes (the rest lives in `docs/`).
"""

import re
import tomllib
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
README = BASE_DIR / "README.md"
PAGES = [README, *sorted((BASE_DIR / "docs").glob("*.md"))]
README_MAX_LINES = 250


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=~!; ]", requirement, maxsplit=1)[0].lower()


def _dependency_table() -> str:
    text = README.read_text()
    start = text.index("## Dependencies and why each is there")
    end = text.index("\n## ", start + 1)
    return text[start:end].lower()


def _anchor(heading: str) -> str:
    # GitHub's rule: lower case, punctuation dropped, spaces become hyphens.
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_dependency_is_in_the_readme_with_why():
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
    names = [_name(r) for r in project["dependencies"]]
    for extra in project.get("optional-dependencies", {}).values():
        names += [_name(r) for r in extra]
    table = _dependency_table()
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    missing = [
        name
        for name in names
        if not any(re.search(rf"(^|[\s,|]){re.escape(name)}\b", row.split("|")[1]) for row in rows)
    ]
    assert not missing, f"not in the README's dependency table: {missing}"


def test_every_link_in_the_readme_and_docs_leads_somewhere():
    broken = []
    for page in PAGES:
        text = page.read_text()
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and file.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", file.read_text(), flags=re.M)
                if anchor not in {_anchor(h) for h in headings}:
                    broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken, broken


def test_the_readme_is_short_and_links_every_docs_page():
    text = README.read_text()
    assert len(text.splitlines()) <= README_MAX_LINES
    for page in PAGES[1:]:
        assert f"](docs/{page.name})" in text, f"the README does not link docs/{page.name}"
