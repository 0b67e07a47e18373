"""What a new password must be (OWASP ASVS 5.0, chapter 6): at least 12 characters, and
not easy to guess, as judged by zxcvbn, which knows the common-password lists, keyboard
walks, repeats, dates and words, and the person's own name and e-mail.

A password's strength is judged, never its composition: no rule such as "one digit and one
symbol", which makes passwords harder to remember and no harder to guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zxcvbn import zxcvbn

from app.i18n import N_

MIN_LENGTH = 12
#: zxcvbn's score 3: "safely unguessable: moderate protection from offline slow-hash
#: scenario" (about 10^8 guesses and more). Passwords are stored as argon2id hashes.
MIN_SCORE = 3
#: zxcvbn's time grows with the length; beyond this the length alone is strength enough.
_JUDGED_LENGTH = 100

TOO_SHORT = N_("Use at least 12 characters.")
TOO_GUESSABLE = N_(
    "This password is too easy to guess: it is common, or made of a repeated pattern, a "
    "keyboard row, a date or your name. A few unrelated words make a strong one."
)


def problems(new: str, about_the_person: Iterable[str] = ()) -> list[str]:
    """Messages for a new password; empty when it may be used. ``about_the_person``:
    their name and e-mail, which must not make the password."""
    if len(new) < MIN_LENGTH:
        return [TOO_SHORT]
    hints = [p.casefold() for t in about_the_person for p in re.split(r"[\s@._-]+", t) if p]
    if _only_the_person(new, hints):
        return [TOO_GUESSABLE]
    if zxcvbn(new[:_JUDGED_LENGTH], user_inputs=hints)["score"] < MIN_SCORE:
        return [TOO_GUESSABLE]
    return []


def _only_the_person(new: str, hints: list[str]) -> bool:
    """Made of the person's name or e-mail parts, with digits and punctuation between
    ("marie.dubois.1990"): zxcvbn misses these when the parts are separated."""
    folded = new.casefold()
    rest = folded
    for hint in sorted(hints, key=len, reverse=True):
        if len(hint) >= 3:
            rest = rest.replace(hint, "")
    return rest != folded and sum(ch.isalpha() for ch in rest) < 4
