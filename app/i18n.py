"""Marking user-facing messages in code that must not import Flask (services, models).

``N_`` only marks a string for extraction (``pybabel extract -k N_``); the web layer
translates it at render time with ``gettext``. That keeps services free of Flask while every
message still reaches the user in their language.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    return message
