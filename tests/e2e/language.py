"""Choosing a language in the header's selector, as a person does: open 「Language」, press one."""

LANGUAGE_SELECTOR = ".language-switch > summary"


def choose_language(page, name: str) -> None:
    """Open the header's language selector and press the language called `name` (its own name)."""
    page.locator(LANGUAGE_SELECTOR).click()
    page.get_by_role("button", name=name, exact=True).click()
