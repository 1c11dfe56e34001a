"""
What may be kept of a person's device: a coarse label, never the browser string (which,
with its versions, narrows a person down to a few devices) nor the full address.
"""


def device_type(user_agent: str) -> str:
    """A coarse label such as `iPhone / Safari`: the kind of device, never its version."""
    ua = user_agent or ""
    system = next(
        (
            name
            for needle, name in (
                ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
                ("Windows", "Windows"), ("Macintosh", "Mac"), ("CrOS", "ChromeOS"),
                ("Linux", "Linux"),
            )
            if needle in ua
        ),
        "",
    )  # fmt: skip
    browser = next(
        (
            name
            for needle, name in (
                ("Edg/", "Edge"), ("Firefox/", "Firefox"), ("CriOS", "Chrome"),
                ("Chrome/", "Chrome"), ("Safari/", "Safari"),
            )
            if needle in ua
        ),
        "",
    )  # fmt: skip
    return " / ".join(part for part in (system, browser) if part) or "?"
