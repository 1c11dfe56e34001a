"""
axe-core's whole answer on a page, for issue 26's "no violation and no 'needs review'
item": `review(page)` runs axe (WCAG 2.2 A and AA, as tests/e2e/test_accessibility.py)
and returns one line per rule that failed *or that axe could not decide* (its
`incomplete` results), with the page, the rule id and each element's selector. A page
axe cannot decide is not a page shown to pass: the cause is fixed in the templates or CSS,
never by leaving the rule out.
"""

from tests.e2e.test_accessibility import AXE, AXE_SOURCE, WCAG

WIDTH, HEIGHT = 390, 844  # a phone, as most job seekers open the emailed links


def axe_run(page, include: list[list[str]] | None = None, rules: list[str] | None = None):
    """axe-core's whole result (WCAG 2.2 A and AA) on the page as it is now: on all of it,
    or only on the elements `include` names (axe's targets) and with only the `rules` given."""
    assert AXE.exists(), f"needs axe-core at {AXE}: `npm ci`"
    # The page as a person sees it: its stylesheet and fonts applied (see audit()).
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)  # through the DevTools protocol: the page's CSP stays whole
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG}
    context = {"include": include} if include else None
    return page.evaluate(
        "([context, runOnly]) => axe.run(context || document, {runOnly})", [context, run_only]
    )


def review(page, name: str) -> list[str]:
    """`name`'s violations and needs-review items, one line per rule (empty: all decided)."""
    result = axe_run(page)
    lines = []
    for kind in ("violations", "incomplete"):
        for rule in result[kind]:
            targets = ", ".join(" ".join(node["target"]) for node in rule["nodes"])
            lines.append(f"{name} {kind} {rule['id']} ({len(rule['nodes'])}): {targets}")
    return lines


def to_the_end(page) -> None:
    """Scrolls to the page's end, where a time list's sticky 「次へ」 bar rests in its own
    place. On the first screen the bar lies over the times below it, and axe cannot decide
    the contrast of a text another element covers (`bgOverlap`): the one allowance of the
    suite, checked exactly in test_needs_review.py's
    `test_the_first_screen_of_a_time_list_under_its_sticky_bar`."""
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
