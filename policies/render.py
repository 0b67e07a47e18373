"""A set's rules in plain language, for the admin page and ``python -m policies describe``.

The app renders the same :class:`~policies.rules.Rule` objects in the user's language by
translating each ``reason.code``; the English here is the ``@explain`` text.
"""

from __future__ import annotations

from policies.rules import Effect, Obligations, Rule
from policies.sets import PolicySet


def describe(policy_set: PolicySet) -> tuple[Rule, ...]:
    """The set's rules, what is never allowed first, each group in the order of the files."""
    forbids = [r for r in policy_set.rules if r.effect is Effect.forbid]
    permits = [r for r in policy_set.rules if r.effect is Effect.permit]
    return (*forbids, *permits)


def obligation_phrases(obligations: Obligations) -> list[str]:
    """English phrases for a rule's obligations (the app has its own, translated)."""
    phrases = []
    if obligations.supervisor_approval:
        phrases.append("a supervisor other than the requester approves")
    if obligations.supervisor_review:
        phrases.append("a supervisor reviews it afterwards")
    if obligations.notify_client is not None:
        phrases.append(f"client notified: {obligations.notify_client.replace('_', ' ')}")
    if obligations.min_fields is not None:
        phrases.append(f"only: {', '.join(sorted(obligations.min_fields))}")
    return phrases


def plain_text(policy_set: PolicySet) -> str:
    lines = [f"Policy set {policy_set.name} (sha256 {policy_set.sha256})"]
    heading = None
    for rule in describe(policy_set):
        title = "Never:" if rule.effect is Effect.forbid else "Allowed:"
        if title != heading:
            lines += ["", title]
            heading = title
        duties = obligation_phrases(rule.obligations)
        suffix = f" ({'; '.join(duties)})" if duties else ""
        lines.append(f"  - {rule.reason.text}{suffix} [{rule.policy_id}]")
    return "\n".join(lines)
