"""Marking user-facing messages in code that must not import Flask (services, models).

``N_`` only marks a string for extraction (``pybabel extract -k N_``); the web layer
translates it at render time (:func:`translated`). That keeps services free of Flask while
every message still reaches the user in their language. A message with values
(``N_("At most %(limit)s characters.", limit=200)``) is translated first and filled in
after, so the translator sees one message id for every limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Message(str):
    """A message id that carries the values to fill in once it is translated."""

    params: dict[str, Any]

    def __new__(cls, message: str, params: dict[str, Any]) -> Message:
        made = super().__new__(cls, message)
        made.params = params
        return made


def N_(message: str, **params: Any) -> str:  # noqa: N802 - the conventional gettext marker name
    return Message(message, params) if params else message


def translated(
    message: str, gettext: Callable[[str], str], number: Callable[[int], str] = str
) -> str:
    """``message`` in the reader's language, with its values filled in (whole numbers
    written the reader's way by ``number``, e.g. 10,000 or 10 000)."""
    text = gettext(message)
    params: dict[str, Any] | None = getattr(message, "params", None)
    if not params:
        return text
    return text % {k: number(v) if isinstance(v, int) else v for k, v in params.items()}
