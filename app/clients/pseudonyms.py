"""Pseudonym codes such as ``K7-MORA-42``: what staff see, say on the phone and search by.

XXX: a code is drawn from the OS CSPRNG (``secrets``) and never derived from the client's
identity (no hash of a name or date of birth), so knowing who someone is does not give
their code, and a code gives nothing about the person.

Shape: a letter and a digit, a pronounceable pair of consonant-vowel syllables, two
digits. Letters and digits that are misread aloud or on paper (I/1, O/0) are left out of
the first part; the syllables use consonants that sound distinct in English, French and
Russian. About 117 million codes: collisions within one organisation are rare and are
retried by the caller.
"""

from __future__ import annotations

import re
import secrets

_LEAD_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_LEAD_DIGITS = "23456789"
_CONSONANTS = "BDFGKLMNPRSTVZ"
_VOWELS = "AEIOU"

CODE_PATTERN = re.compile(r"[A-Z][0-9]-(?:[A-Z][AEIOU]){2}-[0-9]{2}")
_LOOSE = re.compile(r"([A-Z][0-9])[\s-]*((?:[A-Z][AEIOU]){2})[\s-]*([0-9]{2})")


def new_code() -> str:
    """A fresh random code, e.g. ``K7-MORA-42``."""
    lead = secrets.choice(_LEAD_LETTERS) + secrets.choice(_LEAD_DIGITS)
    word = "".join(secrets.choice(_CONSONANTS) + secrets.choice(_VOWELS) for _ in range(2))
    return f"{lead}-{word}-{secrets.randbelow(100):02d}"


def canonical_code(text: str) -> str | None:
    """The code someone typed, in canonical form: case, spaces and dashes do not matter
    ("k7 mora 42", "K7MORA42"). None if it cannot be a code."""
    match = _LOOSE.fullmatch(text.strip().upper())
    if match is None:
        return None
    return "-".join(match.groups())
