"""A policy's annotations read into a typed rule: id, reason, English text, obligations.

Annotations are the only place a policy speaks to the app, so they are checked as strictly
as the Cedar itself: an unknown key (``@obligations``), an unknown obligation or field group,
or an obligation on a ``forbid`` is a load error, never a silently ignored duty.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any

from policies.errors import Problem
from policies.source import ParsedPolicy
from policies.vocabulary import FieldGroup


class Effect(enum.StrEnum):
    permit = "permit"
    forbid = "forbid"


class Obligation(enum.StrEnum):
    """Duties ``@obligation("...")`` puts on the app (comma-separated for several)."""

    #: A second person, a supervisor who is not the requester, approves before release.
    supervisor_approval = "supervisor_approval"
    #: A supervisor reviews the access afterwards (break-glass).
    supervisor_review = "supervisor_review"


class NotifyClient(enum.StrEnum):
    """``@notify_client("...")``: whether the client is told of the disclosure."""

    #: Told in every case.
    always = "always"
    #: Told unless the caseworker records that telling them would endanger them (and why).
    unless_endangering = "unless_endangering"


ANNOTATIONS = frozenset({"id", "reason", "explain", "obligation", "min_fields", "notify_client"})
OBLIGATION_KEYS = frozenset({"obligation", "min_fields", "notify_client"})
#: ``@id``: lower-case words joined by ``_``, optionally dotted (``org.no_police``).
POLICY_ID = re.compile(r"[a-z][a-z0-9_]{0,63}(\.[a-z0-9_]{1,64})*")
REASON_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")


@dataclass(frozen=True)
class Reason:
    """Why a decision came out as it did: a stable code the app translates, and English."""

    code: str
    text: str


@dataclass(frozen=True)
class Obligations:
    """What the app must do before (or after) acting on an allowed decision."""

    supervisor_approval: bool = False
    supervisor_review: bool = False
    notify_client: NotifyClient | None = None
    #: The groups a disclosure under this rule is limited to; None: no such limit.
    min_fields: frozenset[FieldGroup] | None = field(default=None)

    def merge(self, other: Obligations) -> Obligations:
        """Both rules' duties: every flag, the stronger notice, the smaller field list."""
        notices = {self.notify_client, other.notify_client}
        notify = next(
            (n for n in (NotifyClient.always, NotifyClient.unless_endangering) if n in notices),
            None,
        )
        limits = [m for m in (self.min_fields, other.min_fields) if m is not None]
        return Obligations(
            supervisor_approval=self.supervisor_approval or other.supervisor_approval,
            supervisor_review=self.supervisor_review or other.supervisor_review,
            notify_client=notify,
            min_fields=frozenset.intersection(*limits) if limits else None,
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON and audit entries."""
        return {
            "supervisor_approval": self.supervisor_approval,
            "supervisor_review": self.supervisor_review,
            "notify_client": None if self.notify_client is None else str(self.notify_client),
            "min_fields": None if self.min_fields is None else sorted(self.min_fields),
        }


NO_OBLIGATIONS = Obligations()


@dataclass(frozen=True)
class Rule:
    """One policy of a set, as the app shows it and as audit entries name it."""

    policy_id: str
    effect: Effect
    reason: Reason
    obligations: Obligations
    file: str
    line: int | None


def read_rule(policy: ParsedPolicy) -> tuple[Rule | None, list[Problem]]:
    """The rule a parsed policy declares, or the problems with its annotations."""
    notes = policy.annotations
    problems: list[str] = [
        f"unknown annotation @{key}; known: {', '.join(sorted(ANNOTATIONS))}"
        for key in sorted(set(notes) - ANNOTATIONS)
    ]
    policy_id, code, text = notes.get("id", ""), notes.get("reason", ""), notes.get("explain", "")
    if not POLICY_ID.fullmatch(policy_id):
        problems.append('needs @id("lower_case_words"), unique in the set')
    if not REASON_CODE.fullmatch(code):
        problems.append('needs @reason("a_reason_code") for the app to translate')
    if not text.strip():
        problems.append('needs @explain("...") saying the rule in plain English')
    effect = Effect(policy.effect)
    if effect is Effect.forbid and OBLIGATION_KEYS & set(notes):
        problems.append("obligations belong on permits; a forbid only denies")
    obligations, obligation_problems = _read_obligations(notes)
    problems += obligation_problems
    if problems:
        where = policy_id or policy.positional_id
        return None, [Problem(policy.file, policy.line, where, p) for p in problems]
    rule = Rule(
        policy_id, effect, Reason(code, text.strip()), obligations, policy.file, policy.line
    )
    return rule, []


def _read_obligations(notes: dict[str, str]) -> tuple[Obligations, list[str]]:
    problems: list[str] = []
    duties = set(_split(notes.get("obligation", "")))
    unknown = duties - set(Obligation)
    if unknown:
        problems.append(
            f"unknown obligation {', '.join(sorted(unknown))}; known: {', '.join(Obligation)}"
        )
    notify = notes.get("notify_client")
    if notify is not None and notify not in set(NotifyClient):
        problems.append(f"@notify_client must be one of {', '.join(NotifyClient)}")
    min_fields: frozenset[FieldGroup] | None = None
    if "min_fields" in notes:
        groups = set(_split(notes["min_fields"]))
        if not groups or groups - set(FieldGroup):
            problems.append(f"@min_fields lists field groups from: {', '.join(FieldGroup)}")
        else:
            min_fields = frozenset(FieldGroup(g) for g in groups)
    if problems:
        return NO_OBLIGATIONS, problems
    return Obligations(
        supervisor_approval=Obligation.supervisor_approval in duties,
        supervisor_review=Obligation.supervisor_review in duties,
        notify_client=None if notify is None else NotifyClient(notify),
        min_fields=min_fields,
    ), []


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]
