"""
Imports sit at the top of a module (style.md), so the import contracts see them and a
reader sees what a module needs. An import inside a function is allowed where a comment
(on its line or just above it) says why: a cycle it breaks, an app's `ready()`, a heavy
optional library.
"""

import ast
from pathlib import Path

from django.conf import settings

APPS = (
    "accounts", "bookings", "common", "conferencing", "config", "interviews", "invitations",
    "notifications", "offices", "reports", "terms", "waitlist",
)  # fmt: skip
SKIPPED = {"migrations", "management", "settings"}


def _unexplained(path: Path) -> list[int]:
    source = path.read_text()
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if not isinstance(inner, ast.Import | ast.ImportFrom):
                continue
            here, above = lines[inner.lineno - 1], lines[inner.lineno - 2]
            if "#" not in here and not above.strip().startswith("#"):
                found.append(inner.lineno)
    return found


def _modules():
    base = Path(settings.BASE_DIR)
    for app in APPS:
        for path in sorted((base / app).rglob("*.py")):
            parts = path.relative_to(base).parts
            if path.name == "apps.py" or SKIPPED & set(parts):
                continue
            yield path.relative_to(base).as_posix(), path


def test_imports_inside_functions_say_why():
    found = {name: lines for name, path in _modules() if (lines := _unexplained(path))}
    assert not found, f"move these imports to the top, or say in a comment why not: {found}"
