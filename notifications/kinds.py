"""
What each kind of email is called in the admin's outbox. `notifications` takes kinds as
plain strings from the apps that send them; each app names its kinds here when Django
starts (its AppConfig.ready), so the outbox shows 「別の日時の提案」, not `booking_proposed`.
"""

from collections.abc import Callable, Mapping

_labels: dict[str, object] = {}
_renderers: dict[str, Callable] = {}


def kind_labels_register(labels: Mapping[str, object]) -> None:
    _labels.update(labels)


def kind_label(kind: str) -> str:
    """The kind's name; a kind written with an old suffix (`booking_proposed:<ts>`) too."""
    label = _labels.get(kind) or _labels.get(kind.split(":", 1)[0])
    return str(label) if label is not None else kind


def kind_renderers_register(renderers: Mapping[str, Callable]) -> None:
    """The renderer of each kind written as intent: `render(notification)` returns the
    `Message` (or None: nothing to send), called by the sending worker (services)."""
    _renderers.update(renderers)


def kind_renderer(kind: str) -> Callable | None:
    return _renderers.get(kind)


# Pointers: the short text sent by LINE or SMS for a kind ("there is news about your
# booking: open this link"), rendered by the app that owns the kind, never with details.
_pointers: dict[str, Callable] = {}
_undelivered: dict[str, Callable] = {}


def kind_pointers_register(renderers: Mapping[str, Callable]) -> None:
    """`render(notification)` returns the pointer's text (with its link) or None."""
    _pointers.update(renderers)


def kind_pointer(kind: str) -> Callable | None:
    return _pointers.get(kind) or _pointers.get(kind.split(":", 1)[0])


def undelivered_handler_register(owner_kind: str, handler: Callable) -> None:
    """`handler(notification)` is called once when a message of an owner of this kind (a
    booking, a waitlist entry) reached none of the person's channels: the owner's app lists
    a call for a counselor."""
    _undelivered[owner_kind] = handler


def undelivered_handler(owner_kind: str) -> Callable | None:
    return _undelivered.get(owner_kind)
