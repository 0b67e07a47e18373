"""The policy package's own errors, and the problem a check reports.

Messages name files, lines, policy ids and Cedar's own wording; a policy set holds no client
data, so nothing here can leak any.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a policy file: where, which policy, what."""

    #: The file's name as given when it was loaded (``default.cedar``, ``overrides.cedar``).
    file: str
    #: 1-based line of the policy (or schema declaration) at fault; None when unknown.
    line: int | None
    #: The policy's ``@id`` (or Cedar's positional id before one is known); None for a file.
    policy_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        who = f" [{self.policy_id}]" if self.policy_id else ""
        return f"{where}:{who} {self.message}"


class PolicyError(Exception):
    """Base of every error raised by :mod:`policies`."""


class PolicyLoadError(PolicyError):
    """A policy set (or the schema) does not parse, validate or follow the conventions."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OverrideNotStricter(PolicyLoadError):
    """An organisation's overrides contain a ``permit``: overrides may only forbid."""


class UnknownPolicySet(PolicyError):
    """No shipped policy set has that name."""
