"""What an organisation admin sends to add a person: one typed input object, as the
invitation form, the platform's new-organisation form or the command line give it. The
service applies every rule to it; the form declares the same fields (a test keeps them
equal)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.validation import field_names


@dataclass(frozen=True)
class Invitation:
    email: str | None = None
    #: Used for a new account; a person who already has one keeps their name.
    display_name: str | None = None
    #: Role values.
    roles: Sequence[str] | None = ()


INVITATION_FIELDS = field_names(Invitation)
