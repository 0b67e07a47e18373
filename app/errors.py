"""Domain errors raised by services; one handler (``app.web.errors``) maps them to HTTP.

Messages are lazy-translated strings meant for the user: never plaintext client data,
never SQL, never a secret.
"""

from __future__ import annotations

from collections.abc import Mapping


class HavenError(Exception):
    status = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotFound(HavenError):
    """Missing, or belonging to another tenant: the two must be indistinguishable."""

    status = 404


class Forbidden(HavenError):
    status = 403


class AuthenticationFailed(HavenError):
    status = 401


class Conflict(HavenError):
    status = 409


class ValidationFailed(HavenError):
    """Bad input; ``fields`` maps a field name to its messages. Nothing was stored."""

    status = 422

    def __init__(self, fields: Mapping[str, list[str]], message: str = "") -> None:
        super().__init__(message)
        self.fields = dict(fields)
