"""
Tests state their own data. Helpers live in `tests/helpers.py` and no test imports a
conftest as a module; the five seeded offices (`seeded`, `offices` and the fixtures built on
them) are for tests about the seed, each listed below with why; every other test builds
what it needs with `tests/factories.py` (`office_with(**rules)` for an office with exactly
the rules a test names).
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SEED_FIXTURES = {
    "seeded",
    "offices",
    "with_terms",
}


def _modules():
    for path in sorted(TESTS.rglob("test_*.py")):
        yield path.relative_to(TESTS).as_posix(), ast.parse(path.read_text())


def _uses_the_seed(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = {a.arg for a in node.args.args + node.args.kwonlyargs}
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "usefixtures":
            names = {a.value for a in node.args if isinstance(a, ast.Constant)}
        else:
            continue
        if names & SEED_FIXTURES:
            return True
    return False


def test_no_test_imports_a_conftest():
    offenders = [
        name
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("conftest")
    ]
    assert offenders == [], "import helpers from tests.helpers"


def test_only_the_listed_modules_use_the_seeded_offices():
    using = {name for name, tree in _modules() if _uses_the_seed(tree)}
    about_the_seed = {
        "accounts/test_demo_second_factor.py",
        "offices/test_shipped_access.py",
        # The national bench adds its offices to the seeded five.
        "reports/test_bench_national.py",
        # Yamaguchi as shipped: its means and its plain summary, on the page and in Chromium.
        "offices/test_plain_summary.py",
        "e2e/test_accommodation.py",
        # The finding replayed on the site as shipped: Sasebo's evening service and limits.
        "security/test_shared_address.py",
        # The five offices as seeded: their published facts and rules, the seed run again.
        "offices/test_seed.py",
        # The review's finding on the seeded demo staff accounts (15) and their passwords.
        "production/test_demo_accounts.py",
        # The sample terms the seed gives each office, and their pages.
        "terms/test_seed_terms.py",
        # The seed's Japanese text (offices, sample terms): full-width colons after Japanese.
        "test_full_width_colons.py",
    }
    new = using - about_the_seed
    assert not new, f"these modules use the seeded offices; build the data with factories: {new}"
    gone = about_the_seed - using
    assert not gone, f"no longer on the seed: take them off about_the_seed: {gone}"
